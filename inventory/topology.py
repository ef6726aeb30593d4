"""Turn a plan's inventory into the analysis engine's ``Topology``.

Ids are ``"site:<pk>"``, ``"component:<pk>"``, ``"group:<pk>"`` and ``"function:<pk>"``;
each business function becomes a ``Service`` that requires what it needs *fully*.
Dependencies needed only for degraded service are kept on the side
(``degraded_requires``): the engine's availability and SPOF figures describe the full
service, and pages say so.

:class:`PlanTopology` keeps maps back to the model objects, so results can be shown
with names and links.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, cast

from analysis.engine.availability import single_points_of_failure as engine_spofs
from analysis.engine.recovery import recovery_reach
from analysis.engine.structure import Model
from analysis.engine.topology import Component as EngineComponent
from analysis.engine.topology import Group as EngineGroup
from analysis.engine.topology import GroupMode as EngineGroupMode
from analysis.engine.topology import Replication as EngineReplication
from analysis.engine.topology import Service as EngineService
from analysis.engine.topology import Site as EngineSite
from analysis.engine.topology import Topology, TopologyError
from analysis.engine.validation import topology_errors
from bcp.models import Plan
from bia.models import BusinessFunction
from inventory import graph as g
from inventory.models import (
    Component,
    Dependency,
    GroupMember,
    Need,
    RedundancyGroup,
    RunsOn,
    Site,
)
from inventory.people import RECOVER, PeopleElements, people_elements


@dataclass
class PlanTopology:
    topology: Topology
    sites: dict[str, Site] = field(default_factory=dict)
    components: dict[str, Component] = field(default_factory=dict)
    groups: dict[str, RedundancyGroup] = field(default_factory=dict)
    functions: dict[str, BusinessFunction] = field(default_factory=dict)
    degraded_requires: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # What each function needs to recover but not to run (people, roles): outside the
    # availability structure, the time to reach them adds to the achievable RTO.
    recovery_requires: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # People, their cover groups and suppliers (``inventory.people``).
    extra: PeopleElements = field(default_factory=PeopleElements)
    _errors: tuple[TopologyError, ...] | None = field(default=None, repr=False)

    def name(self, element_id: str) -> str:
        for table in (self.components, self.groups, self.sites, self.functions):
            if element_id in table:
                return str(table[element_id])
        return self.extra.name(element_id) or element_id

    def object(self, element_id: str) -> Any:
        for table in (self.components, self.groups, self.sites, self.functions):
            if element_id in table:
                return table[element_id]
        for extra in (
            self.extra.people,
            self.extra.covers,
            self.extra.suppliers,
            self.extra.roles,
        ):
            if element_id in extra:
                return extra[element_id]
        return None

    def errors(self) -> tuple[TopologyError, ...]:
        # Validation walks the whole estate; pages ask several times per request.
        if self._errors is None:
            self._errors = topology_errors(self.topology)
        return self._errors

    def error_messages(self) -> list[str]:
        """The engine's findings with every id replaced by the element's name."""
        messages = []
        names = {key: self.name(key) for key in self.all_ids()}
        for error in self.errors():
            text = error.message
            for key in sorted(names, key=len, reverse=True):
                text = text.replace(f"'{key}'", f"“{names[key]}”").replace(key, names[key])
            messages.append(text)
        return messages

    def all_ids(self) -> list[str]:
        return [
            *self.sites,
            *self.components,
            *self.groups,
            *self.functions,
            *self.extra.all_ids(),
        ]


def _fraction(percent: float | None) -> float | None:
    return None if percent is None else percent / 100.0


def engine_site(key: str, site: Site) -> EngineSite:
    return EngineSite(
        id=key,
        availability=1.0 if site.availability_percent is None else site.availability_percent / 100,
        parent=g.site_key(site.parent_id) if site.parent_id else None,
        restore_hours=site.restore_hours,
        kind=site.kind,
    )


def engine_component(key: str, c: Component, runs_on: tuple[str, ...]) -> EngineComponent:
    return EngineComponent(
        id=key,
        availability=_fraction(c.availability_percent),
        mtbf_hours=c.mtbf_hours,
        mttr_hours=c.mttr_hours,
        runs_on=runs_on,
        site=g.site_key(c.site_id) if c.site_id else None,
        kind=c.kind,
        holds_data=c.holds_data,
        failover_seconds=c.failover_seconds,
        restore_hours=c.restore_hours,
        backup_interval_hours=c.backup_interval_hours,
        # django-stubs types a choices field as plain str; the choices are the engine's
        # literals, and topology_errors names any stored value outside them.
        replication=cast(EngineReplication, c.replication),
        replication_lag_seconds=c.replication_lag_seconds,
    )


def engine_group(key: str, group: RedundancyGroup, members: tuple[str, ...]) -> EngineGroup:
    return EngineGroup(
        id=key,
        mode=cast(EngineGroupMode, group.mode),  # as replication in engine_component
        members=members,
        k=group.k,
        failover_seconds=group.failover_seconds,
    )


def plan_topology(plan: Plan) -> PlanTopology:
    """Build the engine inputs for ``plan`` (a fixed number of queries)."""
    sites = {g.site_key(s.pk): s for s in Site.objects.filter(plan=plan).order_by("pk")}
    components = {
        g.component_key(c.pk): c for c in Component.objects.filter(plan=plan).order_by("pk")
    }
    groups = {
        g.group_key(x.pk): x for x in RedundancyGroup.objects.filter(plan=plan).order_by("pk")
    }
    functions = {
        g.function_key(f.pk): f for f in BusinessFunction.objects.filter(plan=plan).order_by("pk")
    }
    plan_graph = g.load_plan_graph(plan)

    engine_sites = tuple(engine_site(key, site) for key, site in sites.items())
    engine_components = tuple(
        engine_component(key, c, tuple(plan_graph.edges.get(key, ())))
        for key, c in components.items()
    )
    engine_groups = tuple(
        engine_group(key, group, tuple(plan_graph.edges.get(key, ())))
        for key, group in groups.items()
    )
    full: dict[str, list[str]] = {key: [] for key in functions}
    degraded: dict[str, list[str]] = {key: [] for key in functions}
    for function_id, comp, grp, need in (
        Dependency.objects.filter(plan=plan)
        .order_by("pk")
        .values_list("function_id", "component_id", "group_id", "need")
    ):
        target = g.target_key(comp, grp)
        (full if need == Need.FULL else degraded)[g.function_key(function_id)].append(target)
    extra = people_elements(plan, {f.pk: key for key, f in functions.items()})
    for key, needs in extra.needs.items():
        full[key] += needs.get(Need.FULL, [])
        degraded[key] += needs.get(Need.DEGRADED, [])
    engine_services = tuple(EngineService(id=key, requires=tuple(full[key])) for key in functions)
    topology = Topology(
        components=engine_components + extra.components,
        groups=engine_groups + extra.groups,
        services=engine_services,
        sites=engine_sites,
    )
    return PlanTopology(
        topology=topology,
        sites=sites,
        components=components,
        groups=groups,
        functions=functions,
        degraded_requires={key: tuple(v) for key, v in degraded.items()},
        recovery_requires={
            key: tuple(needs[RECOVER]) for key, needs in extra.needs.items() if needs.get(RECOVER)
        },
        extra=extra,
    )


# Levels of "runs on" / "member of" followed when loading one function's part; a deeper
# chain is refused (the inventory checks keep real ones far shallower).
MAX_PART_DEPTH = 200


def _function_needs(plan: Plan, function: BusinessFunction) -> tuple[list[str], list[str]]:
    """The keys ``function`` needs fully and those it needs for degraded service."""
    full: list[str] = []
    degraded: list[str] = []
    for comp, grp, need in (
        Dependency.objects.filter(plan=plan, function=function)
        .order_by("pk")
        .values_list("component_id", "group_id", "need")
    ):
        target = g.target_key(comp, grp)
        (full if need == Need.FULL else degraded).append(target)
    return full, degraded


@dataclass
class _Part:
    """The components and groups below a function, loaded level by level, and their edges."""

    components: dict[int, Component] = field(default_factory=dict)
    groups: dict[int, RedundancyGroup] = field(default_factory=dict)
    edges: dict[str, list[str]] = field(default_factory=dict)

    def add_components(self, plan: Plan, pks: set[int]) -> tuple[set[int], set[int]]:
        """Load components ``pks`` and what they run on; return the components and groups
        found underneath."""
        for c in Component.objects.filter(plan=plan, pk__in=pks):
            self.components[c.pk] = c
            self.edges[g.component_key(c.pk)] = []
        return self._add_links(
            g.component_key,
            RunsOn.objects.filter(component_id__in=pks)
            .order_by("pk")
            .values_list("component_id", "on_component_id", "on_group_id"),
        )

    def add_groups(self, plan: Plan, pks: set[int]) -> tuple[set[int], set[int]]:
        """Load groups ``pks`` and their members in order; return the components and groups
        found as members."""
        for x in RedundancyGroup.objects.filter(plan=plan, pk__in=pks):
            self.groups[x.pk] = x
            self.edges[g.group_key(x.pk)] = []
        return self._add_links(
            g.group_key,
            GroupMember.objects.filter(group_id__in=pks)
            .order_by("group_id", "position", "pk")
            .values_list("group_id", "component_id", "member_group_id"),
        )

    def _add_links(
        self, source_key: Callable[[int], str], links: Iterable[tuple[int, int | None, int | None]]
    ) -> tuple[set[int], set[int]]:
        """An edge for each link ``(source, component, group)`` from its source (keyed by
        ``source_key``) to the component or group it names; return the components and
        groups named."""
        found_c: set[int] = set()
        found_g: set[int] = set()
        for source, comp, grp in links:
            self.edges[source_key(source)].append(g.target_key(comp, grp))
            if comp:
                found_c.add(comp)
            elif grp:
                found_g.add(grp)
        return found_c, found_g


def _part_below(plan: Plan, function: BusinessFunction, needs: list[str]) -> _Part:
    """Everything ``needs`` stand on, followed down level by level (refused past
    :data:`MAX_PART_DEPTH` levels)."""
    part = _Part()
    todo_c = {int(k.split(":")[1]) for k in needs if k.startswith("component:")}
    todo_g = {int(k.split(":")[1]) for k in needs if k.startswith("group:")}
    for _level in range(MAX_PART_DEPTH):
        if not todo_c and not todo_g:
            return part
        found_c, found_g = part.add_components(plan, todo_c) if todo_c else (set(), set())
        if todo_g:
            more_c, more_g = part.add_groups(plan, todo_g)
            found_c |= more_c
            found_g |= more_g
        todo_c = found_c - set(part.components)
        todo_g = found_g - set(part.groups)
    raise ValueError(f"the dependencies of '{function}' are nested too deeply to load")


def function_topology(plan: Plan, function: BusinessFunction) -> PlanTopology:
    """The engine inputs of one function: what it depends on (fully or degraded), followed
    down to the last component, and every site of the plan (a remedy may place a peer in
    any of them). Components, groups and edges come in the orders ``plan_topology`` gives
    them, so the function's figures are those of a whole-plan load. About five queries
    per level of the dependency chain, whatever the plan's size.
    """
    fkey = g.function_key(function.pk)
    full, degraded = _function_needs(plan, function)
    part = _part_below(plan, function, [*full, *degraded])
    sites = {g.site_key(s.pk): s for s in Site.objects.filter(plan=plan).order_by("pk")}
    by_key_c = {g.component_key(pk): part.components[pk] for pk in sorted(part.components)}
    by_key_g = {g.group_key(pk): part.groups[pk] for pk in sorted(part.groups)}
    # People and suppliers come after the inventory's own elements, as in plan_topology.
    extra = people_elements(plan, {function.pk: fkey})
    full += extra.needs.get(fkey, {}).get(Need.FULL, [])
    degraded += extra.needs.get(fkey, {}).get(Need.DEGRADED, [])
    edges = part.edges
    topology = Topology(
        components=tuple(engine_component(key, c, tuple(edges[key])) for key, c in by_key_c.items())
        + extra.components,
        groups=tuple(engine_group(key, x, tuple(edges[key])) for key, x in by_key_g.items())
        + extra.groups,
        services=(EngineService(id=fkey, requires=tuple(full)),),
        sites=tuple(engine_site(key, site) for key, site in sites.items()),
    )
    return PlanTopology(
        topology=topology,
        sites=sites,
        components=by_key_c,
        groups=by_key_g,
        functions={fkey: function},
        degraded_requires={fkey: tuple(degraded)},
        recovery_requires=(
            {fkey: tuple(extra.needs[fkey][RECOVER])}
            if extra.needs.get(fkey, {}).get(RECOVER)
            else {}
        ),
        extra=extra,
    )


def single_points_of_failure(plan_topology: PlanTopology, service_id: str) -> tuple[str, ...]:
    """SPOF candidates of one function's full service, most important first.

    Empty when the function needs nothing fully or the topology is invalid (the page
    shows the validation errors instead).
    """
    if plan_topology.errors():
        return ()
    services = {s.id: s for s in plan_topology.topology.services}
    if service_id not in services or not services[service_id].requires:
        return ()
    return engine_spofs(plan_topology.topology, service_id)


def recovery_single_points_of_failure(
    plan_topology: PlanTopology, service_id: str
) -> tuple[str, ...]:
    """What the function needs to recover with nobody to stand in: single points of
    failure for recovery (their absence delays recovery, it does not stop the function).
    Empty when it needs nothing to recover or the topology is invalid."""
    needed = plan_topology.recovery_requires.get(service_id, ())
    if not needed or plan_topology.errors():
        return ()
    return recovery_reach(plan_topology.topology, service_id, needed).single_points_of_failure


def _dependents(topology: Topology) -> dict[str, list[str]]:
    """Reverse edges: for each element, the elements whose state depends on it."""
    up: dict[str, list[str]] = {}
    for site in topology.sites:
        if site.parent is not None:
            up.setdefault(site.parent, []).append(site.id)
    for component in topology.components:
        for child in ((component.site,) if component.site else ()) + component.runs_on:
            up.setdefault(child, []).append(component.id)
    for group in topology.groups:
        for member in group.members:
            up.setdefault(member, []).append(group.id)
    for service in topology.services:
        for needed in service.requires:
            up.setdefault(needed, []).append(service.id)
    return up


def fails_with(plan_topology: PlanTopology, element_id: str) -> set[str]:
    """Every element that goes down when ``element_id`` (a component or site) alone fails.

    Only elements above ``element_id`` can be affected, so just those are tested with the
    engine's single-failure analysis (a k-of-n group survives when enough members do not
    depend on it).
    """
    if plan_topology.errors():
        return set()
    up = _dependents(plan_topology.topology)
    candidates: list[str] = []
    seen = {element_id}
    frontier = [element_id]
    while frontier:
        node = frontier.pop()
        for parent in up.get(node, ()):
            if parent not in seen:
                seen.add(parent)
                candidates.append(parent)
                frontier.append(parent)
    model = Model(plan_topology.topology, validate=False)
    return {other for other in candidates if element_id in model.necessary(other)}
