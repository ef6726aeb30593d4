"""The analysis results' part of the plan document (:class:`bcp.contract.AnalysisPart`).

Each analysis run stores its results as JSON under a schema version. Results of the
current schema (``continuity.analysis/v2``) are checked against their declared types
(:func:`analysis.results.check_plan_results`) and read field by field; runs stored by
the previous version (``continuity.analysis/v1``, before the declared types) are read by
their exact keys until they are run again (:mod:`documents.analysis_v1`). A key that is
missing or of the wrong type stops the snapshot with its path; nothing is guessed.

The part states the results in the document's words: measures, severities and methods
named through :mod:`analysis.formatting` (the words the analysis pages use), each weak
element's importance as the downtime a year the function would save if it never failed.
"""

from __future__ import annotations

from typing import Any

from analysis import formatting as words
from analysis.models import AnalysisRun
from analysis.results import (
    RESULTS_SCHEMA,
    Achievable,
    Figures,
    FunctionResult,
    Gap,
    MethodUsed,
    Option,
    PlanResults,
    check_plan_results,
)
from analysis.results_check import ResultsInvalid
from analysis.selectors import RoadmapRow, latest_run, roadmap_rows, settings_for, stored_results
from analysis.summaries import downtime_saved
from bcp import contract
from bcp.models import Plan
from bcp.typecheck import ContractError
from documents.analysis_v1 import V1_SCHEMA, v1_part, v1_rto_hours
from documents.analysis_words import IMPORTANCE_ROWS, capital, measure_words, milestones

STATUS_WORDS = {
    "assessed": "Assessed",
    "not_assessed": "Not assessed",
    "no_dependencies": "No dependencies recorded",
    "not_analysed": "Not analysed: the inventory has errors",
}


def _figure(measure: str, figures: Figures) -> tuple[float | None, float | None]:
    """(hours, availability) of one measure in a Figures mapping."""
    if measure == "rto":
        return figures["rto_hours"], None
    if measure == "rpo":
        return figures["rpo_hours"], None
    return None, figures["availability"]


# --- current schema ----------------------------------------------------------------------


def _method(method: MethodUsed) -> str:
    text = capital(words.method(method["code"]))
    if method["code"] == "monte_carlo" and method["ci95_low"] is not None:
        # A Monte Carlo interval is always stored with the samples it was drawn from.
        assert method["samples"] is not None
        text += (
            f" (95 % interval {words.percent(method['ci95_low'])} to "
            f"{words.percent(method['ci95_high'])}, {words.count(method['samples'])} samples, "
            f"seed {method['seed']})"
        )
    if method["note"]:
        text += f"; {method['note']}"
    return text


def _option_share(option: Option) -> str:
    if option["closes_gap"]:
        return "closes the gap"
    if option["gap_closed_percent"] is not None:
        return f"closes {option['gap_closed_percent']} % of the gap"
    return "known, still short"


def _first_remedy(gap: Gap) -> str:
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


def _v2_gap(gap: Gap) -> contract.Gap:
    measure = gap["measure"]
    hours, availability = (None, None) if measure == "spof" else _figure(measure, gap["before"])
    required = gap["required"]
    return contract.Gap(
        kind=measure_words(measure),
        severity=capital(words.severity(gap["severity"])),
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
    (:func:`analysis.summaries.downtime_saved`, as the function's analysis page shows it)."""
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
        severity=capital(words.severity(step["severity"])),
        change=change,
        before_hours=before_hours,
        after_hours=after_hours,
        before_availability=before_a,
        after_availability=after_a,
        outcome=outcome,
        milestones=milestones(plan_of_action["milestones"]) if plan_of_action else (),
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
    return results_part(stored_results(run), inventory), run.created_at.isoformat()


def rto_hours_by_function(plan: Plan) -> dict[str, float]:
    """The recommended RTO of each function in the latest finished analysis, by name."""
    run = latest_run(plan)
    return {} if run is None else run_rto_hours(run)


def run_rto_hours(run: AnalysisRun) -> dict[str, float]:
    """The RTO each function must meet in one run's results, by name."""
    results = stored_results(run)
    if isinstance(results, dict) and results.get("schema") == V1_SCHEMA:
        return v1_rto_hours(results)
    try:
        checked = check_plan_results(results)
    except ResultsInvalid as error:
        raise ContractError(f"analysis.results.{error.path}", error.message) from error
    found: dict[str, float] = {}
    for entry in checked["functions"]:
        required = entry["required"]
        if required is not None and required["rto_hours"] is not None:
            found[entry["name"]] = required["rto_hours"]
    return found


__all__ = ["RESULTS_SCHEMA", "document_part", "results_part", "rto_hours_by_function"]
