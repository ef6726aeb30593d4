"""The people and suppliers pages, as a plan manager uses them."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from inventory import people_services as services
from inventory.people_models import Deputy, Person, SupportHours
from tests.conftest import PlanPeople
from tests.inventory.factories import FunctionFactory

pytestmark = pytest.mark.django_db


def _add_people(people: PlanPeople, start: int, count: int) -> None:
    for index in range(start, start + count):
        deputy = services.person_create(
            plan=people.plan, user=people.manager, values={"name": f"Deputy {index}"}
        )
        services.person_create(
            plan=people.plan,
            user=people.manager,
            values={"name": f"Person {index}"},
            deputies=[deputy],
        )
        services.supplier_create(
            plan=people.plan,
            user=people.manager,
            values={
                "name": f"Supplier {index}",
                "contract_reference": f"C-{index}",
                "service_availability_percent": 99.9,
                "contract_rto_hours": 4.0,
                "support_hours": SupportHours.BUSINESS,
            },
        )


def test_people_list_query_count_does_not_grow_with_the_people(
    people: PlanPeople, manager_client: Any, django_assert_max_num_queries: Any
) -> None:
    _add_people(people, 0, 3)
    url = people.url("inventory_people")
    with CaptureQueriesContext(connection) as small:
        assert manager_client.get(url).status_code == 200
    _add_people(people, 3, 30)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = manager_client.get(url)
    assert response.content.decode().count(">no deputy<") == 33
    assert "66 h" in response.content.decode()  # 4 h RTO in business hours: 62 + 4


def test_a_deputy_loop_typed_in_the_form_is_refused_and_nothing_changes(
    people: PlanPeople, manager_client: Any
) -> None:
    ann = services.person_create(plan=people.plan, user=people.manager, values={"name": "Ann"})
    services.person_create(
        plan=people.plan, user=people.manager, values={"name": "Bob"}, deputies=[ann]
    )
    ann.refresh_from_db()
    response = manager_client.post(
        people.url("inventory_person_edit", person_pk=ann.pk),
        {
            "name": "Ann",
            "absence_days_per_year": "30",
            "handover_hours": "4",
            "recall_hours": "72",
            "deputies": "Bob",
            "version": ann.version,
        },
    )
    assert response.status_code == 400
    assert "Ann → Bob → Ann" in response.content.decode()
    assert not Deputy.objects.filter(person=ann).exists()


def test_a_new_person_is_added_through_the_form_with_the_reason_in_history(
    people: PlanPeople, manager_client: Any
) -> None:
    response = manager_client.post(
        people.url("inventory_person_create"),
        {
            "name": "Priya Shah",
            "role": "Print administrator",
            "absence_days_per_year": "25",
            "handover_hours": "2",
            "recall_hours": "48",
            "reason": "Key person from the BIA",
        },
    )
    person = Person.objects.get(plan=people.plan, name="Priya Shah")
    assert response.status_code == 302 and response["Location"] == person.get_absolute_url()
    record = person.history.get()
    assert (record.history_user, record.history_change_reason) == (
        people.manager,
        "Key person from the BIA",
    )


def _function_page_once_ann_is_needed(
    people: PlanPeople, manager_client: Any, need: dict[str, str]
) -> Any:
    """The function page after a manager says a new function fully needs Ann (a DBA),
    with ``need``'s further choices."""
    function = FunctionFactory.create(plan=people.plan)
    person = services.person_create(
        plan=people.plan, user=people.manager, values={"name": "Ann", "role": "DBA"}
    )
    response = manager_client.post(
        people.url("inventory_function_need_add", function_pk=function.pk),
        {"person": person.pk, "need": "full", **need},
    )
    assert response.status_code == 302
    return manager_client.get(people.url("inventory_function_detail", function_pk=function.pk))


def test_function_page_lists_a_needed_person_among_its_single_points_of_failure(
    people: PlanPeople, manager_client: Any
) -> None:
    page = _function_page_once_ann_is_needed(people, manager_client, {"needed_to": "operate"})
    assert [item.name for item in page.context["spofs"]["items"]] == ["Ann (DBA)"]


def test_a_person_needed_to_recover_is_listed_as_a_spof_for_recovery(
    people: PlanPeople, manager_client: Any
) -> None:
    page = _function_page_once_ann_is_needed(people, manager_client, {})
    (item,) = page.context["spofs"]["items"]
    assert (item.name, item.kind) == ("Ann (DBA)", "person · single point of failure for recovery")
    assert "needed to recover" in page.content.decode()


def test_the_need_form_asks_for_a_person_or_a_supplier(
    people: PlanPeople, manager_client: Any
) -> None:
    function = FunctionFactory.create(plan=people.plan)
    response = manager_client.post(
        people.url("inventory_function_need_add", function_pk=function.pk), {"need": "full"}
    )
    assert response.status_code == 400
    assert "Choose one person, role or supplier." in response.content.decode()


def test_supplier_page_shows_the_restore_time_its_contract_works_out_to(
    people: PlanPeople, manager_client: Any
) -> None:
    supplier = services.supplier_create(
        plan=people.plan,
        user=people.manager,
        values={
            "name": "PrintCare Ltd",
            "contract_reference": "MPS-2024-017",
            "service_availability_percent": 99.5,
            "contract_rto_hours": 8.0,
            "support_hours": SupportHours.BUSINESS,
        },
    )
    page = manager_client.get(people.url("inventory_supplier_detail", supplier_pk=supplier.pk))
    text = page.content.decode()
    assert "Contract MPS-2024-017" in text and "70 h" in text


def test_a_stakeholder_cannot_add_people(people: PlanPeople, client: Any) -> None:
    client.force_login(people.stakeholder)
    response = client.post(people.url("inventory_person_create"), {"name": "Eve"})
    assert response.status_code == 403
    assert not Person.objects.filter(plan=people.plan).exists()
