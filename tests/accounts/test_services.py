"""Recovery codes are kept only as keyed hashes; codes made before still work after upgrading."""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from django.apps import apps
from django.db import connection
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

from accounts import services
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff() -> Any:
    return UserFactory.create(username="stella", is_staff=True)


def _stored(user: Any) -> set[str]:
    return set(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))


def test_recovery_codes_are_stored_only_as_their_hashes(staff: Any) -> None:
    codes = services.recovery_codes_replace(user=staff)
    stored = _stored(staff)
    assert len(codes) == 10 and len(stored) == 10
    assert not stored & set(codes)
    assert stored == {services.recovery_code_hash(code) for code in codes}


def test_the_hash_ignores_case_spaces_and_dashes_as_people_type_them() -> None:
    assert services.recovery_code_hash("ABCD-EFGH") == services.recovery_code_hash("abcd efgh")


def test_a_recovery_code_typed_as_shown_is_accepted_once(staff: Any) -> None:
    codes = services.recovery_codes_replace(user=staff)
    device = services.second_factor_verify(user=staff, code=codes[3].upper())
    assert isinstance(device, StaticDevice)
    with pytest.raises(services.CodeRefused):
        services.second_factor_verify(user=staff, code=codes[3])


def test_the_stored_hash_itself_is_not_a_recovery_code(staff: Any) -> None:
    services.recovery_codes_replace(user=staff)
    with pytest.raises(services.CodeRefused):
        services.second_factor_verify(user=staff, code=sorted(_stored(staff))[0])


def test_codes_stored_plainly_before_the_upgrade_are_hashed_and_still_sign_in(staff: Any) -> None:
    device = StaticDevice.objects.create(user=staff, name="Recovery codes", confirmed=True)
    StaticToken.objects.create(device=device, token="abcdefgh")
    migration = importlib.import_module("accounts.migrations.0002_hashed_secrets_only")
    with connection.schema_editor() as editor:
        migration.hash_recovery_codes(apps, editor)
    assert _stored(staff) == {services.recovery_code_hash("abcdefgh")}
    client = Client()
    client.post(reverse("login"), {"username": "stella", "password": TEST_PASSWORD})
    assert client.post(reverse("mfa_verify"), {"code": "abcd-efgh"}).status_code == 302
    assert "_auth_user_id" in client.session
