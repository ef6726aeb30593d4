"""API plumbing: who may call, what an anonymous caller is told, who may read the schema."""

from __future__ import annotations

import pytest
from django.test import override_settings

from tests.conftest import PlanPeople, client_for

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url", ["/api/v1/analysis/budget?availability=99.9", "/api/v1/plans/{plan}/inventory/"]
)
def test_an_anonymous_api_call_gets_401_with_a_challenge(people: PlanPeople, url: str) -> None:
    response = client_for(None).get(url.format(plan=people.plan.pk))
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["title"] == "Not authenticated"


def test_a_signed_in_caller_without_the_role_still_gets_403(people: PlanPeople) -> None:
    response = client_for(people.outsider).get(f"/api/v1/plans/{people.plan.pk}/inventory/")
    assert response.status_code == 403


def test_the_schema_and_docs_are_for_signed_in_users(people: PlanPeople) -> None:
    assert client_for(None).get("/api/schema/").status_code == 401
    docs = client_for(None).get("/api/docs/")
    assert docs.status_code == 302 and "/accounts/login/" in docs["Location"]
    assert client_for(people.auditor).get("/api/schema/").status_code == 200
    assert client_for(people.auditor).get("/api/docs/").status_code == 200


@override_settings(API_DOCS_PUBLIC=True)
def test_a_setting_opens_the_schema_and_docs_to_anyone() -> None:
    assert client_for(None).get("/api/schema/").status_code == 200
    assert client_for(None).get("/api/docs/").status_code == 200


def test_an_api_address_no_route_matches_gets_problem_details(people: PlanPeople) -> None:
    response = client_for(people.manager).get(
        f"/api/v1/plans/{people.plan.pk}/analysis/functions/-1/"
    )
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["title"] == "Not found"


def test_a_page_address_no_route_matches_still_gets_the_html_page(people: PlanPeople) -> None:
    response = client_for(people.manager).get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
