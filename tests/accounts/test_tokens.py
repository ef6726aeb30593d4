"""API tokens from the user menu: hashed, scoped to plans and to reading, expiring, revocable,
named in the history of what they change."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts import services
from accounts.models import ApiToken
from audit.models import ChainEntry
from incidents.models import Incident
from tests.conftest import PlanPeople
from tests.factories import MembershipFactory
from tests.incidents.factories import Estate, print_estate

pytestmark = pytest.mark.django_db


@pytest.fixture
def estate(people: PlanPeople) -> Estate:
    return print_estate(people)


def _token(user: Any, *, access: str = "write", plan: Any = None, days: int = 30) -> str:
    _, secret = services.api_token_create(
        user=user, name=f"sync-{access}", access=access, plan=plan, expires_in_days=days
    )
    return secret


def _api(secret: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


def _declare(client: APIClient, plan: Any) -> Any:
    started = (timezone.now() - dt.timedelta(minutes=5)).isoformat()
    return client.post(
        f"/api/v1/plans/{plan.pk}/incidents/",
        {"title": "SAN failure", "kind": "incident", "failed": ["SAN"], "started_at": started},
        format="json",
    )


def test_only_the_hash_of_a_token_is_stored(people: PlanPeople) -> None:
    secret = _token(people.manager)
    token = ApiToken.objects.get()
    assert token.key_hash == hashlib.sha256(secret.encode()).hexdigest()
    stored = " ".join(str(v) for v in ApiToken.objects.values_list().get())
    assert secret not in stored


def test_a_read_only_token_reads_and_its_last_use_is_recorded(estate: Estate) -> None:
    plan = estate.plan
    response = _api(_token(estate.people.auditor, access="read")).get(
        f"/api/v1/plans/{plan.pk}/incidents/"
    )
    assert response.status_code == 200
    assert ApiToken.objects.get().last_used_at is not None


def test_a_read_only_token_that_writes_gets_a_403_problem(estate: Estate) -> None:
    response = _declare(_api(_token(estate.people.manager, access="read")), estate.plan)
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    assert "read-only" in response.json()["detail"]
    assert not Incident.objects.exists()


def test_a_read_only_token_may_ask_what_if_questions_that_save_nothing(estate: Estate) -> None:
    response = _api(_token(estate.people.auditor, access="read")).post(
        f"/api/v1/plans/{estate.plan.pk}/impact", {"failed": ["SAN"]}, format="json"
    )
    assert response.status_code == 200


def test_a_write_made_with_a_token_is_in_the_history_under_its_user_and_name(
    estate: Estate,
) -> None:
    response = _declare(_api(_token(estate.people.manager)), estate.plan)
    assert response.status_code == 201, response.json()
    row = Incident.history.get(history_type="+")
    assert row.history_user == estate.people.manager
    assert "API token “sync-write”" in row.history_change_reason
    entry = ChainEntry.objects.get(model_label="incidents.Incident", history_id=row.history_id)
    assert entry.user_id == estate.people.manager.pk
    assert "API token “sync-write”" in entry.reason


def test_a_token_never_grants_more_than_its_owners_role(estate: Estate) -> None:
    response = _declare(_api(_token(estate.people.auditor)), estate.plan)
    assert response.status_code == 403


def test_a_plan_token_does_not_reach_another_plan(people: PlanPeople) -> None:
    other = MembershipFactory.create(user=people.manager).plan
    secret = _token(people.manager, access="read", plan=people.plan)
    client = _api(secret)
    assert client.get(f"/api/v1/plans/{people.plan.pk}/incidents/").status_code == 200
    refused = client.get(f"/api/v1/plans/{other.pk}/incidents/")
    assert refused.status_code == 403
    assert "another plan" in refused.json()["detail"]


def test_an_expired_token_gets_a_401_problem(people: PlanPeople) -> None:
    secret = _token(people.manager, days=1)
    token = ApiToken.objects.get()
    token.expires_at = timezone.now() - dt.timedelta(seconds=1)
    token.save()
    response = _api(secret).get(f"/api/v1/plans/{people.plan.pk}/incidents/")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert "expired" in response.json()["detail"]


def test_a_revoked_token_gets_a_401_problem(people: PlanPeople) -> None:
    secret = _token(people.manager)
    services.api_token_revoke(token=ApiToken.objects.get())
    response = _api(secret).get(f"/api/v1/plans/{people.plan.pk}/incidents/")
    assert response.status_code == 401
    assert "revoked" in response.json()["detail"]


@pytest.mark.parametrize(
    "header", ["Bearer", "Bearer ct_nope", "Bearer " + "x" * 500, "Bearer a b"]
)
def test_an_unknown_or_malformed_bearer_token_gets_a_401(people: PlanPeople, header: str) -> None:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    response = client.get(f"/api/v1/plans/{people.plan.pk}/incidents/")
    assert response.status_code == 401


def test_a_token_for_a_plan_one_is_not_a_member_of_is_refused(people: PlanPeople) -> None:
    other = MembershipFactory.create().plan
    with pytest.raises(services.ValidationError):
        _token(people.manager, plan=other)


def test_the_tokens_page_shows_a_new_token_once_and_revokes_it(people: PlanPeople) -> None:
    client = Client()
    client.force_login(people.manager)
    page = client.post(
        reverse("api_tokens"),
        {
            "name": "CMDB sync",
            "access": "write",
            "plan": str(people.plan.pk),
            "expires_in_days": "30",
        },
    ).content.decode()
    secret = re.search(r'id="new-token-secret">(ct_[A-Za-z0-9_-]+)<', page)
    assert secret is not None
    assert (
        _api(secret.group(1)).get(f"/api/v1/plans/{people.plan.pk}/incidents/").status_code == 200
    )
    listing = client.get(reverse("api_tokens")).content.decode()
    assert "CMDB sync" in listing and secret.group(1) not in listing
    token = ApiToken.objects.get()
    client.post(reverse("api_token_revoke", args=[token.pk]))
    assert (
        _api(secret.group(1)).get(f"/api/v1/plans/{people.plan.pk}/incidents/").status_code == 401
    )


def test_a_person_cannot_revoke_someone_elses_token(people: PlanPeople) -> None:
    _token(people.manager)
    client = Client()
    client.force_login(people.auditor)
    response = client.post(reverse("api_token_revoke", args=[ApiToken.objects.get().pk]))
    assert response.status_code == 404
    assert ApiToken.objects.get().revoked_at is None


def test_a_token_form_with_an_empty_name_and_a_strange_expiry_shows_field_errors(
    people: PlanPeople,
) -> None:
    client = Client()
    client.force_login(people.manager)
    response = client.post(
        reverse("api_tokens"), {"name": " ", "access": "admin", "expires_in_days": "9999"}
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert {"name", "access", "expires_in_days"} <= set(errors)
    assert not ApiToken.objects.exists()


def test_the_admins_plain_token_scheme_no_longer_authenticates(people: PlanPeople) -> None:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token " + "0123456789abcdef" * 2 + "01234567")
    response = client.get(f"/api/v1/plans/{people.plan.pk}/incidents/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"


def test_no_table_of_plainly_stored_tokens_is_left() -> None:
    from django.db import connection

    assert "authtoken_token" not in connection.introspection.table_names()


def test_an_expired_token_writing_gets_a_401_problem_and_saves_nothing(
    people: PlanPeople,
) -> None:
    from inventory.models import Component

    secret = _token(people.manager)
    token = ApiToken.objects.get()
    token.expires_at = timezone.now() - dt.timedelta(seconds=1)
    token.save(update_fields=["expires_at"])
    response = _api(secret).post(
        f"/api/v1/plans/{people.plan.pk}/inventory/components/",
        {"name": "SAN", "kind": "storage"},
        format="json",
    )
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert "expired" in response.json()["detail"]
    assert not Component.objects.exists()
