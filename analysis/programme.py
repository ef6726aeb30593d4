"""Reads across many plans for the programme view: required objectives, gaps over time and
downtime budgets, each in a fixed number of queries however many plans."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from analysis.engine.budgets import Period, allowed_downtime
from analysis.models import AnalysisRun, AnalysisSettings, Incident
from analysis.results import Coverage, SeverityCounts
from analysis.results_check import ResultsInvalid, stored_part
from analysis.selectors import newest_required, period_bounds
from bcp.models import Job


@dataclass(frozen=True)
class RequiredObjective:
    """One function's required RTO and RPO in hours and availability (None: none yet)."""

    function_pk: int
    rto_hours: float | None
    rpo_hours: float | None
    availability: float | None


def required_objectives(plan_ids: list[int]) -> dict[int, list[RequiredObjective]]:
    """Per plan, every function's required RTO and RPO from the plan's latest finished run
    (:func:`analysis.selectors.newest_required`, one query); a run whose results cannot be
    read adds nothing."""
    found: dict[int, list[RequiredObjective]] = {pk: [] for pk in plan_ids}
    for plan_id, requirements in newest_required(plan_ids).items():
        found[plan_id] = [
            RequiredObjective(
                function_pk,
                None if required is None else required["rto_hours"],
                None if required is None else required["rpo_hours"],
                None if required is None else required["availability"],
            )
            for function_pk, required in requirements
        ]
    return found


@dataclass(frozen=True)
class GapPoint:
    """The gaps by severity of a plan's whole-plan run that finished at ``finished_at``."""

    plan_pk: int
    finished_at: datetime
    gaps: SeverityCounts


def gap_history(plan_ids: list[int], *, since: datetime, limit: int = 5000) -> list[GapPoint]:
    """Every finished whole-plan run of the plans since ``since`` with its gaps by severity,
    oldest first (one query; at most ``limit`` runs, the newest kept). Results that cannot
    be read as :class:`analysis.results.Coverage` are left out."""
    rows = list(
        AnalysisRun.objects.filter(
            plan_id__in=plan_ids,
            function__isnull=True,
            job__status=Job.Status.SUCCEEDED,
            finished_at__gte=since,
        )
        .order_by("-finished_at")
        .values_list("plan_id", "finished_at", "results__coverage")[:limit]
    )
    points = []
    for plan_id, finished_at, coverage in reversed(rows):
        if finished_at is None:
            continue
        try:
            gaps = stored_part(coverage, Coverage, path="coverage")["gaps"]
        except ResultsInvalid:
            continue
        points.append(GapPoint(plan_id, finished_at, gaps))
    return points


@dataclass(frozen=True)
class BudgetSpent:
    """A plan's downtime budget this period: the share spent by the function that has used
    the most of its own (None: no function has a required availability)."""

    plan_pk: int
    period_label: str
    worst_function_pk: int | None
    fraction: float | None
    spent_seconds: float


def budgets_spent(
    objectives: dict[int, list[RequiredObjective]], *, now: datetime
) -> dict[int, BudgetSpent]:
    """:class:`BudgetSpent` of each plan in ``objectives`` (two queries: settings and
    incidents), each plan over its own budget period and year convention."""
    plan_ids = list(objectives)
    periods: dict[int, str] = dict.fromkeys(plan_ids, "month")
    years: dict[int, float] = dict.fromkeys(plan_ids, 365.2425)
    for plan_id, period, convention in AnalysisSettings.objects.filter(
        plan_id__in=plan_ids
    ).values_list("plan_id", "budget_period", "year_convention"):
        periods[plan_id], years[plan_id] = period, float(convention)
    bounds = {pk: period_bounds(periods[pk], now) for pk in plan_ids}
    earliest = min((b[0] for b in bounds.values()), default=now)
    spent: dict[int, dict[int, float]] = {pk: {} for pk in plan_ids}
    for plan_id, function_id, started, ended in Incident.objects.filter(
        plan_id__in=plan_ids, counts_against_budget=True, ended_at__gt=earliest, started_at__lt=now
    ).values_list("plan_id", "function_id", "started_at", "ended_at"):
        start, end, _ = bounds[plan_id]
        overlap = (min(ended, end) - max(started, start)).total_seconds()
        if overlap > 0:
            spent[plan_id][function_id] = spent[plan_id].get(function_id, 0.0) + overlap
    labels = dict(BUDGET_PERIOD_WORDS)
    found = {}
    for pk in plan_ids:
        year_days = years[pk]
        engine_period = bounds[pk][2]
        worst: tuple[float, int] | None = None
        for objective in objectives[pk]:
            if objective.availability is None:
                continue
            used = spent[pk].get(objective.function_pk, 0.0)
            allowed = allowed_downtime(objective.availability, year_days=year_days).seconds(
                ENGINE_PERIODS[engine_period]
            )
            share = used / allowed if allowed > 0 else (1.0 if used else 0.0)
            if worst is None or share > worst[0]:
                worst = (share, objective.function_pk)
        found[pk] = BudgetSpent(
            plan_pk=pk,
            period_label=labels.get(periods[pk], periods[pk]),
            worst_function_pk=None if worst is None else worst[1],
            fraction=None if worst is None else worst[0],
            spent_seconds=0.0 if worst is None else spent[pk].get(worst[1], 0.0),
        )
    return found


ENGINE_PERIODS: dict[str, Period] = {
    "month": "month",
    "quarter": "quarter",
    "year": "year",
    "rolling_30_days": "rolling_30_days",
    "rolling_28_days": "rolling_28_days",
}
BUDGET_PERIOD_WORDS = (
    ("month", "this month"),
    ("quarter", "this quarter"),
    ("year", "this year"),
    ("rolling_30d", "the last 30 days"),
    ("rolling_28d", "the last 28 days"),
)
