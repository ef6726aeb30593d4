"""People and suppliers: the services' checks and how they reach the engine."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from analysis.engine.availability import single_points_of_failure as engine_spofs
from inventory import people_services as services
from inventory.people import contract_restore_hours, cover_key, person_key, supplier_key
from inventory.people_models import (
    Deputy,
    NeededTo,
    Person,
    Role,
    RoleHolder,
    Supplier,
    SupportHours,
)
from inventory.topology import (
    plan_topology,
    recovery_single_points_of_failure,
    single_points_of_failure,
)
from tests.conftest import PlanPeople
from tests.inventory.factories import FunctionFactory, person_add

pytestmark = pytest.mark.django_db


def _set_deputies(people: PlanPeople, person: Person, deputies: list[Person]) -> Person:
    """The manager names ``person``'s deputies, from the version ``person`` holds."""
    return services.person_update(
        person=person,
        user=people.manager,
        expected_version=person.version,
        values={},
        deputies=deputies,
    )


def _supplier(people: PlanPeople, **values: object) -> Supplier:
    spec: dict[str, object] = {
        "name": "PrintCare Ltd",
        "contract_reference": "MPS-1",
        "service_availability_percent": 99.5,
        "contract_rto_hours": 8.0,
        "support_hours": SupportHours.ALWAYS,
    }
    spec.update(values)
    return services.supplier_create(plan=people.plan, user=people.manager, values=spec)


def test_a_person_needed_to_operate_without_a_deputy_is_a_single_point_of_failure(
    people: PlanPeople,
) -> None:
    function = FunctionFactory.create(plan=people.plan)
    admin = person_add(people, "Ann", role="Print administrator")
    services.person_dependency_create(
        function=function, person=admin, user=people.manager, needed_to=NeededTo.OPERATE
    )
    pt = plan_topology(people.plan)
    service = f"function:{function.pk}"
    assert single_points_of_failure(pt, service) == (person_key(admin.pk),)
    assert pt.name(person_key(admin.pk)) == "Ann (Print administrator)"


def test_a_person_with_a_deputy_is_covered_by_a_one_of_two_group(people: PlanPeople) -> None:
    function = FunctionFactory.create(plan=people.plan)
    deputy = person_add(people, "Bob")
    admin = person_add(people, "Ann", handover_hours=2.0)
    _set_deputies(people, admin, [deputy])
    services.person_dependency_create(
        function=function, person=admin, user=people.manager, needed_to=NeededTo.OPERATE
    )
    pt = plan_topology(people.plan)
    (service,) = pt.topology.services
    assert service.requires == (cover_key(admin.pk),)
    (group,) = pt.topology.groups
    assert group.members == (person_key(admin.pk), person_key(deputy.pk))
    assert (group.k, group.mode, group.failover_seconds) == (1, "active_passive", 7200.0)
    assert engine_spofs(pt.topology, service.id) == ()


def test_person_availability_comes_from_absence_days(people: PlanPeople) -> None:
    admin = person_add(people, "Ann", absence_days_per_year=36.52425, recall_hours=48.0)
    (component,) = plan_topology(people.plan).topology.components
    assert component.id == person_key(admin.pk)
    assert component.availability == pytest.approx(0.9)
    assert component.restore_hours == 48.0


def test_a_deputy_chain_that_loops_is_refused_naming_the_loop(people: PlanPeople) -> None:
    ann, bob, cat = person_add(people, "Ann"), person_add(people, "Bob"), person_add(people, "Cat")
    for person, deputy in ((ann, bob), (bob, cat)):
        _set_deputies(people, person, [deputy])
    cat.refresh_from_db()
    with pytest.raises(ValidationError) as raised:
        _set_deputies(people, cat, [ann])
    assert "Cat → Ann → Bob → Cat" in raised.value.message_dict["deputies"][0]
    assert not Deputy.objects.filter(person=cat).exists()


def test_a_person_cannot_deputise_for_themself(people: PlanPeople) -> None:
    ann = person_add(people, "Ann")
    with pytest.raises(ValidationError, match="cannot deputise for themself"):
        _set_deputies(people, ann, [ann])


def test_person_changes_are_recorded_in_history_with_the_actor(people: PlanPeople) -> None:
    ann = person_add(people, "Ann")
    services.person_update(
        person=ann,
        user=people.manager,
        expected_version=ann.version,
        values={"absence_days_per_year": 20.0},
        reason="New contract",
    )
    latest = ann.history.order_by("-history_id").first()
    assert latest is not None
    assert (latest.history_user, latest.history_change_reason) == (people.manager, "New contract")
    assert latest.absence_days_per_year == 20.0


def test_business_hours_support_extends_the_contractual_rto_from_a_friday_evening() -> None:
    assert contract_restore_hours(8.0, SupportHours.ALWAYS) == 8.0
    assert contract_restore_hours(8.0, SupportHours.BUSINESS) == 70.0
    assert contract_restore_hours(12.0, SupportHours.BUSINESS) == 88.0
    assert contract_restore_hours(51.0, SupportHours.BUSINESS) == 231.0


def test_a_supplier_takes_its_figures_from_its_contract(people: PlanPeople) -> None:
    supplier = _supplier(people, support_hours=SupportHours.BUSINESS, contract_rpo_hours=4.0)
    (component,) = plan_topology(people.plan).topology.components
    assert component.id == supplier_key(supplier.pk)
    assert component.availability == pytest.approx(0.995)
    assert (component.restore_hours, component.backup_interval_hours) == (70.0, 4.0)
    assert component.holds_data


def test_a_supplier_contract_with_bad_figures_is_refused_with_every_field(
    people: PlanPeople,
) -> None:
    with pytest.raises(ValidationError) as raised:
        _supplier(people, contract_reference="", service_availability_percent=120.0)
    assert set(raised.value.message_dict) == {"contract_reference", "service_availability_percent"}


def test_a_person_needed_to_recover_is_kept_out_of_the_running_service(
    people: PlanPeople,
) -> None:
    function = FunctionFactory.create(plan=people.plan)
    admin = person_add(people, "Ann", recall_hours=48.0)
    services.person_dependency_create(function=function, person=admin, user=people.manager)
    pt = plan_topology(people.plan)
    service = f"function:{function.pk}"
    assert pt.topology.services[0].requires == ()
    assert pt.recovery_requires == {service: (person_key(admin.pk),)}
    assert recovery_single_points_of_failure(pt, service) == (person_key(admin.pk),)


def test_a_need_to_recover_only_in_degraded_service_is_refused(people: PlanPeople) -> None:
    function = FunctionFactory.create(plan=people.plan)
    admin = person_add(people, "Ann")
    with pytest.raises(ValidationError, match="not split into full or degraded"):
        services.person_dependency_create(
            function=function,
            person=admin,
            user=people.manager,
            need="degraded",
            needed_to=NeededTo.RECOVER,
        )


def test_a_need_only_in_degraded_service_is_to_operate_unless_said_otherwise(
    people: PlanPeople,
) -> None:
    function = FunctionFactory.create(plan=people.plan)
    admin = person_add(people, "Ann")
    need = services.person_dependency_create(
        function=function, person=admin, user=people.manager, need="degraded"
    )
    assert need.needed_to == NeededTo.OPERATE


def test_removing_the_only_holder_of_a_role_is_refused_naming_the_role(
    people: PlanPeople,
) -> None:
    tom = Person.objects.create(plan=people.plan, name="Tom Baker")
    role = Role.objects.create(plan=people.plan, name="Print service desk")
    RoleHolder.objects.create(role=role, person=tom)
    with pytest.raises(ValidationError, match="“Print service desk”, which needs 1 holder"):
        services.person_delete(person=tom, user=people.manager)
    assert Person.objects.filter(pk=tom.pk).exists()
