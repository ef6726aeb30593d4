"""Only staff and coordinators create plans; only managers and stakeholders own functions."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from bcp.models import Plan
from tests.conftest import PlanPeople, client_for
from tests.factories import UserFactory, make_coordinator

pytestmark = pytest.mark.django_db

NEW_PLAN = {"name": "Library", "organisation": "Northbridge", "classification": "Internal"}


def test_a_plan_manager_who_is_not_a_coordinator_sees_no_new_plan_button(
    people: PlanPeople,
) -> None:
    body = client_for(people.manager).get(reverse("plan_list")).content.decode()
    assert reverse("plan_create") not in body


def test_a_coordinator_sees_the_new_plan_button(people: PlanPeople) -> None:
    body = client_for(make_coordinator(people.auditor)).get(reverse("plan_list")).content.decode()
    assert f'href="{reverse("plan_create")}">New plan</a>' in body


def test_staff_see_the_new_plan_button(db: None) -> None:
    staff = UserFactory.create(is_staff=True)
    body = client_for(staff).get(reverse("plan_list")).content.decode()
    assert f'href="{reverse("plan_create")}">New plan</a>' in body


def test_someone_without_the_permission_is_refused_the_new_plan_page_and_creates_nothing(
    people: PlanPeople,
) -> None:
    client = client_for(people.manager)
    assert client.get(reverse("plan_create")).status_code == 403
    assert client.post(reverse("plan_create"), NEW_PLAN).status_code == 403
    assert not Plan.objects.filter(name="Library").exists()


def test_someone_without_plans_or_permission_is_told_to_ask(db: None) -> None:
    body = client_for(UserFactory.create()).get(reverse("plan_list")).content.decode()
    assert "Ask a plan manager to add you to their plan, or a coordinator" in body
    assert reverse("plan_create") not in body


def test_the_function_owner_picker_offers_managers_and_stakeholders_only(
    people: PlanPeople,
) -> None:
    from bia.forms.functions import FunctionForm

    field: Any = FunctionForm(plan=people.plan).fields["owner"]
    offered = set(field.queryset)
    assert offered == {people.manager, people.stakeholder}
