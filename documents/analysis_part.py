"""The analysis results' part of the plan document (:class:`bcp.contract.AnalysisPart`).

The analysis stores each run's results as JSON (``analysis.compute.analyse_plan``,
schema ``continuity.analysis/v1``). This module reads the latest finished whole-plan
run by that schema's exact keys — a key that is missing or of the wrong type stops the
snapshot with its path, it is never guessed — and states the results in the
document's words: gap kinds, methods and roles named, unavailabilities turned into
availabilities, and each weak element's importance as the downtime a year the
function would save if that element never failed.
"""

from __future__ import annotations

from typing import Any

from analysis.engine.budgets import SECONDS_PER_DAY
from analysis.models import YearConvention
from analysis.selectors import latest_run
from bcp import contract
from bcp.models import Plan
from bcp.typecheck import ContractError

RESULTS_SCHEMA = "continuity.analysis/v1"

GAP_KINDS = {
    "rto": "Recovery time",
    "rpo": "Recovery point (data loss)",
    "availability": "Availability",
    "spof": "Single point of failure",
}
SEVERITIES = {"critical": "Critical", "high": "High", "medium": "Medium", "low": "Low"}
METHODS = {
    "exact_bdd": "Exact (binary decision diagram)",
    "monte_carlo": "Monte Carlo simulation",
}
MILESTONES = {
    "assess": "Assess",
    "design": "Design",
    "fund": "Fund",
    "implement": "Implement",
    "test": "Test",
}
# Importance: at most this many weak elements per function, and none saving under a second.
IMPORTANCE_ROWS = 5


def _get(mapping: Any, key: str, path: str) -> Any:
    if not isinstance(mapping, dict):
        raise ContractError(path, "expected a mapping in the analysis results")
    if key not in mapping:
        raise ContractError(f"{path}.{key}", "missing from the analysis results")
    return mapping[key]


def _year_convention(year_days: float) -> str:
    for value, label in YearConvention.choices:
        if abs(float(value) - year_days) < 1e-9:
            return str(label)
    return f"A year of {year_days:g} days"


def _element_availability(inventory: contract.InventoryPart) -> dict[str, float]:
    """Each component's and site's own availability, as the engine is given it."""
    found: dict[str, float] = {}
    for site in inventory.sites:
        if site.availability_percent is not None:
            found[site.name] = site.availability_percent / 100
    for component in inventory.components:
        if component.availability_percent is not None:
            found[component.name] = component.availability_percent / 100
        elif component.mtbf_hours and component.mttr_hours is not None:
            found[component.name] = component.mtbf_hours / (
                component.mtbf_hours + component.mttr_hours
            )
    return found


def _importance(
    items: list[Any], path: str, availability: dict[str, float], year_seconds: float
) -> tuple[contract.Importance, ...]:
    """Downtime saved a year = Birnbaum importance × the element's unavailability × year.

    With independent failures, A = p·A(up) + (1 − p)·A(down), so an element that never
    failed would raise A by (1 − p)·(A(up) − A(down)) = (1 − p)·I_B. Example: the SAN
    (p = 0.999863) with I_B = 0.99870 in a Gregorian year saves 0.99870 × 0.000137 ×
    31 556 952 s ≈ 1 h 12 m a year.
    """
    rows = []
    for index, item in enumerate(items):
        where = f"{path}[{index}]"
        name = _get(item, "name", where)
        p = availability.get(name) if isinstance(name, str) else None
        if p is None:
            continue
        saved = float(_get(item, "birnbaum", where)) * (1.0 - p) * year_seconds
        if saved < 1.0:
            continue
        rows.append(
            contract.Importance(
                element=name,
                role="Single point of failure" if _get(item, "is_spof", where) else "Weak element",
                downtime_saved_seconds_per_year=saved,
            )
        )
    rows.sort(key=lambda r: (-r.downtime_saved_seconds_per_year, r.element))
    return tuple(rows[:IMPORTANCE_ROWS])


def _gap(gap: Any, path: str) -> contract.Gap:
    kind = _get(gap, "kind", path)
    options = _get(gap, "options", path)
    required = _get(gap, "required", path)
    achievable = _get(gap, "achievable", path)
    hours_kind = kind in ("rto", "rpo", "spof")
    # The engine states availability gaps as unavailabilities (1 − A).
    return contract.Gap(
        kind=GAP_KINDS[kind],
        severity=SEVERITIES[_get(gap, "severity", path)],
        element=_get(gap, "element", path) or "",
        required_hours=required if hours_kind else None,
        achievable_hours=achievable if hours_kind else None,
        required_availability=1 - required
        if kind == "availability" and required is not None
        else None,
        achievable_availability=1 - achievable
        if kind == "availability" and achievable is not None
        else None,
        evidence=_get(gap, "evidence", path),
        first_option=_get(options[0], "technique", f"{path}.options[0]") if options else "",
    )


def _roadmap(entry: Any, path: str) -> tuple[contract.RoadmapStep, ...]:
    """Each critical or high gap with its first-ranked option and that option's effect."""
    milestones: dict[tuple[str, str], tuple[str, ...]] = {}
    for index, action in enumerate(_get(entry, "action_plan", path)):
        where = f"{path}.action_plan[{index}]"
        milestones[(_get(action, "gap_kind", where), _get(action, "element", where) or "")] = tuple(
            f"{MILESTONES.get(m['name'], m['name'])} by week {m['due_week']}"
            for m in _get(action, "milestones", where)
        )
    availability = _get(entry, "availability", path) or {}
    steps = []
    for index, gap in enumerate(_get(entry, "gaps", path)):
        where = f"{path}.gaps[{index}]"
        severity = _get(gap, "severity", where)
        options = _get(gap, "options", where)
        if severity not in ("critical", "high") or not options:
            continue
        kind = _get(gap, "kind", where)
        option = options[0]
        at = f"{where}.options[0]"
        before_hours = after_hours = before_a = after_a = None
        if kind == "rto":
            before_hours, after_hours = gap["achievable"], _get(option, "rto_hours_after", at)
        elif kind == "rpo":
            before_hours, after_hours = gap["achievable"], _get(option, "rpo_hours_after", at)
        else:
            before_a = availability.get("availability")
            after_a = _get(option, "availability_after", at)
        element = _get(gap, "element", where) or ""
        steps.append(
            contract.RoadmapStep(
                title=f"{GAP_KINDS[kind]}: {element}" if element else GAP_KINDS[kind],
                severity=SEVERITIES[severity],
                technique=f"{_get(option, 'technique', at)} on {_get(option, 'target', at)}",
                before_hours=before_hours,
                after_hours=after_hours,
                before_availability=before_a,
                after_availability=after_a,
                outcome="Closes the gap" if _get(option, "closes_gap", at) else "Narrows the gap",
                milestones=milestones.get((kind, element), ()),
            )
        )
    return tuple(steps)


def _function(
    entry: Any, path: str, availability: dict[str, float], year_seconds: float
) -> contract.FunctionAnalysis:
    required = _get(entry, "required", path)
    achieved = _get(entry, "availability", path)
    return contract.FunctionAnalysis(
        name=_get(entry, "name", path),
        required=None
        if required is None
        else contract.RequiredObjectives(
            mtpd_hours=_get(required, "mtpd_hours", f"{path}.required"),
            rto_hours=_get(required, "rto_hours", f"{path}.required"),
            rpo_hours=_get(required, "rpo_hours", f"{path}.required"),
            availability=_get(required, "availability", f"{path}.required"),
            tier=_get(required, "tier", f"{path}.required") or "",
            reasoning=tuple(_get(required, "reasoning", f"{path}.required")),
        ),
        achieved=None
        if achieved is None
        else contract.Achieved(
            availability=_get(achieved, "availability", f"{path}.availability"),
            downtime_seconds_per_year=_get(
                achieved, "downtime_seconds_per_year", f"{path}.availability"
            ),
            method=METHODS[_get(achieved, "method", f"{path}.availability")],
        ),
        missing=tuple(_get(entry, "missing", path)),
        gaps=tuple(
            _gap(gap, f"{path}.gaps[{index}]")
            for index, gap in enumerate(_get(entry, "gaps", path))
        ),
        roadmap=_roadmap(entry, path),
        importance=()
        if achieved is None
        else _importance(
            _get(achieved, "importance", f"{path}.availability"),
            f"{path}.availability.importance",
            availability,
            year_seconds,
        ),
    )


def results_part(
    results: dict[str, Any], inventory: contract.InventoryPart
) -> contract.AnalysisPart:
    """One run's results as the document's analysis part."""
    path = "analysis.results"
    if _get(results, "schema", path) != RESULTS_SCHEMA:
        raise ContractError(f"{path}.schema", f"expected {RESULTS_SCHEMA!r}")
    year_days = float(_get(results, "year_days", path))
    year_seconds = year_days * SECONDS_PER_DAY
    availability = _element_availability(inventory)
    functions = sorted(
        (
            _function(entry, f"{path}.functions[{key!r}]", availability, year_seconds)
            for key, entry in _get(results, "functions", path).items()
        ),
        key=lambda f: f.name,
    )
    return contract.AnalysisPart(
        year_convention=_year_convention(year_days),
        year_days=year_days,
        functions=tuple(functions),
        single_points=tuple(
            contract.SinglePoint(
                element=_get(row, "name", f"{path}.spof_ranking[{index}]"),
                hidden_behind=_get(row, "hidden_behind", f"{path}.spof_ranking[{index}]") or "",
                functions=tuple(_get(row, "functions", f"{path}.spof_ranking[{index}]")),
            )
            for index, row in enumerate(_get(results, "spof_ranking", path))
        ),
        inventory_errors=tuple(_get(results, "inventory_errors", path)),
    )


def document_part(
    plan: Plan, inventory: contract.InventoryPart
) -> tuple[contract.AnalysisPart, str | None]:
    """The latest finished whole-plan analysis and the date it ran (None: never run)."""
    run = latest_run(plan)
    if run is None:
        from analysis.selectors import settings_for

        settings = settings_for(plan)
        return (
            contract.AnalysisPart(
                year_convention=settings.get_year_convention_display(),
                year_days=settings.year_days,
                functions=(),
                single_points=(),
                inventory_errors=(),
            ),
            None,
        )
    return results_part(run.results, inventory), run.created_at.isoformat()


def rto_hours_by_function(plan: Plan) -> dict[str, float]:
    """The recommended RTO of each function in the latest finished analysis, by name."""
    run = latest_run(plan)
    return {} if run is None else run_rto_hours(run)


def run_rto_hours(run: Any) -> dict[str, float]:
    """The recommended RTO of each function in one run's results, by name."""
    path = "analysis.results"
    found: dict[str, float] = {}
    for key, entry in _get(run.results, "functions", path).items():
        where = f"{path}.functions[{key!r}]"
        required = _get(entry, "required", where)
        rto = None if required is None else _get(required, "rto_hours", f"{where}.required")
        if rto is not None:
            found[_get(entry, "name", where)] = float(rto)
    return found
