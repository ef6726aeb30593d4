"""Junk sent to BIA pages gets a clear refusal, never a server error, and loses nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse

from bia.models import Answer
from tests.bia.factories import BiaWorld, bia_world
from tests.conftest import PlanPeople, client_for

pytestmark = pytest.mark.django_db

JUNK = ["", "-1", "9999999999999999999999", "abc", "=1+1", "<script>", "1e309", "\x00"]


def _posts(world: BiaWorld) -> list[tuple[str, dict[str, Any], Callable[[str], dict[str, str]]]]:
    a = {"assessment_pk": world.own_assessment.pk}
    grid = world.question("impact_grid").pk
    return [
        ("bia_answer_save", a, lambda v: {"question": str(grid), "cell": v, "value": "2"}),
        (
            "bia_answer_save",
            a,
            lambda v: {"question": str(grid), "cell": "financial@1", "value": v, "version": v},
        ),
        ("bia_answer_save", a, lambda v: {"question": v, "value": v}),
        (
            "bia_answer_save",
            a,
            lambda v: {
                "question": str(world.question("minimum_service").pk),
                "value": v,
                "source": v,
            },
        ),
        (
            "bia_settings_edit",
            {},
            lambda v: {
                "horizons_hours": v,
                "threshold": v,
                "peak_uplift": v,
                "currency": v,
                "version": v,
            },
        ),
        (
            "bia_campaign_create",
            {},
            lambda v: {"name": v, "template": v, "due_date": v, "functions": v},
        ),
        (
            "bia_workshop_field",
            {"workshop_pk": world.workshop.pk},
            lambda v: {"field": "notes", "value": v, "version": v, "original": v},
        ),
        (
            "bia_action_add",
            {"workshop_pk": world.workshop.pk},
            lambda v: {"text": v, "owner": v, "due_date": v},
        ),
        (
            "bia_question_add",
            {"template_pk": world.template.pk},
            lambda v: {"section": v, "key": v, "text": v, "qtype": v, "minimum": v},
        ),
        (
            "bia_function_create",
            {},
            lambda v: {"name": v, "criticality": v, "owner": v, "workaround_hours": v},
        ),
        ("bia_interview_create", {}, lambda v: {"function": v, "interviewee": v, "held_at": v}),
        ("bia_assessment_review", a, lambda v: {"decision": v, "comment": v}),
        (
            "bia_campaign_remind",
            {"campaign_pk": world.campaign.pk},
            lambda v: {"assessment": v, "only": v},
        ),
    ]


def test_junk_never_causes_a_server_error(people: PlanPeople) -> None:
    world = bia_world(people)
    client = client_for(people.manager)
    for name, kwargs, data in _posts(world):
        url = reverse(name, kwargs={"plan_pk": world.plan.pk, **kwargs})
        for value in JUNK:
            response = client.post(url, data(value))
            assert response.status_code < 500, (name, value, response.status_code)


def test_a_bad_answer_leaves_earlier_answers_as_they_were(people: PlanPeople) -> None:
    world = bia_world(people)
    client = client_for(people.stakeholder)
    url = reverse(
        "bia_answer_save",
        kwargs={"plan_pk": world.plan.pk, "assessment_pk": world.own_assessment.pk},
    )
    question = world.question("minimum_service")
    client.post(url, {"question": question.pk, "value": "40", "version": "0"})
    response = client.post(url, {"question": question.pk, "value": "140", "version": "1"})
    assert response.status_code == 422
    assert "The largest allowed value is 100" in response.content.decode()
    assert Answer.objects.get(assessment=world.own_assessment).value == 40
