"""A small print estate to declare incidents on, and helpers to declare them.

Two application servers in an active/passive pair both run on one SAN; a pair of load
balancers fronts them. Head office printing (owned by the fixture's stakeholder) needs
both pairs; branch printing (owned by someone else) needs its site server, and the
application pair only for full service. The call tree has two people with email and
one without.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.utils import timezone

from bia.models import BusinessFunction
from documents.models import CallTreeEntry, Contact, RecoveryProcedure
from incidents.models import Incident, IncidentFunction, IncidentStep
from incidents.services.closing import incident_close
from incidents.services.declaring import declaration_check, incident_declare
from incidents.services.recovery import function_restore
from inventory.graph import component_key, group_key
from inventory.models import Component, RedundancyGroup
from tests.conftest import PlanPeople
from tests.documents.factories import (
    CallTreeEntryFactory,
    ContactFactory,
    ProcedureStepFactory,
    RecoveryProcedureFactory,
)
from tests.factories import UserFactory
from tests.inventory.factories import (
    ComponentFactory,
    DependencyFactory,
    FunctionFactory,
    GroupFactory,
    GroupMemberFactory,
    RunsOnFactory,
)


@dataclass
class _PlanEstate:
    """What both estates share: the plan's people, the plan, and element keys."""

    people: PlanPeople

    @property
    def plan(self) -> Any:
        return self.people.plan

    def key(self, obj: Component | RedundancyGroup) -> str:
        return component_key(obj.pk) if isinstance(obj, Component) else group_key(obj.pk)


@dataclass
class Estate(_PlanEstate):
    san: Component
    app_1: Component
    app_2: Component
    lb_1: Component
    lb_2: Component
    site_server: Component
    app_pair: RedundancyGroup
    lb_pair: RedundancyGroup
    head_office: BusinessFunction
    branch: BusinessFunction
    runbook: RecoveryProcedure
    contacts: list[Contact]
    call_tree: list[CallTreeEntry]


def print_estate(people: PlanPeople) -> Estate:
    plan = people.plan
    san = ComponentFactory.create(plan=plan, name="SAN", kind="storage")
    app_1 = ComponentFactory.create(plan=plan, name="App server 1")
    app_2 = ComponentFactory.create(plan=plan, name="App server 2")
    for app in (app_1, app_2):
        RunsOnFactory.create(component=app, on_component=san)
    lb_1 = ComponentFactory.create(plan=plan, name="Load balancer 1")
    lb_2 = ComponentFactory.create(plan=plan, name="Load balancer 2")
    site_server = ComponentFactory.create(plan=plan, name="Branch site server")
    app_pair = GroupFactory.create(plan=plan, name="App pair", mode="active_passive")
    lb_pair = GroupFactory.create(plan=plan, name="LB pair", mode="active_passive")
    for position, (group, member) in enumerate(
        ((app_pair, app_1), (app_pair, app_2), (lb_pair, lb_1), (lb_pair, lb_2))
    ):
        GroupMemberFactory.create(group=group, component=member, position=position)
    other_owner = UserFactory.create(username="fiona")
    head_office = FunctionFactory.create(
        plan=plan, name="Head office printing", owner=people.stakeholder, criticality="high"
    )
    branch = FunctionFactory.create(
        plan=plan, name="Branch printing", owner=other_owner, criticality="medium"
    )
    for function, target, need in (
        (head_office, lb_pair, "full"),
        (head_office, app_pair, "full"),
        (branch, site_server, "full"),
        (branch, app_pair, "degraded"),
    ):
        kwargs: dict[str, Any] = (
            {"group": target} if isinstance(target, RedundancyGroup) else {"component": target}
        )
        DependencyFactory.create(plan=plan, function=function, need=need, **kwargs)
    runbook = RecoveryProcedureFactory.create(
        plan=plan, function=head_office, title="Bring printing back"
    )
    ProcedureStepFactory.create(
        procedure=runbook, position=1, instruction="Check the SAN controllers.", expected_minutes=10
    )
    ProcedureStepFactory.create(
        procedure=runbook, position=2, instruction="Fail over the print pair.", expected_minutes=15
    )
    maya = ContactFactory.create(plan=plan, name="Maya Manager", email="maya@example.org")
    priya = ContactFactory.create(plan=plan, name="Priya Print", email="priya@example.org")
    nina = ContactFactory.create(plan=plan, name="Nina Network", email="", phone="0104")
    top = CallTreeEntryFactory.create(plan=plan, contact=maya, responsibility="Leads")
    tree = [
        top,
        CallTreeEntryFactory.create(plan=plan, contact=priya, parent=top, position=1),
        CallTreeEntryFactory.create(plan=plan, contact=nina, parent=top, position=2),
    ]
    return Estate(
        people=people,
        san=san,
        app_1=app_1,
        app_2=app_2,
        lb_1=lb_1,
        lb_2=lb_2,
        site_server=site_server,
        app_pair=app_pair,
        lb_pair=lb_pair,
        head_office=head_office,
        branch=branch,
        runbook=runbook,
        contacts=[maya, priya, nina],
        call_tree=tree,
    )


@dataclass
class SmallEstate(_PlanEstate):
    """The least a permission check needs: one SAN, two functions, a step, a call tree."""

    san: Component
    head_office: BusinessFunction
    branch: BusinessFunction


def small_estate(people: PlanPeople) -> SmallEstate:
    plan = people.plan
    san = ComponentFactory.create(plan=plan, name="SAN", kind="storage")
    head_office = FunctionFactory.create(
        plan=plan, name="Head office printing", owner=people.stakeholder
    )
    branch = FunctionFactory.create(
        plan=plan, name="Branch printing", owner=UserFactory.create(username="fiona")
    )
    for function in (head_office, branch):
        DependencyFactory.create(plan=plan, function=function, component=san, need="full")
    for function in (head_office, branch):
        ProcedureStepFactory.create(
            procedure=RecoveryProcedureFactory.create(plan=plan, function=function),
            instruction="Check the SAN controllers.",
        )
    CallTreeEntryFactory.create(
        plan=plan, contact=ContactFactory.create(plan=plan, email="maya@example.org")
    )
    return SmallEstate(people=people, san=san, head_office=head_office, branch=branch)


def declare(
    estate: Estate | SmallEstate,
    *failed: Component | RedundancyGroup,
    kind: str = "incident",
    title: str = "SAN failure",
    started_at: dt.datetime | None = None,
) -> Incident:
    declaration = declaration_check(
        plan=estate.plan,
        kind=kind,
        title=title,
        started_at=started_at or timezone.now() - dt.timedelta(minutes=30),
        failed_keys=[estate.key(x) for x in (failed or (estate.san,))],
    )
    return incident_declare(declaration=declaration, user=estate.people.manager)


def entry_for(incident: Incident, function: BusinessFunction) -> IncidentFunction:
    return IncidentFunction.objects.get(incident=incident, function=function)


def first_step(incident: Incident, function: BusinessFunction) -> IncidentStep:
    return (
        IncidentStep.objects.filter(incident_function__incident=incident)
        .filter(incident_function__function=function)
        .order_by("position")[0]
    )


def restore_all(
    incident: Incident, user: User, *, at: dt.datetime, data_lost_minutes: float | None = 0
) -> None:
    """Record every affected function of ``incident`` as back in service at ``at``."""
    for entry in incident.functions.all():
        function_restore(
            incident_function=entry,
            user=user,
            restored_at=at,
            data_lost_minutes=data_lost_minutes,
        )


def close(incident: Incident, user: User, *, summary: str = "Done.", lessons: str = "") -> Incident:
    """Close ``incident`` at the version it has now (its functions must be restored)."""
    incident.refresh_from_db()
    return incident_close(
        incident=incident,
        user=user,
        expected_version=incident.version,
        summary=summary,
        lessons=lessons,
    )
