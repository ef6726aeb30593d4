"""Plan-level summaries of a run, from every function's outcome: shared single points of
failure ranked by how many functions they stop, the objectives shared elements inherit,
the impact heat-map and how many functions are covered.

Pure functions over :mod:`analysis.results` types; :mod:`analysis.compute` calls them when
it merges a run's outcomes.
"""

from __future__ import annotations

from collections.abc import Callable

from analysis import shaping
from analysis.engine.objectives import RecoveryRecommendation, strictest_objectives
from analysis.engine.structure import components_used_by
from analysis.inputs import AnalysisInputs
from analysis.results import (
    Coverage,
    FunctionOutcome,
    FunctionRef,
    FunctionResult,
    FunctionStatus,
    Heatmap,
    HeatmapRow,
    InheritedObjective,
    SeverityCounts,
    SpofRank,
)


def heatmap(inputs: AnalysisInputs, keys: list[str]) -> Heatmap:
    """Worst impact level per function and horizon (max over categories)."""
    horizons: tuple[float, ...] = ()
    rows: list[HeatmapRow] = []
    for key in keys:
        function = inputs.topology.functions[key]
        assessment = inputs.assessments.get(key)
        if assessment is None or not assessment.impacts:
            rows.append({"function": function.name, "function_pk": function.pk, "levels": None})
            continue
        horizons = horizons or assessment.horizons_hours
        levels = [
            max(values[i] for values in assessment.impacts.values() if i < len(values))
            for i in range(len(assessment.horizons_hours))
        ]
        rows.append({"function": function.name, "function_pk": function.pk, "levels": levels})
    return {"horizons_hours": [float(h) for h in horizons], "rows": rows}


def coverage(entries: list[FunctionResult]) -> Coverage:
    def refs(status: FunctionStatus, reason: Callable[[FunctionResult], str]) -> list[FunctionRef]:
        return [
            {"name": e["name"], "pk": e["pk"], "reason": reason(e)}
            for e in entries
            if e["status"] == status
        ]

    counts: SeverityCounts = {"critical": 0, "high": 0, "medium": 0, "low": 0}
    for entry in entries:
        for g in entry["gaps"]:
            counts[g["severity"]] += 1
    assessed = sum(1 for e in entries if e["status"] == "assessed")
    with_gaps = sum(1 for e in entries if e["gaps"])
    return {
        "functions": len(entries),
        "assessed": assessed,
        "not_assessed": refs("not_assessed", lambda e: "; ".join(e["missing"]) or "no RTO"),
        "no_dependencies": refs("no_dependencies", lambda e: "no dependencies recorded"),
        "not_analysed": refs("not_analysed", lambda e: "the inventory has errors"),
        "with_gaps": with_gaps,
        "gaps": counts,
        "no_gaps": bool(entries) and assessed == len(entries) and with_gaps == 0,
    }


def spof_ranking(outcomes: list[FunctionOutcome], namer: shaping.Namer) -> list[SpofRank]:
    stops: dict[str, list[str]] = {}
    behind: dict[str, list[str]] = {}
    for outcome in outcomes:
        for element in outcome["spofs"]:
            stops.setdefault(element, []).append(outcome["entry"]["name"])
        for element, groups in outcome["hidden"].items():
            for group in groups:
                if group not in behind.setdefault(element, []):
                    behind[element].append(group)
    model_kinds = namer.topology
    ranking: list[SpofRank] = [
        {
            "element": namer.name(element),
            "kind": "site" if element in model_kinds.sites else "component",
            "functions": sorted(names),
            "hidden_behind": namer.names(behind.get(element, [])),
        }
        for element, names in stops.items()
    ]
    ranking.sort(key=lambda row: (-len(row["functions"]), row["element"]))
    return ranking


def inherited_objectives(
    inputs: AnalysisInputs, outcomes: list[FunctionOutcome], namer: shaping.Namer
) -> list[InheritedObjective]:
    """The strictest required objectives (agreed or derived) each shared element inherits.

    ``strictest_objectives`` reads only a recommendation's RTO, RPO and availability,
    which for a function with one are its required (agreed, else derived) figures.
    """
    effective: dict[str, RecoveryRecommendation] = {}
    for outcome in outcomes:
        required = outcome["entry"]["required"]
        if not outcome["recommended"] or required is None:
            continue
        effective[outcome["entry"]["key"]] = RecoveryRecommendation(
            mtpd_hours=required["mtpd_hours"],
            recommended_rto_hours=required["rto_hours"],
            recommended_rpo_hours=required["rpo_hours"],
            required_availability=required["availability"],
            availability_tier_label=None,
            minimum_service_level_percent=None,
            reasoning=(),
            missing=(),
        )
    inherited = strictest_objectives(effective, components_used_by(inputs.topology.topology))
    return [
        {
            "element": namer.name(element),
            "rto_hours": objective.rto_hours,
            "rto_set_by": namer.maybe(objective.rto_set_by),
            "rpo_hours": objective.rpo_hours,
            "rpo_set_by": namer.maybe(objective.rpo_set_by),
            "availability": objective.availability,
            "availability_set_by": namer.maybe(objective.availability_set_by),
            "functions": namer.names(objective.functions),
        }
        for element, objective in sorted(inherited.items(), key=lambda i: namer.name(i[0]))
        if objective.functions
    ]
