"""The role pages, as a plan manager uses them: list, create, edit, remove, and need."""

from __future__ import annotations

from typing import Any

import pytest

from inventory import people_services
from inventory.people_models import Role, RoleDependency
from tests.conftest import PlanPeople
from tests.inventory.factories import FunctionFactory

pytestmark = pytest.mark.django_db


def _people(people: PlanPeople, *names: str) -> None:
    for name in names:
        people_services.person_create(plan=people.plan, user=people.manager, values={"name": name})


def test_a_manager_adds_a_role_by_naming_its_holders(
    people: PlanPeople, manager_client: Any
) -> None:
    _people(people, "Ann", "Bob")
    response = manager_client.post(
        people.url("inventory_role_create"),
        {"name": "Print service desk", "holders": "Ann\nBob", "holders_needed": 1},
    )
    role = Role.objects.get(plan=people.plan)
    assert response.status_code == 302 and response.url == role.get_absolute_url()
    assert list(role.holder_links.values_list("person__name", flat=True)) == ["Ann", "Bob"]
    listing = manager_client.get(people.url("inventory_people")).content.decode()
    assert "Print service desk" in listing and "Ann, Bob" in listing


def test_a_role_with_an_unknown_holder_is_refused_and_the_input_kept(
    people: PlanPeople, manager_client: Any
) -> None:
    _people(people, "Ann")
    response = manager_client.post(
        people.url("inventory_role_create"),
        {"name": "Desk", "holders": "Ann\nNobody", "holders_needed": 1},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "No person named “Nobody” in this plan." in page and "Desk" in page
    assert not Role.objects.exists()


def test_editing_a_role_keeps_its_history_and_removing_it_asks_for_a_reason(
    people: PlanPeople, manager_client: Any
) -> None:
    _people(people, "Ann", "Bob")
    manager_client.post(
        people.url("inventory_role_create"),
        {"name": "Desk", "holders": "Ann", "holders_needed": 1},
    )
    role = Role.objects.get(plan=people.plan)
    response = manager_client.post(
        people.url("inventory_role_edit", role_pk=role.pk),
        {
            "name": "Desk",
            "holders": "Ann\nBob",
            "holders_needed": 2,
            "version": role.version,
            "reason": "Two on shift",
        },
    )
    assert response.status_code == 302
    role.refresh_from_db()
    assert role.holders_needed == 2
    assert role.history.latest().history_change_reason == "Two on shift"
    response = manager_client.post(
        people.url("inventory_role_delete", role_pk=role.pk), {"reason": "Desk merged"}
    )
    assert response.status_code == 302
    assert not Role.objects.exists()
    assert Role.history.latest().history_type == "-"


def test_a_function_needs_a_role_to_recover_through_the_need_form(
    people: PlanPeople, manager_client: Any
) -> None:
    _people(people, "Ann")
    manager_client.post(
        people.url("inventory_role_create"),
        {"name": "Desk", "holders": "Ann", "holders_needed": 1},
    )
    role = Role.objects.get(plan=people.plan)
    function = FunctionFactory.create(plan=people.plan)
    response = manager_client.post(
        people.url("inventory_function_need_add", function_pk=function.pk),
        {"role": role.pk, "need": "full"},
    )
    assert response.status_code == 302
    need = RoleDependency.objects.get(function=function)
    assert (need.role, need.needed_to) == (role, "recover")
    page = manager_client.get(people.url("inventory_function_detail", function_pk=function.pk))
    (item,) = page.context["spofs"]["items"]
    assert (item.name, item.kind) == ("Ann", "person · single point of failure for recovery")
    assert "Desk (role)" in page.content.decode()
