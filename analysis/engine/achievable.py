"""Recovery objectives the inventory can actually achieve, and which element sets each.

Achievable RTO — the worst single failure. For every component and site x the service
depends on, the engine works out how long the service is down when x alone fails:

* x itself comes back after its ``restore_hours`` (unknown when not recorded);
* a component or site is down as long as the worst of x's effects on what it needs;
* a k-of-n group is down until k members are up again: the k-th shortest member outage.
  When at least k members are untouched it stays up but pays a failover: the
  interruption is min(member outage, failover time), where the failover time is the
  larger of the group's ``failover_seconds`` and the failing component's own. In an
  active/passive group only a failure of the active (first) member causes a failover;
* a service is down as long as the worst of its requirements.

The achievable RTO is the largest of these outages. If any is unknown, the RTO is
unknown and the components without a restore time are named. A site's loss counts only
when the service survives it or the site has ``restore_hours``; otherwise it is listed as
not assessed (site loss is usually a disaster-recovery scenario assessed on its own).

Achievable RPO — the worst data loss. Each data-holding component's loss window is the
best of its protections: 0 for synchronous replication, the replication lag for
asynchronous, the backup interval for backups. The service's RPO is the worst of its
data components; an unprotected one makes it unknown (named).

Example (print service at the head office): losing the SAN stops both application
servers and the database until the SAN is restored (24 h), while losing app-server-1
costs the pair's 60 s failover → achievable RTO 24 h, set by ``san``. The database and
SAN are backed up every 24 h → achievable RPO 24 h, set by ``print-db`` (first by id).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from analysis.engine.availability import AvailabilityAnalyzer
from analysis.engine.structure import Model, sub_topology
from analysis.engine.topology import Topology
from analysis.formatting import duration
from analysis.formatting import hours as hours_words

Mechanism = Literal["restore", "failover", "unaffected"]


@dataclass(frozen=True, slots=True)
class ElementOutage:
    """How long the service is down when one component or site fails on its own."""

    element_id: str
    element_kind: Literal["component", "site"]
    hours: float | None
    mechanism: Mechanism
    via: str
    explanation: str


@dataclass(frozen=True, slots=True)
class DataProtection:
    """Worst-case data loss of one data-holding component."""

    component_id: str
    rpo_hours: float | None
    protection: str


@dataclass(frozen=True, slots=True)
class AchievableObjectives:
    """What the inventory achieves for one service, and which element sets each figure."""

    service_id: str
    rto_hours: float | None
    rto_set_by: str | None
    rto_unknown: tuple[str, ...]
    rpo_hours: float | None
    rpo_set_by: str | None
    rpo_unprotected: tuple[str, ...]
    rpo_applicable: bool
    availability: float
    availability_method: str
    single_points_of_failure: tuple[str, ...]
    outages: tuple[ElementOutage, ...]
    data_protection: tuple[DataProtection, ...]
    sites_not_assessed: tuple[str, ...]
    reasoning: tuple[str, ...]
    # Reaching someone who can recover the service (``analysis.engine.recovery``); the
    # RTO above already includes it.
    recovery_hours: float | None = 0.0
    recovery_explanation: str = ""
    recovery_single_points_of_failure: tuple[str, ...] = ()


# (hours, mechanism, via); hours = inf for unknown.
_Out = tuple[float, Mechanism, str]
_NONE: _Out = (0.0, "unaffected", "")


def _restore(model: Model, element: str) -> _Out:
    hours = (
        model.sites[element].restore_hours
        if model.kind(element) == "site"
        else model.components[element].restore_hours
    )
    return (math.inf if hours is None else float(hours), "restore", element)


# One node's outages: for each variable whose failure interrupts the node, how long it is
# down; a variable it does not list leaves it up (``_NONE``).
_Table = dict[str, _Out]


def _group_outage(model: Model, group_id: str, failing: str, members: Sequence[_Out]) -> _Out:
    """The group's outage when ``failing`` alone fails, from its members' outages (in
    member order): the k-th shortest; when k members are untouched, the failover of an
    affected member (only the active one in an active/passive group), at most as long
    as that member's own outage."""
    group = model.groups[group_id]
    if group.k == 1:
        # The first member with the shortest outage, as a stable sort puts first.
        kth = _NONE
        first = True
        for found in members:
            if first or found[0] < kth[0]:
                kth, first = found, False
    else:
        kth = sorted(members, key=_hours)[group.k - 1]
    if kth[0] > 0.0:
        return kth
    if group.mode == "active_passive":
        affected = [members[0]] if members and members[0][0] > 0.0 else []
    else:
        affected = [m for m in members if m[0] > 0.0]
    if not affected:
        return _NONE
    failing_comp = model.components.get(failing)
    own = failing_comp.failover_seconds if failing_comp is not None else None
    failover_hours = max(group.failover_seconds, own or 0.0) / 3600.0
    # The first affected member with the longest outage, as max() picks it.
    worst = max(affected, key=_hours)
    if worst[0] <= failover_hours:
        return worst
    return (failover_hours, "failover", group_id)


def _hours(outage: _Out) -> float:
    return outage[0]


def _node_table(model: Model, node: str, below: Sequence[_Table]) -> _Table:
    """``node``'s outages from those of its children (``below``, in ``Model.children``
    order): a group applies its k-of-n rule to each variable one of its members lists; any
    other node is down as long as its first child with the longest outage, and a
    component or site as long as its own restore when it fails itself."""
    if node in model.groups:
        table: _Table = {}
        for variable in dict.fromkeys(v for member in below for v in member):
            outage = _group_outage(
                model, node, variable, [member.get(variable, _NONE) for member in below]
            )
            if outage != _NONE:
                table[variable] = outage
        return table
    variable_node = model.is_variable(node)
    if not below:
        table = {}
    elif len(below) == 1 and not variable_node:
        return below[0]  # the same outages: shared, never changed
    else:
        table = dict(below[0])
        for child in below[1:]:
            get = table.get
            for variable, outage in child.items():
                held = get(variable)
                # An earlier child the variable leaves up holds 0 h, which only a longer
                # outage replaces (the first child with the longest outage).
                if held is None:
                    if outage[0] > 0.0:
                        table[variable] = outage
                elif outage[0] > held[0]:
                    table[variable] = outage
    if variable_node:
        table[node] = _restore(model, node)
    return table


def _tables(model: Model, service_id: str, basis: OutageBasis | None) -> dict[str, _Table]:
    """The outages of every node of the service's closure, children before parents. With a
    ``basis`` of the same service, a node that is the basis's element object and has no
    worked-out node below it keeps the basis's outages (``OutageBasis``)."""
    tables: dict[str, _Table] = {}
    known: dict[str, _Table] = {}
    before: Model | None = None
    if basis is not None and basis.service_id == service_id:
        known, before = basis.tables, basis.model
    worked: set[str] = set()
    for node in model.closure(service_id):
        kids = model.children(node)
        if (
            before is not None
            and node in known
            and worked.isdisjoint(kids)
            and _element(model, node) is _element(before, node)
        ):
            tables[node] = known[node]
            continue
        worked.add(node)
        tables[node] = _node_table(model, node, [tables[child] for child in kids])
    return tables


def _protection(model: Model, component_id: str) -> DataProtection:
    c = model.components[component_id]
    options: list[tuple[float, str]] = []
    if c.replication == "sync":
        options.append((0.0, "synchronous replication (no loss)"))
    elif c.replication == "async" and c.replication_lag_seconds is not None:
        lag = float(c.replication_lag_seconds)
        options.append((lag / 3600.0, f"asynchronous replication ({duration(lag)} lag)"))
    if c.backup_interval_hours is not None:
        hours = float(c.backup_interval_hours)
        options.append((hours, f"backup every {hours_words(hours)}"))
    if not options:
        reason = (
            "asynchronous replication with unknown lag and no backup"
            if c.replication == "async"
            else "no replication or backup recorded"
        )
        return DataProtection(component_id, None, reason)
    best = min(options)
    return DataProtection(component_id, best[0], best[1])


def data_protections(model: Model, service_id: str) -> tuple[DataProtection, ...]:
    """How each data-holding component ``service_id`` uses is protected, by id."""
    data = [
        n
        for n in model.closure(service_id)
        if n in model.components and model.components[n].holds_data
    ]
    return tuple(_protection(model, d) for d in sorted(data))


def achievable_rpo(model: Model, service_id: str) -> float | None:
    """The achievable RPO alone, as ``objectives_from_model`` gives it (None when unknown
    or when no data is held), without working out any outage."""
    protections = data_protections(model, service_id)
    if not protections or any(p.rpo_hours is None for p in protections):
        return None
    return max(p.rpo_hours for p in protections if p.rpo_hours is not None)


def achievable_objectives(
    topology: Topology,
    service_id: str,
    *,
    analyzer: AvailabilityAnalyzer | None = None,
) -> AchievableObjectives:
    """Achievable RTO, RPO, availability and SPOFs of ``service_id`` from the inventory.

    Pass an ``analyzer`` built on the same topology to reuse its work; otherwise only the
    part of the topology the service needs is analysed. See the module docstring for the
    rules and a worked example.
    """
    if analyzer is None:
        analyzer = AvailabilityAnalyzer(sub_topology(topology, [service_id]))
    availability = analyzer.service(service_id)
    return objectives_from_model(
        analyzer.model,
        service_id,
        availability=availability.availability,
        availability_method=availability.method,
        single_points_of_failure=availability.single_points_of_failure,
    )


def _describe(
    model: Model,
    variable: str,
    outage: _Out,
    memo: dict[tuple[str, str, _Out], ElementOutage] | None = None,
) -> tuple[ElementOutage, bool]:
    """One variable's outage in words, and whether it is a site loss not assessed.
    ``memo`` keeps the words already written for the same variable, kind and outage (a
    what-if run repeats most of the outages before it)."""
    hours, mechanism, via = outage
    kind: Literal["component", "site"] = "site" if model.kind(variable) == "site" else "component"
    # Losing a whole site with no recorded rebuild time is a disaster-recovery question,
    # reported on its own rather than making every RTO unknown.
    not_assessed = (
        kind == "site" and math.isinf(hours) and model.sites[variable].restore_hours is None
    )
    key = (variable, kind, outage)
    if memo is not None and key in memo:
        return memo[key], not_assessed
    if mechanism == "restore":
        text = f"losing '{variable}' stops the service until '{via}' is restored" + (
            " (restore time unknown)" if math.isinf(hours) else f" ({hours_words(hours)})"
        )
    elif mechanism == "failover":
        text = f"losing '{variable}' costs the failover of '{via}' ({duration(hours * 3600)})"
    else:
        text = f"losing '{variable}' does not interrupt the service"
    element = ElementOutage(
        variable, kind, None if math.isinf(hours) else hours, mechanism, via, text
    )
    if memo is not None:
        memo[key] = element
    return element, not_assessed


@dataclass(frozen=True, slots=True)
class OutageBasis:
    """How long every node of one service's closure in ``model`` is down when each
    variable alone fails, kept so that a changed copy of the model
    (``analysis.engine.whatif`` shares every element it leaves alone) works out only the
    nodes the change can reach.

    A node's outages read only the nodes below it (what it needs, group k, mode and
    failover) and each failing variable's restore and failover times. A node of the
    changed closure that was in this closure, is the same element object, and has no
    changed node below it has the same nodes below it, so the same outages: they are
    kept. Only the changed nodes and those above them (usually a short path up to the
    service) are worked out again, from their children's outages. ``described`` keeps
    each outage's words for the changed copies, which repeat most outages.

    Example: a redundant peer for ``san`` replaces the application servers that run on
    it (they now run on the new pair): only the new pair, those servers, the group of
    them, and what is above it up to the service are worked out again.
    """

    model: Model
    service_id: str
    tables: dict[str, _Table]
    described: dict[tuple[str, str, _Out], ElementOutage] = field(default_factory=dict)

    @classmethod
    def of(cls, model: Model, service_id: str) -> OutageBasis:
        return cls(model, service_id, _tables(model, service_id, None))


def _element(model: Model, element_id: str) -> object | None:
    """The element object ``element_id`` names in ``model`` (None when it has none)."""
    if element_id in model.components:
        return model.components[element_id]
    if element_id in model.groups:
        return model.groups[element_id]
    if element_id in model.sites:
        return model.sites[element_id]
    return model.services.get(element_id)


def _element_outages(
    model: Model, service_id: str, basis: OutageBasis | None = None
) -> tuple[list[ElementOutage], list[str]]:
    """Each variable's outage on its own failure (in ``Model.variables`` order), and the
    sites whose loss is not assessed (no restore time recorded). With a ``basis`` of the
    same service, only the nodes a change reaches are worked out (``OutageBasis``)."""
    memo = basis.described if basis is not None and basis.service_id == service_id else None
    service = _tables(model, service_id, basis)[service_id]
    outages: list[ElementOutage] = []
    not_assessed: list[str] = []
    for variable in model.variables(service_id):
        element, unassessed = _describe(model, variable, service.get(variable, _NONE), memo)
        outages.append(element)
        if unassessed:
            not_assessed.append(variable)
    return outages, not_assessed


def rto_within(
    model: Model, service_id: str, required: float, *, basis: OutageBasis | None = None
) -> bool:
    """Whether the achievable RTO ``objectives_from_model`` gives is known and at most
    ``required`` hours, without putting any outage into words.

    The RTO is the longest assessed outage (0 when none is assessed), unknown when one is
    infinite, so it is known and ≤ required exactly when ``required`` ≥ 0 and no assessed
    outage exceeds it. Example: the print service at the head office is within 24 h (the
    SAN's restore) and not within 12 h.
    """
    if not required >= 0.0:
        return False
    for variable, (hours, _mechanism, _via) in _tables(model, service_id, basis)[
        service_id
    ].items():
        if hours > required and not (
            model.kind(variable) == "site"
            and math.isinf(hours)
            and model.sites[variable].restore_hours is None
        ):
            return False
    return True


def _achievable_rto(
    outages: Sequence[ElementOutage], not_assessed: Sequence[str], reasoning: list[str]
) -> tuple[float | None, str | None, tuple[str, ...]]:
    """The worst assessed single failure: (RTO hours, element setting it, elements without
    a restore time); the RTO is None when any of those is unknown."""
    assessed = [o for o in outages if o.element_id not in not_assessed]
    unknown = tuple(sorted({o.via for o in assessed if o.hours is None}))
    rto: float | None = None
    rto_by: str | None = None
    if unknown:
        reasoning.append(
            "achievable RTO unknown: no restore time recorded for "
            + ", ".join(f"'{u}'" for u in unknown)
        )
    elif assessed:
        worst = min(assessed, key=lambda o: (-(o.hours or 0.0), o.element_id))
        rto, rto_by = worst.hours, worst.element_id
        reasoning.append(
            f"achievable RTO {hours_words(rto)}: the worst single failure — {worst.explanation}"
        )
    else:
        rto = 0.0
        reasoning.append("achievable RTO 0 s: nothing whose failure could be assessed")
    if not_assessed:
        reasoning.append(
            "site loss not assessed (no restore time): " + ", ".join(f"'{s}'" for s in not_assessed)
        )
    return rto, rto_by, unknown


def _achievable_rpo(
    protections: Sequence[DataProtection], reasoning: list[str]
) -> tuple[float | None, str | None, tuple[str, ...]]:
    """The worst data loss: (RPO hours, component setting it, unprotected components)."""
    unprotected = tuple(p.component_id for p in protections if p.rpo_hours is None)
    rpo: float | None = None
    rpo_by: str | None = None
    if not protections:
        reasoning.append("achievable RPO not applicable: no data-holding component recorded")
    elif unprotected:
        reasoning.append(
            "achievable RPO unknown: unprotected data on "
            + ", ".join(f"'{u}'" for u in unprotected)
        )
    else:
        worst_p = min(protections, key=lambda p: (-(p.rpo_hours or 0.0), p.component_id))
        rpo, rpo_by = worst_p.rpo_hours, worst_p.component_id
        reasoning.append(
            f"achievable RPO {hours_words(rpo)}: set by '{rpo_by}' ({worst_p.protection})"
        )
    return rpo, rpo_by, unprotected


def objectives_from_model(
    model: Model,
    service_id: str,
    *,
    availability: float,
    availability_method: str,
    single_points_of_failure: tuple[str, ...],
    basis: OutageBasis | None = None,
) -> AchievableObjectives:
    """Achievable objectives of ``service_id`` from an indexed model, with the availability
    figures already computed (what-if reuses them when a change leaves them unchanged).
    ``basis``: the outages of the model this one is a changed copy of (``OutageBasis``),
    the same figures with less work.

    RTO = max over single failures x of the service's outage with x down (module
    docstring); RPO = max over data components of their best protection's window, both
    in hours. Example: the print service at the head office → RTO 24 h (``san``), RPO 24 h
    (``print-db``).
    """
    reasoning: list[str] = []
    outages, not_assessed = _element_outages(model, service_id, basis)
    rto, rto_by, unknown = _achievable_rto(outages, not_assessed, reasoning)
    protections = data_protections(model, service_id)
    rpo, rpo_by, unprotected = _achievable_rpo(protections, reasoning)
    return AchievableObjectives(
        service_id=service_id,
        rto_hours=rto,
        rto_set_by=rto_by,
        rto_unknown=unknown,
        rpo_hours=rpo,
        rpo_set_by=rpo_by,
        rpo_unprotected=unprotected,
        rpo_applicable=bool(protections),
        availability=availability,
        availability_method=availability_method,
        single_points_of_failure=single_points_of_failure,
        outages=tuple(outages),
        data_protection=protections,
        sites_not_assessed=tuple(not_assessed),
        reasoning=tuple(reasoning),
    )
