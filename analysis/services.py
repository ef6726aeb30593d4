"""Writes of the analysis app: settings, runs, incidents, and what-if (which writes nothing)."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Sequence
from datetime import datetime
from typing import TypedDict, Unpack

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from analysis import shaping
from analysis.compute import analyse_plan
from analysis.engine.availability import ExactTooCostly
from analysis.engine.figures import WhatIfEvaluator
from analysis.engine.topology import TopologyError
from analysis.fanout import fanout_analyse, fanout_wanted
from analysis.inputs import engine_settings, input_watermark, inputs_hash, load_inputs
from analysis.models import (
    AgreedObjective,
    AnalysisRun,
    AnalysisSettings,
    FunctionResultRow,
    Incident,
)
from analysis.results import PlanResults
from analysis.summaries import WhatIfOutcome
from analysis.whatif_specs import ChangeSpec, what_if_changes
from bcp.concurrency import check_editable, save_if_current
from bcp.history import change_context
from bcp.jobs import JobResult, ProgressFn, job_enqueue
from bcp.models import Job, Plan
from bia.models import BusinessFunction
from inventory.graph import function_key
from inventory.topology import plan_topology
from review.services import review_check_request

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


class SettingsChanges(TypedDict, total=False):
    """The editable analysis settings (:data:`SETTINGS_FIELDS`), as the settings form gives them."""

    year_convention: str
    method: str
    monte_carlo_samples: int
    monte_carlo_seed: int
    rto_margin_percent: float
    expected_incidents_per_year: float
    budget_period: str


class IncidentFields(TypedDict, total=False):
    """An incident or exercise to record, as the incident form gives it."""

    function: BusinessFunction
    kind: str
    title: str
    started_at: datetime
    ended_at: datetime
    data_lost_minutes: float | None
    counts_against_budget: bool
    notes: str


@transaction.atomic
def analysis_settings_for(*, plan: Plan, user: User | None = None) -> AnalysisSettings:
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
    user: User,
    expected_version: int | None,
    reason: str = "",
    ticket: str = "",
    **changes: Unpack[SettingsChanges],
) -> AnalysisSettings:
    check_editable(changes, SETTINGS_FIELDS)
    current = analysis_settings_for(plan=plan, user=user)
    with change_context(user=user, reason=reason, ticket=ticket):
        updated = save_if_current(current, expected_version=expected_version, changes=dict(changes))
    assert isinstance(updated, AnalysisSettings)
    return updated


@transaction.atomic
def analysis_run_start(
    *, plan: Plan, user: User, function: BusinessFunction | None = None
) -> AnalysisRun:
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


def analysis_run_execute(*, job: Job, progress: ProgressFn) -> JobResult:
    """Load inputs, run the engine and store the results on the job's run.

    Called by the worker after it has claimed the job, so it runs once per job; the
    results are written in one statement at the end. A whole plan is spread over the
    workers when more than one is up (:mod:`analysis.fanout`), with the same figures.
    """

    started = time.perf_counter()
    run = AnalysisRun.objects.select_related("plan", "function").get(job=job)
    progress(2, "Loading BIA answers and inventory")
    # Taken before reading, so a change made while loading marks this run stale.
    watermark = input_watermark(run.plan)
    # One function's run loads (and hashes) only that function's part of the plan.
    inputs = load_inputs(run.plan, function=run.function)
    digest = inputs_hash(inputs)
    read = time.perf_counter() - started
    only = function_key(run.function_id) if run.function_id else None
    if only is None and fanout_wanted(functions=len(inputs.function_ids())):
        analysis = fanout_analyse(run=run, inputs=inputs, digest=digest, progress=progress)
    else:
        analysis = analyse_plan(inputs, only=only, progress=progress)
    # plan_merge checked the results against their declared shape: not checked again.
    results = analysis.results
    # Loading, hashing and the watermark, before any function is analysed.
    analysis.timings["inputs_read_seconds"] = round(read, 3)
    analysis_results_store(
        run=run,
        results=results,
        inputs_hash=digest,
        inputs_watermark=watermark,
        timings=analysis.timings,
    )
    functions = results["functions"]
    return {
        "run_id": run.pk,
        "functions": len(functions),
        "gaps": sum(len(f["gaps"]) for f in functions),
        "seconds": round(time.perf_counter() - started, 3),
    }


@transaction.atomic
def analysis_results_store(
    *,
    run: AnalysisRun,
    results: PlanResults,
    inputs_hash: str,
    inputs_watermark: dict[str, int],
    timings: dict[str, object],
) -> None:
    """Store a finished run's results: the plan-level part on the run, each function's
    entry as a row of its own (see ``AnalysisRun``), in one transaction.

    One INSERT per function, each entry serialised on its own, so storing never builds one
    JSON text of the whole plan. Not ``bulk_create``: on PostgreSQL it sends many rows'
    entries as one text array, which the database driver escapes in Python at every
    double quote (a ×0.25 plan's 30 MB of entries took 7–10 s that way, 1.7 s row by
    row). A run's results are stored once.
    """
    plan_part = {key: value for key, value in results.items() if key != "functions"}
    for position, entry in enumerate(results["functions"]):
        FunctionResultRow(run=run, position=position, function_pk=entry["pk"], entry=entry).save()
    AnalysisRun.objects.filter(pk=run.pk).update(
        inputs_hash=inputs_hash,
        inputs_watermark=inputs_watermark,
        results=plan_part,
        timings=timings,
        finished_at=timezone.now(),
    )


@transaction.atomic
def incident_record(
    *, plan: Plan, user: User, reason: str = "", ticket: str = "", **fields: Unpack[IncidentFields]
) -> Incident:
    with change_context(user=user, reason=reason or "Incident recorded", ticket=ticket):
        incident = Incident(plan=plan, **fields)
        incident.full_clean()
        incident.save()
    return incident


class WhatIfRefused(ValueError):
    """The engine refused the changed inventory (e.g. a group left with too few members)
    or the exact figures it would need pass the node budget; ``message`` says which."""

    def __init__(self, message: str, *, node_limit: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.node_limit = node_limit


def function_what_if(
    *, plan: Plan, function: BusinessFunction, specs: Sequence[ChangeSpec]
) -> WhatIfOutcome:
    """Availability, downtime, RTO, RPO and SPOFs of ``function`` before and after the
    proposed changes, under the plan's settings. Saves nothing.

    Raises ``WhatIfInvalid`` for a change that does not fit the plan and
    ``WhatIfRefused`` when the engine cannot apply or solve it.
    """

    settings = engine_settings(plan)
    topology = plan_topology(plan)
    topology.topology = dataclasses.replace(
        topology.topology, year_days=settings.year_days, method=settings.method
    )
    if topology.errors():
        raise WhatIfRefused("The inventory has errors: " + "; ".join(topology.error_messages()))
    changes, new_sites = what_if_changes(specs, topology)
    namer = shaping.Namer(topology, extra=new_sites)
    service_id = function_key(function.pk)
    try:
        evaluator = WhatIfEvaluator(topology.topology, service_id, settings.context())
        after = evaluator.after(changes)
    except TopologyError as error:
        raise WhatIfRefused(namer.text(error.message)) from None
    except ExactTooCostly as error:
        raise WhatIfRefused(namer.text(error.reason), node_limit=error.node_limit) from None
    before = evaluator.before
    gone = set(after.single_points_of_failure)
    old = set(before.single_points_of_failure)
    return {
        "function": function.name,
        "changes": shaping.change_words(changes, namer),
        "before": shaping.figures(before, namer),
        "after": shaping.figures(after, namer),
        "spofs_removed": namer.names(s for s in before.single_points_of_failure if s not in gone),
        "spofs_added": namer.names(s for s in after.single_points_of_failure if s not in old),
    }


@transaction.atomic
def agreed_objective_set(
    *,
    plan: Plan,
    function: BusinessFunction,
    user: User,
    rto_hours: float | None,
    rpo_hours: float | None,
    availability_percent: float | None,
    reason: str,
    ticket: str = "",
    expected_version: int | None = None,
) -> AgreedObjective:
    """Agree objectives for ``function`` (a recorded change). Figures left empty keep the
    ones derived from the BIA; at least one figure and a reason are required."""
    if rto_hours is None and rpo_hours is None and availability_percent is None:
        raise ValueError("Agree at least one figure, or clear the agreement.")
    if not reason.strip():
        raise ValueError("Say why these objectives were agreed.")
    values = {
        "rto_hours": rto_hours,
        "rpo_hours": rpo_hours,
        "availability_percent": availability_percent,
        "reason": reason.strip(),
        "agreed_by": user,
        "agreed_at": timezone.now(),
    }
    existing = AgreedObjective.objects.filter(plan=plan, function=function).first()
    with change_context(user=user, reason=reason, ticket=ticket):
        if existing is None:
            agreed = AgreedObjective(plan=plan, function=function, **values)
            agreed.full_clean()
            agreed.save()
            _inputs_changed(plan, user)
            return agreed
        updated = save_if_current(existing, expected_version=expected_version, changes=values)
    assert isinstance(updated, AgreedObjective)
    _inputs_changed(plan, user)
    return updated


@transaction.atomic
def agreed_objective_clear(
    *,
    plan: Plan,
    function: BusinessFunction,
    user: User,
    reason: str,
    ticket: str = "",
    expected_version: int | None = None,
) -> None:
    """Withdraw the agreed objectives of ``function``: gaps go back to the derived ones."""
    existing = (
        AgreedObjective.objects.select_for_update().filter(plan=plan, function=function).first()
    )
    if existing is None:
        return
    if expected_version is not None and existing.version != expected_version:
        save_if_current(existing, expected_version=expected_version, changes={})
    with change_context(user=user, reason=reason or "Agreed objectives withdrawn", ticket=ticket):
        existing.delete()
    _inputs_changed(plan, user)


def _inputs_changed(plan: Plan, user: User) -> None:
    """Agreed objectives are required figures: check which functions' figures moved."""

    review_check_request(plan=plan, user=user)
