"""Blast radius: with these elements failed, which services are down, degraded or up, and why.

Unlike the availability calculation this is not about probabilities: each element is
either up or down. Every site, component and group in ``failed`` is down by force; every
other element follows the structure function of the topology (see
``analysis.engine.structure``):

    site s       up ⇔ s ∉ F ∧ parent(s) up
    component c  up ⇔ c ∉ F ∧ site(c) up ∧ every runs_on(c) up
    group g      up ⇔ g ∉ F ∧ |{m ∈ members(g) : m up}| ≥ k(g)
    service v    up ⇔ every requires(v) up

A service (a business function's IT) is then in one of three states:

* **down** — the service itself is down: something it needs fully is down;
* **degraded** — the service runs, but an element it needs only for full quality
  (``degraded_requires``) is down, or a redundancy group on its paths has *lost
  redundancy*: the group is up while at least one of its members is down (it is running
  on its spares, or an active/passive pair has failed over);
* **up** — otherwise.

Why, for each service:

* ``causes`` — the failed elements on its down paths: x ∈ F is a cause of a down node n
  when a path n → … → x runs through down nodes only. For a down service these are the
  causes of the service; for a degraded one, the causes of its down degraded-only needs
  and of the down members of its strained groups. Two facts make this the right
  explanation (both are tested against brute force): failing *only* the causes keeps the
  service down, and repairing only the causes (every other failure kept) brings it up.
  Failures hidden behind redundancy that still runs are not causes; their group is
  listed as strained instead.
* ``strained`` — the groups in the service's dependency closure (full and degraded
  needs) that are up with fewer members up than they have, each with its members up,
  its k and the members that are down.

Cost: one pass over the topology in dependency order for the states and for the set of
strained groups below each element (linear in elements + references, times the number of
strained groups, which is small), then per service only its own needs; cause sets are
memoised per node, so shared sub-trees are explained once.

Worked example (the whitepaper's print service, simplified): app-1 and app-2 form a
1-of-2 active/passive group ``app``, both run on ``san``; the ``print`` service requires
``app`` and a 1-of-2 group ``lb`` of ``lb-1`` and ``lb-2``; the ``branch`` service requires
its own ``site-server`` and needs ``app`` only for degraded service.

* F = {san}: app-1 and app-2 are down (they run on san), so ``app`` has 0 < 1 members up
  and is down; ``print`` is **down** because of {san}. ``branch`` still has its site
  server, but its degraded-only need ``app`` is down: **degraded** because of {san}.
* F = {lb-1}: ``lb`` has 1 ≥ 1 members up and is up but strained (1 of 2 up, lb-1
  down); ``print`` is **degraded** with ``strained`` = (lb) and ``causes`` = {lb-1}.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Final, Literal

from analysis.engine.topology import Topology, service_result

ServiceState = Literal["up", "degraded", "down"]
ElementKind = Literal["site", "component", "group", "service"]

SERVICE_STATES: Final[tuple[ServiceState, ...]] = ("down", "degraded", "up")
# Kinds that can be declared failed; a service is down only because of what it needs.
FAILABLE_KINDS: Final[frozenset[ElementKind]] = frozenset({"site", "component", "group"})


class ImpactError(ValueError):
    """The request cannot be evaluated; ``unknown`` and ``not_failable`` name the bad ids.

    ``problems`` lists structural faults of the topology itself (an unknown reference, a
    cycle, an impossible k), each as a sentence.
    """

    def __init__(
        self,
        message: str,
        *,
        unknown: tuple[str, ...] = (),
        not_failable: tuple[str, ...] = (),
        problems: tuple[str, ...] = (),
    ) -> None:
        super().__init__(message)
        self.message = message
        self.unknown = unknown
        self.not_failable = not_failable
        self.problems = problems


@dataclass(frozen=True, slots=True)
class GroupStrain:
    """A redundancy group that still runs with some of its members down."""

    group_id: str
    members_up: int
    members: int
    k: int
    down_members: tuple[str, ...]

    @property
    def spare(self) -> int:
        """Members that may still fail before the group stops (0 = no redundancy left)."""
        return self.members_up - self.k


@dataclass(frozen=True, slots=True)
class ServiceImpact:
    """One service's state under the failures, and why."""

    service_id: str
    state: ServiceState
    causes: tuple[str, ...] = ()
    strained: tuple[GroupStrain, ...] = ()
    degraded_needs_down: tuple[str, ...] = ()

    @property
    def because(self) -> tuple[str, ...]:
        """Ids that explain the state: the failed causes, then the strained groups."""
        if self.state == "up":
            return ()
        groups = tuple(g.group_id for g in self.strained) if self.state == "degraded" else ()
        return self.causes + tuple(g for g in groups if g not in self.causes)


@dataclass(frozen=True, slots=True)
class ImpactReport:
    """The blast radius of ``failed``: every service's state, and every element that is down."""

    failed: tuple[str, ...]
    services: tuple[ServiceImpact, ...]
    down_elements: frozenset[str] = field(default_factory=frozenset)

    def service(self, service_id: str) -> ServiceImpact:
        return service_result(self.services, service_id)

    def in_state(self, state: ServiceState) -> tuple[ServiceImpact, ...]:
        return tuple(s for s in self.services if s.state == state)


class _Index:
    """Kinds and children of every element, and a dependency order (children first)."""

    def __init__(self, topology: Topology) -> None:
        self.kind: dict[str, ElementKind] = {}
        self.children: dict[str, tuple[str, ...]] = {}
        self.k: dict[str, int] = {}
        problems: list[str] = []

        def add(element_id: str, kind: ElementKind, children: tuple[str, ...]) -> None:
            if element_id in self.kind:
                problems.append(f"id '{element_id}' is used twice")
                return
            self.kind[element_id] = kind
            self.children[element_id] = children

        for site in topology.sites:
            add(site.id, "site", (site.parent,) if site.parent is not None else ())
        for comp in topology.components:
            add(comp.id, "component", ((comp.site,) if comp.site else ()) + comp.runs_on)
        for group in topology.groups:
            add(group.id, "group", group.members)
            self.k[group.id] = group.k
            if not 1 <= group.k <= len(group.members):
                problems.append(
                    f"group '{group.id}' needs {group.k} of {len(group.members)} members up"
                )
        for service in topology.services:
            add(service.id, "service", service.requires)
        for element_id, children in self.children.items():
            for child in children:
                if child not in self.kind:
                    problems.append(f"'{element_id}' refers to unknown id '{child}'")
        if problems:
            raise ImpactError("The topology cannot be evaluated.", problems=tuple(problems))
        self.order = self._dependency_order()

    def _dependency_order(self) -> list[str]:
        """Children before parents (iterative post-order DFS); a cycle is an ImpactError."""
        order: list[str] = []
        state: dict[str, int] = {}  # 1 = on the stack, 2 = done
        for root in self.kind:
            if root in state:
                continue
            state[root] = 1
            stack: list[tuple[str, int]] = [(root, 0)]
            while stack:
                node, index = stack[-1]
                kids = self.children[node]
                if index < len(kids):
                    stack[-1] = (node, index + 1)
                    child = kids[index]
                    seen = state.get(child)
                    if seen == 1:
                        raise ImpactError(
                            "The topology cannot be evaluated.",
                            problems=(f"'{child}' depends on itself through '{node}'",),
                        )
                    if seen is None:
                        state[child] = 1
                        stack.append((child, 0))
                else:
                    stack.pop()
                    state[node] = 2
                    order.append(node)
        return order


def _check_failed(index: _Index, failed: Iterable[str]) -> tuple[str, ...]:
    ordered = tuple(dict.fromkeys(failed))
    unknown = tuple(x for x in ordered if x not in index.kind)
    not_failable = tuple(
        x for x in ordered if x in index.kind and index.kind[x] not in FAILABLE_KINDS
    )
    if unknown or not_failable:
        parts = []
        if unknown:
            parts.append("unknown: " + ", ".join(unknown))
        if not_failable:
            parts.append(
                "services cannot fail by themselves, only through what they need: "
                + ", ".join(not_failable)
            )
        raise ImpactError(
            "Some failed elements cannot be used (" + "; ".join(parts) + ").",
            unknown=unknown,
            not_failable=not_failable,
        )
    return ordered


def element_states(topology: Topology, failed: Iterable[str]) -> dict[str, bool]:
    """Up (True) or down (False) for every element of the topology with ``failed`` down.

    Raises ``ImpactError`` for unknown or non-failable ids and for a topology that cannot
    be evaluated.
    """
    index = _Index(topology)
    return _states(index, frozenset(_check_failed(index, failed)))


def _states(index: _Index, failed: frozenset[str]) -> dict[str, bool]:
    up: dict[str, bool] = {}
    for node in index.order:
        kind = index.kind[node]
        if node in failed:
            up[node] = False
        elif kind == "group":
            alive = sum(1 for m in index.children[node] if up[m])
            up[node] = alive >= index.k[node]
        else:
            up[node] = all(up[c] for c in index.children[node])
    return up


class _Explainer:
    """Memoised causes (failed elements on down paths) and closures per node."""

    def __init__(self, index: _Index, up: dict[str, bool], failed: frozenset[str]) -> None:
        self.index = index
        self.up = up
        self.failed = failed
        self._causes: dict[str, frozenset[str]] = {}

    def causes(self, node: str) -> frozenset[str]:
        """Failed elements reachable from ``node`` through down nodes only (∅ if up)."""
        done = self._causes
        if node in done:
            return done[node]
        # Iterative post-order over the down part below ``node``.
        stack: list[tuple[str, int]] = [(node, 0)]
        visiting = {node}
        while stack:
            current, i = stack[-1]
            kids = self.index.children[current]
            if i < len(kids):
                stack[-1] = (current, i + 1)
                child = kids[i]
                if not self.up[child] and child not in done and child not in visiting:
                    visiting.add(child)
                    stack.append((child, 0))
                continue
            stack.pop()
            if self.up[current]:
                done[current] = frozenset()
                continue
            acc: set[str] = {current} if current in self.failed else set()
            for child in kids:
                if not self.up[child]:
                    acc.update(done[child])
            done[current] = frozenset(acc)
        return done[node]

    def strained_below(self) -> dict[str, frozenset[str]]:
        """For every element, the strained groups it depends on (itself included).

        One pass in dependency order: an element's set is the union of its children's,
        plus itself when it is a strained group. Most sets are empty and shared.
        """
        empty: frozenset[str] = frozenset()
        found: dict[str, frozenset[str]] = {}
        for node in self.index.order:
            parts = [found[c] for c in self.index.children[node] if found[c]]
            own = self.index.kind[node] == "group" and self.strain(node) is not None
            if not parts and not own:
                found[node] = empty
            elif len(parts) == 1 and not own:
                found[node] = parts[0]
            else:
                merged: set[str] = {node} if own else set()
                merged.update(*parts)
                found[node] = frozenset(merged)
        return found

    def strain(self, group_id: str) -> GroupStrain | None:
        if not self.up[group_id] or group_id in self.failed:
            return None
        members = self.index.children[group_id]
        down = tuple(m for m in members if not self.up[m])
        if not down:
            return None
        return GroupStrain(
            group_id=group_id,
            members_up=len(members) - len(down),
            members=len(members),
            k=self.index.k[group_id],
            down_members=down,
        )


def _ordered(ids: Iterable[str], order: Mapping[str, int]) -> tuple[str, ...]:
    return tuple(sorted(set(ids), key=lambda x: order[x]))


def assess_impact(
    topology: Topology,
    failed: Iterable[str],
    *,
    degraded_requires: Mapping[str, tuple[str, ...]] | None = None,
    service_ids: Iterable[str] | None = None,
) -> ImpactReport:
    """The state of every service (or of ``service_ids``) with ``failed`` down, and why.

    ``failed`` holds ids of sites, components and groups. ``degraded_requires`` maps a
    service id to elements it needs only for full quality (its full needs are
    ``Service.requires``). Only the structure of the topology is read: availabilities,
    recovery times and the year convention play no part, so a topology whose figures are
    incomplete can still be evaluated. Raises ``ImpactError`` naming unknown or
    non-failable ids, unknown ids in ``degraded_requires``, and structural faults
    (unknown references, cycles, impossible k).
    """
    index = _Index(topology)
    failed_ids = _check_failed(index, failed)
    extra = _checked_degraded_needs(index, degraded_requires)
    failed_set = frozenset(failed_ids)
    up = _states(index, failed_set)
    explainer = _Explainer(index, up, failed_set)
    position = {node: i for i, node in enumerate(index.order)}
    wanted = _wanted_services(index, topology, service_ids)
    below = explainer.strained_below()
    strains: dict[str, GroupStrain] = {}
    results: list[ServiceImpact] = []
    for service_id in wanted:
        needs = extra.get(service_id, ())
        group_ids: set[str] = set(below[service_id])
        for need in needs:
            group_ids |= below[need]
        strained: list[GroupStrain] = []
        for group_id in sorted(group_ids, key=lambda g: position[g]):
            if group_id not in strains:
                found = explainer.strain(group_id)
                assert found is not None
                strains[group_id] = found
            strained.append(strains[group_id])
        results.append(_service_impact(service_id, needs, tuple(strained), up, explainer, position))
    return ImpactReport(
        failed=failed_ids,
        services=tuple(results),
        down_elements=frozenset(node for node, is_up in up.items() if not is_up),
    )


def _checked_degraded_needs(
    index: _Index, degraded_requires: Mapping[str, tuple[str, ...]] | None
) -> dict[str, tuple[str, ...]]:
    """``degraded_requires`` as a dict, refusing unknown services and needs."""
    extra = dict(degraded_requires or {})
    bad = sorted(
        {s for s in extra if index.kind.get(s) != "service"}
        | {x for needs in extra.values() for x in needs if x not in index.kind}
    )
    if bad:
        raise ImpactError(
            "Degraded-only needs refer to unknown ids: " + ", ".join(bad) + ".",
            unknown=tuple(bad),
        )
    return extra


def _wanted_services(
    index: _Index, topology: Topology, service_ids: Iterable[str] | None
) -> list[str]:
    """Every service in topology order, or ``service_ids`` once each, all known."""
    if service_ids is None:
        return [s.id for s in topology.services]
    wanted = list(dict.fromkeys(service_ids))
    unknown = tuple(s for s in wanted if index.kind.get(s) != "service")
    if unknown:
        raise ImpactError("Unknown services: " + ", ".join(unknown) + ".", unknown=unknown)
    return wanted


def _service_impact(
    service_id: str,
    needs: tuple[str, ...],
    strained: tuple[GroupStrain, ...],
    up: dict[str, bool],
    explainer: _Explainer,
    position: Mapping[str, int],
) -> ServiceImpact:
    """Down when its full needs are down; degraded when a degraded-only need is down or
    a group it uses lost members; up otherwise."""
    if not up[service_id]:
        return ServiceImpact(
            service_id=service_id,
            state="down",
            causes=_ordered(explainer.causes(service_id), position),
            strained=strained,
        )
    needs_down = _ordered((n for n in needs if not up[n]), position)
    if not needs_down and not strained:
        return ServiceImpact(service_id=service_id, state="up")
    causes: set[str] = set()
    for need in needs_down:
        causes |= explainer.causes(need)
    for strain in strained:
        for member in strain.down_members:
            causes |= explainer.causes(member)
    return ServiceImpact(
        service_id=service_id,
        state="degraded",
        causes=_ordered(causes, position),
        strained=strained,
        degraded_needs_down=needs_down,
    )
