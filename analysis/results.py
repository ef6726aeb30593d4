"""What an analysis produces: the declared types pages, the API and the plan document read.

An analysis run stores one :class:`PlanResults` (JSON) on its ``AnalysisRun``. It is
checked against these types when it is written and again when it is read
(:func:`check_plan_results`), so a missing or mistyped part fails loudly instead of
showing up as a blank cell. Every figure here comes from an engine run; every element is
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
"""

from __future__ import annotations

import math
import types
import typing
from typing import Any, Final, Literal, NamedTuple, NotRequired, TypedDict, TypeGuard, Union

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


# --- what-if and API summaries -------------------------------------------------------------


class WhatIfOutcome(TypedDict):
    """A proposed change to one function's inventory, before and after. Nothing is saved."""

    function: str
    changes: list[str]
    before: Figures
    after: Figures
    spofs_removed: list[str]
    spofs_added: list[str]


class ObjectiveFigures(TypedDict):
    availability: float | None
    rto_hours: float | None
    rpo_hours: float | None


class AchievableSummary(TypedDict):
    availability: float
    rto_hours: float | None
    rpo_hours: float | None
    single_points_of_failure: list[str]
    method: MethodCode


class FunctionSummary(TypedDict):
    """One line per function for the plan's analysis overview (API and dashboards)."""

    pk: int
    name: str
    status: FunctionStatus
    required: ObjectiveFigures | None
    achievable: AchievableSummary | None
    gaps: SeverityCounts


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


# --- checking ------------------------------------------------------------------------------


class ResultsInvalid(ValueError):
    """Stored or computed results that do not match the declared types.

    ``path`` points at the offending part, e.g. ``functions[0].gaps[2].options[1].after``.
    """

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path or 'results'}: {message}")
        self.path = path
        self.message = message


def _is_typed_dict(tp: object) -> TypeGuard[type[Any]]:
    return isinstance(tp, type) and issubclass(tp, dict) and hasattr(tp, "__required_keys__")


_HINTS: dict[type[Any], dict[str, Any]] = {}


def _hints(tp: type[Any]) -> dict[str, Any]:
    hints = _HINTS.get(tp)
    if hints is None:
        hints = typing.get_type_hints(tp)
        _HINTS[tp] = hints
    return hints


_REQUIRED: dict[type, frozenset[str]] = {}


def _required_keys(tp: type[Any]) -> frozenset[str]:
    """The keys ``tp`` requires. With postponed annotations (this module's ``from __future__
    import annotations``) Python 3.11 cannot see ``NotRequired`` when it builds the class,
    so ``__required_keys__`` lists every key; the resolved hints say which are optional."""
    required = _REQUIRED.get(tp)
    if required is None:
        extras = typing.get_type_hints(tp, include_extras=True)
        optional = {key for key, hint in extras.items() if typing.get_origin(hint) is NotRequired}
        required = frozenset(tp.__required_keys__) - optional
        _REQUIRED[tp] = required
    return required


def _check(value: object, tp: Any, path: str) -> None:
    """Raise ``ResultsInvalid`` unless ``value`` (JSON data) is of type ``tp``.

    One visit per JSON node, so checking is linear in the size of the results.
    """
    origin = typing.get_origin(tp)
    if tp is Any:
        return
    if origin is Literal:
        if value not in typing.get_args(tp) or isinstance(value, bool):
            allowed = ", ".join(repr(a) for a in typing.get_args(tp))
            raise ResultsInvalid(path, f"expected one of {allowed}, got {value!r}")
        return
    if origin is Union or origin is types.UnionType:
        args = typing.get_args(tp)
        if value is None and type(None) in args:
            return
        errors = []
        for arg in args:
            if arg is type(None):
                continue
            try:
                _check(value, arg, path)
            except ResultsInvalid as error:
                errors.append(error)
            else:
                return
        raise errors[0]
    if origin is list:
        if not isinstance(value, list):
            raise ResultsInvalid(path, f"expected a list, got {type(value).__name__}")
        (item,) = typing.get_args(tp)
        for index, element in enumerate(value):
            _check(element, item, f"{path}[{index}]")
        return
    if origin is dict:
        if not isinstance(value, dict):
            raise ResultsInvalid(path, f"expected an object, got {type(value).__name__}")
        _key, item = typing.get_args(tp)
        for key, element in value.items():
            if not isinstance(key, str):
                raise ResultsInvalid(path, f"keys must be text, got {key!r}")
            _check(element, item, f"{path}.{key}")
        return
    if _is_typed_dict(tp):
        if not isinstance(value, dict):
            raise ResultsInvalid(path, f"expected {tp.__name__}, got {type(value).__name__}")
        hints = _hints(tp)
        missing = [key for key in hints if key not in value and key in _required_keys(tp)]
        if missing:
            raise ResultsInvalid(path, f"{tp.__name__} lacks {', '.join(sorted(missing))}")
        extra = [key for key in value if key not in hints]
        if extra:
            raise ResultsInvalid(path, f"{tp.__name__} has unknown {', '.join(sorted(extra))}")
        for key, hint in hints.items():
            if key in value:
                _check(value[key], hint, f"{path}.{key}" if path else key)
        return
    if tp is bool:
        if not isinstance(value, bool):
            raise ResultsInvalid(path, f"expected true or false, got {value!r}")
        return
    if tp is int:
        if not isinstance(value, int) or isinstance(value, bool):
            raise ResultsInvalid(path, f"expected a whole number, got {value!r}")
        return
    if tp is float:
        if not isinstance(value, int | float) or isinstance(value, bool):
            raise ResultsInvalid(path, f"expected a number, got {value!r}")
        if not math.isfinite(value):
            raise ResultsInvalid(path, f"expected a finite number, got {value!r}")
        return
    if tp is str:
        if not isinstance(value, str):
            raise ResultsInvalid(path, f"expected text, got {value!r}")
        return
    raise TypeError(f"results.py cannot check values of type {tp!r}")  # a bug in this module


def check(value: object, tp: Any, *, path: str = "") -> None:
    """Raise ``ResultsInvalid`` unless ``value`` matches the declared type ``tp``."""
    _check(value, tp, path)


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
    _check(value, PlanResults, "")
    return typing.cast(PlanResults, value)


def function_result(results: PlanResults, function_pk: int) -> FunctionResult | None:
    """The result for one function (by primary key), or None when the run did not cover it."""
    for entry in results["functions"]:
        if entry["pk"] == function_pk:
            return entry
    return None


class DowntimeSaved(NamedTuple):
    """How much downtime a year one element costs a function, in plain terms."""

    element: str
    is_spof: bool
    seconds_per_year: float


def downtime_saved(achievable: Achievable, *, limit: int) -> list[DowntimeSaved]:
    """The elements that cost the function most: the downtime a year it would save if each
    never failed, largest first, those worth under a second left out, at most ``limit``.

    Criticality importance is I_B × q_i / U (Birnbaum importance times the element's
    unavailability over the function's), so criticality × U × year = I_B × q_i × year:
    with independent failures, exactly what the function loses to that element. Example:
    the SAN with criticality 0.0949 in a function down 12 h 38 min a year saves about
    1 h 12 min a year. The analysis pages and the plan document both read this.
    """
    downtime = achievable["downtime_seconds_per_year"]
    rows = [
        DowntimeSaved(item["element"], item["is_spof"], item["criticality"] * downtime)
        for item in achievable["importance"]
        if item["criticality"] * downtime >= 1.0
    ]
    rows.sort(key=lambda r: (-r.seconds_per_year, r.element))
    return rows[:limit]
