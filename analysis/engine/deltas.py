"""What-if over a whole topology: every function before and after one set of changes.

Each function's figures before and after come from one ``WhatIfEvaluator`` under one
``AnalysisContext``, so the two sides are computed alike and differ only by the changes;
``ServiceDelta`` lists the single points of failure a change removes or adds.

Example: adding a peer SAN at the branch to the print example takes ``san`` out of the
head-office print service's SPOFs (``spofs_removed`` contains "san").
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from analysis.engine.figures import AnalysisContext, FunctionFigures, WhatIfEvaluator
from analysis.engine.structure import Model
from analysis.engine.topology import Topology, service_result
from analysis.engine.whatif import Change, ChangeSet, apply_changes


@dataclass(frozen=True, slots=True)
class ServiceDelta:
    """One function before and after the changes, on all four measures."""

    service_id: str
    before: FunctionFigures
    after: FunctionFigures

    @property
    def spofs_removed(self) -> tuple[str, ...]:
        gone = self.after.single_points_of_failure
        return tuple(s for s in self.before.single_points_of_failure if s not in gone)

    @property
    def spofs_added(self) -> tuple[str, ...]:
        old = self.before.single_points_of_failure
        return tuple(s for s in self.after.single_points_of_failure if s not in old)


@dataclass(frozen=True, slots=True)
class WhatIfResult:
    """Each function before and after, and the changed topology (never saved)."""

    deltas: tuple[ServiceDelta, ...]
    topology_after: Topology
    changes: ChangeSet

    def by_id(self, service_id: str) -> ServiceDelta:
        return service_result(self.deltas, service_id)


def what_if(
    topology: Topology,
    changes: ChangeSet | Iterable[Change],
    *,
    service_ids: Iterable[str] | None = None,
    context: AnalysisContext | None = None,
) -> WhatIfResult:
    """Availability, downtime, RTO, RPO and SPOFs of each function before and after
    ``changes``, under one ``context``. Nothing is saved.

    Raises ``TopologyError`` for a change that names an unknown element or breaks the
    topology, and ``ExactTooCostly`` when exact figures are asked for beyond the budget.

    Example: adding a peer SAN at the branch to the print example takes ``san`` out of the
    head-office print service's SPOFs (``spofs_removed`` contains "san") and cuts its
    achievable RTO from 24 h (SAN restore) to the worst remaining single failure.
    """
    context = context or AnalysisContext(method=topology.method)
    change_set = changes if isinstance(changes, ChangeSet) else ChangeSet(tuple(changes))
    after_topology = apply_changes(topology, change_set)
    ids = [s.id for s in topology.services] if service_ids is None else list(service_ids)
    model = Model(topology)
    deltas = []
    for sid in ids:
        evaluator = WhatIfEvaluator(topology, sid, context, model=model)
        deltas.append(ServiceDelta(sid, evaluator.before, evaluator.after(change_set)))
    return WhatIfResult(tuple(deltas), after_topology, change_set)
