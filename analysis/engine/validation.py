"""Validation of a ``Topology``: every problem found, each with a code, a message and a path.

Codes: ``unknown_id``, ``cycle``, ``k_greater_than_n``, ``availability_out_of_range``,
``duplicate_id``, ``missing_availability``, ``invalid_mttr``, ``runs_on_itself``,
``invalid_k`` and ``invalid`` (a malformed value such as a negative failover time).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

from analysis.engine.budgets import YEAR_CONVENTIONS
from analysis.engine.topology import (
    GROUP_MODES,
    REPLICATION_MODES,
    ErrorCode,
    Topology,
    TopologyError,
)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _bad_fraction(value: float) -> bool:
    return not _is_number(value) or math.isnan(value) or not 0.0 <= value <= 1.0


def _bad_positive(value: float | None) -> bool:
    return value is not None and (not _is_number(value) or math.isnan(value) or not value > 0.0)


def _bad_non_negative(value: float | None) -> bool:
    return value is not None and (not _is_number(value) or math.isnan(value) or value < 0.0)


class _Checker:
    """Collects every problem in one pass so an import can name them all at once."""

    def __init__(self, topology: Topology) -> None:
        self.t = topology
        self.errors: list[TopologyError] = []
        self.where: dict[str, str] = {}
        self.kind: dict[str, str] = {}

    def add(self, code: ErrorCode, message: str, path: str, ids: tuple[str, ...] = ()) -> None:
        self.errors.append(TopologyError(code, message, path, ids))

    def run(self) -> list[TopologyError]:
        self._ids()
        self._sites()
        self._components()
        self._groups()
        self._services()
        if self.t.year_days not in YEAR_CONVENTIONS:
            accepted = ", ".join(str(d) for d in YEAR_CONVENTIONS)
            self.add("invalid", f"year_days must be one of {accepted}", "year_days")
        if self.t.method not in ("auto", "exact", "monte_carlo"):
            self.add("invalid", "method must be auto, exact or monte_carlo", "method")
        self._site_cycles()
        self._dependency_cycles()
        return self.errors

    def _ids(self) -> None:
        t = self.t
        sections: tuple[tuple[str, tuple[str, ...]], ...] = (
            ("sites", tuple(s.id for s in t.sites)),
            ("components", tuple(c.id for c in t.components)),
            ("groups", tuple(g.id for g in t.groups)),
            ("services", tuple(s.id for s in t.services)),
        )
        for section, ids in sections:
            for index, element_id in enumerate(ids):
                path = f"{section}[{index}].id"
                if not isinstance(element_id, str) or not element_id:
                    self.add("invalid", "id must be a non-empty string", path)
                    continue
                if element_id in self.where:
                    self.add(
                        "duplicate_id",
                        f"id '{element_id}' is used twice: at {self.where[element_id]} and here "
                        "(sites, components, groups and services share one namespace)",
                        path,
                    )
                    continue
                self.where[element_id] = path
                self.kind[element_id] = section[:-1]

    def _ref(self, ref: str, path: str, allowed: tuple[str, ...], owner: str) -> bool:
        kind = self.kind.get(ref)
        if kind is None:
            self.add("unknown_id", f"'{owner}' refers to unknown id '{ref}'", path)
            return False
        if kind not in allowed:
            self.add(
                "unknown_id",
                f"'{owner}' refers to '{ref}', which is a {kind}; "
                f"only {' or '.join(a + 's' for a in allowed)} may be referenced here",
                path,
            )
            return False
        return True

    def _sites(self) -> None:
        for index, site in enumerate(self.t.sites):
            path = f"sites[{index}]"
            if _bad_fraction(site.availability):
                self.add(
                    "availability_out_of_range",
                    f"site '{site.id}' availability {site.availability!r} is not a fraction "
                    "in [0, 1]",
                    f"{path}.availability",
                )
            if _bad_non_negative(site.restore_hours):
                self.add("invalid", f"site '{site.id}' restore_hours must be ≥ 0", path)
            if site.parent is not None:
                self._ref(site.parent, f"{path}.parent", ("site",), site.id)

    def _components(self) -> None:
        for index, c in enumerate(self.t.components):
            path = f"components[{index}]"
            if c.availability is not None:
                if _bad_fraction(c.availability):
                    self.add(
                        "availability_out_of_range",
                        f"component '{c.id}' availability {c.availability!r} is not a fraction "
                        "in [0, 1] (write 99.9% as 0.999)",
                        f"{path}.availability",
                    )
            elif c.mtbf_hours is None or c.mttr_hours is None:
                missing = "mtbf_hours" if c.mtbf_hours is None else "mttr_hours"
                self.add(
                    "missing_availability",
                    f"component '{c.id}' needs an availability or both mtbf_hours and "
                    f"mttr_hours ({missing} is missing)",
                    path,
                )
            for field in ("mtbf_hours", "mttr_hours"):
                value = getattr(c, field)
                if _bad_positive(value):
                    self.add(
                        "invalid_mttr",
                        f"component '{c.id}' {field} must be greater than 0; got {value!r}",
                        f"{path}.{field}",
                    )
            for field in ("failover_seconds", "restore_hours", "replication_lag_seconds"):
                value = getattr(c, field)
                if _bad_non_negative(value):
                    self.add(
                        "invalid", f"component '{c.id}' {field} must be ≥ 0", f"{path}.{field}"
                    )
            if _bad_positive(c.backup_interval_hours):
                self.add(
                    "invalid",
                    f"component '{c.id}' backup_interval_hours must be greater than 0",
                    f"{path}.backup_interval_hours",
                )
            if c.replication not in REPLICATION_MODES:
                self.add(
                    "invalid",
                    f"component '{c.id}' replication must be none, async or sync",
                    f"{path}.replication",
                )
            if c.site is not None:
                self._ref(c.site, f"{path}.site", ("site",), c.id)
            for position, ref in enumerate(c.runs_on):
                ref_path = f"{path}.runs_on[{position}]"
                if ref == c.id:
                    self.add("runs_on_itself", f"component '{c.id}' runs on itself", ref_path)
                    continue
                self._ref(ref, ref_path, ("component", "group", "service"), c.id)

    def _groups(self) -> None:
        for index, g in enumerate(self.t.groups):
            path = f"groups[{index}]"
            if g.mode not in GROUP_MODES:
                self.add(
                    "invalid",
                    f"group '{g.id}' mode must be active_active or active_passive; got {g.mode!r}",
                    f"{path}.mode",
                )
            if not isinstance(g.k, int) or isinstance(g.k, bool) or g.k < 1:
                self.add("invalid_k", f"group '{g.id}' k must be a whole number ≥ 1", f"{path}.k")
            elif g.mode == "active_passive" and g.k != 1:
                self.add(
                    "invalid_k",
                    f"group '{g.id}' is active_passive, which is up while one member is up; "
                    f"k must be 1, got {g.k}",
                    f"{path}.k",
                )
            elif g.k > len(g.members):
                self.add(
                    "k_greater_than_n",
                    f"group '{g.id}' needs {g.k} of {len(g.members)} members up, "
                    "which can never happen",
                    f"{path}.k",
                )
            if _bad_non_negative(g.failover_seconds):
                self.add(
                    "invalid",
                    f"group '{g.id}' failover_seconds must be ≥ 0",
                    f"{path}.failover_seconds",
                )
            seen: set[str] = set()
            for position, ref in enumerate(g.members):
                ref_path = f"{path}.members[{position}]"
                if ref in seen:
                    self.add("duplicate_id", f"group '{g.id}' lists member '{ref}' twice", ref_path)
                    continue
                seen.add(ref)
                if ref != g.id:
                    self._ref(ref, ref_path, ("component", "group", "service"), g.id)

    def _services(self) -> None:
        for index, s in enumerate(self.t.services):
            path = f"services[{index}]"
            for position, ref in enumerate(s.requires):
                if ref != s.id:
                    self._ref(
                        ref, f"{path}.requires[{position}]", ("component", "group", "service"), s.id
                    )

    def _site_cycles(self) -> None:
        """Each loop of site parents once, in O(number of sites).

        Every site is walked up towards the root until the walk meets a site finished by
        an earlier walk (no loop there) or a site of its own walk (a loop). Each site is
        entered by one walk only, so a 5,000-deep hierarchy costs 5,000 steps, not 5,000².
        """
        parents = {s.id: s.parent for s in self.t.sites}
        walk_of: dict[str, int] = {}  # site → index of the walk that entered it
        for walk, site in enumerate(self.t.sites):
            if site.id in walk_of:
                continue
            chain: list[str] = []
            current: str | None = site.id
            while current is not None and current in parents and current not in walk_of:
                walk_of[current] = walk
                chain.append(current)
                current = parents[current]
            if current is None or walk_of.get(current) != walk:
                continue
            loop = (*chain[chain.index(current) :], current)
            self.add(
                "cycle",
                f"sites contain each other: {' → '.join(loop)}",
                f"{self._base(current)}.parent",
                loop,
            )

    def _dependency_cycles(self) -> None:
        # Only the first definition of an id counts; duplicates are reported already.
        edges: dict[str, tuple[str, ...]] = {}
        fields: dict[str, str] = {}
        owners: list[tuple[str, tuple[str, ...], str]] = [
            *((c.id, c.runs_on, "runs_on") for c in self.t.components),
            *((g.id, g.members, "members") for g in self.t.groups),
            *((s.id, s.requires, "requires") for s in self.t.services),
        ]
        for owner, refs, field in owners:
            if owner not in edges:
                edges[owner] = refs
                fields[owner] = field
        # A component running on itself has its own error, so it is not also a cycle.
        runs_on_owners = frozenset(o for o, f in fields.items() if f == "runs_on")
        loop = first_cycle(edges, edges, self_loops_allowed=runs_on_owners)
        if loop is not None:
            owner = loop[-2]
            position = edges[owner].index(loop[-1])
            self.add(
                "cycle",
                f"dependency cycle: {' → '.join(loop)}",
                f"{self._base(owner)}.{fields[owner]}[{position}]",
                tuple(loop),
            )

    def _base(self, element_id: str) -> str:
        return self.where.get(element_id, "").removesuffix(".id")


def topology_errors(topology: Topology) -> tuple[TopologyError, ...]:
    """Every problem in ``topology``, in the order they were found (empty when it is valid).

    Example: a group ``pair`` with k = 3 and two members gives one error with code
    ``k_greater_than_n`` and path ``groups[0].k``.
    """
    return tuple(_Checker(topology).run())


def validate_topology(topology: Topology) -> None:
    """Raise the first ``TopologyError`` of ``topology``; return ``None`` when it is valid.

    Checks: unique ids; known references of the right kind; availability in [0, 1] or
    MTBF and MTTR both > 0; 1 ≤ k ≤ number of members (k = 1 for active_passive); no
    component running on itself; no cycle through runs_on, members, requires or site
    parents (the message spells the loop out as "a → b → a").
    """
    errors = topology_errors(topology)
    if errors:
        raise errors[0]


def _by_id(topology: Topology) -> dict[str, object]:
    found: dict[str, object] = {}
    for section in (topology.sites, topology.components, topology.groups, topology.services):
        for element in section:
            found[element.id] = element
    return found


def first_cycle(
    edges: Mapping[str, Iterable[str]],
    starts: Iterable[str],
    *,
    self_loops_allowed: frozenset[str] = frozenset(),
) -> list[str] | None:
    """The first cycle a walk along ``edges`` from ``starts`` meets, spelled from the node
    it returns to back to that node (``None`` when there is none). Pure, so the
    inventory's own graphs are checked with it too.

    Iterative depth-first search, each node entered once, so 20,000-deep chains do not
    hit the recursion limit. Ids without edges are leaves; an edge from a node in
    ``self_loops_allowed`` to itself is not followed.

    Example: edges a → b, b → a from start a give ``["a", "b", "a"]``.
    """
    state: dict[str, int] = {}  # 1 = on the current path, 2 = finished
    for start in starts:
        if state.get(start):
            continue
        state[start] = 1
        path = [start]
        iters = [iter(edges.get(start, ()))]
        while iters:
            nxt = next(iters[-1], None)
            if nxt is None:
                state[path.pop()] = 2
                iters.pop()
                continue
            if nxt == path[-1] and nxt in self_loops_allowed:
                continue
            mark = state.get(nxt)
            if mark == 1:
                return [*path[path.index(nxt) :], nxt]
            if mark is None:
                state[nxt] = 1
                path.append(nxt)
                iters.append(iter(edges.get(nxt, ())))
    return None


def _change_is_valid(before: Topology, after: Topology) -> bool:
    """Whether ``after`` is valid, given that ``before`` is, checking only what changed.

    Every check of ``topology_errors`` is about one element (its figures, its kind of
    references, its k) except three: ids are unique, references name existing ids of
    the right kind, and there is no cycle. An element of ``after`` that is the very
    object of ``before`` passed its own checks there; when no id disappeared or changed
    kind, its references still hold; and a new cycle must pass through a new or changed
    element. So only new or changed elements are checked, and only cycles through them
    are looked for. False means "not shown valid this way" (then check in full).
    """
    if (after.year_days, after.method) != (before.year_days, before.method):
        return False
    old = _by_id(before)
    new = _by_id(after)
    count = len(after.sites) + len(after.components) + len(after.groups) + len(after.services)
    if len(new) != count:
        return False  # a duplicate id
    for element_id, element in old.items():
        if type(new.get(element_id)) is not type(element):
            return False  # removed, or now of another kind
    fresh = {i: e for i, e in new.items() if old.get(i) is not e}
    if not fresh:
        return True
    checker = _Checker(after.only(fresh))
    checker.kind = {
        **{s.id: "site" for s in after.sites},
        **{c.id: "component" for c in after.components},
        **{g.id: "group" for g in after.groups},
        **{s.id: "service" for s in after.services},
    }
    checker._sites()
    checker._components()
    checker._groups()
    checker._services()
    if checker.errors:
        return False
    parents: dict[str, tuple[str, ...]] = {
        s.id: (s.parent,) if s.parent is not None else () for s in after.sites
    }
    edges: dict[str, tuple[str, ...]] = {
        **{c.id: c.runs_on for c in after.components},
        **{g.id: g.members for g in after.groups},
        **{s.id: s.requires for s in after.services},
    }
    return (
        first_cycle(parents, (i for i in fresh if i in parents)) is None
        and first_cycle(edges, (i for i in fresh if i not in parents)) is None
    )


def validate_change(before: Topology, after: Topology) -> None:
    """``validate_topology(after)`` for an ``after`` made from a valid ``before``: the same
    errors, found by checking only what changed when that shows it valid.

    Example: a peer added to one component of a 10,000-component estate checks the
    peer, the new group and the elements now referring to it, not the whole estate.
    """
    if not _change_is_valid(before, after):
        validate_topology(after)
