"""Writes of the analysis app: settings, runs, incidents, and what-if (which writes nothing)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from analysis.engine import (
    AddRedundantPeer,
    ChangeSet,
    MoveToSite,
    SetBackup,
    SetReplication,
    TopologyError,
    format_duration,
    what_if,
)
from analysis.models import AnalysisRun, AnalysisSettings, Incident
from bcp.concurrency import save_if_current
from bcp.history import change_context
from bcp.jobs import ProgressFn, job_enqueue
from bcp.models import Job, Plan

ANALYSIS_TASK = "analysis.tasks.analysis_run_execute"
SETTINGS_FIELDS = (
    "year_convention",
    "method",
    "monte_carlo_samples",
    "monte_carlo_seed",
    "rto_margin_percent",
    "expected_incidents_per_year",
    "budget_period",
)


@transaction.atomic
def analysis_settings_for(*, plan: Plan, user: Any = None) -> AnalysisSettings:
    """The plan's settings, created with defaults on first use (a recorded change)."""
    existing = AnalysisSettings.objects.filter(plan=plan).first()
    if existing is not None:
        return existing
    with change_context(user=user, reason="Analysis settings created with defaults"):
        return AnalysisSettings.objects.create(plan=plan)


@transaction.atomic
def analysis_settings_update(
    *,
    plan: Plan,
    user: Any,
    expected_version: int | None,
    reason: str = "",
    ticket: str = "",
    **changes: Any,
) -> AnalysisSettings:
    unknown = set(changes) - set(SETTINGS_FIELDS)
    if unknown:
        raise ValueError(f"Not editable: {', '.join(sorted(unknown))}")
    current = analysis_settings_for(plan=plan, user=user)
    with change_context(user=user, reason=reason, ticket=ticket):
        updated = save_if_current(current, expected_version=expected_version, changes=changes)
    assert isinstance(updated, AnalysisSettings)
    return updated


@transaction.atomic
def analysis_run_start(*, plan: Plan, user: Any, function: Any = None) -> AnalysisRun:
    """Queue an analysis of the whole plan, or of one function."""
    job = job_enqueue(
        kind="analysis",
        task_name=ANALYSIS_TASK,
        user=user,
        plan=plan,
        parameters={"function_id": function.pk if function is not None else None},
    )
    return AnalysisRun.objects.create(
        plan=plan,
        function=function,
        job=job,
        created_by=user if getattr(user, "is_authenticated", False) else None,
    )


def analysis_run_execute(*, job: Job, progress: ProgressFn) -> dict[str, Any]:
    """Load inputs, run the engine and store the results on the job's run.

    Called by the worker after it has claimed the job, so it runs once per job; the
    results are written in one statement at the end.
    """
    from analysis.compute import analyse_plan
    from analysis.inputs import input_watermark, inputs_hash, load_inputs
    from inventory.graph import function_key

    run = AnalysisRun.objects.select_related("plan", "function").get(job=job)
    progress(2, "Loading BIA answers and inventory")
    # Taken before reading, so a change made while loading marks this run stale.
    watermark = input_watermark(run.plan)
    inputs = load_inputs(run.plan)
    digest = inputs_hash(inputs)
    only = function_key(run.function_id) if run.function_id else None
    results = analyse_plan(inputs, only=only, progress=progress)
    AnalysisRun.objects.filter(pk=run.pk).update(
        inputs_hash=digest,
        inputs_watermark=watermark,
        results=results,
        timings=results.get("timings", {}),
        finished_at=timezone.now(),
    )
    functions = results["functions"]
    return {
        "run_id": run.pk,
        "functions": len(functions),
        "gaps": sum(len(f["gaps"]) for f in functions.values()),
        "seconds": round(results["timings"]["total_seconds"], 3),
    }


@transaction.atomic
def incident_record(
    *, plan: Plan, user: Any, reason: str = "", ticket: str = "", **fields: Any
) -> Incident:
    with change_context(user=user, reason=reason or "Incident recorded", ticket=ticket):
        incident = Incident(plan=plan, **fields)
        incident.full_clean()
        incident.save()
    return incident


def function_what_if(
    *,
    plan: Plan,
    function: Any,
    change: str,
    component_key: str,
    site_key: str | None = None,
    hours: float | None = None,
) -> dict[str, Any]:
    """Before/after for one proposed change to one function's topology. Saves nothing."""
    from analysis.inputs import load_inputs
    from inventory.graph import function_key

    inputs = load_inputs(plan)
    topology = inputs.topology
    service_id = function_key(function.pk)
    changes: list[Any]
    if change == "add_peer":
        changes = [AddRedundantPeer(component_id=component_key, site=site_key)]
        summary = f"add a redundant peer to {topology.name(component_key)}"
        if site_key:
            summary += f" at {topology.name(site_key)}"
    elif change == "move_site":
        changes = [MoveToSite(component_id=component_key, site_id=site_key)]
        summary = f"move {topology.name(component_key)} to {topology.name(site_key or '')}"
    elif change == "backup_interval":
        changes = [SetBackup(component_id=component_key, backup_interval_hours=hours)]
        summary = (
            f"back up {topology.name(component_key)} every {format_duration((hours or 0) * 3600)}"
        )
    elif change == "replicate_sync":
        changes = [SetReplication(component_id=component_key, mode="sync")]
        summary = f"replicate {topology.name(component_key)} synchronously"
    else:
        raise ValueError(f"Unknown change {change!r}")
    try:
        result = what_if(
            topology.topology, ChangeSet(tuple(changes), summary), service_ids=[service_id]
        )
    except TopologyError as error:
        return {"error": error.message, "summary": summary}
    delta = next(d for d in result.deltas if d.service_id == service_id)
    return {
        "summary": summary,
        "availability_before": delta.availability_before,
        "availability_after": delta.availability_after,
        "downtime_before": format_duration(delta.downtime_seconds_before),
        "downtime_after": format_duration(delta.downtime_seconds_after),
        "spofs_removed": [topology.name(i) for i in delta.spofs_removed],
        "spofs_added": [topology.name(i) for i in delta.spofs_added],
        "rto_before": None
        if delta.rto_hours_before is None
        else format_duration(delta.rto_hours_before * 3600),
        "rto_after": None
        if delta.rto_hours_after is None
        else format_duration(delta.rto_hours_after * 3600),
    }
