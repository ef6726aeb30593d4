"""What-if changes: apply proposed changes to a copy of a topology.

Nothing is saved and the input topology is never mutated (all inputs are frozen
dataclasses; every change builds new tuples). ``analysis.engine.deltas.what_if``
compares a function before and after them on all four measures.

Changes:

* ``AddRedundantPeer`` — a copy of a component (same dependencies, optionally at another
  site) is added, and every reference to the component is redirected to a new 1-of-2
  group of the original and its peer. Example: adding a peer to ``san`` at ``branch``
  makes app-server-1, app-server-2 and print-db run on group ``san-ha`` = {san, san-peer}.
* ``AddGroupMember`` — one more member in an existing redundancy group, a copy of one of
  its component members (k stays, so the group tolerates one more failure).
* ``RemoveComponent`` — the component is taken out, with every reference to it (what runs
  on it no longer needs it; a group that would keep fewer than k members is refused).
* ``MoveToSite``, ``SetBackup``, ``SetReplication``, ``SetAvailability``,
  ``SetRestoreTime``, ``SetFailoverTime``, ``AddSite`` — what their names say.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

from analysis.engine.topology import (
    Component,
    Group,
    GroupMode,
    Replication,
    Site,
    Topology,
    TopologyError,
)
from analysis.engine.validation import validate_change, validate_topology
from analysis.formatting import duration, hours, percent


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
class SetFailoverTime:
    """Set the failover time of a component or of a redundancy group, in seconds."""

    element_id: str
    failover_seconds: float | None


@dataclass(frozen=True, slots=True)
class AddSite:
    """Add a new site (e.g. a recovery site)."""

    site: Site


@dataclass(frozen=True, slots=True)
class AddGroupMember:
    """Add a copy of ``template_id`` (a component member of ``group_id``) to the group;
    ``site`` None keeps the copy at the template's site."""

    group_id: str
    template_id: str
    site: str | None = None
    member_id: str | None = None


@dataclass(frozen=True, slots=True)
class RemoveComponent:
    """Take ``component_id`` and every reference to it out of the topology."""

    component_id: str


Change = (
    AddRedundantPeer
    | AddGroupMember
    | MoveToSite
    | SetBackup
    | SetReplication
    | SetAvailability
    | SetRestoreTime
    | SetFailoverTime
    | AddSite
    | RemoveComponent
)

# Changes that leave the structure and every probability as they are: availability and
# single points of failure stay exactly what they were (component failover time only
# shapes recovery time; a group's failover time shapes its failover window, so it is not
# listed).
RECOVERY_ONLY: tuple[type, ...] = (SetBackup, SetReplication, SetRestoreTime)


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
    # Only what refers to the original is copied (the rest is shared, it is frozen).
    components = tuple(
        replace(c, runs_on=_swap(c.runs_on, old, group_id)) if old in c.runs_on else c
        for c in t.components
    )
    groups = tuple(
        replace(g, members=_swap(g.members, old, group_id)) if old in g.members else g
        for g in t.groups
    )
    services = tuple(
        replace(s, requires=_swap(s.requires, old, group_id)) if old in s.requires else s
        for s in t.services
    )
    pair = Group(
        group_id, change.mode, (old, peer_id), k=1, failover_seconds=change.failover_seconds
    )
    return replace(t, components=(*components, peer), groups=(*groups, pair), services=services)


def _group(t: Topology, group_id: str) -> Group:
    for g in t.groups:
        if g.id == group_id:
            return g
    raise _unknown(group_id, "redundancy group")


def _add_member(t: Topology, change: AddGroupMember) -> Topology:
    group = _group(t, change.group_id)
    if change.template_id not in group.members:
        raise TopologyError(
            "invalid",
            f"'{change.template_id}' is not a member of group '{group.id}'",
            "changes",
        )
    template = _component(t, change.template_id)
    member_id = change.member_id or _fresh_id(t, f"{group.id}-member")
    member = replace(template, id=member_id, site=change.site or template.site)
    updated = replace(group, members=(*group.members, member_id))
    return replace(
        t,
        components=(*t.components, member),
        groups=tuple(updated if g.id == group.id else g for g in t.groups),
    )


def _remove(t: Topology, change: RemoveComponent) -> Topology:
    gone = _component(t, change.component_id).id
    groups = []
    for g in t.groups:
        members = tuple(m for m in g.members if m != gone)
        if len(members) < g.k:
            raise TopologyError(
                "k_greater_than_n",
                f"removing '{gone}' would leave group '{g.id}' with {len(members)} "
                f"member(s) where it needs {g.k}",
                "changes",
            )
        groups.append(replace(g, members=members))
    return replace(
        t,
        components=tuple(
            replace(c, runs_on=tuple(r for r in c.runs_on if r != gone))
            for c in t.components
            if c.id != gone
        ),
        groups=tuple(groups),
        services=tuple(
            replace(s, requires=tuple(r for r in s.requires if r != gone)) for s in t.services
        ),
    )


def _apply_one(t: Topology, change: Change) -> Topology:
    if isinstance(change, AddRedundantPeer):
        return _add_peer(t, change)
    if isinstance(change, AddGroupMember):
        return _add_member(t, change)
    if isinstance(change, RemoveComponent):
        return _remove(t, change)
    if isinstance(change, SetFailoverTime):
        for g in t.groups:
            if g.id == change.element_id:
                updated_group = replace(g, failover_seconds=float(change.failover_seconds or 0.0))
                return replace(
                    t,
                    groups=tuple(updated_group if x.id == g.id else x for x in t.groups),
                )
        c = _component(t, change.element_id)
        return _with_component(t, replace(c, failover_seconds=change.failover_seconds))
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


def apply_changes(
    topology: Topology, changes: ChangeSet | Iterable[Change], *, base_valid: bool = False
) -> Topology:
    """A new topology with ``changes`` applied in order (``topology`` is left untouched).

    Raises ``TopologyError`` when a change names an unknown element or the result is
    not a valid topology. ``base_valid`` says ``topology`` is known to be valid, so only
    what the changes touched is checked (``validate_change``: the same errors).

    Example: ``apply_changes(t, [SetBackup("print-db", 0.25)])`` returns a copy in which
    print-db is backed up every 15 minutes; ``t`` still says 24 hours.
    """
    items = changes.changes if isinstance(changes, ChangeSet) else tuple(changes)
    result = topology
    for change in items:
        result = _apply_one(result, change)
    if base_valid:
        validate_change(topology, result)
    else:
        validate_topology(result)
    return result


def describe(change: Change, name: Callable[[str], str]) -> str:
    """One change in words, naming elements with ``name`` (engine id → what people call it).

    A new peer or member is "a copy of <original>", since it has no name yet.

    Example: SetBackup("print-db", 1.0) → "back up Print database every 1 h".
    """
    if isinstance(change, AddRedundantPeer):
        where = f" in {name(change.site)}" if change.site else " in the same site"
        mode = "active/active" if change.mode == "active_active" else "active/passive"
        return (
            f"add a redundant copy of {name(change.component_id)}{where} "
            f"({mode}, failover {duration(change.failover_seconds)})"
        )
    if isinstance(change, AddGroupMember):
        where = f" in {name(change.site)}" if change.site else ""
        return f"add a copy of {name(change.template_id)}{where} to {name(change.group_id)}"
    if isinstance(change, RemoveComponent):
        return f"remove {name(change.component_id)} and every dependency on it"
    if isinstance(change, MoveToSite):
        target = name(change.site_id) if change.site_id else "no site"
        return f"move {name(change.component_id)} to {target}"
    if isinstance(change, SetBackup):
        text = f"back up {name(change.component_id)} every {hours(change.backup_interval_hours)}"
        if change.restore_hours is not None:
            text += f", restore in {hours(change.restore_hours)}"
        return text
    if isinstance(change, SetReplication):
        if change.mode == "sync":
            return f"replicate {name(change.component_id)} synchronously"
        if change.mode == "async":
            lag = "unknown lag" if change.lag_seconds is None else duration(change.lag_seconds)
            return f"replicate {name(change.component_id)} asynchronously ({lag} behind)"
        return f"stop replicating {name(change.component_id)}"
    if isinstance(change, SetAvailability):
        if change.availability is not None:
            figure = percent(change.availability)
            return f"set the availability of {name(change.element_id)} to {figure}"
        return (
            f"set {name(change.element_id)} to MTBF {hours(change.mtbf_hours)}, "
            f"MTTR {hours(change.mttr_hours)}"
        )
    if isinstance(change, SetRestoreTime):
        return f"restore {name(change.element_id)} in {hours(change.restore_hours)}"
    if isinstance(change, SetFailoverTime):
        return f"fail over {name(change.element_id)} in {duration(change.failover_seconds)}"
    return f"add a site {name(change.site.id)} ({percent(change.site.availability)} available)"
