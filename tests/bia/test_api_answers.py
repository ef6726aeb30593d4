"""Answering a BIA through the API, with the permissions and locking of the questionnaire page."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from bia.models import Answer, Assessment
from bia.services.assessments import assessment_submit
from bia.services.common import cell_key
from bia.services.scales import grid_cells
from tests.bia.factories import BiaWorld, fill_required
from tests.conftest import PlanPeople, bearer_client

pytestmark = pytest.mark.django_db


def _url(world: BiaWorld, assessment: Assessment) -> str:
    return f"/api/v1/bia/plans/{world.plan.pk}/assessments/{assessment.pk}/answers/"


def _put(client: Client, url: str, body: dict[str, Any], **headers: str) -> Any:
    return client.put(url, json.dumps(body), content_type="application/json", headers=headers)


def _stakeholder_puts(
    people: PlanPeople, world: BiaWorld, body: dict[str, Any], assessment: Assessment | None = None
) -> Any:
    """The stakeholder puts ``body`` to the answers of their own BIA (or of ``assessment``)."""
    url = _url(world, assessment or world.own_assessment)
    return _put(bearer_client(people.stakeholder), url, body)


def test_the_owner_answers_their_functions_bia_and_history_names_the_token(
    people: PlanPeople, world: BiaWorld
) -> None:
    client = bearer_client(people.stakeholder, name="hr-feed")
    url = _url(world, world.own_assessment)
    response = _put(client, url, {"question": "purpose", "value": "Printing for students"})
    assert response.status_code == 200, response.json()
    assert response.json()["value"] == "Printing for students"
    answer = Answer.objects.get(assessment=world.own_assessment, question__key="purpose")
    record = answer.history.latest()
    assert record.history_user == people.stakeholder
    assert "API token “hr-feed”" in record.history_change_reason


def test_a_grid_cell_is_answered_by_its_cell_key(people: PlanPeople, world: BiaWorld) -> None:
    categories, horizons = grid_cells(world.plan)
    cell = cell_key(categories[0].key, horizons[0])
    response = _stakeholder_puts(
        people, world, {"question": "impact_grid", "cell": cell, "value": 3}
    )
    assert response.status_code == 200, response.json()
    assert response.json()["value"] == 3 and response.json()["cell"] == cell


def test_a_stakeholder_cannot_answer_another_owners_bia(
    people: PlanPeople, world: BiaWorld
) -> None:
    response = _stakeholder_puts(
        people, world, {"question": "purpose", "value": "Not mine"}, world.other_assessment
    )
    assert response.status_code == 403
    assert not Answer.objects.filter(assessment=world.other_assessment).exists()


def test_an_auditor_reads_answers_but_cannot_answer(people: PlanPeople, world: BiaWorld) -> None:
    client = bearer_client(people.auditor)
    url = _url(world, world.own_assessment)
    assert client.get(url).status_code == 200
    assert _put(client, url, {"question": "purpose", "value": "x"}).status_code == 403


def test_changing_an_answer_needs_its_version(people: PlanPeople, world: BiaWorld) -> None:
    client = bearer_client(people.stakeholder)
    url = _url(world, world.own_assessment)
    first = _put(client, url, {"question": "purpose", "value": "First"}).json()
    assert _put(client, url, {"question": "purpose", "value": "Second"}).status_code == 428
    changed = _put(
        client, url, {"question": "purpose", "value": "Second", "version": first["version"]}
    )
    assert changed.status_code == 200 and changed.json()["value"] == "Second"


def test_a_stale_if_match_is_a_412(people: PlanPeople, world: BiaWorld) -> None:
    client = bearer_client(people.stakeholder)
    url = _url(world, world.own_assessment)
    _put(client, url, {"question": "purpose", "value": "First"})
    _put(client, url, {"question": "purpose", "value": "Second"}, **{"If-Match": '"1"'})
    response = _put(client, url, {"question": "purpose", "value": "Third"}, **{"If-Match": '"1"'})
    assert response.status_code == 412
    assert response.json()["differences"][0]["theirs"] == "Second"


def test_a_value_the_question_refuses_is_a_422_with_the_pages_message(
    people: PlanPeople, world: BiaWorld
) -> None:
    response = _stakeholder_puts(people, world, {"question": "data_loss", "value": "whenever"})
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert not Answer.objects.filter(question__key="data_loss").exists()


def test_a_submitted_bia_is_not_answered_any_more(people: PlanPeople, world: BiaWorld) -> None:
    fill_required(world, world.own_assessment, people.stakeholder)
    assessment_submit(assessment=world.own_assessment, user=people.stakeholder)
    response = _stakeholder_puts(
        people, world, {"question": "purpose", "value": "Too late", "version": 1}
    )
    assert response.status_code == 422
    assert "submitted" in response.json()["detail"]


def test_an_unknown_question_is_a_404(people: PlanPeople, world: BiaWorld) -> None:
    response = _stakeholder_puts(people, world, {"question": "no-such-question", "value": "x"})
    assert response.status_code == 404


def test_a_read_only_token_cannot_answer(people: PlanPeople, world: BiaWorld) -> None:
    client = bearer_client(people.stakeholder, access="read")
    response = _put(
        client, _url(world, world.own_assessment), {"question": "purpose", "value": "x"}
    )
    assert response.status_code == 403
