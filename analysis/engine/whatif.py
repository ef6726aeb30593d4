"""What-if: apply proposed changes to a copy of a topology and compare before with after.

Nothing is saved and the input topology is never mutated (all inputs are frozen
dataclasses; every change builds new tuples).

Changes:

* ``AddRedundantPeer`` — a copy of a component (same dependencies, optionally at another
  site) is added, and every reference to the component is redirected to a new 1-of-2
  group of the original and its peer. Example: adding a peer to ``san`` at ``branch``
  makes app-server-1, app-server-2 and print-db run on group ``san-ha`` = {san, san-peer}.
* ``MoveToSite``, ``SetBackup``, ``SetReplication``, ``SetAvailability``,
  ``SetRestoreTime``, ``AddSite`` — what their names say.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from analysis.engine.achievable import achievable_objectives
from analysis.engine.availability import AvailabilityAnalyzer, AvailabilityReport
from analysis.engine.montecarlo import DEFAULT_SAMPLES, DEFAULT_SEED
from analysis.engine.structure import sub_topology
from analysis.engine.topology import (
    Component,
    Group,
    GroupMode,
    Method,
    Replication,
    Site,
    Topology,
    TopologyError,
)
from analysis.engine.validation import validate_topology


@dataclass(frozen=True, slots=True)
class AddRedundantPeer:
    """Give ``component_id`` a redundant peer; ``site`` None keeps the peer at the same site."""

    component_id: str
    site: str | None = None
    mode: GroupMode = "active_passive"
    failover_seconds: float = 0.0
    peer_id: str | None = None
    group_id: str | None = None
    peer_availability: float | None = None


@dataclass(frozen=True, slots=True)
class MoveToSite:
    """Move ``component_id`` to ``site_id`` (``None`` = no site)."""

    component_id: str
    site_id: str | None


@dataclass(frozen=True, slots=True)
class SetBackup:
    """Back ``component_id`` up every ``backup_interval_hours``; optionally new restore time."""

    component_id: str
    backup_interval_hours: float | None
    restore_hours: float | None = None


@dataclass(frozen=True, slots=True)
class SetReplication:
    """Replicate ``component_id``'s data ("none", "async" with a lag, or "sync")."""

    component_id: str
    mode: Replication
    lag_seconds: float | None = None


@dataclass(frozen=True, slots=True)
class SetAvailability:
    """Set a component's availability (or MTBF/MTTR), or a site's availability."""

    element_id: str
    availability: float | None = None
    mtbf_hours: float | None = None
    mttr_hours: float | None = None


@dataclass(frozen=True, slots=True)
class SetRestoreTime:
    """Set the restore time of a component or site."""

    element_id: str
    restore_hours: float | None


@dataclass(frozen=True, slots=True)
class AddSite:
    """Add a new site (e.g. a recovery site)."""

    site: Site


Change = (
    AddRedundantPeer
    | MoveToSite
    | SetBackup
    | SetReplication
    | SetAvailability
    | SetRestoreTime
    | AddSite
)


@dataclass(frozen=True, slots=True)
class ChangeSet:
    """Proposed changes, applied in order."""

    changes: tuple[Change, ...]
    description: str = ""


def _unknown(element_id: str, what: str) -> TopologyError:
    return TopologyError("unknown_id", f"change refers to unknown {what} '{element_id}'", "changes")


def _component(t: Topology, component_id: str) -> Component:
    for c in t.components:
        if c.id == component_id:
            return c
    raise _unknown(component_id, "component")


def _with_component(t: Topology, updated: Component) -> Topology:
    return replace(t, components=tuple(updated if c.id == updated.id else c for c in t.components))


def _fresh_id(t: Topology, wanted: str) -> str:
    taken = {c.id for c in t.components} | {g.id for g in t.groups}
    taken |= {s.id for s in t.services} | {s.id for s in t.sites}
    candidate, n = wanted, 2
    while candidate in taken:
        candidate, n = f"{wanted}-{n}", n + 1
    return candidate


def _swap(refs: tuple[str, ...], old: str, new: str) -> tuple[str, ...]:
    return tuple(new if r == old else r for r in refs)


def _add_peer(t: Topology, change: AddRedundantPeer) -> Topology:
    original = _component(t, change.component_id)
    peer_id = change.peer_id or _fresh_id(t, f"{original.id}-peer")
    group_id = change.group_id or _fresh_id(t, f"{original.id}-ha")
    peer = replace(original, id=peer_id, site=change.site or original.site)
    if change.peer_availability is not None:
        peer = replace(
            peer, availability=change.peer_availability, mtbf_hours=None, mttr_hours=None
        )
    old = original.id
    components = tuple(replace(c, runs_on=_swap(c.runs_on, old, group_id)) for c in t.components)
    groups = tuple(replace(g, members=_swap(g.members, old, group_id)) for g in t.groups)
    services = tuple(replace(s, requires=_swap(s.requires, old, group_id)) for s in t.services)
    pair = Group(
        group_id, change.mode, (old, peer_id), k=1, failover_seconds=change.failover_seconds
    )
    return replace(t, components=(*components, peer), groups=(*groups, pair), services=services)


def _apply_one(t: Topology, change: Change) -> Topology:
    if isinstance(change, AddRedundantPeer):
        return _add_peer(t, change)
    if isinstance(change, AddSite):
        return replace(t, sites=(*t.sites, change.site))
    if isinstance(change, MoveToSite):
        return _with_component(t, replace(_component(t, change.component_id), site=change.site_id))
    if isinstance(change, SetBackup):
        c = _component(t, change.component_id)
        restore = change.restore_hours if change.restore_hours is not None else c.restore_hours
        return _with_component(
            t, replace(c, backup_interval_hours=change.backup_interval_hours, restore_hours=restore)
        )
    if isinstance(change, SetReplication):
        c = _component(t, change.component_id)
        return _with_component(
            t, replace(c, replication=change.mode, replication_lag_seconds=change.lag_seconds)
        )
    if isinstance(change, SetAvailability | SetRestoreTime):
        element_id = change.element_id
        for site in t.sites:
            if site.id == element_id:
                if isinstance(change, SetRestoreTime):
                    updated = replace(site, restore_hours=change.restore_hours)
                elif change.availability is None:
                    raise ValueError(f"site '{element_id}' needs an availability, not MTBF/MTTR")
                else:
                    updated = replace(site, availability=change.availability)
                return replace(
                    t, sites=tuple(updated if s.id == element_id else s for s in t.sites)
                )
        c = _component(t, element_id)
        if isinstance(change, SetRestoreTime):
            return _with_component(t, replace(c, restore_hours=change.restore_hours))
        return _with_component(
            t,
            replace(
                c,
                availability=change.availability,
                mtbf_hours=change.mtbf_hours,
                mttr_hours=change.mttr_hours,
            ),
        )
    raise TypeError(f"unsupported change {change!r}")


def apply_changes(topology: Topology, changes: ChangeSet | Iterable[Change]) -> Topology:
    """A new topology with ``changes`` applied in order (``topology`` is left untouched).

    Raises ``TopologyError`` when a change names an unknown element or the result is
    not a valid topology.

    Example: ``apply_changes(t, [SetBackup("print-db", 0.25)])`` returns a copy in which
    print-db is backed up every 15 minutes; ``t`` still says 24 hours.
    """
    items = changes.changes if isinstance(changes, ChangeSet) else tuple(changes)
    result = topology
    for change in items:
        result = _apply_one(result, change)
    validate_topology(result)
    return result


@dataclass(frozen=True, slots=True)
class ServiceDelta:
    """One service before and after the changes."""

    service_id: str
    availability_before: float
    availability_after: float
    downtime_seconds_before: float
    downtime_seconds_after: float
    spofs_removed: tuple[str, ...]
    spofs_added: tuple[str, ...]
    rto_hours_before: float | None
    rto_hours_after: float | None
    rpo_hours_before: float | None
    rpo_hours_after: float | None


@dataclass(frozen=True, slots=True)
class WhatIfResult:
    """Reports before and after, the per-service differences and the changed topology."""

    before: AvailabilityReport
    after: AvailabilityReport
    deltas: tuple[ServiceDelta, ...]
    topology_after: Topology
    changes: ChangeSet


def what_if(
    topology: Topology,
    changes: ChangeSet | Iterable[Change],
    *,
    service_ids: Iterable[str] | None = None,
    method: Method | None = None,
    samples: int = DEFAULT_SAMPLES,
    seed: int = DEFAULT_SEED,
) -> WhatIfResult:
    """Re-run availability and achievable objectives with ``changes``, without saving.

    Example: adding a peer SAN at the branch to the print example takes ``san`` out of the
    head-office print service's SPOFs (``spofs_removed`` contains "san") and cuts its
    achievable RTO from 24 h (SAN restore) to the worst remaining single failure.
    """
    change_set = changes if isinstance(changes, ChangeSet) else ChangeSet(tuple(changes))
    after_topology = apply_changes(topology, change_set)
    ids = [s.id for s in topology.services] if service_ids is None else list(service_ids)
    before_t = sub_topology(topology, ids)
    after_t = sub_topology(after_topology, ids)
    before_a = AvailabilityAnalyzer(before_t, method=method, samples=samples, seed=seed)
    after_a = AvailabilityAnalyzer(after_t, method=method, samples=samples, seed=seed)
    before, after = before_a.report(ids), after_a.report(ids)
    deltas = []
    for sid in ids:
        b, a = before.by_id(sid), after.by_id(sid)
        b_obj = achievable_objectives(before_t, sid, analyzer=before_a)
        a_obj = achievable_objectives(after_t, sid, analyzer=after_a)
        deltas.append(
            ServiceDelta(
                service_id=sid,
                availability_before=b.availability,
                availability_after=a.availability,
                downtime_seconds_before=b.downtime_seconds_per_year,
                downtime_seconds_after=a.downtime_seconds_per_year,
                spofs_removed=tuple(
                    s for s in b.single_points_of_failure if s not in a.single_points_of_failure
                ),
                spofs_added=tuple(
                    s for s in a.single_points_of_failure if s not in b.single_points_of_failure
                ),
                rto_hours_before=b_obj.rto_hours,
                rto_hours_after=a_obj.rto_hours,
                rpo_hours_before=b_obj.rpo_hours,
                rpo_hours_after=a_obj.rpo_hours,
            )
        )
    return WhatIfResult(before, after, tuple(deltas), after_topology, change_set)
