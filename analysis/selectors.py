"""Reads for analysis pages: the latest run, whether it is stale, budgets left."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from analysis.engine import allowed_downtime, budget_remaining, format_duration
from analysis.models import AnalysisRun, AnalysisSettings, Incident
from bcp.models import Job, Plan


def settings_for(plan: Plan) -> AnalysisSettings:
    """Stored settings, or unsaved defaults (reading a page never writes)."""
    return AnalysisSettings.objects.filter(plan=plan).first() or AnalysisSettings(plan=plan)


def latest_run(plan: Plan, *, finished: bool = True) -> AnalysisRun | None:
    """The newest whole-plan run (finished ones only unless ``finished`` is False)."""
    runs = AnalysisRun.objects.filter(plan=plan, function__isnull=True).select_related("job")
    if finished:
        runs = runs.filter(job__status=Job.Status.SUCCEEDED)
    return runs.order_by("-created_at").first()


def latest_function_result(
    plan: Plan, function_pk: int
) -> tuple[AnalysisRun | None, dict[str, Any] | None]:
    """The newest finished result for one function, from a plan run or a function run."""
    from inventory.graph import function_key

    key = function_key(function_pk)
    runs = AnalysisRun.objects.filter(
        Q(function__isnull=True) | Q(function_id=function_pk),
        plan=plan,
        job__status=Job.Status.SUCCEEDED,
    ).order_by("-created_at")
    for run in runs[:1]:
        return run, run.results.get("functions", {}).get(key)
    return None, None


def run_is_stale(run: AnalysisRun) -> bool:
    """True as soon as any input the run used has changed (a constant number of queries)."""
    from analysis.inputs import input_watermark

    return run.inputs_watermark != input_watermark(run.plan)


def active_job(plan: Plan) -> Job | None:
    """The plan's latest analysis job while unfinished ("could not queue" included, so its
    retry button survives a reload)."""
    job = Job.objects.filter(plan=plan, kind="analysis").order_by("-created_at").first()
    return job if job is not None and job.status in Job.UNFINISHED_STATUSES else None


def period_bounds(period: str, now: datetime) -> tuple[datetime, datetime, str]:
    """Start and end of the budget period containing ``now`` and its engine period name."""
    if period == "rolling_30d":
        return now - timedelta(days=30), now, "rolling_30_days"
    if period == "rolling_28d":
        return now - timedelta(days=28), now, "rolling_28_days"
    if period == "year":
        start = now.replace(month=1, day=1, hour=0, minute=0, second=0, microsecond=0)
        return start, start.replace(year=start.year + 1), "year"
    if period == "quarter":
        first_month = 3 * ((now.month - 1) // 3) + 1
        start = now.replace(month=first_month, day=1, hour=0, minute=0, second=0, microsecond=0)
        end_month = first_month + 3
        end = (
            start.replace(year=start.year + 1, month=1)
            if end_month > 12
            else start.replace(month=end_month)
        )
        return start, end, "quarter"
    start = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    days = calendar.monthrange(now.year, now.month)[1]
    return start, start + timedelta(days=days), "month"


@dataclass(frozen=True)
class BudgetRow:
    function: str
    target: float | None
    target_label: str
    allowed: str
    spent: str
    left: str
    overspent: bool
    percent_left: float | None


def budget_rows(plan: Plan, run: AnalysisRun | None, *, period: str) -> list[BudgetRow]:
    """Downtime budget this period per function: allowed by the required availability,
    spent by recorded incidents and maintenance, and what is left."""
    if run is None:
        return []
    now = timezone.now()
    start, end, engine_period = period_bounds(period, now)
    spent: dict[int, float] = {}
    incidents = Incident.objects.filter(
        plan=plan, counts_against_budget=True, ended_at__gt=start, started_at__lt=end
    ).only("function_id", "started_at", "ended_at")
    for incident in incidents:
        overlap = min(incident.ended_at, end) - max(incident.started_at, start)
        spent[incident.function_id] = spent.get(incident.function_id, 0.0) + max(
            0.0, overlap.total_seconds()
        )
    year_days = float(run.results.get("year_days", 365.2425))
    rows = []
    for entry in run.results.get("functions", {}).values():
        required = entry.get("required") or {}
        target = required.get("availability")
        used = spent.get(entry["pk"], 0.0)
        if target is None:
            rows.append(
                BudgetRow(
                    entry["name"],
                    None,
                    "not yet assessed",
                    "—",
                    format_duration(used),
                    "—",
                    False,
                    None,
                )
            )
            continue
        status = budget_remaining(target, engine_period, used, year_days=year_days)  # type: ignore[arg-type]
        allowed = status.allowed_seconds
        rows.append(
            BudgetRow(
                function=entry["name"],
                target=target,
                target_label=required.get("tier") or f"{target:.3%}",
                allowed=format_duration(allowed),
                spent=format_duration(used),
                left=format_duration(abs(status.remaining_seconds)),
                overspent=status.remaining_seconds < 0,
                percent_left=None if allowed <= 0 else max(0.0, status.remaining_seconds / allowed),
            )
        )
    return rows


def top_gaps(run: AnalysisRun | None, *, limit: int = 10) -> list[dict[str, Any]]:
    if run is None:
        return []
    order = {"critical": 0, "high": 1, "medium": 2, "low": 3}
    gaps = [
        {**gap, "function": entry["name"], "function_pk": entry["pk"]}
        for entry in run.results.get("functions", {}).values()
        for gap in entry.get("gaps", [])
    ]
    gaps.sort(key=lambda g: (order.get(g["severity"], 9), g["function"]))
    return gaps[:limit]


def incidents_for(plan: Plan) -> QuerySet[Incident]:
    return Incident.objects.filter(plan=plan).select_related("function").order_by("-started_at")


def plan_snapshot(plan: Plan) -> dict[str, Any]:
    """The latest finished analysis, for a published plan document."""
    run = latest_run(plan)
    if run is None:
        return {"status": "not yet assessed"}
    results = dict(run.results)
    results.pop("timings", None)
    return {
        "status": "assessed",
        "run_at": run.created_at.isoformat(),
        "inputs_hash": run.inputs_hash,
        "results": results,
        "budgets_year": {
            entry["name"]: (
                None
                if not (entry.get("required") or {}).get("availability")
                else allowed_downtime(
                    entry["required"]["availability"], year_days=float(results["year_days"])
                )
                .periods[0]
                .allowed_whole_seconds
            )
            for entry in results.get("functions", {}).values()
        },
    }
