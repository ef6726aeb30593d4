"""The roadmap: every critical and high gap of every function, in order, each with the
remedy the engine proved and its before → after.

For each such gap the step is, in this order of preference:

* ``option`` — the cheapest single option (cost class × complexity) that closes it,
  unless a set that closes it costs less (cost class, then complexity);
* ``combination`` — else the cheapest set of up to three options that closes it;
* ``plan_of_action`` — else a plan of action with milestones, carrying the best single
  option as a first step when one moves the measure (``after`` is then that option's
  run and ``closes_gap`` is False); with no such option there is no ``after`` at all.

So no step claims an effect a run did not show, and no step lists a remedy that leaves
its measure unchanged. ``also_closes`` names the function's other gaps whose requirement
the step's ``after`` figures meet (read off the same run).

Steps are ordered by severity, then by the order of the functions given, then measure
(RTO, RPO, availability, single points of failure) and element.

Example (print service, head office): the SAN single point of failure (critical) gets
"Replicated storage in a second site on the SAN", before: the SAN among the SPOFs, after:
not; the same run shows the RPO within 1 h, so the RPO gap is listed in ``also_closes``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final, Literal

from analysis.engine.action_plans import ActionPlanItem
from analysis.engine.figures import FunctionFigures, meets
from analysis.engine.gaps import MEASURE_ORDER, SEVERITY_ORDER, Gap, GapReport
from analysis.engine.remediation import RemedyPart, cheapest_closing

RemedyKind = Literal["option", "combination", "plan_of_action"]
ROADMAP_SEVERITIES: Final = ("critical", "high")


@dataclass(frozen=True, slots=True)
class RoadmapStep:
    function_id: str
    service_id: str
    gap: Gap
    remedy: RemedyKind
    parts: tuple[RemedyPart, ...]
    before: FunctionFigures
    after: FunctionFigures | None
    closes_gap: bool
    gap_closed_percent: int | None
    also_closes: tuple[str, ...]
    plan_of_action: ActionPlanItem | None


def _also_closes(report: GapReport, gap: Gap, after: FunctionFigures | None) -> tuple[str, ...]:
    if after is None:
        return ()
    return tuple(
        other.id
        for other in report.gaps
        if other is not gap and meets(other.measure, after, other.required, other.element)
    )


def step_for(report: GapReport, gap: Gap) -> RoadmapStep:
    """The roadmap step for one gap of ``report`` (see the module docstring)."""
    option = cheapest_closing(gap.options)
    combo_first = (
        option is not None
        and gap.combination is not None
        and (gap.combination.cost_class, gap.combination.complexity)
        < (option.cost_class, option.complexity)
    )
    if option is not None and not combo_first:
        return RoadmapStep(
            report.function_id,
            report.service_id,
            gap,
            "option",
            (option.part,),
            report.before,
            option.after,
            True,
            option.gap_closed_percent,
            _also_closes(report, gap, option.after),
            None,
        )
    if gap.combination is not None:
        combo = gap.combination
        return RoadmapStep(
            report.function_id,
            report.service_id,
            gap,
            "combination",
            combo.parts,
            report.before,
            combo.after,
            combo.closes_gap,
            combo.gap_closed_percent,
            _also_closes(report, gap, combo.after),
            None,
        )
    best = gap.options[0] if gap.options else None
    return RoadmapStep(
        report.function_id,
        report.service_id,
        gap,
        "plan_of_action",
        () if best is None else (best.part,),
        report.before,
        None if best is None else best.after,
        False,
        None if best is None else best.gap_closed_percent,
        _also_closes(report, gap, None if best is None else best.after),
        gap.plan_of_action,
    )


def roadmap(reports: Sequence[GapReport]) -> tuple[RoadmapStep, ...]:
    """Steps for every critical and high gap of every report whose remedies were ranked."""
    steps = [
        (SEVERITY_ORDER[gap.severity], index, MEASURE_ORDER[gap.measure], gap.element or "", step)
        for index, report in enumerate(reports)
        if report.remedies_ranked
        for gap in report.gaps
        if gap.severity in ROADMAP_SEVERITIES
        for step in (step_for(report, gap),)
    ]
    steps.sort(key=lambda item: item[:4])
    return tuple(item[4] for item in steps)
