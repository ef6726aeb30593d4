"""The plan's inventory as a graph of keys, loaded in a handful of queries.

Keys are ``"component:<id>"``, ``"group:<id>"``, ``"site:<id>"`` and ``"function:<id>"``,
the same ids :mod:`inventory.topology` gives the engine. Edges point from what needs to
what is needed: a component to what it runs on, a group to its members, a function to
its dependencies. Pages use this for "depends on" / "used by" lists and the services use
it to refuse cycles before anything is saved.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from analysis.engine.validation import first_cycle
from bcp.models import Plan
from bia.models import BusinessFunction
from inventory.models import Component, Dependency, GroupMember, RedundancyGroup, RunsOn, Site


def component_key(pk: int) -> str:
    return f"component:{pk}"


def group_key(pk: int) -> str:
    return f"group:{pk}"


def site_key(pk: int) -> str:
    return f"site:{pk}"


def function_key(pk: int) -> str:
    return f"function:{pk}"


def target_key(component_id: int | None, group_id: int | None) -> str:
    """The key of what a link names (what a component runs on, a group's member, what a
    function depends on): its component or, when it names none, its group."""
    if component_id:
        return component_key(component_id)
    if group_id:
        return group_key(group_id)
    raise ValueError("A link names neither a component nor a group.")


@dataclass
class PlanGraph:
    names: dict[str, str] = field(default_factory=dict)
    edges: dict[str, list[str]] = field(default_factory=dict)
    site_of: dict[str, str] = field(default_factory=dict)
    site_parent: dict[str, str] = field(default_factory=dict)

    def reverse(self) -> dict[str, list[str]]:
        back: dict[str, list[str]] = {}
        for source, targets in self.edges.items():
            for target in targets:
                back.setdefault(target, []).append(source)
        return back

    def name(self, key: str) -> str:
        return self.names.get(key, key)


def load_plan_graph(plan: Plan) -> PlanGraph:
    """Read every edge of the plan's inventory (six queries, whatever its size)."""
    graph = PlanGraph()
    for pk, name, site_id in Component.objects.filter(plan=plan).values_list(
        "pk", "name", "site_id"
    ):
        graph.names[component_key(pk)] = name
        graph.edges[component_key(pk)] = []
        if site_id is not None:
            graph.site_of[component_key(pk)] = site_key(site_id)
    nodes: tuple[tuple[type[RedundancyGroup | BusinessFunction], Callable[[int], str]], ...] = (
        (RedundancyGroup, group_key),
        (BusinessFunction, function_key),
    )
    for model, key_of in nodes:
        for pk, name in model._default_manager.filter(plan=plan).values_list("pk", "name"):
            graph.names[key_of(pk)] = name
            graph.edges[key_of(pk)] = []
    for pk, name, parent_id in Site.objects.filter(plan=plan).values_list(
        "pk", "name", "parent_id"
    ):
        graph.names[site_key(pk)] = name
        if parent_id is not None:
            graph.site_parent[site_key(pk)] = site_key(parent_id)
    for source, on_c, on_g in RunsOn.objects.filter(component__plan=plan).values_list(
        "component_id", "on_component_id", "on_group_id"
    ):
        target = target_key(on_c, on_g)
        graph.edges[component_key(source)].append(target)
    for group_id, comp, sub in (
        GroupMember.objects.filter(group__plan=plan)
        .order_by("group_id", "position", "pk")
        .values_list("group_id", "component_id", "member_group_id")
    ):
        graph.edges[group_key(group_id)].append(target_key(comp, sub))
    for function_id, comp, grp in Dependency.objects.filter(plan=plan).values_list(
        "function_id", "component_id", "group_id"
    ):
        graph.edges.setdefault(function_key(function_id), []).append(target_key(comp, grp))
    return graph


def find_cycle(edges: Mapping[str, Iterable[str]], start: str | None = None) -> list[str] | None:
    """A loop in ``edges`` as [a, b, …, a], or None: the engine's walk, so deep chains are safe.

    With ``start``, only loops reachable from it are looked for (enough after one change).
    """
    return first_cycle(edges, [start] if start is not None else edges)


def reachable(edges: Mapping[str, Iterable[str]], start: str) -> list[str]:
    """Every key reachable from ``start`` (not including it), nearest first."""
    seen = {start}
    order: list[str] = []
    frontier = [start]
    while frontier:
        following: list[str] = []
        for node in frontier:
            for nxt in edges.get(node, ()):
                if nxt not in seen:
                    seen.add(nxt)
                    order.append(nxt)
                    following.append(nxt)
        frontier = following
    return order


def describe_cycle(cycle: list[str], names: Mapping[str, str]) -> str:
    return " → ".join(names.get(key, key) for key in cycle)
