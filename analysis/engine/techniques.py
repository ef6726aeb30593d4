"""The catalogue of high-availability techniques and how each changes a topology.

Each technique is turned into a ``ChangeSet`` for one target (a component or a site) so
the engine can re-run the analysis and show what it would really buy. The figures in
``DEFAULT_TECHNIQUES`` are planning assumptions, not vendor promises:

=============================  ========  =========  ====  ====  =====================  ===========
technique                      failover  data loss  cost  cplx  modelled as            fits
=============================  ========  =========  ====  ====  =====================  ===========
NLB active/passive             30 s      —          2     2     peer, same site, A/P   G, S
NLB active/active              10 s      —          2     2     peer, same site, A/A   G, S
OS clustering                  2 min     —          3     4     peer, same site, A/P   servers, DB
VM high availability           5 min     —          2     2     peer, same site, A/P   servers, DB
backup and restore             —         24 h       1     1     backup, 8 h restore    data
sync DB replication            1 min     0          3     3     peer, same site, sync  DB
async DB replication           5 min     1 min      3     3     peer, other, async     DB
off-site log shipping          —         15 min     2     2     backup, 4 h restore    DB
site server offline failover   30 s      —          2     1     peer, other site, A/P  app servers
Find-Me print pool             0 s       —          2     1     peer, same site, A/A   G, printers
replicated storage, 2nd site   15 min    30 s       4     3     peer, other, async     storage
redundant network path         30 s      —          3     2     peer, same site, A/A   network
redundant power supply         0 s       —          3     2     peer, same site, A/A   power
hot site                       15 min    —          5     4     standby, other site    sites
warm site                      12 h      —          4     3     standby, other site    sites
cold site                      72 h      —          2     4     standby, other site    sites
=============================  ========  =========  ====  ====  =====================  ===========

G = redundancy groups (one more member), S = stateless servers (server, VM, application,
print provider), DB = databases, data = components that hold data.

Cost and complexity are 1 (least) to 5 (most). ``fits`` names the target kinds a
technique applies to: "site", "group", or component kinds as the inventory records them
(server, vm, application, print_provider, database, storage, network, power, printer, …).
Site techniques apply only to sites, and not to racks or rooms (``LOCAL_SITE_KINDS``): a
second site stands in for a building or data centre, not for one rack in it. A technique
that fits "group" applies to a redundancy group whose component members are of a kind it
also fits, by adding one more member. A VM-HA or clustered peer copies the
original's dependencies, so it still shares the original's storage — exactly the trap
the whitepaper's SAN fire illustrates, and the re-run shows it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

from analysis.engine.structure import Model
from analysis.engine.topology import GroupMode, Site
from analysis.engine.whatif import (
    AddGroupMember,
    AddRedundantPeer,
    AddSite,
    Change,
    ChangeSet,
    MoveToSite,
    SetBackup,
    SetReplication,
)

GapKind = Literal["rto", "rpo", "availability", "spof"]
Effect = Literal[
    "add_redundant_peer", "replicate_sync", "replicate_async", "backup", "move_site", "standby_site"
]

_ALL: Final[tuple[GapKind, ...]] = ("rto", "availability", "spof")
# Servers that keep no state of their own, so a second one behind a balancer can serve.
STATELESS: Final = ("server", "vm", "application", "print_provider", "print_server", "web")
DATA_HOLDERS: Final = ("database", "storage", "server", "vm", "application")
# Sites inside a facility: a second site is not a remedy for one of them.
LOCAL_SITE_KINDS: Final = ("rack", "room")


@dataclass(frozen=True, slots=True)
class Technique:
    """One entry of the HA technique catalogue.

    ``fits`` lists the target kinds it applies to ("site", "group" or component kinds);
    ``peer_site`` says whether a peer goes to the same site or to another failure domain.
    """

    key: str
    name: str
    failover_seconds: float | None
    data_loss_seconds: float | None
    cost_class: int
    complexity: int
    applies_to: tuple[GapKind, ...]
    effect: Effect
    fits: tuple[str, ...]
    peer_site: Literal["same", "other"] = "same"
    group_mode: GroupMode = "active_passive"
    restore_hours: float | None = None
    assumptions: str = ""

    def fits_target(self, model: Model, target: str) -> bool:
        """Whether this technique can be applied to ``target`` (a component, site or group).

        Example: "hot-site" fits a site and nothing else; "db-sync-replication" fits a
        component of kind "database"; "nlb-active-active" fits the "Print providers"
        group because its members are print providers.
        """
        kind = model.kind(target)
        if kind == "site":
            return "site" in self.fits and model.sites[target].kind not in LOCAL_SITE_KINDS
        if kind == "component":
            return model.components[target].kind in self.fits
        if kind == "group":
            template = group_template(model, target)
            return (
                "group" in self.fits
                and template is not None
                and model.components[template].kind in self.fits
            )
        return False


def group_template(model: Model, group_id: str) -> str | None:
    """The component member a new member of ``group_id`` would copy (its first one)."""
    for member in model.groups[group_id].members:
        if model.kind(member) == "component":
            return member
    return None


DEFAULT_TECHNIQUES: Final[tuple[Technique, ...]] = (
    Technique(
        "nlb-active-passive",
        "Active/passive network load balancing",
        30,
        None,
        2,
        2,
        _ALL,
        "add_redundant_peer",
        fits=("group", *STATELESS),
        assumptions="standby server behind the existing load balancer; health check "
        "and promotion within 30 s",
    ),
    Technique(
        "nlb-active-active",
        "Active/active network load balancing",
        10,
        None,
        2,
        2,
        _ALL,
        "add_redundant_peer",
        fits=("group", *STATELESS),
        group_mode="active_active",
        assumptions="second server in the pool; a failed one is dropped within 10 s",
    ),
    Technique(
        "os-clustering",
        "Operating-system failover clustering",
        120,
        None,
        3,
        4,
        _ALL,
        "add_redundant_peer",
        fits=("server", "vm", "application", "database"),
        assumptions="two-node cluster on the same shared storage; takeover in 2 min",
    ),
    Technique(
        "vm-ha",
        "Virtual machine high availability",
        300,
        None,
        2,
        2,
        _ALL,
        "add_redundant_peer",
        fits=("server", "vm", "application", "database"),
        assumptions="VM restarted on another host of the cluster within 5 min; "
        "storage stays shared",
    ),
    Technique(
        "backup-restore",
        "Backup and restore",
        None,
        86_400,
        1,
        1,
        ("rpo", "rto"),
        "backup",
        fits=DATA_HOLDERS,
        restore_hours=8.0,
        assumptions="nightly backup, tested restore onto spare capacity in 8 h",
    ),
    Technique(
        "db-sync-replication",
        "Synchronous database replication",
        60,
        0,
        3,
        3,
        ("rpo", *_ALL),
        "replicate_sync",
        fits=("database",),
        assumptions="standby in the same site, commits on both; promotion in 1 min",
    ),
    Technique(
        "db-async-replication",
        "Asynchronous database replication",
        300,
        60,
        3,
        3,
        ("rpo", *_ALL),
        "replicate_async",
        fits=("database",),
        peer_site="other",
        assumptions="standby in another site about 1 min behind; promotion in 5 min",
    ),
    Technique(
        "log-shipping",
        "Off-site transaction log shipping",
        None,
        900,
        2,
        2,
        ("rpo", "rto"),
        "backup",
        fits=("database",),
        restore_hours=4.0,
        assumptions="logs shipped off-site every 15 min; restore and replay in 4 h",
    ),
    Technique(
        "site-server",
        "Offline failover to a site server",
        30,
        None,
        2,
        1,
        _ALL,
        "add_redundant_peer",
        fits=("application", "print_provider", "print_server"),
        peer_site="other",
        assumptions="local server takes over the application role within 30 s",
    ),
    Technique(
        "find-me-pool",
        "Find-Me print pool",
        0,
        None,
        2,
        1,
        _ALL,
        "add_redundant_peer",
        fits=("group", "printer"),
        group_mode="active_active",
        assumptions="one more device in the pool; users release jobs at any of them",
    ),
    Technique(
        "storage-replication",
        "Replicated storage in a second site",
        900,
        30,
        4,
        3,
        ("rpo", *_ALL),
        "replicate_async",
        fits=("storage",),
        peer_site="other",
        assumptions="second array in another site, replicated about 30 s behind; "
        "hosts re-pointed in 15 min",
    ),
    Technique(
        "redundant-network",
        "Redundant network path",
        30,
        None,
        3,
        2,
        _ALL,
        "add_redundant_peer",
        fits=("network",),
        group_mode="active_active",
        assumptions="second switch or link on a separate path; routing converges in 30 s",
    ),
    Technique(
        "redundant-power",
        "Redundant power supply",
        0,
        None,
        3,
        2,
        _ALL,
        "add_redundant_peer",
        fits=("power",),
        group_mode="active_active",
        assumptions="second UPS or feed (A and B power); dual-corded equipment takes "
        "no interruption",
    ),
    Technique(
        "hot-site",
        "Hot site",
        900,
        None,
        5,
        4,
        _ALL,
        "standby_site",
        fits=("site",),
        peer_site="other",
        assumptions="running duplicate in another site; switch-over in 15 min",
    ),
    Technique(
        "warm-site",
        "Warm site",
        43_200,
        None,
        4,
        3,
        _ALL,
        "standby_site",
        fits=("site",),
        peer_site="other",
        assumptions="equipped site with data restored on demand; usable in 12 h",
    ),
    Technique(
        "cold-site",
        "Cold site",
        259_200,
        None,
        2,
        4,
        _ALL,
        "standby_site",
        fits=("site",),
        peer_site="other",
        assumptions="space and power only; hardware and data brought in within 72 h",
    ),
)


def _root_site(model: Model, site_id: str | None) -> str | None:
    current = site_id
    while current is not None and model.sites[current].parent is not None:
        current = model.sites[current].parent
    return current


def other_site(model: Model, site_id: str | None) -> tuple[str, tuple[Change, ...]]:
    """A site outside ``site_id``'s failure domain, creating a recovery site if none exists.

    Picks the first site (in topology order) whose top-level domain differs from the
    target's; otherwise adds "<domain>-recovery" with the same availability as the
    target's top-level domain.

    Example: for "hq-data-centre" (inside "head-office") in the print example → "branch".
    """
    root = _root_site(model, site_id)
    for site in model.topology.sites:
        if _root_site(model, site.id) != root:
            return site.id, ()
    base = root or "recovery"
    new_id = f"{base}-recovery"
    while model.has(new_id):
        new_id += "-x"
    availability = model.sites[root].availability if root is not None else 0.9999
    return new_id, (AddSite(Site(new_id, availability=availability)),)


def _peer(model: Model, technique: Technique, component_id: str) -> tuple[Change, ...]:
    site = model.components[component_id].site
    prefix: tuple[Change, ...] = ()
    if technique.peer_site == "other":
        site, prefix = other_site(model, site)
    return (
        *prefix,
        AddRedundantPeer(
            component_id,
            site=site,
            mode=technique.group_mode,
            failover_seconds=float(technique.failover_seconds or 0.0),
            peer_id=f"{component_id}-{technique.key}",
        ),
    )


def changes_for(technique: Technique, model: Model, target: str, service_id: str) -> ChangeSet:
    """The concrete changes ``technique`` makes to ``target`` (a component, site or group).

    A standby site on a site target gives every component of ``service_id`` located in
    that site (or inside it) a peer in another site. A technique on a group adds one
    member, a copy of the group's first component member. Raises ``ValueError`` when the
    technique does not fit the target.

    Example: "storage-replication" on ``san`` → AddRedundantPeer("san", site="branch",
    failover 900 s, peer "san-storage-replication") and asynchronous replication with a
    30 s lag on both copies.
    """
    if not technique.fits_target(model, target):
        raise ValueError(f"technique '{technique.key}' does not fit '{target}'")
    description = f"{technique.name} for '{target}'"
    kind = model.kind(target)
    if kind == "site":
        located = [
            c
            for c in model.variables(service_id)
            if model.kind(c) == "component" and target in _site_chain(model, c)
        ]
        changes: list[Change] = []
        destination, prefix = other_site(model, target)
        changes.extend(prefix)
        for c in located:
            changes.append(
                AddRedundantPeer(
                    c,
                    site=destination,
                    failover_seconds=float(technique.failover_seconds or 0.0),
                    peer_id=f"{c}-{technique.key}",
                )
            )
        return ChangeSet(tuple(changes), description)
    if kind == "group":
        template = group_template(model, target)
        assert template is not None  # fits_target checked it
        site = model.components[template].site
        prefix = ()
        if technique.peer_site == "other":
            site, prefix = other_site(model, site)
        return ChangeSet(
            (
                *prefix,
                AddGroupMember(target, template, site=site, member_id=f"{target}-{technique.key}"),
            ),
            description,
        )
    effect = technique.effect
    if effect == "backup":
        hours = (technique.data_loss_seconds or 86_400.0) / 3600.0
        current = model.components[target].backup_interval_hours
        interval = hours if current is None else min(current, hours)
        restore = technique.restore_hours
        existing = model.components[target].restore_hours
        if restore is not None and existing is not None:
            restore = min(restore, existing)
        return ChangeSet((SetBackup(target, interval, restore),), description)
    if effect in ("add_redundant_peer", "standby_site"):
        return ChangeSet(_peer(model, technique, target), description)
    if effect in ("replicate_sync", "replicate_async"):
        mode: Literal["sync", "async"] = "sync" if effect == "replicate_sync" else "async"
        lag = None if mode == "sync" else float(technique.data_loss_seconds or 0.0)
        changes = [*_peer(model, technique, target)]
        changes.append(SetReplication(target, mode, lag))
        changes.append(SetReplication(f"{target}-{technique.key}", mode, lag))
        return ChangeSet(tuple(changes), description)
    # move_site: take the component out of its failure domain.
    destination, prefix = other_site(model, model.components[target].site)
    return ChangeSet((*prefix, MoveToSite(target, destination)), description)


def _site_chain(model: Model, component_id: str) -> tuple[str, ...]:
    chain: list[str] = []
    current = model.components[component_id].site
    while current is not None:
        chain.append(current)
        current = model.sites[current].parent
    return tuple(chain)
