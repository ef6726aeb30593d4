"""Reads of the inventory for pages, documents and the analysis app."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.urls import reverse

from analysis.engine.structure import Model
from bcp.models import Plan
from bia.models import BusinessFunction
from inventory import diagrams
from inventory import graph as g
from inventory.exchange.document import export_document
from inventory.models import (
    Component,
    Dependency,
    GroupMember,
    RedundancyGroup,
    RunsOn,
    Site,
    Technique,
)
from inventory.people_models import Person
from inventory.topology import (
    fails_with,
    plan_topology,
    recovery_single_points_of_failure,
    single_points_of_failure,
)

Node = Component | RedundancyGroup

SNAPSHOT_SCHEMA = "continuity.inventory-snapshot/v1"


def component_list(plan: Plan) -> QuerySet[Component]:
    """Components with what the list shows, in one query per page."""
    return Component.objects.filter(plan=plan).select_related("site", "technique")


def nodes_named(plan: Plan, names: list[str]) -> tuple[list[Node], list[str]]:
    """The components or groups of ``plan`` by exact name, each once in the order given,
    and apart the names that are neither."""
    components = {c.name: c for c in Component.objects.filter(plan=plan, name__in=names)}
    groups = {x.name: x for x in RedundancyGroup.objects.filter(plan=plan, name__in=names)}
    found: list[Node] = []
    unknown: list[str] = []
    for name in names:
        node = components.get(name) or groups.get(name)
        if node is None:
            unknown.append(name)
        elif node not in found:
            found.append(node)
    return found, unknown


def people_named(plan: Plan, names: list[str]) -> tuple[list[Person], list[str]]:
    """The people of ``plan`` by exact name, in the order given (a name given twice gives
    the person twice), and apart the names that are no one's."""
    found = {p.name: p for p in Person.objects.filter(plan=plan, name__in=names)}
    unknown = [name for name in names if name not in found]
    return [found[name] for name in names if name in found], unknown


def runs_on_names(component: Component) -> list[str]:
    """What ``component`` runs on, by name."""
    links = component.runs_on_links.select_related("on_component", "on_group")
    return [str(link.target) for link in links]


def member_names(group: RedundancyGroup) -> list[str]:
    """The members of ``group`` by name, in their order."""
    members = group.members.select_related("component", "member_group")
    return [str(member.target) for member in members]


def deputy_names(person: Person) -> list[str]:
    """The person's deputies by name, first asked first."""
    return [link.deputy.name for link in person.deputy_links.select_related("deputy")]


def sites_in_order(plan: Plan) -> list[tuple[Site, int]]:
    """Sites as a tree walk (parents before children) with their depth."""
    sites = list(Site.objects.filter(plan=plan).order_by("name", "pk"))
    children: dict[int | None, list[Site]] = {}
    for site in sites:
        children.setdefault(site.parent_id, []).append(site)
    ordered: list[tuple[Site, int]] = []
    stack: list[tuple[Site, int]] = [(s, 0) for s in reversed(children.get(None, []))]
    while stack:
        site, depth = stack.pop()
        ordered.append((site, depth))
        stack.extend((child, depth + 1) for child in reversed(children.get(site.pk, [])))
    return ordered


def site_subtree_ids(plan: Plan, site: Site) -> list[int]:
    parents = dict(Site.objects.filter(plan=plan).values_list("pk", "parent_id"))
    inside = [site.pk]
    changed = True
    while changed:
        changed = False
        for pk, parent in parents.items():
            if parent in inside and pk not in inside:
                inside.append(pk)
                changed = True
    return inside


def groups_with_members(plan: Plan) -> list[RedundancyGroup]:
    return list(
        RedundancyGroup.objects.filter(plan=plan)
        .select_related("technique")
        .prefetch_related("members__component", "members__member_group")
        .annotate(member_count=Count("members"))
    )


def function_dependencies(function: Any) -> list[Dependency]:
    return list(Dependency.objects.filter(function=function).select_related("component", "group"))


@dataclass
class Related:
    """One element reached through dependencies, with how far away it is."""

    key: str
    name: str
    kind: str
    url: str
    direct: bool


@dataclass
class Relations:
    depends_on: list[Related] = field(default_factory=list)
    used_by: list[Related] = field(default_factory=list)
    functions: list[Related] = field(default_factory=list)


def _urls(plan: Plan) -> dict[str, str]:
    def url(name: str, **kwargs: Any) -> str:
        return reverse(name, kwargs={"plan_pk": plan.pk, **kwargs})

    base = {
        "component": url("inventory_component_detail", component_pk=0),
        "group": url("inventory_group_detail", group_pk=0),
        "function": url("inventory_function_detail", function_pk=0),
        "site": url("inventory_site_detail", site_pk=0),
        "person": url("inventory_person_detail", person_pk=0),
        "cover": url("inventory_person_detail", person_pk=0),
        "supplier": url("inventory_supplier_detail", supplier_pk=0),
        "role": url("inventory_role_detail", role_pk=0),
    }
    return base


def _walk(start: str, step: Any) -> tuple[list[str], set[str]]:
    """Breadth-first walk with one ``step`` (a few queries) per level; returns the keys
    reached in order and those reached at the first level."""
    seen = {start}
    order: list[str] = []
    direct: set[str] = set()
    frontier = [start]
    level = 0
    while frontier:
        level += 1
        found = [key for key in step(frontier) if key not in seen]
        found = list(dict.fromkeys(found))
        seen.update(found)
        order.extend(found)
        if level == 1:
            direct.update(found)
        frontier = [key for key in found if not key.startswith("function:")]
    return order, direct


def _ids(keys: list[str], kind: str) -> list[int]:
    return [int(key.partition(":")[2]) for key in keys if key.startswith(kind + ":")]


def _down(keys: list[str]) -> list[str]:
    found: list[str] = []
    for on_c, on_g in RunsOn.objects.filter(component_id__in=_ids(keys, "component")).values_list(
        "on_component_id", "on_group_id"
    ):
        found.append(g.target_key(on_c, on_g))
    for comp, sub in (
        GroupMember.objects.filter(group_id__in=_ids(keys, "group"))
        .order_by("group_id", "position")
        .values_list("component_id", "member_group_id")
    ):
        found.append(g.target_key(comp, sub))
    return found


def _up(keys: list[str]) -> list[str]:
    components, groups = _ids(keys, "component"), _ids(keys, "group")
    found = [
        g.component_key(pk)
        for pk in RunsOn.objects.filter(
            Q(on_component_id__in=components) | Q(on_group_id__in=groups)
        ).values_list("component_id", flat=True)
    ]
    found += [
        g.group_key(pk)
        for pk in GroupMember.objects.filter(
            Q(component_id__in=components) | Q(member_group_id__in=groups)
        ).values_list("group_id", flat=True)
    ]
    found += [
        g.function_key(pk)
        for pk in Dependency.objects.filter(
            Q(component_id__in=components) | Q(group_id__in=groups)
        ).values_list("function_id", flat=True)
    ]
    return found


def _names(keys: list[str]) -> dict[str, str]:
    names: dict[str, str] = {}
    for model, kind in (
        (Component, "component"),
        (RedundancyGroup, "group"),
        (BusinessFunction, "function"),
    ):
        ids = _ids(keys, kind)
        if ids:
            for pk, name in model.objects.filter(pk__in=ids).values_list("pk", "name"):
                names[f"{kind}:{pk}"] = name
    return names


def element_relations(plan: Plan, key: str) -> Relations:
    """What ``key`` (a component or group) needs, and what needs it, transitively.

    Walks outwards level by level, so the cost follows the neighbourhood of the element,
    not the size of the estate.
    """
    down, direct_down = _walk(key, _down)
    up, direct_up = _walk(key, _up)
    names = _names(down + up)
    urls = _urls(plan)

    def related(keys: list[str], direct: set[str]) -> list[Related]:
        items = []
        for item in keys:
            kind, _, pk = item.partition(":")
            url = urls[kind].replace("/0/", f"/{pk}/")
            items.append(Related(item, names.get(item, item), kind, url, item in direct))
        return sorted(items, key=lambda r: (not r.direct, r.kind, r.name.lower()))

    relations = Relations()
    relations.depends_on = related(down, direct_down)
    above = related(up, direct_up)
    relations.used_by = [r for r in above if r.kind != "function"]
    relations.functions = [r for r in above if r.kind == "function"]
    return relations


def plan_snapshot(plan: Plan) -> dict[str, Any]:
    """The plan's inventory as plain data for documents, ordered by name throughout.

    Availability is given as entered (a percentage); MTBF/MTTR in hours.
    """
    document = export_document(plan)
    document["schema"] = SNAPSHOT_SCHEMA
    return document


def technique_catalogue(plan: Plan) -> list[Technique]:
    return list(Technique.objects.filter(plan=plan).order_by("name", "pk"))


def group_members(group: RedundancyGroup) -> list[GroupMember]:
    return list(
        group.members.select_related("component", "member_group").order_by("position", "pk")
    )


def _related_for(plan: Plan, keys: list[str], names: dict[str, str]) -> list[Related]:
    urls = _urls(plan)
    items = []
    for key in keys:
        kind, _, pk = key.partition(":")
        items.append(
            Related(key, names.get(key, key), kind, urls[kind].replace("/0/", f"/{pk}/"), True)
        )
    return sorted(items, key=lambda r: (r.kind, r.name.lower()))


def site_impact(plan: Plan, site: Site, pt: Any = None) -> dict[str, Any]:
    """What goes down when ``site`` is lost: components elsewhere, groups and functions.

    Uses the engine's structure function, so a group survives when enough of its members
    are outside the site. Returns ``valid=False`` when the inventory has errors.
    """
    pt = pt or plan_topology(plan)
    if pt.errors():
        return {"valid": False, "components": [], "groups": [], "functions": []}
    down = fails_with(pt, g.site_key(site.pk))
    inside = set(site_subtree_ids(plan, site))
    names = {key: pt.name(key) for key in down}
    outside = [
        key
        for key in down
        if key.startswith("component:") and pt.components[key].site_id not in inside
    ]
    return {
        "valid": True,
        "components": _related_for(plan, outside, names),
        "groups": _related_for(plan, [k for k in down if k.startswith("group:")], names),
        "functions": _related_for(plan, [k for k in down if k.startswith("function:")], names),
    }


def function_spofs(function: Any, pt: Any = None) -> dict[str, Any]:
    """SPOF candidates of a function's full service, with names and links."""
    pt = pt or plan_topology(function.plan)
    errors = pt.error_messages()
    if errors:
        return {"valid": False, "errors": errors, "items": []}
    keys = list(single_points_of_failure(pt, g.function_key(function.pk)))
    names = {key: pt.name(key) for key in keys}
    recovery = [
        key
        for key in recovery_single_points_of_failure(pt, g.function_key(function.pk))
        if key not in names
    ]
    names.update({key: pt.name(key) for key in recovery})
    items = _related_for(plan=function.plan, keys=keys, names=names)
    items += [
        replace(item, kind=f"{item.kind} · single point of failure for recovery")
        for item in _related_for(plan=function.plan, keys=recovery, names=names)
    ]
    return {"valid": True, "errors": [], "items": items}


def function_diagram_svg(function: Any) -> str | None:
    """SVG of a function's dependency diagram for pages and PDF documents.

    None when the function has no dependencies or Graphviz cannot draw (the inventory
    pages show the reason; documents simply leave the diagram out).
    """
    try:
        return diagrams.function_diagram_svg(function)
    except diagrams.DiagramUnavailable:
        return None


def site_diagram_svg(site: Site) -> str | None:
    """SVG of what fails with ``site``; None when nothing does or Graphviz cannot draw."""
    try:
        return diagrams.site_diagram_svg(site)
    except diagrams.DiagramUnavailable:
        return None


def spof_names_by_function(pt: Any) -> dict[int, list[str]]:
    """Names of each function's SPOF candidates (components before sites), for overviews.

    Uses the engine's structural single-failure test, which needs no probabilities, so it
    stays cheap with many functions; empty when the inventory has errors.
    """
    if pt.errors():
        return {}
    model = Model(pt.topology, validate=False)
    summary: dict[int, list[str]] = {}
    for key, function in pt.functions.items():
        service = model.services[key]
        if not service.requires:
            summary[function.pk] = []
            continue
        found = model.necessary(key)
        summary[function.pk] = sorted(pt.name(x) for x in found if x.startswith("component:"))
        summary[function.pk] += sorted(pt.name(x) for x in found if x.startswith("site:"))
    return summary
