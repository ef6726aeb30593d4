"""The inventory's part of the plan document: sites, components, groups and diagrams.

Values are in words (kinds and modes as their labels); figures keep their own units
(availability in %, MTBF/MTTR and recovery times in hours, failover in seconds).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet

from bcp import contract
from bcp.models import Plan
from bia.models import BusinessFunction
from inventory.diagrams import DiagramUnavailable, function_diagram_svg
from inventory.models import Component, GroupMember, RedundancyGroup, RunsOn, Site
from inventory.people import RECOVER, contract_restore_hours, row_how
from inventory.people_models import (
    Need,
    NeededTo,
    Person,
    PersonDependency,
    Role,
    RoleDependency,
    Supplier,
    SupplierDependency,
)
from inventory.topology import plan_topology


def document_part(plan: Plan) -> contract.InventoryPart:
    """The plan's inventory, ordered by name, in a fixed number of queries."""
    sites = [
        contract.Site(
            name=site.name,
            kind=site.get_kind_display(),
            parent=site.parent.name if site.parent else "",
            availability_percent=site.availability_percent,
            restore_hours=site.restore_hours,
        )
        for site in Site.objects.filter(plan=plan).select_related("parent").order_by("name", "pk")
    ]
    runs_on = _target_names(
        RunsOn.objects.filter(component__plan=plan)
        .select_related("on_component", "on_group")
        .order_by("component_id", "pk"),
        "component_id",
    )
    components = [
        contract.Component(
            name=c.name,
            kind=c.get_kind_display(),
            site=c.site.name if c.site else "",
            owner=c.owner,
            availability_percent=c.availability_percent,
            mtbf_hours=c.mtbf_hours,
            mttr_hours=c.mttr_hours,
            restore_hours=c.restore_hours,
            backup_interval_hours=c.backup_interval_hours,
            technique=c.technique.name if c.technique else "",
            runs_on=tuple(sorted(runs_on.get(c.pk, []))),
        )
        for c in Component.objects.filter(plan=plan)
        .select_related("site", "technique")
        .order_by("name", "pk")
    ]
    members = _target_names(
        GroupMember.objects.filter(group__plan=plan)
        .select_related("component", "member_group")
        .order_by("group_id", "position", "pk"),
        "group_id",
    )
    groups = [
        contract.RedundancyGroup(
            name=group.name,
            mode=group.get_mode_display(),
            needed=group.k,
            members=tuple(members.get(group.pk, [])),
            failover_seconds=group.failover_seconds,
        )
        for group in RedundancyGroup.objects.filter(plan=plan).order_by("name", "pk")
    ]
    return contract.InventoryPart(
        sites=tuple(sites),
        components=tuple(components),
        groups=tuple(groups),
        people=people_part(plan),
        suppliers=suppliers_part(plan),
        roles=roles_part(plan),
    )


def _target_names(
    links: QuerySet[RunsOn] | QuerySet[GroupMember], owner: str
) -> dict[int, list[str]]:
    """``{owner id: [names of its links' targets]}``, in the order of ``links``: what each
    component runs on (``owner`` "component_id"), each group's members ("group_id")."""
    names: dict[int, list[str]] = {}
    for link in links:
        names.setdefault(getattr(link, owner), []).append(link.target.name)
    return names


def people_part(plan: Plan) -> tuple[contract.KeyPerson, ...]:
    """Key people by name, with deputies in the order they are asked (three queries)."""
    people = Person.objects.filter(plan=plan).order_by("name", "pk")
    people = people.prefetch_related("deputy_links__deputy", "dependencies__function")
    return tuple(
        contract.KeyPerson(
            name=p.name,
            role=p.role,
            absence_days_per_year=p.absence_days_per_year,
            handover_hours=p.handover_hours,
            recall_hours=p.recall_hours,
            deputies=tuple(link.deputy.name for link in p.deputy_links.all()),
            needed_by=tuple(sorted(_needs(p.dependencies.all()))),
            needed_to_operate=any(d.needed_to == NeededTo.OPERATE for d in p.dependencies.all()),
        )
        for p in people
    )


def roles_part(plan: Plan) -> tuple[contract.KeyRole, ...]:
    """Roles by name with their holders in order (four queries). A role is a single point
    of failure when it needs every holder and one of them has no deputy."""
    roles = Role.objects.filter(plan=plan).order_by("name", "pk")
    roles = roles.prefetch_related("holder_links__person__deputy_links", "dependencies__function")
    found = []
    for role in roles:
        holders = [link.person for link in role.holder_links.all()]
        found.append(
            contract.KeyRole(
                name=role.name,
                holders=tuple(p.name for p in holders),
                holders_needed=role.holders_needed,
                single_point_of_failure=len(holders) <= role.holders_needed
                and any(not p.deputy_links.all() for p in holders),
                needed_by=tuple(sorted(_needs(role.dependencies.all()))),
            )
        )
    return tuple(found)


def _needs(rows: Iterable[PersonDependency | RoleDependency | SupplierDependency]) -> list[str]:
    return [row.function.name + _how(row) for row in rows]


# How a function needs a person, role or supplier, as the document words it.
_HOW = {Need.FULL: "", Need.DEGRADED: " (degraded only)", RECOVER: " (to recover)"}


def _how(row: PersonDependency | RoleDependency | SupplierDependency) -> str:
    return _HOW[row_how(row)]


def suppliers_part(plan: Plan) -> tuple[contract.Supplier, ...]:
    """Suppliers by name with their contracts (two queries)."""
    suppliers = Supplier.objects.filter(plan=plan).order_by("name", "pk")
    return tuple(
        contract.Supplier(
            name=s.name,
            service=s.service,
            contract_reference=s.contract_reference,
            service_availability_percent=s.service_availability_percent,
            contract_rto_hours=s.contract_rto_hours,
            contract_rpo_hours=s.contract_rpo_hours,
            support_hours=s.get_support_hours_display(),
            restore_hours=contract_restore_hours(s.contract_rto_hours, s.support_hours),
            needed_by=tuple(sorted(_needs(s.dependencies.all()))),
        )
        for s in suppliers.prefetch_related("dependencies__function")
    )


def function_diagrams(plan: Plan) -> tuple[contract.FunctionDiagram, ...]:
    """Each business function's dependency diagram, or the reason there is none."""
    pt = plan_topology(plan)
    errors = pt.error_messages()
    diagrams = []
    for function in BusinessFunction.objects.filter(plan=plan).order_by("name", "pk"):
        if errors:
            reason = "Not drawn: the inventory has errors (" + "; ".join(errors[:3]) + ")."
            diagrams.append(contract.FunctionDiagram(function.name, None, reason))
            continue
        try:
            svg = function_diagram_svg(function, pt)
            reason = "" if svg else "No dependencies on the inventory are recorded."
        except DiagramUnavailable as error:
            svg, reason = None, str(error)
        diagrams.append(
            contract.FunctionDiagram(function=function.name, svg=svg, unavailable=reason)
        )
    return tuple(diagrams)
