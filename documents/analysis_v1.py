"""Analysis results stored by the previous schema (``continuity.analysis/v1``, before the
declared types of :mod:`analysis.results`), read by their exact keys until their runs are
run again. A key that is missing or of the wrong type stops the snapshot with its path.
"""

from __future__ import annotations

from typing import Any

from analysis import formatting as words
from bcp import contract
from bcp.typecheck import ContractError
from documents.analysis_words import IMPORTANCE_ROWS, capital, measure_words, milestones

V1_SCHEMA = "continuity.analysis/v1"


def _get(mapping: Any, key: str, path: str) -> Any:
    if not isinstance(mapping, dict):
        raise ContractError(path, "expected a mapping in the analysis results")
    if key not in mapping:
        raise ContractError(f"{path}.{key}", "missing from the analysis results")
    return mapping[key]


V1_METHODS = {"exact_bdd": "exact", "monte_carlo": "monte_carlo"}


def _v1_element_availability(inventory: contract.InventoryPart) -> dict[str, float]:
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


def _v1_importance(
    items: list[Any], path: str, availability: dict[str, float], year_seconds: float
) -> tuple[contract.Importance, ...]:
    """Downtime saved a year = Birnbaum importance × the element's unavailability × year.

    With independent failures A = p·A(up) + (1 − p)·A(down), so an element that never
    failed would raise A by (1 − p)·I_B. This schema stores no element availability, so
    it is taken from the inventory part.
    """
    rows = []
    for index, item in enumerate(items):
        where = f"{path}[{index}]"
        name = _get(item, "name", where)
        p = availability.get(name)
        if p is None:
            continue
        saved = float(_get(item, "birnbaum", where)) * (1.0 - p) * year_seconds
        if saved >= 1.0:
            rows.append(
                contract.Importance(
                    element=name,
                    role="Single point of failure"
                    if _get(item, "is_spof", where)
                    else "Weak element",
                    downtime_saved_seconds_per_year=saved,
                )
            )
    rows.sort(key=lambda r: (-r.downtime_saved_seconds_per_year, r.element))
    return tuple(rows[:IMPORTANCE_ROWS])


def _v1_roadmap(entry: Any, path: str) -> list[contract.RoadmapStep]:
    """Each critical or high gap with its first-ranked option and that option's effect."""
    dues: dict[tuple[str, str], tuple[str, ...]] = {}
    for index, action in enumerate(_get(entry, "action_plan", path)):
        where = f"{path}.action_plan[{index}]"
        key = (_get(action, "gap_kind", where), _get(action, "element", where) or "")
        dues[key] = milestones(_get(action, "milestones", where))
    achieved = _get(entry, "availability", path) or {}
    steps = []
    for index, gap in enumerate(_get(entry, "gaps", path)):
        where = f"{path}.gaps[{index}]"
        severity, options = _get(gap, "severity", where), _get(gap, "options", where)
        if severity not in ("critical", "high") or not options:
            continue
        measure, option, at = _get(gap, "kind", where), options[0], f"{where}.options[0]"
        before_hours = after_hours = before_a = after_a = None
        if measure in ("rto", "rpo"):
            before_hours = _get(gap, "achievable", where)
            after_hours = _get(option, f"{measure}_hours_after", at)
        else:
            before_a = _get(achieved, "availability", f"{path}.availability")
            after_a = _get(option, "availability_after", at)
        element = _get(gap, "element", where) or ""
        steps.append(
            contract.RoadmapStep(
                function=_get(entry, "name", path),
                title=measure_words(measure) + (f": {element}" if element else ""),
                severity=capital(words.severity(severity)),
                change=f"{_get(option, 'technique', at)} on {_get(option, 'target', at)}",
                before_hours=before_hours,
                after_hours=after_hours,
                before_availability=before_a,
                after_availability=after_a,
                outcome="Closes the gap" if _get(option, "closes_gap", at) else "Narrows the gap",
                milestones=dues.get((measure, element), ()),
            )
        )
    return steps


def _v1_function(
    entry: Any, path: str, availability: dict[str, float], year_seconds: float
) -> contract.FunctionAnalysis:
    required = _get(entry, "required", path)
    achieved = _get(entry, "availability", path)
    gaps = []
    for index, gap in enumerate(_get(entry, "gaps", path)):
        where = f"{path}.gaps[{index}]"
        measure = _get(gap, "kind", where)
        value, reached = _get(gap, "required", where), _get(gap, "achievable", where)
        options = _get(gap, "options", where)
        gaps.append(
            contract.Gap(
                kind=measure_words(measure),
                severity=capital(words.severity(_get(gap, "severity", where))),
                element=_get(gap, "element", where) or "",
                required_hours=value if measure in ("rto", "rpo") else None,
                achievable_hours=reached if measure in ("rto", "rpo") else None,
                # Stated as unavailabilities (1 − A) in this schema.
                required_availability=1 - value if measure == "availability" else None,
                achievable_availability=1 - reached if measure == "availability" else None,
                evidence=_get(gap, "evidence", where),
                first_option=f"{options[0]['technique']} on {options[0]['target']}"
                if options
                else "",
            )
        )
    at = f"{path}.availability"
    return contract.FunctionAnalysis(
        name=_get(entry, "name", path),
        status="Assessed" if required is not None else "Not assessed",
        required=None
        if required is None
        else contract.RequiredObjectives(
            mtpd_hours=_get(required, "mtpd_hours", f"{path}.required"),
            rto_hours=_get(required, "rto_hours", f"{path}.required"),
            rpo_hours=_get(required, "rpo_hours", f"{path}.required"),
            availability=_get(required, "availability", f"{path}.required"),
            tier=_get(required, "tier", f"{path}.required") or "",
            reasoning=tuple(_get(required, "reasoning", f"{path}.required")),
            agreed="",
        ),
        achieved=None
        if achieved is None
        else contract.Achieved(
            availability=_get(achieved, "availability", at),
            downtime_seconds_per_year=_get(achieved, "downtime_seconds_per_year", at),
            method=capital(words.method(V1_METHODS[_get(achieved, "method", at)])),
        ),
        missing=tuple(_get(entry, "missing", path)),
        gaps=tuple(gaps),
        importance=()
        if achieved is None
        else _v1_importance(
            _get(achieved, "importance", at), f"{at}.importance", availability, year_seconds
        ),
    )


def v1_part(results: dict[str, Any], inventory: contract.InventoryPart) -> contract.AnalysisPart:
    path = "analysis.results"
    year_days = float(_get(results, "year_days", path))
    availability = _v1_element_availability(inventory)
    entries = [
        (entry, f"{path}.functions[{key!r}]")
        for key, entry in _get(results, "functions", path).items()
    ]
    return contract.AnalysisPart(
        year_convention=words.year_convention(year_days),
        year_days=year_days,
        functions=tuple(
            sorted(
                (_v1_function(e, where, availability, year_days * 86_400) for e, where in entries),
                key=lambda f: f.name,
            )
        ),
        roadmap=tuple(
            step
            for e, where in sorted(entries, key=lambda pair: str(pair[0].get("name")))
            for step in _v1_roadmap(e, where)
        ),
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


def v1_rto_hours(results: dict[str, Any]) -> dict[str, float]:
    """The RTO each function must meet, by name, in results of this schema."""
    path = "analysis.results"
    found: dict[str, float] = {}
    for key, entry in _get(results, "functions", path).items():
        where = f"{path}.functions[{key!r}]"
        required = _get(entry, "required", where)
        rto = None if required is None else _get(required, "rto_hours", f"{where}.required")
        if rto is not None:
            found[_get(entry, "name", where)] = float(rto)
    return found
