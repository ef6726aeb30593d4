"""The home page's "What's waiting for me": each role sees its own work, or that none waits."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.urls import reverse
from django.utils import timezone

from bia.services.assessments import assessment_submit
from incidents.models import IncidentStep
from incidents.services.steps import step_assign
from notifications import waiting
from notifications.waiting import Section, WaitingItem, waiting_for, waiting_source_register
from tests.bia.factories import bia_world, fill_required
from tests.conftest import PlanPeople, client_for
from tests.documents.factories import PlanVersionFactory, SignOffRequestFactory
from tests.incidents.factories import declare, print_estate

pytestmark = pytest.mark.django_db


def _home(user: Any) -> str:
    response = client_for(user).get(reverse("home"), follow=True)
    assert response.status_code == 200
    return response.content.decode()


def _titles(user: Any, section: Section) -> list[str]:
    return [i.title for g in waiting_for(user) if g.section == section for i in g.items]


def test_a_function_owner_sees_the_bia_they_must_answer(people: PlanPeople) -> None:
    world = bia_world(people)
    body = _home(people.stakeholder)
    assert 'id="waiting"' in body
    assert f"Answer the BIA of {world.own.name}" in body
    assert world.own_assessment.get_absolute_url() in body


def test_a_manager_sees_a_submitted_bia_to_approve(people: PlanPeople) -> None:
    world = bia_world(people)
    fill_required(world, world.own_assessment, people.stakeholder)
    assessment_submit(assessment=world.own_assessment, user=people.stakeholder)
    assert f"Approve or return the BIA of {world.own.name}" in _titles(people.manager, Section.BIAS)
    assert _titles(people.stakeholder, Section.BIAS) == []


def test_a_stakeholder_sees_the_signature_asked_of_them_with_its_due_date(
    people: PlanPeople,
) -> None:
    version = PlanVersionFactory.create(plan=people.plan, number=4)
    SignOffRequestFactory.create(
        plan_version=version,
        stakeholder=people.stakeholder,
        requested_by=people.manager,
        due_date=timezone.localdate() - dt.timedelta(days=1),
    )
    body = _home(people.stakeholder)
    assert "Sign off version 4" in body
    assert "overdue, was due" in body


def test_someone_sees_the_incident_steps_assigned_to_them(people: PlanPeople) -> None:
    incident = declare(print_estate(people))
    step = IncidentStep.objects.filter(incident_function__incident=incident).first()
    assert step is not None
    step_assign(step=step, user=people.manager, assignee=people.stakeholder)
    items = [i for g in waiting_for(people.stakeholder) for i in g.items if "#step-" in i.link]
    assert [i.link for i in items] == [f"{incident.get_absolute_url()}#step-{step.pk}"]


def test_someone_with_nothing_to_do_is_told_so(people: PlanPeople) -> None:
    body = _home(people.outsider)
    assert 'id="waiting-empty"' in body
    assert "Nothing is waiting for you" in body


@pytest.fixture
def restored_sources() -> Iterator[None]:
    saved = {section: list(sources) for section, sources in waiting._SOURCES.items()}
    yield
    waiting._SOURCES.clear()
    waiting._SOURCES.update(saved)


def test_another_app_can_add_its_review_tasks(people: PlanPeople, restored_sources: None) -> None:
    def review_tasks(user: AbstractBaseUser) -> list[WaitingItem]:
        return [WaitingItem(title="Confirm the BIA of Payroll", plan_name="P", link="/plans/")]

    waiting_source_register(Section.REVIEW_TASKS, review_tasks)
    waiting_source_register(Section.REVIEW_TASKS, review_tasks)
    assert _titles(people.auditor, Section.REVIEW_TASKS) == ["Confirm the BIA of Payroll"]
    assert "Review tasks" in _home(people.auditor)


def test_a_source_that_returns_something_else_is_refused(
    people: PlanPeople, restored_sources: None
) -> None:
    def loose(user: AbstractBaseUser) -> Any:
        return [{"title": "loose dict"}]

    waiting_source_register(Section.REVIEW_TASKS, loose)
    with pytest.raises(TypeError, match="not a WaitingItem"):
        waiting_for(people.auditor)


def test_a_waiting_item_must_link_to_this_site() -> None:
    with pytest.raises(ValueError, match="this site"):
        WaitingItem(title="Sign", plan_name="P", link="https://elsewhere.example/")


def test_the_home_page_query_count_does_not_grow_with_the_waiting_items(
    people: PlanPeople, django_assert_max_num_queries: Any
) -> None:
    for number in range(1, 16):
        version = PlanVersionFactory.create(plan=people.plan, number=number)
        SignOffRequestFactory.create(
            plan_version=version, stakeholder=people.stakeholder, requested_by=people.manager
        )
    client = client_for(people.stakeholder)
    with django_assert_max_num_queries(20):
        body = client.get(reverse("plan_list")).content.decode()
    assert body.count("Sign off version") == 15
