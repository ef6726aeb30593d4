"""The analysis tables of the plan document: objectives, downtime budgets, the nines, gaps
and the roadmap, each row's figures written with their units.

Rows are built from the declared :class:`bcp.contract.AnalysisPart` only, with the
formatter its contract field names (:mod:`documents.formatting`).
"""

from __future__ import annotations

from dataclasses import dataclass

from analysis.engine.budgets import Period, allowed_downtime
from bcp import contract
from documents import formatting as fmt

NOT_ASSESSED = "Not yet assessed"
NINES_PERIODS: tuple[Period, ...] = ("year", "quarter", "month", "week")


@dataclass(frozen=True)
class ObjectiveRow:
    function: str
    status: str
    mtpd: str
    rto: str
    rpo: str
    availability: str
    steps: tuple[str, ...]
    agreed: str
    missing: tuple[str, ...]


def objective_rows(analysis: contract.AnalysisPart) -> list[ObjectiveRow]:
    rows = []
    for f in analysis.functions:
        r = f.required
        rows.append(
            ObjectiveRow(
                function=f.name,
                status=f.status,
                mtpd=fmt.hours(r.mtpd_hours) if r else NOT_ASSESSED,
                rto=fmt.hours(r.rto_hours) if r else NOT_ASSESSED,
                rpo=fmt.hours(r.rpo_hours) if r else NOT_ASSESSED,
                availability=fmt.fraction(r.availability) if r else NOT_ASSESSED,
                steps=r.reasoning if r else (),
                agreed=r.agreed if r else "",
                missing=f.missing,
            )
        )
    return rows


@dataclass(frozen=True)
class BudgetRow:
    function: str
    required: str
    tier: str
    allowed: str
    achieved: str
    expected: str
    method: str
    within: bool | None


def budget_rows(analysis: contract.AnalysisPart) -> list[BudgetRow]:
    rows = []
    for f in analysis.functions:
        required = f.required.availability if f.required else None
        allowed = (
            allowed_downtime(required, year_days=analysis.year_days).seconds("year")
            if required is not None
            else None
        )
        achieved = f.achieved
        rows.append(
            BudgetRow(
                function=f.name,
                required=fmt.fraction(required) if required is not None else NOT_ASSESSED,
                tier=f.required.tier if f.required and f.required.tier else "—",
                allowed=fmt.seconds(allowed),
                achieved=fmt.fraction(achieved.availability) if achieved else NOT_ASSESSED,
                expected=fmt.seconds(achieved.downtime_seconds_per_year) if achieved else "—",
                method=achieved.method if achieved else "—",
                within=None
                if required is None or achieved is None
                else achieved.availability >= required,
            )
        )
    return rows


@dataclass(frozen=True)
class NinesRow:
    availability: str
    allowed: tuple[str, ...]  # per NINES_PERIODS


def nines_rows(analysis: contract.AnalysisPart) -> list[NinesRow]:
    """Allowed downtime of each availability tier the plan requires, per period."""
    tiers = sorted(
        {
            f.required.availability
            for f in analysis.functions
            if f.required is not None and f.required.availability is not None
        }
    )
    rows = []
    for tier in tiers:
        budget = allowed_downtime(tier, year_days=analysis.year_days)
        rows.append(
            NinesRow(
                availability=fmt.fraction(tier),
                allowed=tuple(fmt.seconds(budget.seconds(p)) for p in NINES_PERIODS),
            )
        )
    return rows


@dataclass(frozen=True)
class GapRow:
    gap: contract.Gap
    required: str
    achievable: str


SPOF = "Single point of failure"
ASSESSED = "Assessed"


def _gap_figure(hours: float | None, availability: float | None) -> str:
    if hours is not None:
        return fmt.hours(hours)
    if availability is not None:
        return fmt.fraction(availability)
    return "—"


def gap_rows(function: contract.FunctionAnalysis) -> list[GapRow]:
    """A function's gaps with required and achievable written with their units.

    A single point of failure has no figure: what is required is that the function keeps
    running when the element is lost, and what it achieves is that it stops.
    """
    rows = []
    for gap in function.gaps:
        if gap.kind == SPOF:
            required, achievable = "Keeps running without it", "Stops without it"
        else:
            required = _gap_figure(gap.required_hours, gap.required_availability)
            achievable = _gap_figure(gap.achievable_hours, gap.achievable_availability)
        rows.append(GapRow(gap=gap, required=required, achievable=achievable))
    return rows


def gaps_unknown(analysis: contract.AnalysisPart) -> list[tuple[str, str]]:
    """Functions whose gaps the analysis could not grade, each with its status in words.

    Gaps are measured against required objectives, so a function without them (no
    reviewed BIA, no dependencies recorded, an inventory with errors) has no gap rows:
    the document says their gaps are unknown rather than letting silence read as none.
    """
    return [(f.name, f.status) for f in analysis.functions if f.status != ASSESSED]


@dataclass(frozen=True)
class RoadmapRow:
    step: contract.RoadmapStep
    before: str
    after: str


def roadmap_rows(analysis: contract.AnalysisPart) -> list[RoadmapRow]:
    """The roadmap in the analysis's order, each step's effect before → after with units."""
    rows = []
    for step in analysis.roadmap:
        if step.before_hours is not None or step.after_hours is not None:
            before, after = fmt.hours(step.before_hours), fmt.hours(step.after_hours)
        else:
            before = fmt.fraction(step.before_availability)
            after = fmt.fraction(step.after_availability)
        rows.append(RoadmapRow(step, before, after))
    return rows
