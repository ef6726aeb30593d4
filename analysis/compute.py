"""Run the engine over a plan's inputs and produce its ``PlanResults``.

No database access here: :mod:`analysis.inputs` loads, this module computes, the service
checks and stores. One ``AnalysisContext`` (the plan's method, samples, seed and node
budget) and the plan's year convention reach every figure: the headline availability of a
function is the same computation its gaps are graded on and its remedies are compared
with. What comes out is exactly the declared types of :mod:`analysis.results`.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from dataclasses import dataclass

from analysis import plan_summary, shaping
from analysis.engine.availability import AvailabilityAnalyzer, ExactTooCostly, collector_paused
from analysis.engine.figures import AnalysisContext, function_figures
from analysis.engine.gaps import (
    MEASURE_ORDER,
    SEVERITY_ORDER,
    GapReport,
    Requirements,
    analyse_gaps,
)
from analysis.engine.objectives import (
    RecoveryRecommendation,
    recommend_objectives,
)
from analysis.engine.recovery import figures_with_recovery, recovery_reach
from analysis.engine.roadmap import roadmap
from analysis.engine.spof import hidden_single_points_of_failure
from analysis.engine.topology import TopologyError
from analysis.inputs import AgreedInput, AnalysisInputs
from analysis.people_gaps import name_contracts
from analysis.results import (
    RESULTS_SCHEMA,
    AgreedObjectives,
    Context,
    FunctionOutcome,
    FunctionResult,
    FunctionStatus,
    PlanResults,
    Required,
    RoadmapRow,
    RoadmapStep,
    check_plan_results,
)

Progress = Callable[[int, str], None]


@dataclass(frozen=True)
class PlanAnalysis:
    """A run's checked results and how long each part took (kept apart from results)."""

    results: PlanResults
    timings: dict[str, object]


@dataclass
class _FunctionWork:
    entry: FunctionResult
    recommendation: RecoveryRecommendation | None
    report: GapReport | None
    spofs: tuple[str, ...]
    hidden: dict[str, tuple[str, ...]]


def _agreed(agreed: AgreedInput | None) -> AgreedObjectives | None:
    if agreed is None:
        return None
    return {
        "rto_hours": agreed.rto_hours,
        "rpo_hours": agreed.rpo_hours,
        "availability": agreed.availability,
        "reason": agreed.reason,
        "agreed_by": agreed.agreed_by,
        "agreed_at": agreed.agreed_at,
    }


def _requirements(required: Required) -> Requirements:
    return Requirements(
        rto_hours=required["rto_hours"],
        rpo_hours=required["rpo_hours"],
        availability=required["availability"],
        mtpd_hours=required["mtpd_hours"],
        rto_agreed=required["rto_source"] == "agreed",
        rpo_agreed=required["rpo_source"] == "agreed",
        availability_agreed=required["availability_source"] == "agreed",
        missing=tuple(required["derived"]["missing"]) if required["derived"] else (),
    )


def _gap_report(
    inputs: AnalysisInputs,
    key: str,
    requirements: Requirements,
    context: AnalysisContext,
    rank_remedies: bool,
) -> tuple[GapReport, str]:
    """The function's gaps under the plan's context; when the plan asks for exact figures
    the node budget does not allow, the function is estimated instead and says why."""

    def run(with_context: AnalysisContext) -> GapReport:
        return analyse_gaps(
            inputs.topology.topology,
            key,
            requirements,
            function_id=key,
            techniques=inputs.techniques,
            context=with_context,
            rank_remedies=rank_remedies,
            recovery_needs=inputs.topology.recovery_requires.get(key, ()),
        )

    try:
        return run(context), ""
    except ExactTooCostly as error:
        note = (
            f"The plan asks for exact figures, but {error.reason}; this function's figures "
            "are Monte Carlo estimates."
        )
        return run(dataclasses.replace(context, method="auto")), note


def _missing(
    no_assessment: bool, recommendation: RecoveryRecommendation | None, has_requires: bool
) -> list[str]:
    """What the function lacks for its required objectives and its analysis."""
    missing: list[str] = []
    if no_assessment:
        missing.append("a reviewed BIA (submitted or approved answers)")
    elif recommendation is not None:
        missing.extend(recommendation.missing)
    if not has_requires:
        missing.append("dependencies on inventory components")
    return missing


def analyse_function(
    inputs: AnalysisInputs,
    key: str,
    *,
    requires: tuple[str, ...],
    analyzer: AvailabilityAnalyzer | None,
    namer: shaping.Namer,
    rank_remedies: bool = True,
) -> _FunctionWork:
    """One function: required (agreed or derived) versus achievable, gaps and remedies.

    ``requires`` is what the function's service needs (:attr:`PlanSetup.requires`).
    """
    function = inputs.topology.functions[key]
    settings = inputs.settings
    context = settings.context()
    assessment = inputs.assessments.get(key)
    recommendation = (
        recommend_objectives(assessment, year_days=settings.year_days)
        if assessment is not None
        else None
    )
    missing = _missing(assessment is None, recommendation, bool(requires))
    required = shaping.required(recommendation, _agreed(inputs.agreed.get(key)))
    status: FunctionStatus
    if analyzer is None:
        status = "not_analysed"
    elif not requires:
        status = "no_dependencies"
    elif required is None or required["rto_hours"] is None:
        status = "not_assessed"
    else:
        status = "assessed"
    entry: FunctionResult = {
        "key": key,
        "pk": function.pk,
        "name": function.name,
        "criticality": str(function.criticality or ""),
        "status": status,
        "required": required,
        "achievable": None,
        "gaps": [],
        "roadmap": [],
        "remedies_ranked": rank_remedies,
        "missing": missing,
        "degraded_requires": namer.names(inputs.topology.degraded_requires.get(key, ())),
        "notes": [],
    }
    work = _FunctionWork(entry, recommendation, None, (), {})
    if analyzer is None or not requires:
        return work
    if status == "assessed" and required is not None:
        report, note = _gap_report(inputs, key, _requirements(required), context, rank_remedies)
        notes = [*report.notes, *([note] if note else [])]
        entry["achievable"] = shaping.achievable(
            report.before, report.availability, report.hidden, namer
        )
        entry["gaps"] = [shaping.gap(g, report, namer) for g in report.gaps]
        name_contracts(entry["gaps"], inputs.topology.extra, requires, required["rto_hours"])
        entry["notes"] = [namer.text(n) for n in notes]
        work.report = report
        work.spofs = report.before.single_points_of_failure
        work.hidden = report.hidden
        return work
    _achievable_only(inputs, key, analyzer, namer, work)
    return work


def _achievable_only(
    inputs: AnalysisInputs,
    key: str,
    analyzer: AvailabilityAnalyzer,
    namer: shaping.Namer,
    work: _FunctionWork,
) -> None:
    """A function without requirements to grade: its achievable figures only (Monte Carlo
    when the plan asks for exact figures the node budget does not allow)."""
    try:
        figures = function_figures(analyzer, key)
        full = analyzer.service(key)
        note = ""
    except ExactTooCostly as error:
        fallback = dataclasses.replace(inputs.settings.context(), method="auto").analyzer(
            inputs.topology.topology, model=analyzer.model
        )
        figures, full = function_figures(fallback, key), fallback.service(key)
        note = f"The plan asks for exact figures, but {error.reason}; Monte Carlo estimate."
    recovery = inputs.topology.recovery_requires.get(key, ())
    if recovery:
        reach = recovery_reach(inputs.topology.topology, key, recovery)
        figures = figures_with_recovery(figures, reach)
    hidden = hidden_single_points_of_failure(analyzer.model, key)
    work.entry["achievable"] = shaping.achievable(figures, full, hidden, namer)
    work.entry["notes"] = [note] if note else []
    work.spofs = figures.single_points_of_failure
    work.hidden = hidden


def _outcome(work: _FunctionWork, seconds: float, namer: shaping.Namer) -> FunctionOutcome:
    """``work`` in JSON types; its roadmap steps keep the engine's ordering ranks."""
    steps: list[RoadmapRow] = []
    entry = work.entry
    if work.report is not None:
        for step in roadmap([work.report]):
            steps.append(
                {
                    "severity_rank": SEVERITY_ORDER[step.gap.severity],
                    "measure_rank": MEASURE_ORDER[step.gap.measure],
                    "element": step.gap.element or "",
                    "step": shaping.roadmap_step(step, 0, entry["name"], entry["pk"], namer),
                }
            )
    return {
        "entry": entry,
        "steps": steps,
        "recommended": work.recommendation is not None,
        "spofs": list(work.spofs),
        "hidden": {element: list(groups) for element, groups in work.hidden.items()},
        "seconds": seconds,
        "fresh_runs": work.report.fresh_runs if work.report is not None else 0,
        "reused_runs": work.report.reused_runs if work.report is not None else 0,
    }


@dataclass
class PlanSetup:
    """What every part of one run shares: the functions it covers, the validated model
    (``analyzer`` None when the inventory has ``errors``), whether remedies are ranked and
    what each function's service requires (by function key: looked up once, not per
    function among all services).
    """

    keys: list[str]
    only: str | None
    namer: shaping.Namer
    errors: list[str]
    analyzer: AvailabilityAnalyzer | None
    rank_remedies: bool
    requires: dict[str, tuple[str, ...]]


def plan_prepare(
    inputs: AnalysisInputs,
    *,
    only: str | None = None,
    rank_remedies: bool = True,
) -> PlanSetup:
    """Validate the topology and build the analyzer once for every function of a run."""
    namer = shaping.Namer(inputs.topology)
    errors = inputs.topology.error_messages()
    keys = [only] if only else inputs.function_ids()
    analyzer: AvailabilityAnalyzer | None = None
    if not errors:
        try:
            analyzer = inputs.settings.context().analyzer(inputs.topology.topology)
        except TopologyError as error:
            errors = [namer.text(error.message)]
    requires: dict[str, tuple[str, ...]] = {}
    for service in inputs.topology.topology.services:
        requires.setdefault(service.id, service.requires)  # the first, should ids repeat
    return PlanSetup(keys, only, namer, errors, analyzer, rank_remedies, requires)


def analyse_chunk(
    inputs: AnalysisInputs, setup: PlanSetup, keys: list[str]
) -> list[FunctionOutcome]:
    """The functions ``keys`` of a prepared run, each in JSON types (see ``plan_merge``)."""
    outcomes: list[FunctionOutcome] = []
    for key in keys:
        begun = time.perf_counter()
        # Each function's remedy runs build many small acyclic objects (diagram nodes,
        # changed topologies); generational scans of them reclaim nothing.
        with collector_paused():
            work = analyse_function(
                inputs,
                key,
                requires=setup.requires[key],
                analyzer=setup.analyzer,
                namer=setup.namer,
                rank_remedies=setup.rank_remedies,
            )
        outcomes.append(_outcome(work, time.perf_counter() - begun, setup.namer))
    # Pieces are shared within a chunk only: a worker holds none once its chunk is stored.
    setup.namer.forget_pieces()
    return outcomes


def analyse_plan(
    inputs: AnalysisInputs,
    *,
    only: str | None = None,
    progress: Progress | None = None,
    rank_remedies: bool = True,
) -> PlanAnalysis:
    """Analyse every function of the plan (or only ``only``) and rank shared risks.

    1. Validate the topology; an invalid inventory stops here with its errors named.
    2. Per function: required (agreed, else derived from the BIA), achievable figures,
       gaps with remedies proven on the whole function, and its roadmap steps.
    3. Plan level: the roadmap of every critical and high gap, SPOFs ranked by how many
       functions they stop, inherited objectives, the impact heat-map, and how many
       functions are not assessed.
    The three steps are :func:`plan_prepare`, :func:`analyse_chunk` and
    :func:`plan_merge`; a run fanned out over workers calls the same three.
    The results are checked against ``analysis.results.PlanResults`` before returning.
    """
    started = time.perf_counter()
    report = progress or (lambda percent, message: None)
    setup = plan_prepare(inputs, only=only, rank_remedies=rank_remedies)
    outcomes: list[FunctionOutcome] = []
    for index, key in enumerate(setup.keys, start=1):
        outcomes.extend(analyse_chunk(inputs, setup, [key]))
        name = outcomes[-1]["entry"]["name"]
        report(5 + int(85 * index / max(1, len(setup.keys))), f"Analysed {name}")
    report(92, "Ordering the roadmap and ranking shared risks")
    return plan_merge(inputs, setup, outcomes, seconds=time.perf_counter() - started)


def plan_merge(
    inputs: AnalysisInputs,
    setup: PlanSetup,
    outcomes: list[FunctionOutcome],
    *,
    seconds: float,
    outcomes_checked: bool = False,
) -> PlanAnalysis:
    """Plan-level results from every function's outcome, in the order of ``setup.keys``.

    The results are checked against :class:`analysis.results.PlanResults`. With
    ``outcomes_checked`` (each outcome was checked as a ``FunctionOutcome``, as a spread-out
    run does while its chunks come in) the functions' entries are not checked again: the
    merge only adds their roadmap steps, which are checked in the plan's roadmap.
    """
    rows = [
        (row["severity_rank"], index, row["measure_rank"], row["element"], row["step"])
        for index, outcome in enumerate(outcomes)
        for row in outcome["steps"]
    ]
    rows.sort(key=lambda item: item[:4])
    plan_steps: list[RoadmapStep] = []
    for order, (*_, step) in enumerate(rows, start=1):
        plan_steps.append({**step, "order": order})
    # Each function's own steps, in plan order: one pass, not one scan of the plan's
    # roadmap per function.
    by_function: dict[int, list[RoadmapStep]] = {}
    for plan_step in plan_steps:
        by_function.setdefault(plan_step["function_pk"], []).append(plan_step)
    for outcome in outcomes:
        outcome["entry"]["roadmap"] = list(by_function.get(outcome["entry"]["pk"], []))

    settings = inputs.settings
    entries = [o["entry"] for o in outcomes]
    errors = setup.errors
    ctx: Context = {
        "year_days": settings.year_days,
        "method_requested": settings.method,
        "samples": settings.samples,
        "seed": settings.seed,
        "node_limit": settings.node_limit,
    }
    results: PlanResults = {
        "schema": RESULTS_SCHEMA,
        "scope": "function" if setup.only else "plan",
        "context": ctx,
        "inventory_errors": errors,
        "notes": list(inputs.notes),
        "remedies_ranked": setup.rank_remedies and all(e["remedies_ranked"] for e in entries),
        "functions": entries,
        "roadmap": plan_steps,
        "spof_ranking": plan_summary.spof_ranking(outcomes, setup.namer),
        "inherited_objectives": []
        if errors or setup.only
        else plan_summary.inherited_objectives(inputs, outcomes, setup.namer),
        "heatmap": plan_summary.heatmap(inputs, setup.keys),
        "coverage": plan_summary.coverage(entries),
    }
    if outcomes_checked:
        check_plan_results({**results, "functions": []})
    else:
        check_plan_results(results)
    return PlanAnalysis(
        results,
        {
            "total_seconds": seconds,
            "per_function_seconds": {o["entry"]["key"]: o["seconds"] for o in outcomes},
            "engine_runs_fresh": sum(o["fresh_runs"] for o in outcomes),
            "engine_runs_reused": sum(o["reused_runs"] for o in outcomes),
            "severity_order": list(SEVERITY_ORDER),
        },
    )
