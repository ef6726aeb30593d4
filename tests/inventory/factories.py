"""factory-boy factories for the inventory (and the business functions it serves)."""

from __future__ import annotations

import factory

from bia.models import BusinessFunction
from inventory.models import (
    Component,
    ComponentKind,
    Dependency,
    GroupMember,
    GroupMode,
    RedundancyGroup,
    RunsOn,
    Site,
    SiteKind,
    Technique,
)
from inventory.people_models import Person
from inventory.people_services import person_create
from tests.conftest import PlanPeople
from tests.factories import model_factory, numbered, plan_record_factory

FunctionFactory = plan_record_factory(BusinessFunction, name=numbered("Printing"))
SiteFactory = plan_record_factory(
    Site, name=numbered("Site"), kind=SiteKind.BUILDING, availability_percent=99.99
)
ComponentFactory = plan_record_factory(
    Component,
    name=numbered("Server"),
    kind=ComponentKind.SERVER,
    availability_percent=99.9,
    availability_source="estimate",
)
GroupFactory = plan_record_factory(
    RedundancyGroup, name=numbered("Pool"), mode=GroupMode.ACTIVE_ACTIVE, k=1
)
GroupMemberFactory = model_factory(
    GroupMember, group=factory.SubFactory(GroupFactory), position=factory.Sequence(lambda n: n)
)
RunsOnFactory = model_factory(RunsOn)
DependencyFactory = model_factory(Dependency, need="full")
TechniqueFactory = plan_record_factory(
    Technique, key=factory.Sequence(lambda n: f"technique-{n}"), name=numbered("Technique")
)


def person_add(people: PlanPeople, name: str, **values: object) -> Person:
    """A key person the plan's manager adds through the service, so history has them."""
    return person_create(plan=people.plan, user=people.manager, values={"name": name, **values})
