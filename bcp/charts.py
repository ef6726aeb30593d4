"""The portfolio's charts beyond the RTO bands, laid out for inline SVG on the server.

RPO distribution (bars), gaps by severity over time (stacked columns, one per week, from
each plan's latest analysis run at the end of that week) and the downtime budget spent
per plan this period (horizontal bars). No script and no external library: the template
draws rectangles at the positions computed here, and each chart has a table alternative.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import timezone

from analysis.programme import (
    BudgetSpent,
    GapPoint,
    RequiredObjective,
    budgets_spent,
    gap_history,
    required_objectives,
)
from bcp.models import Plan
from bcp.portfolio import NO_RTO, Chart, bar_chart

RPO_BANDS: tuple[tuple[float, str], ...] = (
    (0.25, "≤ 15 min"),
    (1, "≤ 1 h"),
    (4, "≤ 4 h"),
    (24, "≤ 1 day"),
    (168, "≤ 1 week"),
    (float("inf"), "> 1 week"),
)
SEVERITIES = ("critical", "high", "medium", "low")
SEVERITY_COLOURS = {
    "critical": "#842029",
    "high": "#dc3545",
    "medium": "#fd7e14",
    "low": "#6c757d",
}
WEEKS_SHOWN = 12
BUDGET_PLANS_SHOWN = 20


def rpo_chart(objectives: Iterable[list[RequiredObjective]]) -> Chart:
    """Required RPOs of every function by band ("None yet": no required RPO)."""
    counts = [0] * (len(RPO_BANDS) + 1)
    for plan_objectives in objectives:
        for objective in plan_objectives:
            hours = objective.rpo_hours
            if hours is None:
                counts[-1] += 1
                continue
            counts[next(i for i, (upper, _) in enumerate(RPO_BANDS) if hours <= upper)] += 1
    labels = [label for _, label in RPO_BANDS] + [NO_RTO]
    return bar_chart(list(zip(labels, counts, strict=True)))


@dataclass(frozen=True)
class Segment:
    severity: str
    count: int
    y: float
    height: float
    colour: str


@dataclass(frozen=True)
class Column:
    label: str
    x: float
    width: float
    label_x: float
    total: int
    counts: dict[str, int]
    segments: tuple[Segment, ...]


@dataclass(frozen=True)
class StackedChart:
    columns: tuple[Column, ...]
    width: int
    height: int
    baseline: float
    tallest: int
    severities: tuple[str, ...] = SEVERITIES

    @property
    def label_y(self) -> float:
        return self.baseline + 16

    @property
    def empty(self) -> bool:
        return self.tallest == 0

    @property
    def legend(self) -> list[tuple[str, str, int]]:
        return [(s, SEVERITY_COLOURS[s], 10 + i * 110) for i, s in enumerate(self.severities)]


def week_ends(today: datetime.date, weeks: int = WEEKS_SHOWN) -> list[datetime.date]:
    """The last ``weeks`` Sundays up to today's week (today's week ends today), oldest first."""
    return [today - datetime.timedelta(days=7 * i) for i in range(weeks - 1, -1, -1)]


def gaps_over_time(
    points: list[GapPoint], *, today: datetime.date, width: int = 640, height: int = 240
) -> StackedChart:
    """Open gaps by severity across the plans at the end of each of the last weeks: each
    plan counts with its latest run finished by then (``points`` oldest first)."""
    ends = week_ends(today)
    totals: list[dict[str, int]] = []
    latest: dict[int, GapPoint] = {}
    index = 0
    for end in ends:
        while index < len(points) and points[index].finished_at.date() <= end:
            latest[points[index].plan_pk] = points[index]
            index += 1
        week = dict.fromkeys(SEVERITIES, 0)
        for point in latest.values():
            week["critical"] += point.gaps["critical"]
            week["high"] += point.gaps["high"]
            week["medium"] += point.gaps["medium"]
            week["low"] += point.gaps["low"]
        totals.append(week)
    top, bottom, side = 30.0, 30.0, 10.0
    tallest = max((sum(w.values()) for w in totals), default=0)
    usable = height - top - bottom
    slot = (width - 2 * side) / len(ends)
    columns: list[Column] = []
    for end, week in zip(ends, totals, strict=True):
        x = side + len(columns) * slot + slot * 0.15
        y = height - bottom
        segments = []
        for severity in SEVERITIES:
            h = usable * week[severity] / tallest if tallest else 0.0
            y -= h
            segments.append(
                Segment(
                    severity, week[severity], round(y, 1), round(h, 1), SEVERITY_COLOURS[severity]
                )
            )
        columns.append(
            Column(
                label=f"{end.day} {end:%b}",
                x=round(x, 1),
                width=round(slot * 0.7, 1),
                label_x=round(x + slot * 0.35, 1),
                total=sum(week.values()),
                counts=week,
                segments=tuple(segments),
            )
        )
    return StackedChart(tuple(columns), width, height, height - bottom, tallest)


@dataclass(frozen=True)
class BudgetBar:
    plan: Plan
    fraction: float | None
    period_label: str
    y: float
    width: float
    text_y: float

    @property
    def percent(self) -> str:
        return "no required availability" if self.fraction is None else f"{self.fraction:.0%}"

    @property
    def over(self) -> bool:
        return self.fraction is not None and self.fraction > 1


@dataclass(frozen=True)
class BudgetChart:
    bars: tuple[BudgetBar, ...]
    width: int
    height: int
    bar_left: float
    full_x: float
    more: int

    @property
    def empty(self) -> bool:
        return not self.bars


def budget_chart(
    plans: list[Plan], budgets: dict[int, BudgetSpent], *, width: int = 640
) -> BudgetChart:
    """The plans whose functions have spent the most of their downtime budget, most first
    (at most :data:`BUDGET_PLANS_SHOWN`); a bar at the 100 % line is a budget used up."""
    ranked = sorted(
        plans,
        key=lambda p: (-(budgets[p.pk].fraction or -1.0), p.name.lower(), p.pk),
    )
    shown = ranked[:BUDGET_PLANS_SHOWN]
    bar_left, row = 220.0, 26.0
    scale = (width - bar_left - 60) / 1.5  # 150 % fills the width
    bars = []
    for i, plan in enumerate(shown):
        budget = budgets[plan.pk]
        fraction = budget.fraction
        drawn = 0.0 if fraction is None else min(fraction, 1.5) * scale
        bars.append(
            BudgetBar(
                plan=plan,
                fraction=fraction,
                period_label=budget.period_label,
                y=round(10 + i * row, 1),
                width=round(drawn, 1),
                text_y=round(10 + i * row + 15, 1),
            )
        )
    return BudgetChart(
        tuple(bars),
        width,
        int(20 + len(shown) * row),
        bar_left,
        round(bar_left + scale, 1),
        len(ranked) - len(shown),
    )


@dataclass(frozen=True)
class PortfolioCharts:
    rpo: Chart
    gaps: StackedChart
    budgets: BudgetChart


def portfolio_charts(plans: list[Plan]) -> PortfolioCharts:
    """Every chart of the portfolio beyond the RTO bands (a fixed number of queries)."""

    ids = [plan.pk for plan in plans]
    now = timezone.now()
    today = timezone.localdate()
    objectives = required_objectives(ids)
    since = datetime.datetime.combine(
        week_ends(today)[0] - datetime.timedelta(days=7 * 52), datetime.time(), tzinfo=datetime.UTC
    )
    return PortfolioCharts(
        rpo=rpo_chart(objectives.values()),
        gaps=gaps_over_time(gap_history(ids, since=since), today=today),
        budgets=budget_chart(plans, budgets_spent(objectives, now=now)),
    )
