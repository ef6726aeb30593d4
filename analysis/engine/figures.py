"""A function's figures for all four measures, and what-if changes measured on them.

Every claim about a change — a remedy under a gap, a roadmap step, a what-if — compares
two ``FunctionFigures`` of the same service under the same ``AnalysisContext``: the
figures now, and the figures of a fresh analysis with the change applied. Availability,
downtime, method, RTO, RPO and single points of failure always travel together, so no
page can show one measure after a change and silently omit another.

``WhatIfEvaluator`` reuses what it can: a change that only touches recovery data (backup
interval, replication, restore time) leaves structure and probabilities alone, so the
availability figures and SPOFs are exactly those before and only recovery objectives are
recomputed; a new availability or MTBF/MTTR for one or two components of an exactly
solved service re-weights the service's own decision diagram in one pass
(``BDD.probability_with``) instead of rebuilding it. Everything else — new peers, group
members, moves, removals — is a fresh analysis of the changed function. The property
tests compare each shortcut with a fresh run.

Example (print service, head office): backing the print database up every hour instead of
every 24 h keeps availability at its exact figure and moves the achievable RPO from 24 h
to the next-worst data component's window.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Final

from analysis.engine.achievable import (
    AchievableObjectives,
    OutageBasis,
    achievable_rpo,
    objectives_from_model,
    rto_within,
)
from analysis.engine.availability import (
    DEFAULT_NODE_LIMIT,
    AvailabilityAnalyzer,
    AvailabilityFigures,
    ServiceAvailability,
)
from analysis.engine.budgets import SECONDS_PER_DAY
from analysis.engine.montecarlo import DEFAULT_IMPORTANCE_SAMPLES, DEFAULT_SAMPLES, DEFAULT_SEED
from analysis.engine.peer_composition import compose_peers
from analysis.engine.service_diagram import ServiceDiagram, recompile_service
from analysis.engine.structure import FailoverLoss, Model, sub_topology
from analysis.engine.topology import Method, Topology
from analysis.engine.whatif import (
    RECOVERY_ONLY,
    AddRedundantPeer,
    Change,
    ChangeSet,
    SetAvailability,
    apply_changes,
)

# Relative change of unavailability below which two exact figures count as equal (the
# same function compiled in two orders can differ in the last bits).
EXACT_TOLERANCE: Final = 1e-9


@dataclass(frozen=True, slots=True)
class AnalysisContext:
    """How every figure of one analysis is computed: the plan's method, Monte Carlo
    samples and seed, and the node budget of exact solving (``None``: no budget, for
    tests only). The year convention travels with the topology (``year_days``)."""

    method: Method = "auto"
    samples: int = DEFAULT_SAMPLES
    seed: int = DEFAULT_SEED
    node_limit: int | None = DEFAULT_NODE_LIMIT
    importance_samples: int = DEFAULT_IMPORTANCE_SAMPLES

    def analyzer(
        self,
        topology: Topology,
        *,
        model: Model | None = None,
        keep_diagrams: bool = False,
        validate: bool = True,
        importance: bool = True,
        diagrams: dict[str, ServiceDiagram] | None = None,
    ) -> AvailabilityAnalyzer:
        return AvailabilityAnalyzer(
            topology,
            method=self.method,
            samples=self.samples,
            seed=self.seed,
            node_limit=self.node_limit,
            importance_samples=self.importance_samples,
            model=model,
            keep_diagrams=keep_diagrams,
            validate=validate,
            importance=importance,
            diagrams=diagrams,
        )


@dataclass(frozen=True, slots=True)
class FunctionFigures(AvailabilityFigures):
    """One function's availability, RTO, RPO and single points of failure at one moment.

    ``rto_hours`` None = unknown; ``rpo_hours`` None = unknown when ``rpo_applicable``.
    ``objectives`` keeps what sets each recovery figure.
    """

    bdd_nodes: int | None
    method_note: str
    single_points_of_failure: tuple[str, ...]
    rto_hours: float | None
    rpo_hours: float | None
    rpo_applicable: bool
    objectives: AchievableObjectives = field(repr=False, compare=False)


def figures_from(
    availability: ServiceAvailability, objectives: AchievableObjectives
) -> FunctionFigures:
    return FunctionFigures(
        service_id=availability.service_id,
        availability=availability.availability,
        unavailability=availability.unavailability,
        downtime_seconds_per_year=availability.downtime_seconds_per_year,
        method=availability.method,
        ci95_low=availability.ci95_low,
        ci95_high=availability.ci95_high,
        samples=availability.samples,
        seed=availability.seed,
        bdd_nodes=availability.bdd_nodes,
        method_note=availability.method_note,
        single_points_of_failure=availability.single_points_of_failure,
        rto_hours=objectives.rto_hours,
        rpo_hours=objectives.rpo_hours,
        rpo_applicable=objectives.rpo_applicable,
        objectives=objectives,
    )


def _objectives(
    model: Model,
    service_id: str,
    result: ServiceAvailability,
    basis: OutageBasis | None = None,
) -> AchievableObjectives:
    return objectives_from_model(
        model,
        service_id,
        availability=result.availability,
        availability_method=result.method,
        single_points_of_failure=result.single_points_of_failure,
        basis=basis,
    )


def function_figures(analyzer: AvailabilityAnalyzer, service_id: str) -> FunctionFigures:
    """The figures of ``service_id`` from an analyzer (its availability result is reused)."""
    result = analyzer.service(service_id)
    return figures_from(result, _objectives(analyzer.model, service_id, result))


def fresh_figures(topology: Topology, service_id: str, context: AnalysisContext) -> FunctionFigures:
    """The figures of ``service_id`` from scratch: cut out its part, analyse it alone."""
    part = sub_topology(topology, [service_id])
    return function_figures(context.analyzer(part), service_id)


def _failover_active_members(model: Model, service_id: str) -> frozenset[str]:
    """Components whose MTBF/MTTR set a failover window of this service."""
    found = set()
    for node in model.closure(service_id):
        if model.kind(node) == "group":
            loss = model.failover_loss(node)
            if isinstance(loss, FailoverLoss):
                found.add(loss.active_member)
    return frozenset(found)


class WhatIfEvaluator:
    """Figures of one function before and after proposed changes (nothing is saved).

    ``part`` is the function's part of the topology (``sub_topology``), possibly with
    extra sites a change may use; it is validated here (unless a ``model`` of it is
    given, which was), so each change is checked only where it touches it. Raises
    ``TopologyError`` for a change that names an unknown element or breaks the topology,
    and ``ExactTooCostly`` when the context asks for exact figures the node budget does
    not allow.
    """

    def __init__(
        self,
        part: Topology,
        service_id: str,
        context: AnalysisContext,
        *,
        model: Model | None = None,
    ) -> None:
        self.part = part
        self.service_id = service_id
        self.context = context
        self.analyzer = context.analyzer(part, keep_diagrams=True, model=model)
        self.model = self.analyzer.model
        self.before = function_figures(self.analyzer, service_id)
        # A change reaches few single-failure outages: the rest are copied from these.
        self._outages = OutageBasis.of(self.model, service_id)
        self._failover_members = _failover_active_members(self.model, service_id)
        self.fresh_runs = 0
        self.reused_runs = 0
        self._structures: dict[tuple[Change, ...], Model] = {}

    def after(self, changes: ChangeSet | Iterable[Change]) -> FunctionFigures:
        items = changes.changes if isinstance(changes, ChangeSet) else tuple(changes)
        changed = apply_changes(self.part, items, base_valid=True)
        figures = self._reuse(changed, items)
        if figures is not None:
            self.reused_runs += 1
            return figures
        part = replace(sub_topology(changed, [self.service_id]), sites=changed.sites)
        model = Model(part, validate=False)
        diagram = self._recompiled(model)
        if diagram is None:
            self.fresh_runs += 1
        else:
            self.reused_runs += 1
        # Figures only: no importance (the SPOFs after a change are listed in id order).
        analyzer = self.context.analyzer(
            part,
            validate=False,
            importance=False,
            model=model,
            diagrams=None if diagram is None else {self.service_id: diagram},
        )
        result = analyzer.service(self.service_id)
        return figures_from(result, _objectives(model, self.service_id, result, self._outages))

    def _recompiled(self, model: Model) -> ServiceDiagram | None:
        """The changed function's diagram compiled into the kept one's manager (the fresh
        compile's diagram, node for node: ``recompile_service``), or None to compile it
        afresh. Diagrams near the node budget are compiled afresh, where the budget is
        counted as a plan-wide run counts it."""
        sid = self.service_id
        diagram = self.analyzer.diagram(sid)
        limit = self.context.node_limit
        if (
            diagram is None
            or self.before.method != "exact_bdd"
            or (limit is not None and diagram.compiled_nodes * 4 > limit)
        ):
            return None
        return recompile_service(diagram, self.model, model, sid, node_limit=limit)

    def meets_structurally(
        self,
        changes: ChangeSet | Iterable[Change],
        measure: str,
        required: float | None,
        element: str | None,
    ) -> bool:
        """Whether ``after(changes)`` would meet a requirement on a measure that depends on
        the structure alone, without computing any probability.

        Single points of failure are ``Model.necessary`` of the changed topology and the
        achievable RTO and RPO are read off its structure and recovery data
        (``objectives_from_model`` never uses the availability it is given; the RTO is
        compared without putting outages into words: ``rto_within``), so for "spof",
        "rto" and "rpo" this equals ``meets(measure, self.after(changes), …)``
        whenever ``after`` returns (it may still raise ``ExactTooCostly``). Raises
        ``ValueError`` for "availability", and ``TopologyError`` as ``after`` does.
        """
        if measure == "availability":
            raise ValueError("availability depends on probabilities: use after()")
        items = changes.changes if isinstance(changes, ChangeSet) else tuple(changes)
        # The same set is screened for several gaps of the function (other measures or
        # requirements): its changed structure and RTO are worked out once.
        model = self._structures.get(items)
        if model is None:
            model = Model(apply_changes(self.part, items, base_valid=True), validate=False)
            self._structures[items] = model
        sid = self.service_id
        if measure == "spof":
            return element is not None and element not in model.necessary(sid)
        if required is None:
            return False
        if measure == "rpo":
            rpo = achievable_rpo(model, sid)
            return rpo is not None and rpo <= required
        return rto_within(model, sid, required, basis=self._outages)

    def _reuse(self, changed: Topology, items: Sequence[Change]) -> FunctionFigures | None:
        before = self.analyzer.service(self.service_id)
        sid = self.service_id
        if all(isinstance(change, RECOVERY_ONLY) for change in items):
            model = Model(changed, validate=False)
            return figures_from(before, _objectives(model, sid, before, self._outages))
        peers = [c for c in items if isinstance(c, AddRedundantPeer)]
        if peers and all(isinstance(c, (*RECOVERY_ONLY, AddRedundantPeer)) for c in items):
            composed = compose_peers(
                self.analyzer.diagram(sid),
                before,
                self.model,
                changed,
                peers,
                node_limit=self.context.node_limit,
                failover_members=self._failover_members,
            )
            if composed is None:
                return None
            result, model = composed
            return figures_from(result, _objectives(model, sid, result, self._outages))
        if not all(isinstance(change, SetAvailability) for change in items):
            return None
        diagram = self.analyzer.diagram(sid)
        if diagram is None or before.method != "exact_bdd":
            return None
        model = Model(changed, validate=False)
        overrides: dict[int, tuple[float, float]] = {}
        for change in items:
            assert isinstance(change, SetAvailability)
            if change.element_id in self._failover_members:
                return None  # its MTBF/MTTR also set a failover window
            level = diagram.levels.get(change.element_id)
            if level is not None:
                overrides[level] = model.pq(change.element_id)
        availability, unavailability = diagram.bdd.probability_with(diagram.root, overrides)
        year = changed.year_days * SECONDS_PER_DAY
        result = replace(
            before,
            availability=availability,
            unavailability=unavailability,
            downtime_seconds_per_year=unavailability * year,
            importance=(),
            notes=(f"exact: the diagram of {diagram.size()} nodes re-weighted for the change",),
            structural_availability=None,
        )
        return figures_from(result, _objectives(model, sid, result, self._outages))


def moved(
    measure: str, before: FunctionFigures, after: FunctionFigures, element: str | None
) -> bool:
    """Whether ``after`` is better than ``before`` on one measure (at the function level).

    availability: less unavailability — beyond rounding for exact figures, beyond the
    before estimate's 95 % interval for Monte Carlo ones; rto/rpo: known where it was
    unknown, or shorter; spof: ``element`` is no longer a single point of failure.
    """
    if measure == "spof":
        return element is not None and element not in after.single_points_of_failure
    if measure == "availability":
        if before.method == "monte_carlo" and before.ci95_high is not None:
            return after.availability > before.ci95_high
        return after.unavailability < before.unavailability * (1.0 - EXACT_TOLERANCE)
    now, then = (
        (after.rto_hours, before.rto_hours)
        if measure == "rto"
        else (after.rpo_hours, before.rpo_hours)
    )
    if now is None:
        return False
    return then is None or now < then - EXACT_TOLERANCE


def meets(
    measure: str, figures: FunctionFigures, required: float | None, element: str | None
) -> bool:
    """Whether ``figures`` meet one requirement: availability ≥ required, RTO/RPO known and
    ≤ required, or ``element`` not a single point of failure."""
    if measure == "spof":
        return element is not None and element not in figures.single_points_of_failure
    if required is None:
        return False
    if measure == "availability":
        return figures.availability >= required
    value = figures.rto_hours if measure == "rto" else figures.rpo_hours
    return value is not None and value <= required


def closed_fraction(
    measure: str,
    before: FunctionFigures,
    after: FunctionFigures,
    required: float | None,
    element: str | None,
) -> float | None:
    """Share of a gap ``after`` closes at the function level, in [0, 1].

    (before − after) / (before − required) on unavailability for availability and on hours
    for RTO/RPO; 1 exactly when ``after`` meets the requirement and below 1 otherwise;
    None when the figure was unknown before and is known but still short after.

    Example: RTO 168 h before, 6.2 h required, 12 h after → (168 − 12) / (168 − 6.2) = 0.964.
    """
    if meets(measure, after, required, element):
        return 1.0
    if measure == "spof" or required is None:
        return 0.0
    if measure == "availability":
        b, a, r = before.unavailability, after.unavailability, 1.0 - required
    else:
        then = before.rto_hours if measure == "rto" else before.rpo_hours
        now = after.rto_hours if measure == "rto" else after.rpo_hours
        if now is None:
            return 0.0
        if then is None:
            return None
        b, a, r = then, now, required
    if b <= r:
        return 0.0
    fraction = max(0.0, min(1.0, (b - a) / (b - r)))
    # Not met, so never "all of it", however close.
    return min(fraction, 1.0 - 1e-12)


def closed_percent(fraction: float | None) -> int | None:
    """A share as a whole percentage, floored, so 100 means the gap is closed."""
    if fraction is None:
        return None
    if fraction >= 1.0:
        return 100
    return min(99, int(fraction * 100))
