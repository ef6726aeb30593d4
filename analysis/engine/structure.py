"""The structure function of a topology, as an indexed graph the calculations share.

Every component and every site is one independent Boolean variable (up = True). Each
element of the topology is a node whose state is a function of those variables:

    site s       = x_s ∧ parent(s)
    component c  = x_c ∧ site(c) ∧ ⋀ runs_on(c)
    group g      = at least k of members(g) up        (k-of-n, members need not be alike)
    service s    = ⋀ requires(s)

A variable that several paths reach (a shared SAN, a site) stays one variable, which is
what keeps the arithmetic exact. This module holds the bookkeeping that the BDD, the Monte
Carlo sampler and the SPOF search all use.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Literal

from analysis.engine.topology import (
    Component,
    Group,
    Service,
    Site,
    Topology,
    TopologyError,
    availability_pair,
)
from analysis.engine.validation import validate_topology

ElementKind = Literal["site", "component", "group", "service"]
_VARIABLE_KINDS = frozenset(("site", "component"))


@dataclass(frozen=True, slots=True)
class FailoverLoss:
    """The failover window of an active/passive group: how often and for how long.

    failovers_per_hour = 1 / (MTBF + MTTR) of the active member (it fails once per cycle);
    lost_fraction = failovers_per_hour × min(failover_seconds / 3 600, MTTR): a failover
    slower than repairing the active member in place would not be used (a cold standby
    site does not help with a single server fault). The availability calculation treats
    the window as an independent element in series with the group.
    """

    group_id: str
    active_member: str
    failovers_per_year: float
    failover_seconds: float
    lost_fraction: float


class Model:
    """Indexed, validated view of a ``Topology`` (read-only; safe to share)."""

    def __init__(self, topology: Topology, *, validate: bool = True) -> None:
        if validate:
            validate_topology(topology)
        self.topology = topology
        self.sites: dict[str, Site] = {s.id: s for s in topology.sites}
        self.components: dict[str, Component] = {c.id: c for c in topology.components}
        self.groups: dict[str, Group] = {g.id: g for g in topology.groups}
        self.services: dict[str, Service] = {s.id: s for s in topology.services}
        self._kind: dict[str, ElementKind] = {}
        for sid in self.sites:
            self._kind[sid] = "site"
        for cid in self.components:
            self._kind[cid] = "component"
        for gid in self.groups:
            self._kind[gid] = "group"
        for vid in self.services:
            self._kind[vid] = "service"
        self._necessary: dict[str, frozenset[str]] = {}
        self._closure: dict[str, tuple[str, ...]] = {}

    def kind(self, element_id: str) -> ElementKind:
        """Kind of an element; ``KeyError`` for an unknown id."""
        return self._kind[element_id]

    def has(self, element_id: str) -> bool:
        return element_id in self._kind

    def is_variable(self, element_id: str) -> bool:
        """Components and sites are the random variables; groups and services are logic."""
        return self._kind[element_id] in ("site", "component")

    def children(self, element_id: str) -> tuple[str, ...]:
        """Elements this one's state depends on (site first for components)."""
        kind = self._kind[element_id]
        if kind == "component":
            c = self.components[element_id]
            return ((c.site,) if c.site is not None else ()) + c.runs_on
        if kind == "site":
            parent = self.sites[element_id].parent
            return (parent,) if parent is not None else ()
        if kind == "group":
            return self.groups[element_id].members
        return self.services[element_id].requires

    def pq(self, variable_id: str) -> tuple[float, float]:
        """(P(up), P(down)) of a component or site, the latter without cancellation."""
        if self._kind[variable_id] == "site":
            a = float(self.sites[variable_id].availability)
            return a, 1.0 - a
        c = self.components[variable_id]
        return availability_pair(c.availability, c.mtbf_hours, c.mttr_hours)

    def closure(self, root: str) -> tuple[str, ...]:
        """Every element ``root`` depends on, children before parents, ``root`` last.

        Iterative post-order DFS, so deep chains cannot overflow the stack.
        """
        cached = self._closure.get(root)
        if cached is not None:
            return cached
        children = self.children
        order: list[str] = []
        seen: set[str] = {root}
        # Each node with an iterator over its children, read once.
        stack: list[tuple[str, Iterator[str]]] = [(root, iter(children(root)))]
        while stack:
            node, kids = stack[-1]
            for child in kids:
                if child not in seen:
                    seen.add(child)
                    stack.append((child, iter(children(child))))
                    break
            else:
                stack.pop()
                order.append(node)
        result = tuple(order)
        if self._kind[root] == "service":
            self._closure[root] = result
        return result

    def variables(self, root: str) -> tuple[str, ...]:
        """Components and sites ``root`` depends on, in depth-first pre-order."""
        children, kind = self.children, self._kind
        order: list[str] = []
        seen: set[str] = set()
        stack = [root]
        while stack:
            node = stack.pop()
            if node in seen:
                continue
            seen.add(node)
            if kind[node] in _VARIABLE_KINDS:
                order.append(node)
            stack.extend(reversed(children(node)))
        return tuple(order)

    def necessary(self, element_id: str) -> frozenset[str]:
        """Variables whose failure alone brings ``element_id`` down (its SPOFs).

        Because every node is monotone (a failure never brings anything up), x is
        necessary for a node exactly when the node is down with x down and every other
        variable up. So: a component or site needs itself plus all its children's
        necessary variables; a service needs the union over its requirements; a k-of-n
        group needs x when fewer than k members survive x's failure, i.e. when
        n − |{members needing x}| < k.

        Example: app-1 and app-2 both run on ``san`` in a 1-of-2 group → both members need
        ``san``, 2 − 2 = 0 < 1, so the group (and any service requiring it) needs ``san``.
        """
        done = self._necessary
        if element_id in done:
            return done[element_id]
        for node in self.closure(element_id):
            if node in done:
                continue
            kind = self._kind[node]
            if kind == "group":
                group = self.groups[node]
                counts: dict[str, int] = {}
                for member in group.members:
                    for var in done[member]:
                        counts[var] = counts.get(var, 0) + 1
                n = len(group.members)
                done[node] = frozenset(v for v, cnt in counts.items() if n - cnt < group.k)
            else:
                acc: set[str] = {node} if kind in ("site", "component") else set()
                for child in self.children(node):
                    acc.update(done[child])
                done[node] = frozenset(acc)
        return done[element_id]

    def failover_loss(self, group_id: str) -> FailoverLoss | str | None:
        """Failover window of one group: a ``FailoverLoss``, a note why none can be charged,
        or ``None`` when the group pays no failover (active/active or zero failover time).

        Example: active member MTBF 4 380 h, MTTR 8 h, failover 60 s → 1/4 388 failovers per
        hour ≈ 1.997 per 365.2425-day year; lost fraction = 60 / 3 600 / 4 388 ≈ 3.8e-6
        (about 2 minutes a year).
        """
        group = self.groups[group_id]
        if group.mode != "active_passive" or group.failover_seconds <= 0 or not group.members:
            return None
        active = group.members[0]
        comp = self.components.get(active)
        if comp is None or comp.mtbf_hours is None or comp.mttr_hours is None:
            return (
                f"failover time of group '{group_id}' not charged: its active member "
                f"'{active}' has no MTBF/MTTR, so how often it fails over is unknown"
            )
        rate = 1.0 / (float(comp.mtbf_hours) + float(comp.mttr_hours))
        return FailoverLoss(
            group_id=group_id,
            active_member=active,
            failovers_per_year=rate * self.topology.year_days * 24.0,
            failover_seconds=float(group.failover_seconds),
            lost_fraction=rate
            * min(float(group.failover_seconds) / 3600.0, float(comp.mttr_hours)),
        )

    def failover_losses(self, root: str) -> tuple[tuple[FailoverLoss, ...], tuple[str, ...]]:
        """Failover windows of the active/passive groups under ``root``, and a note for each
        group whose failover rate is unknown (nothing is charged for those)."""
        losses: list[FailoverLoss] = []
        notes: list[str] = []
        for node in self.closure(root):
            if self._kind[node] != "group":
                continue
            loss = self.failover_loss(node)
            if isinstance(loss, FailoverLoss):
                losses.append(loss)
            elif loss is not None:
                notes.append(loss)
        return tuple(losses), tuple(notes)

    def users_of_components(self, roots: Iterable[str] | None = None) -> dict[str, set[str]]:
        """Which services (or given roots) depend on each component and site."""
        used: dict[str, set[str]] = {}
        for root in self.services if roots is None else roots:
            for node in self.closure(root):
                if self.is_variable(node):
                    used.setdefault(node, set()).add(root)
        return used


def components_used_by(topology: Topology) -> dict[str, set[str]]:
    """Map each component and site id to the ids of the services that depend on it.

    Example: in the print example ``san`` maps to every print service, because both
    application servers and the database run on it.
    """
    return Model(topology).users_of_components()


def sub_topology(topology: Topology, roots: Iterable[str]) -> Topology:
    """The part of ``topology`` that ``roots`` depend on (other elements dropped).

    Analysing one service in a large estate then costs in proportion to that service, not
    to the estate. References to unknown ids are kept so that validation still reports
    them. Raises ``TopologyError`` (unknown_id) when a root does not exist.

    Example: cutting "print-head-office" out of the print example keeps the SAN, the
    application pair and the head-office sites, and drops the branch and its site server.
    """
    children: dict[str, tuple[str, ...]] = {}
    for site in topology.sites:
        children[site.id] = (site.parent,) if site.parent is not None else ()
    for comp in topology.components:
        children[comp.id] = ((comp.site,) if comp.site is not None else ()) + comp.runs_on
    for group in topology.groups:
        children[group.id] = group.members
    for service in topology.services:
        children[service.id] = service.requires
    keep: set[str] = set()
    stack: list[str] = []
    for root in roots:
        if root not in children:
            raise TopologyError("unknown_id", f"unknown id '{root}'", "services")
        stack.append(root)
    while stack:
        node = stack.pop()
        if node in keep:
            continue
        keep.add(node)
        stack.extend(child for child in children.get(node, ()) if child not in keep)
    return topology.only(keep)
