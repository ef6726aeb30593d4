"""The analysis results' part of the plan document (:class:`bcp.contract.AnalysisPart`).

Each analysis run stores its results as JSON under a schema version. Results of the
current schema (``continuity.analysis/v2``) are checked against their declared types
(:func:`analysis.results.check_plan_results`) and read field by field; runs stored by
the previous version (``continuity.analysis/v1``, before the declared types) are read by
their exact keys until they are run again. A key that is missing or of the wrong type
stops the snapshot with its path; nothing is guessed.

The part states the results in the document's words: measures, severities and methods
named through :mod:`analysis.formatting` (the words the analysis pages use), each weak
element's importance as the downtime a year the function would save if it never failed.
"""

from __future__ import annotations

from typing import Any

from analysis import formatting as words
from analysis.results import (
    RESULTS_SCHEMA,
    Achievable,
    FunctionResult,
    PlanResults,
    ResultsInvalid,
    check_plan_results,
    downtime_saved,
)
from analysis.selectors import RoadmapRow, latest_run, roadmap_rows, settings_for
from bcp import contract
from bcp.models import Plan
from bcp.typecheck import ContractError

V1_SCHEMA = "continuity.analysis/v1"
STATUS_WORDS = {
    "assessed": "Assessed",
    "not_assessed": "Not assessed",
    "no_dependencies": "No dependencies recorded",
    "not_analysed": "Not analysed: the inventory has errors",
}
MILESTONE_WORDS = {
    "assess": "Assess",
    "design": "Design",
    "fund": "Fund",
    "implement": "Implement",
    "test": "Test",
}
# At most this many weak elements per function, and none saving under a second a year.
IMPORTANCE_ROWS = 5


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def measure_words(code: str) -> str:
    """A measure as a table heading: "RTO", "Availability", "Single point of failure"."""
    return _capital(words.measure(code))


def _milestones(items: list[Any]) -> tuple[str, ...]:
    return tuple(
        f"{MILESTONE_WORDS.get(m['name'], _capital(m['name']))} by week {m['due_week']}"
        for m in items
    )


def _figure(measure: str, figures: Any) -> tuple[float | None, float | None]:
    """(hours, availability) of one measure in a Figures mapping."""
    if measure == "rto":
        return figures["rto_hours"], None
    if measure == "rpo":
        return figures["rpo_hours"], None
    return None, figures["availability"]


# --- current schema ----------------------------------------------------------------------


def _method(method: Any) -> str:
    text = _capital(words.method(method["code"]))
    if method["code"] == "monte_carlo" and method["ci95_low"] is not None:
        text += (
            f" (95 % interval {words.percent(method['ci95_low'])} to "
            f"{words.percent(method['ci95_high'])}, {words.count(method['samples'])} samples, "
            f"seed {method['seed']})"
        )
    if method["note"]:
        text += f"; {method['note']}"
    return text


def _option_share(option: Any) -> str:
    if option["closes_gap"]:
        return "closes the gap"
    if option["gap_closed_percent"] is not None:
        return f"closes {option['gap_closed_percent']} % of the gap"
    return "known, still short"


def _first_remedy(gap: Any) -> str:
    """The option ranked first with what it achieves; when it does not close the gap, the
    first option or set that does, so a partial first option does not read as the fix."""
    if gap["options"]:
        option = gap["options"][0]
        text = f"{option['technique']} on {option['target']} ({_option_share(option)})"
        if not option["closes_gap"]:
            closing = next((o for o in gap["options"] if o["closes_gap"]), None)
            if closing is not None:
                text += f"; closed by {closing['technique']} on {closing['target']}"
            elif gap["combination"] is not None:
                parts = gap["combination"]["parts"]
                together = " and ".join(f"{p['technique']} on {p['target']}" for p in parts)
                text += f"; closed by {together} together"
        return text
    if gap["combination"] is not None:
        parts = gap["combination"]["parts"]
        return " and ".join(f"{p['technique']} on {p['target']}" for p in parts)
    if gap["plan_of_action"] is not None:
        return f"Plan of action: {gap['plan_of_action']['title']}"
    return ""


def _v2_gap(gap: Any) -> contract.Gap:
    measure = gap["measure"]
    hours, availability = (None, None) if measure == "spof" else _figure(measure, gap["before"])
    required = gap["required"]
    return contract.Gap(
        kind=measure_words(measure),
        severity=_capital(words.severity(gap["severity"])),
        element=gap["element"] or "",
        required_hours=required if measure in ("rto", "rpo") else None,
        achievable_hours=hours,
        required_availability=required if measure == "availability" else None,
        achievable_availability=availability,
        evidence=gap["evidence"],
        first_option=_first_remedy(gap),
    )


def _v2_importance(achievable: Achievable) -> tuple[contract.Importance, ...]:
    """Each weak element as the downtime a year the function would save if it never failed
    (:func:`analysis.results.downtime_saved`, as the function's analysis page shows it)."""
    return tuple(
        contract.Importance(
            element=row.element,
            role="Single point of failure" if row.is_spof else "Weak element",
            downtime_saved_seconds_per_year=row.seconds_per_year,
        )
        for row in downtime_saved(achievable, limit=IMPORTANCE_ROWS)
    )


def _v2_required(entry: FunctionResult) -> contract.RequiredObjectives | None:
    required = entry["required"]
    if required is None:
        return None
    derived = required["derived"]
    agreed = required["agreed"]
    return contract.RequiredObjectives(
        mtpd_hours=required["mtpd_hours"],
        rto_hours=required["rto_hours"],
        rpo_hours=required["rpo_hours"],
        availability=required["availability"],
        tier=(derived["tier"] or "") if derived else "",
        reasoning=tuple(derived["reasoning"]) if derived else (),
        agreed=""
        if agreed is None
        else f"Agreed by {agreed['agreed_by']} on {agreed['agreed_at'][:10]}: {agreed['reason']}",
    )


def _v2_function(entry: FunctionResult) -> contract.FunctionAnalysis:
    achievable = entry["achievable"]
    return contract.FunctionAnalysis(
        name=entry["name"],
        status=STATUS_WORDS[entry["status"]],
        required=_v2_required(entry),
        achieved=None
        if achievable is None
        else contract.Achieved(
            availability=achievable["availability"],
            downtime_seconds_per_year=achievable["downtime_seconds_per_year"],
            method=_method(achievable["method"]),
        ),
        missing=tuple(entry["missing"]),
        gaps=tuple(_v2_gap(gap) for gap in entry["gaps"]),
        importance=() if achievable is None else _v2_importance(achievable),
    )


def _step_title(step: Any) -> str:
    element = step["element"]
    return measure_words(step["measure"]) + (f": {element}" if element else "")


def _v2_step(step: RoadmapRow, by_order: dict[int, RoadmapRow]) -> contract.RoadmapStep:
    measure = step["measure"]
    if step["after"] is None:
        before_hours = after_hours = before_a = after_a = None
    elif measure == "spof":
        before_hours = after_hours = None
        before_a, after_a = step["before"]["availability"], step["after"]["availability"]
    else:
        before_hours, before_a = _figure(measure, step["before"])
        after_hours, after_a = _figure(measure, step["after"])
    if step["closes_gap"]:
        outcome = "Closes the gap"
    elif step["gap_closed_percent"] is not None and step["after"] is not None:
        outcome = f"Closes {step['gap_closed_percent']} % of the gap"
    else:
        outcome = "Does not close the gap"
    if step["also_closes"]:
        count = len(step["also_closes"])
        outcome += f"; also closes {count} other gap{'' if count == 1 else 's'}"
    if step["closed_by"] is not None:
        earlier = _step_title(by_order[step["closed_by"]])
        outcome += f"; already closed by this function's step above for {earlier}"
    plan_of_action = step["plan_of_action"]
    change = " and ".join(f"{p['technique']} on {p['target']}" for p in step["parts"])
    if plan_of_action is not None and not change:
        change = plan_of_action["title"]
    title = _step_title(step)
    return contract.RoadmapStep(
        function=step["function"],
        title=title,
        severity=_capital(words.severity(step["severity"])),
        change=change,
        before_hours=before_hours,
        after_hours=after_hours,
        before_availability=before_a,
        after_availability=after_a,
        outcome=outcome,
        milestones=_milestones(plan_of_action["milestones"]) if plan_of_action else (),
    )


def v2_part(results: PlanResults) -> contract.AnalysisPart:
    steps = roadmap_rows(results["roadmap"])
    by_order = {step["order"]: step for step in steps}
    return contract.AnalysisPart(
        year_convention=words.year_convention(results["context"]["year_days"]),
        year_days=results["context"]["year_days"],
        functions=tuple(
            sorted((_v2_function(e) for e in results["functions"]), key=lambda f: f.name)
        ),
        roadmap=tuple(_v2_step(step, by_order) for step in steps),
        single_points=tuple(
            contract.SinglePoint(
                element=row["element"],
                hidden_behind=", ".join(row["hidden_behind"]),
                functions=tuple(row["functions"]),
            )
            for row in results["spof_ranking"]
        ),
        inventory_errors=tuple(results["inventory_errors"]),
    )


# --- previous schema, until its runs are run again ---------------------------------------


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
    milestones: dict[tuple[str, str], tuple[str, ...]] = {}
    for index, action in enumerate(_get(entry, "action_plan", path)):
        where = f"{path}.action_plan[{index}]"
        key = (_get(action, "gap_kind", where), _get(action, "element", where) or "")
        milestones[key] = _milestones(_get(action, "milestones", where))
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
                severity=_capital(words.severity(severity)),
                change=f"{_get(option, 'technique', at)} on {_get(option, 'target', at)}",
                before_hours=before_hours,
                after_hours=after_hours,
                before_availability=before_a,
                after_availability=after_a,
                outcome="Closes the gap" if _get(option, "closes_gap", at) else "Narrows the gap",
                milestones=milestones.get((measure, element), ()),
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
                severity=_capital(words.severity(_get(gap, "severity", where))),
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
            method=_capital(words.method(V1_METHODS[_get(achieved, "method", at)])),
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


# --- entry points -----------------------------------------------------------------------


def results_part(results: Any, inventory: contract.InventoryPart) -> contract.AnalysisPart:
    """One run's stored results as the document's analysis part, by their schema."""
    schema = results.get("schema") if isinstance(results, dict) else None
    if schema == V1_SCHEMA:
        return v1_part(results, inventory)
    try:
        return v2_part(check_plan_results(results))
    except ResultsInvalid as error:
        raise ContractError(f"analysis.results.{error.path}", error.message) from error


def document_part(
    plan: Plan, inventory: contract.InventoryPart
) -> tuple[contract.AnalysisPart, str | None]:
    """The latest finished whole-plan analysis and the date it ran (None: never run)."""
    run = latest_run(plan)
    if run is None:
        settings = settings_for(plan)
        return (
            contract.AnalysisPart(
                year_convention=words.year_convention(settings.year_days),
                year_days=settings.year_days,
                functions=(),
                roadmap=(),
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
    """The RTO each function must meet in one run's results, by name."""
    results = run.results
    found: dict[str, float] = {}
    if isinstance(results, dict) and results.get("schema") == V1_SCHEMA:
        path = "analysis.results"
        for key, entry in _get(results, "functions", path).items():
            where = f"{path}.functions[{key!r}]"
            required = _get(entry, "required", where)
            rto = None if required is None else _get(required, "rto_hours", f"{where}.required")
            if rto is not None:
                found[_get(entry, "name", where)] = float(rto)
        return found
    try:
        checked = check_plan_results(results)
    except ResultsInvalid as error:
        raise ContractError(f"analysis.results.{error.path}", error.message) from error
    for entry in checked["functions"]:
        required = entry["required"]
        if required is not None and required["rto_hours"] is not None:
            found[entry["name"]] = required["rto_hours"]
    return found


__all__ = ["RESULTS_SCHEMA", "document_part", "results_part", "rto_hours_by_function"]
