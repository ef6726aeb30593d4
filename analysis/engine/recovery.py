"""Elements a service needs to recover, not to run: the time to reach someone who can act.

Some elements — a key person, a role — are not needed while the service runs but are
needed to bring it back after a failure. Their absence does not stop the service, so
they stay out of its availability and its single points of failure; they delay its
recovery. Given the elements ``needed`` for recovery (components and groups of the same
topology), the **reach time** is the worst delay, over the absence of any one of their
components, before enough of them are there to act:

    reach = max over x in variables(needed) of outage_x(recovery)

where ``recovery`` is a service requiring ``needed`` and ``outage_x`` follows the rules of
:mod:`analysis.engine.achievable`: an absent person with nobody standing in is reached
after their own ``restore_hours`` (recall them or bring in someone else); a 1-of-n cover
group whose first member is absent pays its ``failover_seconds`` (the handover to a
deputy); a k-of-n group still holding k present members costs nothing. The function's
achievable RTO is then its technical RTO plus the reach time:

    RTO = worst single technical failure + reach

The recovery's **single points of failure** are the components whose absence alone
leaves nobody able to act (``Model.necessary`` of the recovery service): a person needed
to recover with no deputy. They are single points of failure *for recovery*; they do not
stop the running service.

Worked example: the print service's technical RTO is 24 h (the SAN restore). The print
administrator is needed to recover it and has one deputy, handover 2 h: her absence costs
the handover → reach 2 h, RTO 26 h, no single point of failure for recovery. Had she no
deputy (recall 48 h): reach 48 h, RTO 72 h, and she is a single point of failure for
recovery.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from analysis.engine.achievable import AchievableObjectives, achievable_objectives
from analysis.engine.figures import FunctionFigures
from analysis.engine.structure import sub_topology
from analysis.engine.topology import Service, Topology
from analysis.formatting import hours as hours_words

RECOVERY_SUFFIX = "#recovery"


@dataclass(frozen=True, slots=True)
class RecoveryReach:
    """How long reaching someone able to recover a service can take, and who sets it.

    ``hours`` None = unknown (a restore time is missing); ``set_by`` is the component whose
    absence takes longest; ``single_points_of_failure`` are the components whose absence
    alone leaves nobody able to recover it.
    """

    service_id: str
    needed: tuple[str, ...]
    hours: float | None
    set_by: str | None
    via: str | None
    single_points_of_failure: tuple[str, ...]
    explanation: str


def recovery_reach(topology: Topology, service_id: str, needed: tuple[str, ...]) -> RecoveryReach:
    """Reach time and single points of failure for recovering ``service_id``.

    ``needed`` are ids of components or groups of ``topology``; nothing needed means a
    reach time of 0. Raises ``TopologyError`` when an id is unknown.
    """
    if not needed:
        return RecoveryReach(service_id, (), 0.0, None, None, (), "")
    probe = service_id + RECOVERY_SUFFIX
    whole = replace(
        topology, services=(*topology.services, Service(id=probe, requires=tuple(needed)))
    )
    part = sub_topology(whole, [probe])
    objectives = achievable_objectives(part, probe)
    worst = next((o for o in objectives.outages if o.element_id == objectives.rto_set_by), None)
    if objectives.rto_hours is None:
        explanation = "time to reach someone who can recover it unknown: no recall time for " + (
            ", ".join(f"'{u}'" for u in objectives.rto_unknown)
        )
    elif worst is None or objectives.rto_hours == 0.0:
        explanation = "someone who can recover it is always within reach"
    elif worst.mechanism == "failover":
        explanation = (
            f"with '{worst.element_id}' away, a deputy takes over after a handover of "
            f"{hours_words(objectives.rto_hours)}"
        )
    else:
        explanation = (
            f"with '{worst.element_id}' away and nobody to stand in, recovery waits "
            f"{hours_words(objectives.rto_hours)} to recall them or bring in someone else"
        )
    return RecoveryReach(
        service_id=service_id,
        needed=tuple(needed),
        hours=objectives.rto_hours,
        set_by=objectives.rto_set_by if objectives.rto_hours else None,
        via=worst.via if worst is not None and objectives.rto_hours else None,
        single_points_of_failure=objectives.single_points_of_failure,
        explanation=explanation,
    )


def with_recovery(objectives: AchievableObjectives, reach: RecoveryReach) -> AchievableObjectives:
    """``objectives`` with the reach time added to the achievable RTO (unknown stays
    unknown; an unknown reach makes the RTO unknown) and the reasoning saying so."""
    if not reach.needed:
        return objectives
    rto: float | None
    unknown = objectives.rto_unknown
    if objectives.rto_hours is None or reach.hours is None or math.isinf(reach.hours):
        rto = None
        if reach.hours is None:
            unknown = tuple(sorted({*unknown, *reach.needed}))
    else:
        rto = objectives.rto_hours + reach.hours
    words = f"recovery also needs someone who can act: {reach.explanation}"
    if rto is not None:
        words += f"; achievable RTO with it {hours_words(rto)}"
    if reach.single_points_of_failure:
        words += "; single point of failure for recovery: " + ", ".join(
            f"'{s}'" for s in reach.single_points_of_failure
        )
    return replace(
        objectives,
        rto_hours=rto,
        rto_unknown=unknown,
        recovery_hours=reach.hours,
        recovery_explanation=reach.explanation,
        recovery_single_points_of_failure=reach.single_points_of_failure,
        reasoning=(*objectives.reasoning, words),
    )


def figures_with_recovery(figures: FunctionFigures, reach: RecoveryReach) -> FunctionFigures:
    """``figures`` whose RTO includes the reach time (availability and SPOFs unchanged)."""
    objectives = with_recovery(figures.objectives, reach)
    return replace(figures, rto_hours=objectives.rto_hours, objectives=objectives)
