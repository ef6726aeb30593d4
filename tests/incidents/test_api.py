"""The incidents API: blast radius, declaring, reading; problems for bad input."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from incidents.models import Incident
from incidents.services.recovery import log_add
from incidents.services.steps import step_complete
from tests.conftest import bearer_secret
from tests.incidents.factories import Estate, declare, first_step

pytestmark = pytest.mark.django_db


def _api(user: Any) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def _impact_url(estate: Estate) -> str:
    return f"/api/v1/plans/{estate.plan.pk}/impact"


def test_impact_names_each_function_state_and_why_without_saving(estate: Estate) -> None:
    response = _api(estate.people.auditor).post(
        _impact_url(estate), {"failed": ["Load balancer 1", "SAN"]}, format="json"
    )
    assert response.status_code == 200
    body = response.json()
    assert body["failed"] == ["Load balancer 1", "SAN"]
    functions = {f["name"]: f for f in body["functions"]}
    assert functions["Head office printing"] == {
        "name": "Head office printing",
        "state": "down",
        "because": ["SAN"],
        "rto_hours": None,
        "mtpd_hours": None,
    }
    assert functions["Branch printing"]["state"] == "degraded"
    assert not Incident.objects.exists()


def test_unknown_names_are_a_400_problem_naming_each_of_them(estate: Estate) -> None:
    response = _api(estate.people.manager).post(
        _impact_url(estate), {"failed": ["SAN", "Tape library", "Fax"]}, format="json"
    )
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["type"] == "/api/problems/unknown-elements"
    assert problem["unknown"] == ["Tape library", "Fax"]
    assert "“Tape library”" in problem["detail"]


def test_an_empty_or_oversized_failure_list_is_refused(estate: Estate) -> None:
    client = _api(estate.people.manager)
    empty = client.post(_impact_url(estate), {"failed": []}, format="json")
    assert empty.status_code == 400 and "failed" in empty.json()["errors"]
    long_name = client.post(_impact_url(estate), {"failed": ["x" * 201]}, format="json")
    assert long_name.status_code == 400


def test_token_authentication_works_and_outsiders_get_a_403(estate: Estate) -> None:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {bearer_secret(estate.people.stakeholder)}")
    assert client.post(_impact_url(estate), {"failed": ["SAN"]}, format="json").status_code == 200
    outsider = _api(estate.people.outsider).post(_impact_url(estate), {"failed": ["SAN"]})
    assert outsider.status_code == 403
    assert outsider.json()["title"] == "Forbidden"
    assert APIClient().post(_impact_url(estate), {"failed": ["SAN"]}).status_code in (401, 403)


def test_declaring_through_the_api_returns_201_with_the_impact(estate: Estate) -> None:
    started = (timezone.now() - dt.timedelta(minutes=5)).isoformat()
    response = _api(estate.people.manager).post(
        f"/api/v1/plans/{estate.plan.pk}/incidents/",
        {"title": "SAN failure", "kind": "exercise", "failed": ["SAN"], "started_at": started},
        format="json",
    )
    assert response.status_code == 201
    body = response.json()
    assert body["kind"] == "exercise" and body["status"] == "open"
    assert {f["name"]: f["state"] for f in body["impact"]} == {
        "Head office printing": "down",
        "Branch printing": "degraded",
    }
    assert body["failed"] == [{"name": "SAN", "kind": "component", "recovered_at": None}]
    steps = next(f for f in body["functions"] if f["name"] == "Head office printing")["steps"]
    assert [s["instruction"] for s in steps] == [
        "Check the SAN controllers.",
        "Fail over the print pair.",
    ]


def test_declaring_needs_the_edit_role_and_sane_input(estate: Estate) -> None:
    url = f"/api/v1/plans/{estate.plan.pk}/incidents/"
    future = (timezone.now() + dt.timedelta(hours=2)).isoformat()
    body = {"title": "SAN", "failed": ["SAN"], "started_at": future}
    assert _api(estate.people.stakeholder).post(url, body, format="json").status_code == 403
    response = _api(estate.people.manager).post(url, body, format="json")
    assert response.status_code == 400
    assert "started_at" in response.json()["errors"]
    assert not Incident.objects.exists()


def test_reading_an_incident_gives_its_steps_acknowledgements_and_log(estate: Estate) -> None:
    incident = declare(estate)
    step_complete(step=first_step(incident, estate.head_office), user=estate.people.stakeholder)
    log_add(incident=incident, user=estate.people.manager, kind="decision", text="Go.")
    response = _api(estate.people.auditor).get(
        f"/api/v1/plans/{estate.plan.pk}/incidents/{incident.pk}/"
    )
    assert response.status_code == 200
    body = response.json()
    head = next(f for f in body["functions"] if f["name"] == "Head office printing")
    assert head["steps"][0]["status"] == "done"
    assert head["steps"][0]["completed_by"] == "sam"
    assert body["log"] == [
        {"at": body["log"][0]["at"], "kind": "decision", "text": "Go.", "author": "maya"}
    ]
    assert body["acknowledgements"] == []
    listing = _api(estate.people.auditor).get(f"/api/v1/plans/{estate.plan.pk}/incidents/")
    assert [i["id"] for i in listing.json()] == [incident.pk]


def test_another_plans_incident_is_a_404(estate: Estate) -> None:
    incident = declare(estate)
    from tests.factories import MembershipFactory

    other = MembershipFactory.create(user=estate.people.manager).plan
    response = _api(estate.people.manager).get(f"/api/v1/plans/{other.pk}/incidents/{incident.pk}/")
    assert response.status_code == 404


def test_the_schema_documents_the_incident_endpoints(admin_client: Any) -> None:
    schema = admin_client.get("/api/schema/").content.decode()
    assert "/api/v1/plans/{plan_pk}/impact" in schema
    assert "/api/v1/plans/{plan_pk}/incidents/{incident_pk}/" in schema


@pytest.mark.parametrize("incident_id", ["-1", "0", "10000000000000000000000"])
def test_an_impossible_incident_id_is_a_json_404(estate: Estate, incident_id: str) -> None:
    response = _api(estate.people.auditor).get(
        f"/api/v1/plans/{estate.plan.pk}/incidents/{incident_id}/"
    )
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
