"""factory-boy factories for the inventory (and the business functions it serves)."""

from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

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
from tests.factories import PlanFactory


class FunctionFactory(DjangoModelFactory[BusinessFunction]):
    class Meta:
        model = BusinessFunction

    plan = factory.SubFactory(PlanFactory)
    name = factory.Sequence(lambda n: f"Printing {n}")


class SiteFactory(DjangoModelFactory[Site]):
    class Meta:
        model = Site

    plan = factory.SubFactory(PlanFactory)
    name = factory.Sequence(lambda n: f"Site {n}")
    kind = SiteKind.BUILDING
    availability_percent = 99.99


class ComponentFactory(DjangoModelFactory[Component]):
    class Meta:
        model = Component

    plan = factory.SubFactory(PlanFactory)
    name = factory.Sequence(lambda n: f"Server {n}")
    kind = ComponentKind.SERVER
    availability_percent = 99.9
    availability_source = "estimate"


class GroupFactory(DjangoModelFactory[RedundancyGroup]):
    class Meta:
        model = RedundancyGroup

    plan = factory.SubFactory(PlanFactory)
    name = factory.Sequence(lambda n: f"Pool {n}")
    mode = GroupMode.ACTIVE_ACTIVE
    k = 1


class GroupMemberFactory(DjangoModelFactory[GroupMember]):
    class Meta:
        model = GroupMember

    group = factory.SubFactory(GroupFactory)
    position = factory.Sequence(lambda n: n)


class RunsOnFactory(DjangoModelFactory[RunsOn]):
    class Meta:
        model = RunsOn


class DependencyFactory(DjangoModelFactory[Dependency]):
    class Meta:
        model = Dependency

    need = "full"


class TechniqueFactory(DjangoModelFactory[Technique]):
    class Meta:
        model = Technique

    plan = factory.SubFactory(PlanFactory)
    key = factory.Sequence(lambda n: f"technique-{n}")
    name = factory.Sequence(lambda n: f"Technique {n}")
