from __future__ import annotations

import pytest
from django.urls import reverse

from tests.bia.factories import bia_world
from tests.conftest import PlanPeople, client_for

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.bia.api_test_urls")]


def test_the_api_returns_the_plans_bia_to_an_auditor(people: PlanPeople) -> None:
    bia_world(people)
    response = client_for(people.auditor).get(
        reverse("api_bia_plan", kwargs={"plan_pk": people.plan.pk})
    )
    assert response.status_code == 200
    body = response.json()
    assert {f["name"] for f in body["functions"]} == {"Student printing", "Print accounting"}
    assert body["impact_settings"]["threshold"] == 3


def test_the_api_refuses_stakeholders_and_outsiders(people: PlanPeople) -> None:
    bia_world(people)
    url = reverse("api_bia_plan", kwargs={"plan_pk": people.plan.pk})
    stakeholder = client_for(people.stakeholder).get(url)
    assert stakeholder.status_code == 403
    assert stakeholder["Content-Type"] == "application/problem+json"
    assert client_for(people.outsider).get(url).status_code == 403
