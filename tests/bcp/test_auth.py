"""Sign-in throttling: per normalised username and client address, on every sign-in form."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from bcp.auth import normalise_username
from tests.conftest import PlanPeople

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"
ATTEMPTS = 5  # LOGIN_THROTTLE_ATTEMPTS' default


@pytest.fixture
def maya(people: PlanPeople) -> Any:
    people.manager.set_password(PASSWORD)
    people.manager.save()
    return people.manager


def _sign_in(username: str, password: str, *, url: str = "/accounts/login/", **meta: str) -> Any:
    client = Client()
    client.defaults.update(meta)  # REMOTE_ADDR, X-Forwarded-For: where the attempt comes from
    return client.post(url, {"username": username, "password": password})


def _fail(times: int, username: str = "maya", **meta: str) -> None:
    for _ in range(times):
        response = _sign_in(username, "wrong", **meta)
        assert response.status_code in (200, 429)


@pytest.mark.parametrize(
    ("raw", "key"),
    [("maya", "maya"), (" maya ", "maya"), ("ＭＡＹＡ", "maya"), ("Maya\u200b", "maya\u200b")],
)
def test_the_throttle_key_is_the_nfkc_casefolded_stripped_username(raw: str, key: str) -> None:
    assert normalise_username(raw) == key


def test_the_right_password_is_refused_after_too_many_failures(maya: Any) -> None:
    _fail(ATTEMPTS)
    response = _sign_in("maya", PASSWORD)
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.content.decode()
    assert "_auth_user_id" not in response.client.session


@pytest.mark.parametrize("variant", ["maya ", " maya", "ｍａｙａ", "MAYA", "ｍaya"])
def test_spellings_that_sign_in_as_the_same_user_share_the_lock(maya: Any, variant: str) -> None:
    _fail(ATTEMPTS)
    response = _sign_in(variant, PASSWORD)
    assert response.status_code == 429


def test_failures_under_another_spelling_count_towards_the_same_lock(maya: Any) -> None:
    for variant in ["maya ", " maya", "ｍａｙａ", "MAYA", "maya"]:
        _fail(1, variant)
    assert _sign_in("maya", PASSWORD).status_code == 429


def test_the_admin_sign_in_is_throttled_too(maya: Any) -> None:
    maya.is_staff = maya.is_superuser = True
    maya.save()
    for _ in range(ATTEMPTS):
        _sign_in("maya", "wrong", url="/admin/login/")
    response = _sign_in("maya", PASSWORD, url="/admin/login/")
    assert response.status_code == 429
    assert "_auth_user_id" not in response.client.session


def test_failures_from_one_address_do_not_lock_the_user_out_elsewhere(maya: Any) -> None:
    _fail(ATTEMPTS, REMOTE_ADDR="203.0.113.7")
    assert _sign_in("maya", PASSWORD, REMOTE_ADDR="203.0.113.7").status_code == 429
    response = _sign_in("maya", PASSWORD, REMOTE_ADDR="198.51.100.20")
    assert response.status_code == 302


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_behind_a_load_balancer_each_client_address_is_counted_on_its_own(maya: Any) -> None:
    balancer = {"REMOTE_ADDR": "10.0.0.2"}
    _fail(ATTEMPTS, HTTP_X_FORWARDED_FOR="203.0.113.7", **balancer)
    assert (
        _sign_in("maya", PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.7", **balancer).status_code
        == 429
    )
    other = _sign_in("maya", PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.20", **balancer)
    assert other.status_code == 302


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_a_client_cannot_escape_the_lock_by_forging_forwarded_for(maya: Any) -> None:
    balancer = {"REMOTE_ADDR": "10.0.0.2"}
    for forged in ["1.1.1.1", "2.2.2.2", "3.3.3.3", "4.4.4.4", "5.5.5.5"]:
        _sign_in("maya", "wrong", HTTP_X_FORWARDED_FOR=f"{forged}, 203.0.113.7", **balancer)
    response = _sign_in("maya", PASSWORD, HTTP_X_FORWARDED_FOR="9.9.9.9, 203.0.113.7", **balancer)
    assert response.status_code == 429


def test_without_a_trusted_proxy_forwarded_for_is_ignored(maya: Any) -> None:
    for forged in ["1.1.1.1", "2.2.2.2", "3.3.3.3", "4.4.4.4", "5.5.5.5"]:
        _sign_in("maya", "wrong", HTTP_X_FORWARDED_FOR=forged)
    assert _sign_in("maya", PASSWORD, HTTP_X_FORWARDED_FOR="6.6.6.6").status_code == 429


def test_a_successful_sign_in_clears_the_count(maya: Any) -> None:
    _fail(ATTEMPTS - 1)
    assert _sign_in("maya", PASSWORD).status_code == 302
    _fail(ATTEMPTS - 1)
    assert _sign_in("maya", PASSWORD).status_code == 302


def test_the_login_page_still_renders(maya: Any) -> None:
    assert Client().get(reverse("login")).status_code == 200
