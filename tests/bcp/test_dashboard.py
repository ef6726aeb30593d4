from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from audit.models import ChainEntry
from bcp.dashboard import changes_since_published, deadlines, member_todos
from bcp.models import Membership, Plan
from bia.services.functions import function_create
from documents.models import PlanVersion
from documents.selectors import changed_since_versions
from tests.conftest import PlanPeople, client_for
from tests.documents.factories import PlanVersionFactory, SignOffRequestFactory

pytestmark = pytest.mark.django_db


def _published(plan: Plan, number: int = 1) -> PlanVersion:
    """A version frozen at the plan's newest history entry, as publishing leaves it."""
    seq = ChainEntry.objects.filter(plan_id=plan.pk).aggregate(m=Max("seq"))["m"] or 0
    return PlanVersionFactory.create(plan=plan, number=number, history_seq=seq)


def _add_function(plan: Plan, user: Any, name: str = "Scanning") -> None:
    function_create(plan=plan, user=user, name=name)


def test_a_published_plan_is_not_changed_since_its_version_until_its_data_changes(
    people: PlanPeople,
) -> None:
    _published(people.plan, 3)
    assert changed_since_versions([people.plan.pk]) == {people.plan.pk: None}
    _add_function(people.plan, people.manager)
    assert changed_since_versions([people.plan.pk]) == {people.plan.pk: 3}


def test_publishing_a_new_version_clears_the_changed_mark(people: PlanPeople) -> None:
    _published(people.plan, 1)
    _add_function(people.plan, people.manager)
    _published(people.plan, 2)
    assert changed_since_versions([people.plan.pk]) == {people.plan.pk: None}


def test_the_plan_list_portfolio_and_overview_say_changed_since_version_n(
    people: PlanPeople,
) -> None:
    _published(people.plan, 2)
    _add_function(people.plan, people.manager)
    client = client_for(people.manager)
    for url in (
        reverse("plan_list"),
        reverse("portfolio"),
        reverse("plan_detail", args=[people.plan.pk]),
    ):
        assert "changed since version 2" in client.get(url).content.decode().lower(), url


def test_the_overview_summarises_what_changed_since_the_published_version(
    people: PlanPeople,
) -> None:
    _published(people.plan, 1)
    _add_function(people.plan, people.manager, "Scanning")
    _add_function(people.plan, people.manager, "Copying")
    changes = changes_since_published(people.plan)
    assert changes.number == 1 and changes.summary is not None
    (row,) = [r for r in changes.summary.rows if r.record == "Business functions"]
    assert row.added == 2
    page = client_for(people.stakeholder).get(reverse("plan_detail", args=[people.plan.pk]))
    assert "Changes since version 1" in page.content.decode()


def test_nothing_published_says_so_instead_of_a_change_list(people: PlanPeople) -> None:
    assert changes_since_published(people.plan).number is None


def test_deadlines_come_soonest_first_with_the_plan_review_among_them(
    people: PlanPeople,
) -> None:
    today = timezone.localdate()
    version = _published(people.plan, 1)
    SignOffRequestFactory.create(
        plan_version=version, stakeholder=people.stakeholder, due_date=today + dt.timedelta(days=3)
    )
    found = deadlines(people.plan, today=today)
    assert [d.day for d in found] == sorted(d.day for d in found)
    assert found[0].what.startswith("Sign-off of version 1 by")
    assert any(d.what == "Review of the whole plan" for d in found)


def test_each_member_sees_the_sign_off_waiting_for_them(people: PlanPeople) -> None:
    version = _published(people.plan, 1)
    SignOffRequestFactory.create(plan_version=version, stakeholder=people.stakeholder)
    members = list(Membership.objects.filter(plan=people.plan).select_related("user"))
    todos = {t.membership.user_id: t.todos for t in member_todos(people.plan, members)}
    assert [t.text for t in todos[people.stakeholder.pk]] == ["Decide the sign-off of version 1"]
    assert todos[people.auditor.pk] == []
