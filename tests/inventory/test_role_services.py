"""Roles held by several people: the services' checks and how they reach the engine."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from analysis.engine.availability import AvailabilityAnalyzer
from analysis.engine.recovery import recovery_reach
from inventory import people_services, role_services
from inventory.people import cover_key, person_availability, person_key, role_key
from inventory.people_models import NeededTo, Person, Role
from inventory.topology import (
    plan_topology,
    recovery_single_points_of_failure,
    single_points_of_failure,
)
from tests.conftest import PlanPeople
from tests.inventory.factories import FunctionFactory, person_add

pytestmark = pytest.mark.django_db


def _role(people: PlanPeople, holders: list[Person], needed: int = 1) -> Role:
    return role_services.role_create(
        plan=people.plan,
        user=people.manager,
        values={"name": "Print service desk", "holders_needed": needed},
        holders=holders,
    )


def test_a_role_is_a_k_of_n_group_of_its_holders(people: PlanPeople) -> None:
    ann, bob, cat = (person_add(people, n) for n in ("Ann", "Bob", "Cat"))
    role = _role(people, [ann, bob, cat], needed=2)
    group = next(g for g in plan_topology(people.plan).topology.groups if g.id == role_key(role.pk))
    assert (group.mode, group.k) == ("active_active", 2)
    assert group.members == (person_key(ann.pk), person_key(bob.pk), person_key(cat.pk))


def test_a_role_needed_to_operate_has_the_two_of_three_availability(people: PlanPeople) -> None:
    function = FunctionFactory.create(plan=people.plan)
    holders = [person_add(people, n, absence_days_per_year=30.0) for n in ("Ann", "Bob", "Cat")]
    role = _role(people, holders, needed=2)
    role_services.role_dependency_create(
        function=function, role=role, user=people.manager, needed_to=NeededTo.OPERATE
    )
    pt = plan_topology(people.plan)
    a = person_availability(30.0)
    two_of_three = a**3 + 3 * a**2 * (1 - a)
    service = f"function:{function.pk}"
    figures = AvailabilityAnalyzer(pt.topology).service(service)
    assert figures.availability == pytest.approx(two_of_three, rel=1e-12)
    assert single_points_of_failure(pt, service) == ()


def test_a_holder_with_deputies_is_reachable_through_them(people: PlanPeople) -> None:
    deputy = person_add(people, "Dee")
    ann = person_add(people, "Ann")
    people_services.person_update(
        person=ann, user=people.manager, expected_version=ann.version, values={}, deputies=[deputy]
    )
    role = _role(people, [ann])
    group = next(g for g in plan_topology(people.plan).topology.groups if g.id == role_key(role.pk))
    assert group.members == (cover_key(ann.pk),)


def test_a_role_with_one_holder_and_no_deputy_is_a_single_point_of_failure(
    people: PlanPeople,
) -> None:
    function = FunctionFactory.create(plan=people.plan)
    ann = person_add(people, "Ann", recall_hours=48.0)
    role = _role(people, [ann])
    role_services.role_dependency_create(function=function, role=role, user=people.manager)
    pt = plan_topology(people.plan)
    service = f"function:{function.pk}"
    assert recovery_single_points_of_failure(pt, service) == (person_key(ann.pk),)
    reach = recovery_reach(pt.topology, service, pt.recovery_requires[service])
    assert reach.hours == 48.0


def test_a_role_needed_to_recover_with_a_spare_holder_costs_no_reach_time(
    people: PlanPeople,
) -> None:
    function = FunctionFactory.create(plan=people.plan)
    role = _role(people, [person_add(people, "Ann"), person_add(people, "Bob")])
    role_services.role_dependency_create(function=function, role=role, user=people.manager)
    pt = plan_topology(people.plan)
    service = f"function:{function.pk}"
    assert pt.topology.services[0].requires == ()
    reach = recovery_reach(pt.topology, service, pt.recovery_requires[service])
    assert (reach.hours, reach.single_points_of_failure) == (0.0, ())


def test_a_role_needing_more_holders_than_it_has_is_refused_by_name(people: PlanPeople) -> None:
    with pytest.raises(ValidationError) as raised:
        _role(people, [person_add(people, "Ann")], needed=2)
    assert raised.value.message_dict["holders"] == [
        "“Print service desk” needs 2 holders reachable but has 1: name more holders or "
        "lower the number needed."
    ]
    assert not Role.objects.exists()


def test_a_holder_from_another_plan_is_refused(people: PlanPeople) -> None:
    from tests.factories import PlanFactory

    stranger = Person.objects.create(plan=PlanFactory.create(), name="Stranger")
    with pytest.raises(ValidationError, match="“Stranger” belongs to another plan"):
        _role(people, [stranger])


def test_role_changes_are_recorded_in_history_with_the_actor(people: PlanPeople) -> None:
    ann, bob = person_add(people, "Ann"), person_add(people, "Bob")
    role = _role(people, [ann])
    role_services.role_update(
        role=role,
        user=people.manager,
        expected_version=role.version,
        values={"holders_needed": 2},
        holders=[ann, bob],
        reason="Second shift",
    )
    latest = role.history.order_by("-history_id").first()
    assert latest is not None
    assert (latest.history_user, latest.history_change_reason) == (people.manager, "Second shift")
    assert list(role.holder_links.values_list("person__name", flat=True)) == ["Ann", "Bob"]
