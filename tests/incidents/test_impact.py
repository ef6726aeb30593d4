"""The blast radius of a plan, loaded through the analysis loader and named for people."""

from __future__ import annotations

import pytest

from incidents.impact import UnknownElements, elements, plan_impact, resolve_names
from inventory.topology import plan_topology
from tests.conftest import PlanPeople
from tests.incidents.factories import print_estate
from tests.inventory.factories import SiteFactory

pytestmark = pytest.mark.django_db


def test_losing_the_head_office_san_on_the_demo_plan_stops_printing_and_degrades_the_branch(
    django_assert_max_num_queries: object,
) -> None:
    from bcp.demo import demo_load

    plan = demo_load()["plan"]
    keys = resolve_names(plan_topology(plan), ["Head office SAN"])
    impact = plan_impact(plan, keys)
    down = {f.name: f for f in impact.down}
    degraded = {f.name: f for f in impact.degraded}
    assert {
        "Student printing (head office)",
        "Staff printing (head office)",
        "Secure print release (Find-Me)",
    } <= set(down)
    assert all(f.because == ("Head office SAN",) for f in down.values())
    assert set(degraded) == {"Branch printing"}
    branch = degraded["Branch printing"]
    assert branch.causes == ("Head office SAN",)
    assert set(branch.degraded_needs_down) == {"Application server pair", "Print database"}
    student = down["Student printing (head office)"]
    assert student.objectives.rto_hours is not None
    assert student.objectives.mtpd_hours is not None
    assert student.objectives.rto_hours <= student.objectives.mtpd_hours


def test_names_that_match_nothing_are_all_named(people: PlanPeople) -> None:
    estate = print_estate(people)
    with pytest.raises(UnknownElements) as caught:
        resolve_names(plan_topology(estate.plan), ["SAN", "Tape library", "Fax"])
    assert caught.value.unknown == ("Tape library", "Fax")
    assert "“Tape library”" in str(caught.value)


def test_a_name_used_by_a_site_and_a_component_needs_its_kind(people: PlanPeople) -> None:
    estate = print_estate(people)
    SiteFactory.create(plan=estate.plan, name="SAN")
    pt = plan_topology(estate.plan)
    with pytest.raises(UnknownElements) as caught:
        resolve_names(pt, ["SAN"])
    assert caught.value.ambiguous == ("SAN",)
    assert resolve_names(pt, ["component:SAN"]) == (estate.key(estate.san),)


def test_every_site_component_and_group_can_be_declared_failed(people: PlanPeople) -> None:
    estate = print_estate(people)
    kinds = {e.kind for e in elements(plan_topology(estate.plan))}
    assert kinds == {"component", "group"}
    assert len(elements(plan_topology(estate.plan))) == 8


def test_functions_with_nothing_affected_are_up_and_listed_last(people: PlanPeople) -> None:
    estate = print_estate(people)
    impact = plan_impact(estate.plan, [estate.key(estate.site_server)])
    assert [(f.name, f.state) for f in impact.functions] == [
        ("Branch printing", "down"),
        ("Head office printing", "up"),
    ]
    assert impact.functions[1].because == ()
