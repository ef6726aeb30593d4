"""Composite availability of services: exact by BDD, or Monte Carlo when exact is too big.

Method
------
Every component and site is an independent up/down variable (see ``structure``). For
each service the engine builds the reduced ordered BDD of its structure function, with
variables in depth-first post-order of the structure (what a component needs — its site
chain and what it runs on — before the component itself, so shared infrastructure sits
above the parts that use it and the diagram stays small), and reads off in one pass each:

* A = P(service up) and U = P(service down), both as sums of non-negative terms, so a
  tiny U keeps its digits instead of being computed as 1 − 0.99999…;
* Birnbaum importance I_B(i) = P(up | i up) − P(up | i down) of every component and site,
  and criticality I_C(i) = I_B(i) · (1 − p_i) / U, the share of the service's
  unavailability that i's failures account for;
* single points of failure: variables whose failure alone brings the service down
  (exact for these monotone structures; see ``Model.necessary``), ordered by I_B.

Active/passive failover (an approximation, stated in every affected result): when the
active (first) member of an active/passive group fails, the group is interrupted for its
failover time. The active member fails once per MTBF + MTTR hours on average, and a
failover slower than repairing the member in place would not be used, so the group is in
a failover window for the fraction

    f = min(failover_hours, MTTR) / (MTBF + MTTR)

of the time. The engine models that window as one more independent element in series with
the group (up with probability 1 − f). The window then costs the service only when the
service has no other way round the group, and nested groups are not charged twice. The
approximation is treating the window as independent of the rest of the estate.

Worked example: two application servers (MTBF 4 380 h, MTTR 8 h) in an active/passive pair
with 60 s failover, both on one SAN with A = 0.9999. Each server is down with probability
8/4 388 = 0.001 823, so the structural A = 0.9999 × (1 − 0.001 823²) = 0.999 896 676; the
failover window is f = (60/3 600)/4 388 = 3.80e-6 (about 2 failovers a year), so
A = 0.999 896 676 × (1 − 3.80e-6) = 0.999 892 878, 56 m 20 s of downtime a year — and the
SAN is the single point of failure.

Each service is compiled in a diagram manager of its own, with its own variable order
and a node budget counted from zero, so the method a service gets depends on that
service alone. "auto" uses the BDD unless its diagram would need more than ``node_limit``
nodes, in which case that service is estimated by Monte Carlo and a note says why;
"exact" raises ``ExactTooCostly`` instead, so a caller can refuse the request.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Final, Literal

from analysis.engine.bdd import NodeLimitExceeded
from analysis.engine.budgets import SECONDS_PER_DAY, YEAR_CONVENTIONS
from analysis.engine.montecarlo import (
    DEFAULT_IMPORTANCE_SAMPLES,
    DEFAULT_SAMPLES,
    DEFAULT_SEED,
    simulate,
)
from analysis.engine.service_diagram import ServiceDiagram, compile_service
from analysis.engine.structure import FailoverLoss, Model, sub_topology
from analysis.engine.topology import METHODS, Method, Topology, service_result

ResultMethod = Literal["exact_bdd", "monte_carlo"]
# About a second of diagram building in the worst case; the largest service of the
# 10,000-component benchmark organisation needs about 3,200 nodes.
DEFAULT_NODE_LIMIT: Final = 100_000


@dataclass(frozen=True, slots=True)
class ComponentImportance:
    """How much one component or site matters to one service."""

    element_id: str
    element_kind: Literal["component", "site"]
    availability: float
    birnbaum: float
    criticality: float
    is_spof: bool


@dataclass(frozen=True, slots=True)
class AvailabilityFigures:
    """What every availability answer about one service states, however it was reached.

    ``unavailability`` = 1 − ``availability``; ``downtime_seconds_per_year`` =
    unavailability × year days × 86,400 s. ``ci95_low``/``ci95_high``, ``samples`` and
    ``seed`` are set for Monte Carlo results and ``None`` for exact ones.

    Example: an exact A = 0.9999 over a 365.2425-day year is 1.0e-4 unavailable, about
    3,156 s (52 m 36 s) of downtime a year.
    """

    service_id: str
    availability: float
    unavailability: float
    downtime_seconds_per_year: float
    method: ResultMethod
    ci95_low: float | None
    ci95_high: float | None
    samples: int | None
    seed: int | None


@dataclass(frozen=True, slots=True)
class ServiceAvailability(AvailabilityFigures):
    """Availability of one service and where its risk comes from.

    ``method_note`` says why a service that "auto" would have solved exactly was
    estimated instead ("" otherwise). ``structural_availability`` leaves failover
    windows out (``None`` for Monte Carlo results that include them).
    """

    single_points_of_failure: tuple[str, ...]
    importance: tuple[ComponentImportance, ...]
    notes: tuple[str, ...]
    structural_availability: float | None
    failover_losses: tuple[FailoverLoss, ...] = ()
    bdd_nodes: int | None = None
    variables: int = 0
    method_note: str = ""


@dataclass(frozen=True, slots=True)
class AvailabilityReport:
    """Availability of every requested service under one year convention."""

    services: tuple[ServiceAvailability, ...]
    method_requested: Method
    year_days: float
    year_convention: str

    def by_id(self, service_id: str) -> ServiceAvailability:
        """The result for ``service_id`` (``KeyError`` when it was not analysed)."""
        return service_result(self.services, service_id)


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a whole estate is analysed.

    The decision diagrams are millions of small, acyclic objects; generational scans of
    them cost about a quarter of the run at ×4 size and reclaim nothing. Collection is
    resumed afterwards (if it was on), so cycles made meanwhile elsewhere are still freed.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _check_method(method: str) -> Method:
    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(METHODS)}; got {method!r}")
    return method


class ExactTooCostly(RuntimeError):
    """Exact calculation was required but the service's diagram would pass the node limit
    (or its structure is too deep to compile). ``node_limit`` names the limit."""

    def __init__(self, service_id: str, node_limit: int | None, reason: str) -> None:
        super().__init__(reason)
        self.service_id = service_id
        self.node_limit = node_limit
        self.reason = reason


class AvailabilityAnalyzer:
    """Analyses the services of one topology.

    Each service is compiled into a decision diagram of its own (``ServiceDiagram``) under
    a node budget counted from zero, so whether a service is solved exactly or estimated
    by Monte Carlo depends only on that service: a plan-wide run and a one-function
    recompute always agree, to the last digit. The ``Model`` (closures, SPOF sets) is
    shared, and results are cached per service. The topology is immutable, so nothing
    here can go stale: analyse a changed topology with a new analyzer.

    ``method`` "exact" raises ``ExactTooCostly`` when a service's diagram would need more
    than ``node_limit`` nodes; "auto" estimates that service by Monte Carlo and says why.
    ``keep_diagrams`` keeps each service's diagram for what-if reuse (``diagram()``);
    ``importance`` False skips Birnbaum importance (all zero; SPOFs then in id order), for
    runs that only need the figures. ``diagrams`` are services' diagrams already compiled
    for this topology (``recompile_service``), used instead of compiling them.
    """

    def __init__(
        self,
        topology: Topology,
        *,
        method: Method | None = None,
        samples: int = DEFAULT_SAMPLES,
        seed: int = DEFAULT_SEED,
        node_limit: int | None = DEFAULT_NODE_LIMIT,
        importance_samples: int = DEFAULT_IMPORTANCE_SAMPLES,
        validate: bool = True,
        model: Model | None = None,
        keep_diagrams: bool = False,
        importance: bool = True,
        diagrams: dict[str, ServiceDiagram] | None = None,
    ) -> None:
        self.model = model if model is not None else Model(topology, validate=validate)
        self.topology = self.model.topology
        self.method: Method = _check_method(method if method is not None else topology.method)
        self.samples = samples
        self.seed = seed
        self.node_limit = node_limit
        self.importance_samples = importance_samples if importance else 0
        self.importance = importance
        self.keep_diagrams = keep_diagrams
        self._diagrams: dict[str, ServiceDiagram] = {}
        self._given: dict[str, ServiceDiagram] = dict(diagrams or {})
        self._results: dict[str, ServiceAvailability] = {}

    def diagram(self, service_id: str) -> ServiceDiagram | None:
        """The kept diagram of an exactly solved service (``keep_diagrams`` only)."""
        self.service(service_id)
        return self._diagrams.get(service_id)

    def service(self, service_id: str) -> ServiceAvailability:
        """Availability, SPOFs and importance of one service (cached)."""
        cached = self._results.get(service_id)
        if cached is not None:
            return cached
        if self.model.kind(service_id) != "service":
            raise KeyError(f"'{service_id}' is not a service")
        notes: list[str] = []
        result: ServiceAvailability | None = None
        why: str | None = None
        if self.method in ("auto", "exact"):
            limit = self.node_limit
            try:
                diagram = self._given.get(service_id) or compile_service(
                    self.model, service_id, node_limit=limit
                )
            except NodeLimitExceeded:
                why = (
                    f"exact calculation stopped: its decision diagram needed more than "
                    f"{limit:,} nodes (the node limit)"
                )
            except RecursionError:
                why = "exact calculation stopped: the structure is too deep to compile"
            else:
                if self.keep_diagrams:
                    self._diagrams[service_id] = diagram
                result = self._exact(service_id, diagram, notes)
            if why is not None:
                if self.method == "exact":
                    raise ExactTooCostly(service_id, limit, why)
                notes.append(why + ", so the figure is a Monte Carlo estimate")
        if result is None:
            result = self._monte_carlo(service_id, notes, why or "")
        self._results[service_id] = result
        return result

    def report(self, service_ids: Iterable[str] | None = None) -> AvailabilityReport:
        """Results for ``service_ids`` (default: every service, in topology order)."""
        ids = list(self.model.services) if service_ids is None else list(service_ids)
        year_days = self.topology.year_days
        with collector_paused():
            results = tuple(self.service(sid) for sid in ids)
        return AvailabilityReport(
            services=results,
            method_requested=self.method,
            year_days=year_days,
            year_convention=YEAR_CONVENTIONS.get(year_days, f"{year_days} days"),
        )

    def _result(
        self,
        service_id: str,
        figures: tuple[float, float],
        birnbaum: dict[str, float],
        notes: list[str],
        method: ResultMethod,
    ) -> ServiceAvailability:
        """What both methods fill alike from (A, U) and Birnbaum importance: downtime,
        SPOFs (by importance), every variable ranked with its criticality
        I_C = I_B · q / U, and the failover windows with their notes."""
        availability, unavailability = figures
        model = self.model
        losses, loss_notes = model.failover_losses(service_id)
        notes.extend(loss_notes)
        for loss in losses:
            notes.append(
                f"approximation: group '{loss.group_id}' fails over about "
                f"{loss.failovers_per_year:.3g} times a year ({loss.failover_seconds:g} s each, "
                f"from 1/(MTBF+MTTR) of '{loss.active_member}'); each failover window is "
                "modelled as an independent element in series with the group"
            )
        spof_set = model.necessary(service_id)
        spofs = tuple(sorted(spof_set, key=lambda v: (-birnbaum.get(v, 0.0), v)))
        ranked = []
        for variable in model.variables(service_id):
            p, q = model.pq(variable)
            ib = birnbaum.get(variable, 0.0)
            kind: Literal["component", "site"] = (
                "site" if model.kind(variable) == "site" else "component"
            )
            ranked.append(
                ComponentImportance(
                    element_id=variable,
                    element_kind=kind,
                    availability=p,
                    birnbaum=ib,
                    criticality=ib * q / unavailability if unavailability > 0.0 else 0.0,
                    is_spof=variable in spof_set,
                )
            )
        ranked.sort(key=lambda item: (-item.birnbaum, item.element_id))
        return ServiceAvailability(
            service_id=service_id,
            availability=availability,
            unavailability=unavailability,
            downtime_seconds_per_year=unavailability * self.topology.year_days * SECONDS_PER_DAY,
            method=method,
            ci95_low=None,
            ci95_high=None,
            samples=None,
            seed=None,
            single_points_of_failure=spofs,
            importance=tuple(ranked),
            notes=tuple(notes),
            structural_availability=None,
            failover_losses=losses,
            variables=len(ranked),
        )

    def _exact(
        self, service_id: str, diagram: ServiceDiagram, notes: list[str]
    ) -> ServiceAvailability:
        bdd, root = diagram.bdd, diagram.root
        figures = bdd.probability(root)
        if self.importance:
            by_level, size = bdd.birnbaum(root)
            birnbaum = {diagram.variable_at[level]: value for level, value in by_level.items()}
        else:
            by_level, size = {}, bdd.size(root)
            birnbaum = {}
        windows = list(diagram.windows)  # levels outside the root's diagram change nothing
        structural = figures[0]
        if windows:
            structural = bdd.probability_with(root, {w: (1.0, 0.0) for w in windows})[0]
        result = self._result(service_id, figures, birnbaum, notes, "exact_bdd")
        line = f"exact: reduced ordered BDD of {size} nodes over {result.variables} variables"
        return replace(
            result,
            notes=(line, *result.notes),
            structural_availability=structural,
            bdd_nodes=size,
        )

    def _monte_carlo(
        self, service_id: str, notes: list[str], method_note: str
    ) -> ServiceAvailability:
        estimate = simulate(
            self.model,
            service_id,
            samples=self.samples,
            seed=self.seed,
            importance_samples=self.importance_samples,
        )
        figures = (estimate.availability, estimate.unavailability)
        result = self._result(service_id, figures, estimate.importance, notes, "monte_carlo")
        line = (
            f"Monte Carlo: {estimate.samples:,} samples, seed {estimate.seed}, "
            f"{estimate.failures:,} failures; 95% Wilson interval; importance from "
            f"{estimate.importance_samples:,} paired samples; SPOFs are exact"
        )
        return replace(
            result,
            notes=(line, *result.notes),
            ci95_low=estimate.ci95_low,
            ci95_high=estimate.ci95_high,
            samples=estimate.samples,
            seed=estimate.seed,
            structural_availability=None if result.failover_losses else estimate.availability,
            method_note=method_note,
        )


def composite_availability(
    topology: Topology,
    *,
    method: Method | None = None,
    samples: int = DEFAULT_SAMPLES,
    seed: int = DEFAULT_SEED,
    node_limit: int | None = DEFAULT_NODE_LIMIT,
    service_ids: Iterable[str] | None = None,
) -> AvailabilityReport:
    """Availability of every service in ``topology`` (or of ``service_ids``).

    ``method``: "auto" (default, from ``topology.method``) = exact BDD unless a service's
    diagram passes ``node_limit`` nodes, then Monte Carlo; "exact" = always BDD;
    "monte_carlo" = always sampling with ``samples`` draws and ``seed``.

    Example: a service needing a load balancer (0.9999) and a 1-of-2 pair of servers
    (0.99 each) → A = 0.9999 × (1 − 0.01²) = 0.999 800 01, 1 h 45 m 11 s a year.
    """
    analyzer = AvailabilityAnalyzer(
        topology, method=method, samples=samples, seed=seed, node_limit=node_limit
    )
    return analyzer.report(service_ids)


def service_availability(
    topology: Topology,
    service_id: str,
    *,
    method: Method | None = None,
    samples: int = DEFAULT_SAMPLES,
    seed: int = DEFAULT_SEED,
    node_limit: int | None = DEFAULT_NODE_LIMIT,
) -> ServiceAvailability:
    """Availability of one service, touching only what it depends on.

    The part of the topology the service needs is cut out and validated on its own, so the
    cost follows the size of the service, not of the estate (a few milliseconds for a
    50-variable service in a 10 000-component estate).

    Example: ``service_availability(print_service_topology(), "print-branch")`` → exact
    A ≈ 0.997 66 (20 h 28 m a year), SPOFs ("branch-print-server", "branch").
    """
    part = sub_topology(topology, [service_id])
    analyzer = AvailabilityAnalyzer(
        part, method=method, samples=samples, seed=seed, node_limit=node_limit
    )
    return analyzer.service(service_id)


def single_points_of_failure(topology: Topology, service_id: str) -> tuple[str, ...]:
    """Components and sites whose failure alone brings ``service_id`` down, most important first.

    Hidden ones count: two "redundant" servers on one SAN make the SAN a SPOF, and two
    servers in one room make the room one.

    Example: app-1 and app-2 in a 1-of-2 group, both running on ``san`` → ("san",).
    """
    return service_availability(topology, service_id).single_points_of_failure
