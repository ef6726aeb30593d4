from __future__ import annotations

from typing import Any

from django.urls import reverse

from audit.versions import record_changes
from bcp import services
from bcp.models import Plan
from tests.conftest import PlanPeople


def _rename(plan: Plan, user: Any, name: str) -> Plan:
    return services.plan_update(
        plan=plan,
        user=user,
        expected_version=plan.version,
        reason=f"Now called {name}",
        name=name,
    )


def test_a_change_lists_the_field_with_its_label_and_both_values(people: PlanPeople) -> None:
    old_name = people.plan.name
    _rename(people.plan, people.manager, "Print services 2027")
    newest = Plan.history.filter(id=people.plan.pk).order_by("-history_id").first()
    [changes] = record_changes([newest])
    assert [(c.label, c.old, c.new) for c in changes] == [("Name", old_name, "Print services 2027")]


def test_bookkeeping_columns_are_not_listed_as_changes(people: PlanPeople) -> None:
    _rename(people.plan, people.manager, "Print services 2027")
    newest = Plan.history.filter(id=people.plan.pk).order_by("-history_id").first()
    [changes] = record_changes([newest])
    assert "version" not in {c.name for c in changes}


def test_a_creation_has_nothing_to_compare_with(people: PlanPeople) -> None:
    first = Plan.history.filter(id=people.plan.pk).order_by("history_id").first()
    assert record_changes([first]) == [[]]


def test_each_record_is_compared_with_its_own_objects_previous_record(
    people: PlanPeople,
) -> None:
    plan = _rename(people.plan, people.manager, "Second name")
    plan = _rename(plan, people.manager, "Third name")
    records = list(Plan.history.filter(id=plan.pk).order_by("-history_id")[:2])
    newest, older = record_changes(records)
    assert [(c.old, c.new) for c in newest] == [("Second name", "Third name")]
    assert [c.new for c in older] == ["Second name"]


def test_the_plan_history_page_costs_the_same_queries_for_many_changes(
    people: PlanPeople, manager_client: Any, django_assert_max_num_queries: Any
) -> None:
    plan = people.plan
    for number in range(30):
        plan = _rename(plan, people.manager, f"Name {number}")
    with django_assert_max_num_queries(25):
        response = manager_client.get(reverse("plan_history", kwargs={"plan_pk": plan.pk}))
    assert "Name 28" in response.content.decode()
