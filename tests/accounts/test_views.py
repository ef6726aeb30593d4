"""Signing in with a second factor: enrol by QR code, codes from a real authenticator, throttle."""

from __future__ import annotations

import re
import time
from typing import Any
from urllib.parse import parse_qs, urlparse

import pyotp
import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import services
from tests.conftest import PlanPeople
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

ATTEMPTS = 5  # LOGIN_THROTTLE_ATTEMPTS' default


def _app_for(device: TOTPDevice) -> pyotp.TOTP:
    """The authenticator app: reads the secret from the otpauth URL the QR code carries."""
    secret = parse_qs(urlparse(device.config_url).query)["secret"][0]
    return pyotp.TOTP(secret)


def _enrolled(user: Any) -> tuple[pyotp.TOTP, list[str]]:
    device = services.totp_device_start(user=user)
    app = _app_for(device)
    # The code of the previous 30 s (still accepted): a code is good once, so the tests
    # that sign in afterwards can use the current one.
    codes = services.totp_device_confirm(device=device, code=app.at(time.time() - 30))
    return app, codes


def _password_step(client: Client, username: str, password: str = TEST_PASSWORD) -> Any:
    return client.post(reverse("login"), {"username": username, "password": password})


def _signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


@pytest.fixture
def staff() -> Any:
    return UserFactory.create(username="stella", is_staff=True)


def test_a_staff_member_without_a_second_factor_is_sent_to_set_one_up_not_signed_in(
    staff: Any,
) -> None:
    client = Client()
    response = _password_step(client, "stella")
    assert response.status_code == 302 and response["Location"] == reverse("mfa_setup")
    assert not _signed_in(client)
    assert client.get(reverse("plan_list")).status_code == 302


def test_scanning_the_qr_code_and_typing_the_apps_code_signs_in_and_shows_ten_recovery_codes(
    staff: Any,
) -> None:
    client = Client()
    _password_step(client, "stella")
    page = client.get(reverse("mfa_setup")).content.decode()
    assert "<svg" in page
    secret = re.search(r'<code id="mfa-secret">([A-Z2-7 ]+)</code>', page)
    assert secret is not None
    app = pyotp.TOTP(secret.group(1).replace(" ", ""))
    response = client.post(reverse("mfa_setup"), {"code": app.now()})
    assert response.status_code == 200
    assert _signed_in(client)
    codes = re.findall(r'<li class="col-6">([a-z2-7]+)</li>', response.content.decode())
    assert len(codes) == 10
    assert TOTPDevice.objects.get(user=staff).confirmed


def test_a_wrong_code_while_setting_up_leaves_the_app_unconfirmed(staff: Any) -> None:
    client = Client()
    _password_step(client, "stella")
    client.get(reverse("mfa_setup"))
    response = client.post(reverse("mfa_setup"), {"code": "000000"})
    assert "does not match" in response.content.decode()
    assert not _signed_in(client)
    assert not TOTPDevice.objects.get(user=staff).confirmed


def test_a_staff_member_cannot_sign_in_with_the_password_alone(staff: Any) -> None:
    _enrolled(staff)
    client = Client()
    response = _password_step(client, "stella")
    assert response["Location"] == reverse("mfa_verify")
    assert not _signed_in(client)
    assert client.get(reverse("plan_list")).status_code == 302


def test_the_current_code_from_the_app_completes_sign_in(staff: Any) -> None:
    app, _ = _enrolled(staff)
    client = Client()
    _password_step(client, "stella")
    response = client.post(reverse("mfa_verify"), {"code": app.now()})
    assert response.status_code == 302 and response["Location"] == reverse("plan_list")
    assert _signed_in(client)


@override_settings(OTP_TOTP_THROTTLE_FACTOR=0, OTP_STATIC_THROTTLE_FACTOR=0)
def test_a_wrong_code_is_refused_with_a_message(staff: Any) -> None:
    app, _ = _enrolled(staff)
    client = Client()
    _password_step(client, "stella")
    wrong = f"{(int(app.now()) + 1) % 1_000_000:06d}"
    response = client.post(reverse("mfa_verify"), {"code": wrong})
    assert response.status_code == 200
    assert "That code is not right" in response.content.decode()
    assert not _signed_in(client)


def test_a_recovery_code_signs_in_once(staff: Any) -> None:
    _, codes = _enrolled(staff)
    first = Client()
    _password_step(first, "stella")
    assert first.post(reverse("mfa_verify"), {"code": codes[0].upper()}).status_code == 302
    assert _signed_in(first)
    assert StaticToken.objects.filter(device__user=staff).count() == 9
    again = Client()
    _password_step(again, "stella")
    again.post(reverse("mfa_verify"), {"code": codes[0]})
    assert not _signed_in(again)


@override_settings(OTP_TOTP_THROTTLE_FACTOR=0, OTP_STATIC_THROTTLE_FACTOR=0)
def test_wrong_codes_count_towards_the_sign_in_throttle_with_wrong_passwords(staff: Any) -> None:
    app, _ = _enrolled(staff)
    _password_step(Client(), "stella", "wrong")
    client = Client()
    _password_step(client, "stella")
    for _ in range(ATTEMPTS - 2):
        assert client.post(reverse("mfa_verify"), {"code": "123456x"}).status_code == 200
    locked = client.post(reverse("mfa_verify"), {"code": "654321x"})
    assert locked.status_code == 429
    assert not _signed_in(client)
    fresh = Client()
    assert _password_step(fresh, "stella").status_code == 429
    assert fresh.post(reverse("mfa_verify"), {"code": app.now()}).status_code == 302
    assert not _signed_in(fresh)


def test_the_code_step_without_the_password_step_sends_back_to_sign_in(staff: Any) -> None:
    response = Client().post(reverse("mfa_verify"), {"code": "123456"})
    assert response.status_code == 302 and response["Location"] == reverse("login")


def test_a_plan_member_without_a_second_factor_signs_in_with_the_password_when_staff_only(
    people: PlanPeople,
) -> None:
    client = Client()
    assert _password_step(client, "maya").status_code == 302
    assert _signed_in(client)


@override_settings(MFA_REQUIRED="all")
def test_when_required_for_all_a_plan_member_must_set_up_a_second_factor(
    people: PlanPeople,
) -> None:
    client = Client()
    assert _password_step(client, "maya")["Location"] == reverse("mfa_setup")
    assert not _signed_in(client)


@override_settings(MFA_REQUIRED="off")
def test_when_off_staff_sign_in_with_the_password_but_a_set_up_factor_is_still_asked(
    staff: Any, people: PlanPeople
) -> None:
    client = Client()
    assert _password_step(client, "stella")["Location"] == reverse("plan_list")
    _enrolled(people.manager)
    other = Client()
    assert _password_step(other, "maya")["Location"] == reverse("mfa_verify")
    assert not _signed_in(other)


def test_the_admin_sign_in_asks_for_the_second_factor_too(staff: Any) -> None:
    _enrolled(staff)
    client = Client()
    response = client.post(
        reverse("admin_login"), {"username": "stella", "password": TEST_PASSWORD, "next": "/admin/"}
    )
    assert response["Location"] == reverse("mfa_verify")
    assert not _signed_in(client)


def test_a_member_may_remove_an_optional_second_factor_with_a_current_code(
    people: PlanPeople,
) -> None:
    app, _ = _enrolled(people.manager)
    client = Client()
    client.force_login(people.manager)
    client.post(reverse("mfa_remove"), {"code": app.now()})
    assert not TOTPDevice.objects.filter(user=people.manager).exists()


def test_a_staff_member_cannot_remove_a_required_second_factor(staff: Any) -> None:
    app, _ = _enrolled(staff)
    client = Client()
    client.force_login(staff)
    client.post(reverse("mfa_remove"), {"code": app.now()})
    assert TOTPDevice.objects.filter(user=staff, confirmed=True).exists()


def test_new_recovery_codes_replace_the_old_ones(staff: Any) -> None:
    _, old = _enrolled(staff)
    client = Client()
    client.force_login(staff)
    page = client.post(reverse("mfa_recovery_codes")).content.decode()
    new = re.findall(r'<li class="col-6">([a-z2-7]+)</li>', page)
    assert len(new) == 10
    hashes = [services.recovery_code_hash(code) for code in old]
    assert not StaticToken.objects.filter(device__user=staff, token__in=hashes).exists()
    assert StaticToken.objects.filter(device__user=staff).count() == 10


@pytest.mark.django_db
def test_asking_for_a_reset_says_a_link_was_sent_not_that_the_password_was_set() -> None:
    UserFactory.create(email="someone@example.org")
    client = Client()
    response = client.post(reverse("password_reset"), {"email": "someone@example.org"}, follow=True)
    text = response.content.decode()
    assert "we have sent it a link to set a new password" in text
    assert "has been set" not in text


@pytest.mark.django_db
def test_after_changing_a_password_the_page_says_it_has_been_set(client: Client) -> None:
    user = UserFactory.create()
    client.force_login(user)
    text = client.get(reverse("password_change_done")).content.decode()
    assert "Your password has been set" in text
