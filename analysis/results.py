"""What an analysis produces: the declared types pages, the API and the plan document read.

An analysis run stores one :class:`PlanResults` (JSON): the plan-level part on its
``AnalysisRun`` and each entry of ``functions`` as a ``FunctionResultRow`` of its own
(``analysis.selectors.stored_results`` puts them back together). It is checked against
these types when it is written and again when it is read (:func:`check_plan_results`),
so a missing or mistyped part fails loudly instead of showing up as a blank cell. Every
figure here comes from an engine run; every element is
named as people named it. Gap ids (``"spof:component:12"``) are opaque references that
tie a gap to its roadmap step and to ``also_closes``; do not parse them.

Units: availability is a fraction in [0, 1]; durations are hours (``*_hours``) or seconds
(``*_seconds``); show them with :mod:`analysis.formatting` so pages and documents use
the same words and precision.

Shape, top down::

    PlanResults
      context            year convention, method asked for, samples, seed, node limit
      functions[]        FunctionResult: required (derived/agreed), achievable (Figures +
                         why), gaps[] (measure, severity, element, before: Figures,
                         options[] with after: Figures, combination, plan_of_action),
                         roadmap[] (this function's critical and high gaps)
      roadmap[]          every critical and high gap of every function, in order
      spof_ranking[], inherited_objectives[], heatmap, coverage ("not assessed" counts)

Additive changes keep ``RESULTS_SCHEMA``; a change that removes or retypes a field bumps
it, and runs stored under another schema are reported as "run again", never misread.
:mod:`analysis.results_check` checks data against these types; :mod:`analysis.summaries`
declares the shorter shapes the what-if page and the API overview give out.
"""

from __future__ import annotations

import typing
from typing import Final, Literal, NotRequired, TypedDict

from analysis.results_check import ResultsInvalid, check

RESULTS_SCHEMA: Final = "continuity.analysis/v2"

Measure = Literal["availability", "rto", "rpo", "spof"]
Severity = Literal["critical", "high", "medium", "low"]
MethodCode = Literal["exact", "monte_carlo"]
MethodRequested = Literal["auto", "exact", "monte_carlo"]
ObjectiveSource = Literal["derived", "agreed"]
ElementKind = Literal["component", "site", "group"]
VariableKind = Literal["component", "site"]
RemedyKind = Literal["option", "combination", "plan_of_action"]
FunctionStatus = Literal["assessed", "not_assessed", "no_dependencies", "not_analysed"]
Scope = Literal["plan", "function"]

MEASURES: Final[tuple[Measure, ...]] = ("availability", "rto", "rpo", "spof")
SEVERITIES: Final[tuple[Severity, ...]] = ("critical", "high", "medium", "low")
ROADMAP_SEVERITIES: Final[tuple[Severity, ...]] = ("critical", "high")


class Context(TypedDict):
    """The settings every figure of a run was computed with (the plan's, at run time)."""

    year_days: float
    method_requested: MethodRequested
    samples: int
    seed: int
    node_limit: int


class MethodUsed(TypedDict):
    """How one figure was computed.

    ``code`` "exact" (reduced ordered BDD; ``nodes`` is its size) or "monte_carlo" (an
    estimate with its 95 % interval, ``samples`` and ``seed``). ``note`` says why Monte
    Carlo was used when exact was asked for or chosen automatically, else "".
    """

    code: MethodCode
    ci95_low: float | None
    ci95_high: float | None
    samples: int | None
    seed: int | None
    nodes: int | None
    note: str


class Figures(TypedDict):
    """One function's figures for all four measures, now or after a change.

    ``rto_hours`` None = unknown (a restore time is missing); ``rpo_hours`` None = unknown
    when ``rpo_applicable`` (unprotected data), not applicable otherwise (no data held).
    ``single_points_of_failure`` are element names, most important first.
    """

    availability: float
    downtime_seconds_per_year: float
    rto_hours: float | None
    rpo_hours: float | None
    rpo_applicable: bool
    single_points_of_failure: list[str]
    method: MethodUsed


class Importance(TypedDict):
    element: str
    kind: VariableKind
    birnbaum: float
    criticality: float
    is_spof: bool


class HiddenSpof(TypedDict):
    """A single point of failure that redundancy hides: ``behind`` are the redundancy
    groups whose members all need it (see ``analysis.engine.spof``)."""

    element: str
    behind: list[str]


class Achievable(Figures):
    """What the inventory achieves now, and which elements set each figure."""

    rto_set_by: str | None
    rto_unknown: list[str]
    rpo_set_by: str | None
    rpo_unprotected: list[str]
    hidden_single_points_of_failure: list[HiddenSpof]
    # Needed only to recover the function, with nobody to stand in (absent from older runs).
    recovery_single_points_of_failure: NotRequired[list[str]]
    sites_not_assessed: list[str]
    importance: list[Importance]
    reasoning: list[str]
    notes: list[str]


class DerivedObjectives(TypedDict):
    """Recovery objectives recommended from the function's reviewed BIA, with reasoning."""

    mtpd_hours: float | None
    mtpd_category: str | None
    rto_hours: float | None
    rpo_hours: float | None
    availability: float | None
    tier: str | None
    minimum_service_level_percent: float | None
    reasoning: list[str]
    missing: list[str]


class AgreedObjectives(TypedDict):
    """Objectives a manager agreed for the function, overriding the derived ones."""

    rto_hours: float | None
    rpo_hours: float | None
    availability: float | None
    reason: str
    agreed_by: str
    agreed_at: str


class Required(TypedDict):
    """The objectives gaps are measured against: agreed where set, else derived.

    ``*_source`` says which ("agreed" or "derived"), None when there is no figure.
    """

    availability: float | None
    rto_hours: float | None
    rpo_hours: float | None
    availability_source: ObjectiveSource | None
    rto_source: ObjectiveSource | None
    rpo_source: ObjectiveSource | None
    mtpd_hours: float | None
    derived: DerivedObjectives | None
    agreed: AgreedObjectives | None


class RemedyPart(TypedDict):
    """One catalogue technique applied to one element."""

    technique: str
    technique_key: str
    target: str
    target_kind: ElementKind
    changes: list[str]
    cost_class: int
    complexity: int
    assumptions: str


class Option(RemedyPart):
    """A single remedy under a gap, proven by a fresh engine run of the whole function.

    ``after`` holds the function's figures with the option applied; ``closes_gap`` is
    whether they meet the gap's requirement and ``gap_closed_percent`` how much of the
    gap they close, (before − after) / (before − required), floored, so it is 100
    exactly when ``closes_gap``. None when the figure before was unknown and is known but
    still short after. Listed only when it moves the gap's measure.
    """

    after: Figures
    closes_gap: bool
    gap_closed_percent: int | None
    score: float


class Combination(TypedDict):
    """The cheapest set of two or three options that closes a gap no single option
    closes, proven by one engine run with all its parts applied."""

    parts: list[RemedyPart]
    after: Figures
    closes_gap: bool
    gap_closed_percent: int | None
    cost_class: int
    complexity: int


class Milestone(TypedDict):
    name: str
    description: str
    due_week: int


class PlanOfAction(TypedDict):
    """A gap nothing in the catalogue closes: what to do, with milestones."""

    title: str
    reason: str
    milestones: list[Milestone]


class Gap(TypedDict):
    """One shortfall of one measure, the element that holds it back, and remedies.

    ``required`` is the requirement (availability fraction, RTO/RPO hours; None for a
    single point of failure, whose requirement is "not a SPOF"); ``before`` is the
    function's figures now. ``combinations_tried`` counts the sets of up to three
    options the search ran (0 when it did not run).
    """

    id: str
    measure: Measure
    severity: Severity
    element: str | None
    elements: list[str]
    required: float | None
    required_source: ObjectiveSource | None
    before: Figures
    evidence: str
    options: list[Option]
    combination: Combination | None
    combinations_tried: int
    closable: bool
    plan_of_action: PlanOfAction | None


class RoadmapStep(TypedDict):
    """One step of the roadmap: a critical or high gap and what closes (or moves) it.

    ``remedy`` "option" and "combination" steps carry ``after`` from an engine run with
    ``parts`` applied; a "plan_of_action" step has ``after`` only when a part moves the
    measure without closing the gap. ``also_closes`` lists ids of the function's other
    gaps whose requirement ``after`` meets.
    """

    order: int
    function: str
    function_pk: int
    gap_id: str
    measure: Measure
    severity: Severity
    element: str | None
    remedy: RemedyKind
    parts: list[RemedyPart]
    required: float | None
    before: Figures
    after: Figures | None
    closes_gap: bool
    gap_closed_percent: int | None
    also_closes: list[str]
    plan_of_action: PlanOfAction | None


class FunctionResult(TypedDict):
    """Everything the analysis says about one business function.

    ``status``: "assessed" (reviewed BIA and dependencies), "not_assessed" (no reviewed
    BIA, or it yields no objectives), "no_dependencies" (nothing recorded it runs on;
    that is not "no single points of failure"), "not_analysed" (the inventory has errors).
    """

    key: str
    pk: int
    name: str
    criticality: str
    status: FunctionStatus
    required: Required | None
    achievable: Achievable | None
    gaps: list[Gap]
    roadmap: list[RoadmapStep]
    remedies_ranked: bool
    missing: list[str]
    degraded_requires: list[str]
    notes: list[str]


class SpofRank(TypedDict):
    element: str
    kind: VariableKind
    functions: list[str]
    hidden_behind: list[str]


class InheritedObjective(TypedDict):
    """The strictest objectives a shared component must meet, and which function sets each."""

    element: str
    rto_hours: float | None
    rto_set_by: str | None
    rpo_hours: float | None
    rpo_set_by: str | None
    availability: float | None
    availability_set_by: str | None
    functions: list[str]


class HeatmapRow(TypedDict):
    function: str
    function_pk: int
    levels: list[int] | None


class Heatmap(TypedDict):
    """Worst impact level (0–4) per function and horizon; ``levels`` None = not assessed."""

    horizons_hours: list[float]
    rows: list[HeatmapRow]


class FunctionRef(TypedDict):
    name: str
    pk: int
    reason: str


class SeverityCounts(TypedDict):
    critical: int
    high: int
    medium: int
    low: int


class Coverage(TypedDict):
    """How much of the plan the figures cover.

    ``no_gaps`` is True only when every function is assessed (reviewed BIA and
    dependencies) and none has a gap; otherwise pages name what is not assessed.
    """

    functions: int
    assessed: int
    not_assessed: list[FunctionRef]
    no_dependencies: list[FunctionRef]
    not_analysed: list[FunctionRef]
    with_gaps: int
    gaps: SeverityCounts
    no_gaps: bool


class PlanResults(TypedDict):
    """One run's results: the whole plan (``scope`` "plan") or one function's recompute."""

    schema: str
    scope: Scope
    context: Context
    inventory_errors: list[str]
    notes: list[str]
    remedies_ranked: bool
    functions: list[FunctionResult]
    roadmap: list[RoadmapStep]
    spof_ranking: list[SpofRank]
    inherited_objectives: list[InheritedObjective]
    heatmap: Heatmap
    coverage: Coverage


# --- one function's part of a run, as a chunk of a fanned-out run stores it ----------------


class RoadmapRow(TypedDict):
    """One roadmap step of a function before the plan orders it: ``step`` has order 0
    and the ranks are the engine's (severity, measure) order, ``element`` its id."""

    severity_rank: int
    measure_rank: int
    element: str
    step: RoadmapStep


class FunctionOutcome(TypedDict):
    """What the plan-level merge needs of one analysed function, in JSON types only, so a
    chunk computed in another worker process is merged exactly as one computed here.

    ``entry`` has an empty roadmap (the merge fills it); ``recommended`` says whether the
    BIA gave a recommendation (its figures are ``entry["required"]``); ``spofs`` and
    ``hidden`` are engine ids.
    """

    entry: FunctionResult
    steps: list[RoadmapRow]
    recommended: bool
    spofs: list[str]
    hidden: dict[str, list[str]]
    seconds: float
    fresh_runs: int
    reused_runs: int


def check_plan_results(value: object) -> PlanResults:
    """``value`` as :class:`PlanResults`, or ``ResultsInvalid`` naming the first problem.

    Results stored under another schema version are refused with a message that says
    to run the analysis again.
    """
    if isinstance(value, dict) and value.get("schema") != RESULTS_SCHEMA:
        raise ResultsInvalid(
            "schema",
            f"stored as {value.get('schema')!r}, this version reads {RESULTS_SCHEMA!r}; "
            "run the analysis again",
        )
    check(value, PlanResults)
    return typing.cast(PlanResults, value)


def function_result(results: PlanResults, function_pk: int) -> FunctionResult | None:
    """The result for one function (by primary key), or None when the run did not cover it."""
    for entry in results["functions"]:
        if entry["pk"] == function_pk:
            return entry
    return None
