"""Reads for analysis pages, the API and the plan document: the latest run's checked
results, whether it is stale, budgets left, summaries."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import F, OuterRef, Q, QuerySet, Subquery
from django.db.models.fields.json import KT
from django.utils import timezone

from analysis import formatting
from analysis.engine.budgets import Period, allowed_downtime, budget_remaining
from analysis.inputs import input_watermark, input_watermarks
from analysis.models import (
    AgreedObjective,
    AnalysisRun,
    AnalysisSettings,
    FunctionResultRow,
    Incident,
)
from analysis.results import (
    RESULTS_SCHEMA,
    Achievable,
    Coverage,
    FunctionResult,
    Gap,
    PlanResults,
    Required,
    RoadmapStep,
    SeverityCounts,
    check_plan_results,
    function_result,
)
from analysis.results_check import ResultsInvalid, stored_part
from analysis.summaries import AchievableSummary, FunctionSummary, ObjectiveFigures
from bcp.models import Job, Plan

format_duration = formatting.duration


@dataclass(frozen=True)
class RunResults:
    """A finished run and its results, checked against the declared types.

    ``problem`` says why ``results`` is None for a run that finished (results stored by
    an older version, or not matching the declared types), so pages can say "run again".
    """

    run: AnalysisRun
    results: PlanResults | None
    problem: str | None


def stored_results(run: AnalysisRun) -> object:
    """A run's results as stored, put back together and not yet checked: the run's
    plan-level part with ``functions``, its function rows in order (see ``AnalysisRun``).

    A value that is not a JSON object (a run that never stored results) is returned as it
    is, for the caller's check to name."""
    return _put_together(run, function_pk=None)


def _put_together(run: AnalysisRun, *, function_pk: int | None) -> object:
    """:func:`stored_results` with, when ``function_pk`` is given, that function's row
    alone in ``functions`` (the other rows are not read)."""
    part = run.results
    if not isinstance(part, dict) or "functions" in part:
        # Not an object, or stored before function rows and kept as it was (the first
        # schema's functions are a dict by key, which the move to rows left in place).
        return part
    rows = FunctionResultRow.objects.filter(run=run).order_by("position")
    if function_pk is not None:
        rows = rows.filter(function_pk=function_pk)[:1]
    return {**part, "functions": list(rows.values_list("entry", flat=True))}


def run_results(run: AnalysisRun) -> RunResults:
    """A finished run's whole results, checked (two queries: the run is given)."""
    return _read(run, function_pk=None)


def _read(run: AnalysisRun, *, function_pk: int | None) -> RunResults:
    try:
        return RunResults(
            run, check_plan_results(_put_together(run, function_pk=function_pk)), None
        )
    except ResultsInvalid as error:
        return RunResults(run, None, f"These results cannot be read ({error}).")


def _function_results(
    run: AnalysisRun, function_pk: int
) -> tuple[RunResults, FunctionResult | None]:
    """The run's plan-level results with only ``function_pk``'s entry in ``functions``
    (none when the run did not cover it), checked; one query for the entry's row, so a
    function's page costs the same in a plan of 20 functions or 4,000."""
    read = _read(run, function_pk=function_pk)
    entry = None if read.results is None else function_result(read.results, function_pk)
    return read, entry


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
) -> tuple[RunResults | None, FunctionResult | None]:
    """The newest finished result for one function, from a plan run or a function run.

    The ``RunResults`` holds the run's plan-level results with this function's entry
    alone in ``functions``: the other functions' rows are not read."""
    runs = AnalysisRun.objects.filter(
        Q(function__isnull=True) | Q(function_id=function_pk),
        plan=plan,
        job__status=Job.Status.SUCCEEDED,
    ).order_by("-created_at")
    for run in runs[:1]:
        return _function_results(run, function_pk)
    return None, None


def agreed_objective(plan: Plan, function_pk: int) -> AgreedObjective | None:
    return AgreedObjective.objects.filter(plan=plan, function_id=function_pk).first()


def run_is_stale(run: AnalysisRun) -> bool:
    """True as soon as any input the run used has changed (a constant number of queries)."""

    return watermark_moved(run.inputs_watermark, input_watermark(run.plan))


def watermark_moved(recorded: object, now: dict[str, int]) -> bool:
    """Whether the inputs changed since a run recorded ``recorded`` (see ``run_is_stale``)."""
    return recorded != now


@dataclass(frozen=True)
class AnalysisStanding:
    """Where a plan's analysis stands, for pages that show many plans.

    ``run_pk`` None: no finished whole-plan run. ``gaps`` None: the run's results cannot
    be read as the declared types (``problem`` says why); run again.
    """

    plan_pk: int
    run_pk: int | None
    finished_at: datetime | None
    stale: bool | None
    gaps: SeverityCounts | None
    problem: str | None


def _newest_finished_runs(plan_ids: list[int]) -> QuerySet[AnalysisRun]:
    """Each plan's newest finished whole-plan run (as :func:`latest_run`), one row per plan."""
    finished = AnalysisRun.objects.filter(function__isnull=True, job__status=Job.Status.SUCCEEDED)
    newest = finished.filter(plan_id=OuterRef("plan_id")).order_by("-created_at").values("pk")[:1]
    return finished.filter(plan_id__in=plan_ids, pk=Subquery(newest)).order_by()


def required_rtos(plan_ids: list[int]) -> list[float | None]:
    """The required RTO in hours of every function in the plans' latest runs (None: none
    required yet, e.g. no reviewed BIA); one query (:func:`newest_required`). A run with
    a requirement that cannot be read adds nothing."""
    return [
        None if required is None else required["rto_hours"]
        for requirements in newest_required(plan_ids).values()
        for _function_pk, required in requirements
    ]


def newest_required(plan_ids: list[int]) -> dict[int, list[tuple[int, Required | None]]]:
    """Per plan, each function's pk and required objectives in the plan's latest finished
    whole-plan run, in the run's order; one query reading only ``required`` of each entry
    (checked against :class:`analysis.results.Required`). A run with any entry that cannot
    be read adds nothing."""
    rows = (
        FunctionResultRow.objects.filter(run__in=_newest_finished_runs(plan_ids).values("pk"))
        .order_by("run_id", "position")
        .values_list("run__plan_id", "run_id", "function_pk", "entry__required")
    )
    found: dict[int, list[tuple[int, Required | None]]] = {}
    unreadable: set[int] = set()
    for plan_id, run_id, function_pk, required in rows:
        if run_id in unreadable:
            continue
        try:
            if function_pk is None:
                raise ResultsInvalid("functions", "an entry without a function")
            checked = (
                None
                if required is None
                else stored_part(required, Required, path="functions.required")
            )
        except ResultsInvalid:
            unreadable.add(run_id)
            found.pop(plan_id, None)
            continue
        found.setdefault(plan_id, []).append((function_pk, checked))
    return found


def analysis_standings(plan_ids: list[int]) -> dict[int, AnalysisStanding]:
    """Each plan's latest finished whole-plan run: fresh or stale, and its gaps by severity.

    Reads only the results' schema and ``coverage`` (checked against
    :class:`analysis.results.Coverage`); one query for the runs plus one per input table
    for staleness, however many plans.
    """

    rows = list(
        _newest_finished_runs(plan_ids)
        .values("pk", "plan_id", "finished_at", "inputs_watermark")
        .annotate(schema=KT("results__schema"), coverage=F("results__coverage"))
    )
    marks = input_watermarks([row["plan_id"] for row in rows]) if rows else {}
    standings = {pk: AnalysisStanding(pk, None, None, None, None, None) for pk in plan_ids}
    for row in rows:
        gaps: SeverityCounts | None = None
        problem: str | None = None
        try:
            if row["schema"] != RESULTS_SCHEMA:
                raise ResultsInvalid("schema", f"stored as {row['schema']!r}")
            gaps = stored_part(row["coverage"], Coverage, path="coverage")["gaps"]
        except ResultsInvalid as error:
            problem = f"These results cannot be read ({error})."
        standings[row["plan_id"]] = AnalysisStanding(
            plan_pk=row["plan_id"],
            run_pk=row["pk"],
            finished_at=row["finished_at"],
            stale=watermark_moved(row["inputs_watermark"], marks[row["plan_id"]]),
            gaps=gaps,
            problem=problem,
        )
    return standings


def active_job(plan: Plan) -> Job | None:
    """The plan's latest analysis job while unfinished ("could not queue" included, so its
    retry button survives a reload)."""
    job = Job.objects.filter(plan=plan, kind="analysis").order_by("-created_at").first()
    return job if job is not None and job.status in Job.UNFINISHED_STATUSES else None


def period_bounds(period: str, now: datetime) -> tuple[datetime, datetime, Period]:
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


def budget_rows(plan: Plan, results: PlanResults | None, *, period: str) -> list[BudgetRow]:
    """Downtime budget this period per function: allowed by the required availability,
    spent by recorded incidents and maintenance, and what is left."""
    if results is None:
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
    year_days = results["context"]["year_days"]
    rows = []
    for entry in results["functions"]:
        required = entry["required"]
        target = None if required is None else required["availability"]
        used = spent.get(entry["pk"], 0.0)
        if target is None:
            rows.append(
                BudgetRow(
                    entry["name"],
                    None,
                    "not assessed",
                    "—",
                    format_duration(used),
                    "—",
                    False,
                    None,
                )
            )
            continue
        status = budget_remaining(target, engine_period, used, year_days=year_days)
        allowed = status.allowed_seconds
        rows.append(
            BudgetRow(
                function=entry["name"],
                target=target,
                target_label=formatting.percent(target),
                allowed=format_duration(allowed),
                spent=format_duration(used),
                left=format_duration(abs(status.remaining_seconds)),
                overspent=status.remaining_seconds < 0,
                percent_left=None if allowed <= 0 else max(0.0, status.remaining_seconds / allowed),
            )
        )
    return rows


class RoadmapRow(RoadmapStep):
    """A roadmap step as the pages list it: ``closed_by`` is the number of an earlier step
    of the same function whose engine run already meets this step's gap (read off that
    step's ``also_closes``), None when no earlier step does."""

    closed_by: int | None


def roadmap_rows(steps: list[RoadmapStep]) -> list[RoadmapRow]:
    """The steps in order, each saying which earlier step of its function already closes
    its gap, so a reader doing the steps in order can see what is left to do."""
    rows: list[RoadmapRow] = []
    closed: dict[tuple[int, str], int] = {}
    for step in sorted(steps, key=lambda s: s["order"]):
        earlier = closed.get((step["function_pk"], step["gap_id"]))
        rows.append(RoadmapRow(**step, closed_by=earlier))
        for gap_id in step["also_closes"]:
            closed.setdefault((step["function_pk"], gap_id), step["order"])
    return rows


@dataclass(frozen=True)
class TopGap:
    """A gap for the dashboard, with what the roadmap does about it (critical and high)
    or its first option (medium and low), exactly as the function page shows them."""

    function: str
    function_pk: int
    gap: Gap
    step: RoadmapStep | None


def top_gaps(results: PlanResults | None, *, limit: int = 10) -> list[TopGap]:
    if results is None:
        return []
    order = {"critical": 0, "high": 1, "medium": 2, "low": 3}
    steps = {(s["function_pk"], s["gap_id"]): s for s in results["roadmap"]}
    found = [
        TopGap(entry["name"], entry["pk"], gap, steps.get((entry["pk"], gap["id"])))
        for entry in results["functions"]
        for gap in entry["gaps"]
    ]
    found.sort(key=lambda g: (order[g.gap["severity"]], g.function))
    return found[:limit]


def severity_counts(entry: FunctionResult) -> SeverityCounts:
    counts: SeverityCounts = {"critical": 0, "high": 0, "medium": 0, "low": 0}
    for gap in entry["gaps"]:
        counts[gap["severity"]] += 1
    return counts


def _objective_figures(required: Required) -> ObjectiveFigures:
    return {
        "availability": required["availability"],
        "rto_hours": required["rto_hours"],
        "rpo_hours": required["rpo_hours"],
    }


def _achievable_summary(achievable: Achievable) -> AchievableSummary:
    return {
        "availability": achievable["availability"],
        "rto_hours": achievable["rto_hours"],
        "rpo_hours": achievable["rpo_hours"],
        "single_points_of_failure": achievable["single_points_of_failure"],
        "method": achievable["method"]["code"],
    }


def function_summaries(results: PlanResults) -> list[FunctionSummary]:
    """One line per function: status, required and achievable figures, gap counts."""
    summaries: list[FunctionSummary] = []
    for entry in results["functions"]:
        required, achievable = entry["required"], entry["achievable"]
        summaries.append(
            {
                "pk": entry["pk"],
                "name": entry["name"],
                "status": entry["status"],
                "required": None if required is None else _objective_figures(required),
                "achievable": None if achievable is None else _achievable_summary(achievable),
                "gaps": severity_counts(entry),
            }
        )
    return summaries


def incidents_for(plan: Plan) -> QuerySet[Incident]:
    return Incident.objects.filter(plan=plan).select_related("function").order_by("-started_at")


def plan_snapshot(plan: Plan) -> dict[str, Any]:
    """The latest finished whole-plan analysis, for a published plan document.

    ``results`` is an ``analysis.results.PlanResults``, checked; ``budgets_year`` gives
    each function's allowed downtime a year in whole seconds (None when not assessed).
    """
    run = latest_run(plan)
    if run is None:
        return {"status": "not yet assessed"}
    read = run_results(run)
    if read.results is None:
        return {"status": "not readable", "problem": read.problem}
    results = read.results
    year_days = results["context"]["year_days"]
    return {
        "status": "assessed",
        "run_at": run.created_at.isoformat(),
        "inputs_hash": run.inputs_hash,
        "results": results,
        "budgets_year": {
            entry["name"]: (
                None
                if entry["required"] is None or entry["required"]["availability"] is None
                else allowed_downtime(entry["required"]["availability"], year_days=year_days)
                .periods[0]
                .allowed_whole_seconds
            )
            for entry in results["functions"]
        },
    }
