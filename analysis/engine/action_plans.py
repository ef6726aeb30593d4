"""Plans of action for gaps nothing in the technique catalogue closes.

A gap no single option and no set of up to three options closes becomes a plan of action
with milestones (assess, design, fund, implement, test), in the manner of a NIST plan of
action and milestones. The weeks follow the best single option's complexity c and cost
class k (both 3 when there is none): assess by week 2, design by 2 + 2c, fund by
2 + 2c + 2k, implement 3c weeks later and test 2 weeks after that.

Example: a RAID option of complexity 1 and cost class 2 gives milestones due in weeks
2, 4, 8, 11 and 13.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from analysis.engine.gap_findings import Severity
from analysis.engine.remediation import RemediationOption
from analysis.engine.techniques import GapKind
from analysis.formatting import measure

MILESTONES: Final = ("assess", "design", "fund", "implement", "test")


@dataclass(frozen=True, slots=True)
class Milestone:
    name: str
    description: str
    due_week: int


@dataclass(frozen=True, slots=True)
class ActionPlanItem:
    """A gap nothing in the catalogue closes: a plan of action with milestones.

    ``best_option`` is the single option that moves the measure most cheaply, if any.
    """

    measure: GapKind
    element: str | None
    severity: Severity
    title: str
    reason: str
    best_option: RemediationOption | None
    milestones: tuple[Milestone, ...]


@dataclass(frozen=True, slots=True)
class SearchDone:
    """What was tried for the gap before giving up: ``options`` single options,
    ``combinations`` sets of options, and whether the set search hit its run budget."""

    options: int
    combinations: int
    cut_short: bool


def _reason(what: str, subject: str, best: RemediationOption | None, search: SearchDone) -> str:
    if best is None:
        return f"nothing in the technique catalogue moves the {what} for {subject}"
    share = (
        f"closes {best.gap_closed_percent}% of it"
        if best.gap_closed_percent is not None
        else "makes the figure known but not good enough"
    )
    tried = search.combinations
    searched = f", nor any of the {tried} sets of up to three options tried" if tried else ""
    if search.cut_short:
        searched += " (the search for sets stopped at this function's budget of runs)"
    singles = (
        "the only single catalogue option tried does not close it"
        if search.options == 1
        else f"none of the {search.options} single catalogue options tried closes it"
    )
    return (
        f"{singles}{searched}; the best single option, "
        f"{best.technique_name} on '{best.target}', {share}"
    )


def plan_of_action(
    *,
    measure_kind: GapKind,
    element: str | None,
    severity: Severity,
    service_id: str,
    best: RemediationOption | None,
    search: SearchDone,
) -> ActionPlanItem:
    """The plan for the ``measure_kind`` gap on ``element`` (or on the service)."""
    cost = best.cost_class if best else 3
    complexity = best.complexity if best else 3
    subject = f"'{element}'" if element else f"'{service_id}'"
    what = measure(measure_kind)
    weeks = [2, 2 + 2 * complexity, 2 + 2 * complexity + 2 * cost]
    weeks += [weeks[-1] + 3 * complexity, weeks[-1] + 3 * complexity + 2]
    texts = (
        f"confirm the {what} gap on {subject} and the business need behind it",
        "choose a design" + (f", starting from {best.technique_name}" if best else ""),
        f"secure budget (cost class {cost} of 5) and an owner",
        "build it under change control with a rollback plan",
        "test failover and restore, then re-run this analysis to confirm the gap is closed",
    )
    return ActionPlanItem(
        measure=measure_kind,
        element=element,
        severity=severity,
        title=f"Close the {what} gap on {subject}",
        reason=_reason(what, subject, best, search),
        best_option=best,
        milestones=tuple(
            Milestone(name, text, week)
            for name, text, week in zip(MILESTONES, texts, weeks, strict=True)
        ),
    )
