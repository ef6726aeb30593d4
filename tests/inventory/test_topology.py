from __future__ import annotations

import pytest
from django.db import models

from inventory import demo
from inventory.models import Component, Dependency, RedundancyGroup, Site
from inventory.topology import fails_with, plan_topology, single_points_of_failure
from tests.conftest import PlanPeople
from tests.inventory.factories import (
    ComponentFactory,
    DependencyFactory,
    FunctionFactory,
    RunsOnFactory,
)

pytestmark = pytest.mark.django_db

HEAD_OFFICE = "Printing at head office"
BRANCH = "Printing at the Riverside branch"


@pytest.fixture
def demo_plan(people: PlanPeople) -> PlanPeople:
    FunctionFactory.create(plan=people.plan, name=HEAD_OFFICE)
    FunctionFactory.create(plan=people.plan, name=BRANCH)
    demo.load(people.plan, {"manager": people.manager})
    return people


def _key(prefix: str, obj: models.Model) -> str:
    return f"{prefix}:{obj.pk}"


def test_topology_uses_prefixed_ids_and_fractions(people: PlanPeople) -> None:
    server = ComponentFactory.create(plan=people.plan, availability_percent=99.9)
    pt = plan_topology(people.plan)
    (engine_component,) = pt.topology.components
    assert engine_component.id == f"component:{server.pk}"
    assert engine_component.availability == pytest.approx(0.999)
    assert pt.object(engine_component.id) == server


def test_only_full_needs_are_required_by_the_engine(people: PlanPeople) -> None:
    function = FunctionFactory.create(plan=people.plan)
    full = ComponentFactory.create(plan=people.plan)
    degraded = ComponentFactory.create(plan=people.plan)
    DependencyFactory.create(plan=people.plan, function=function, component=full)
    DependencyFactory.create(
        plan=people.plan, function=function, component=degraded, need="degraded"
    )
    pt = plan_topology(people.plan)
    (service,) = pt.topology.services
    assert service.requires == (f"component:{full.pk}",)
    assert pt.degraded_requires[service.id] == (f"component:{degraded.pk}",)


def test_demo_topology_is_valid_for_the_engine(demo_plan: PlanPeople) -> None:
    assert plan_topology(demo_plan.plan).error_messages() == []


def test_the_shared_san_is_a_spof_of_head_office_printing(demo_plan: PlanPeople) -> None:
    pt = plan_topology(demo_plan.plan)
    function = next(f for f in pt.functions.values() if f.name == HEAD_OFFICE)
    spofs = {pt.name(key) for key in single_points_of_failure(pt, _key("function", function))}
    assert "Head office SAN" in spofs
    assert "Application server (primary)" not in spofs


def test_the_branch_keeps_printing_without_head_office(demo_plan: PlanPeople) -> None:
    pt = plan_topology(demo_plan.plan)
    head_office = Site.objects.get(plan=demo_plan.plan, name="Head office campus")
    down = {pt.name(key) for key in fails_with(pt, _key("site", head_office))}
    assert HEAD_OFFICE in down
    assert BRANCH not in down
    assert "Application server pair" in down


def test_engine_messages_use_names_not_ids(people: PlanPeople) -> None:
    a = ComponentFactory.create(plan=people.plan, name="App server")
    b = ComponentFactory.create(plan=people.plan, name="SAN")
    # A cycle written past the services, as an old import might have left it.
    RunsOnFactory.create(component=a, on_component=b)
    RunsOnFactory.create(component=b, on_component=a)
    messages = plan_topology(people.plan).error_messages()
    assert any("App server" in m and "SAN" in m and "component:" not in m for m in messages)


def test_demo_load_is_idempotent_and_fills_in_functions_added_later(people: PlanPeople) -> None:
    demo.load(people.plan, {"manager": people.manager})
    counts = (Component.objects.count(), RedundancyGroup.objects.count())
    assert not Dependency.objects.filter(plan=people.plan).exists()
    FunctionFactory.create(plan=people.plan, name=BRANCH)
    demo.load(people.plan, {"manager": people.manager})
    demo.load(people.plan, {"manager": people.manager})
    assert (Component.objects.count(), RedundancyGroup.objects.count()) == counts
    assert Dependency.objects.filter(plan=people.plan).count() == len(demo.BRANCH_NEEDS)


def test_demo_figures_all_name_their_source(demo_plan: PlanPeople) -> None:
    assert not Component.objects.filter(plan=demo_plan.plan, availability_source="").exists()
