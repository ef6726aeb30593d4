"""Run the engine over a plan's inputs and shape the results for pages and documents.

No database access here: :mod:`analysis.inputs` loads, this module computes, the
service stores. Results are plain JSON (names, not engine ids) so pages, the PDF and
the API can show them without the engine.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable
from typing import Any

from analysis.engine import (
    AchievableObjectives,
    AvailabilityAnalyzer,
    GapReport,
    RecoveryRecommendation,
    ServiceAvailability,
    TopologyError,
    achievable_objectives,
    analyse_gaps,
    components_used_by,
    format_duration,
    recommend_objectives,
    strictest_objectives,
)
from analysis.engine.structure import Model
from analysis.engine.topology import Method
from analysis.inputs import AnalysisInputs

Progress = Callable[[int, str], None]
RESULTS_SCHEMA = "continuity.analysis/v1"


class _Namer:
    """Replaces engine ids (``component:12``) with the names people gave them."""

    def __init__(self, inputs: AnalysisInputs) -> None:
        self.topology = inputs.topology
        ids = sorted(self.topology.all_ids(), key=len, reverse=True)
        self.pattern = re.compile(
            "|".join(re.escape(i) + r"(?!\d)" for i in ids) if ids else r"(?!x)x"
        )

    def name(self, element_id: str | None) -> str | None:
        return None if element_id is None else self.topology.name(element_id)

    def text(self, text: str) -> str:
        return self.pattern.sub(lambda m: self.topology.name(m.group(0)), text)

    def names(self, ids: Iterable[str]) -> list[str]:
        return [self.topology.name(i) for i in ids]


def _hours(value: float | None) -> str | None:
    return None if value is None else format_duration(value * 3600)


def _required(rec: RecoveryRecommendation | None) -> dict[str, Any] | None:
    if rec is None:
        return None
    return {
        "mtpd_hours": rec.mtpd_hours,
        "mtpd": _hours(rec.mtpd_hours),
        "mtpd_category": rec.mtpd_category,
        "rto_hours": rec.recommended_rto_hours,
        "rto": _hours(rec.recommended_rto_hours),
        "rpo_hours": rec.recommended_rpo_hours,
        "rpo": _hours(rec.recommended_rpo_hours),
        "availability": rec.required_availability,
        "tier": rec.availability_tier_label,
        "minimum_service_level_percent": rec.minimum_service_level_percent,
        "reasoning": list(rec.reasoning),
        "missing": list(rec.missing),
    }


def _availability(result: ServiceAvailability, namer: _Namer) -> dict[str, Any]:
    return {
        "availability": result.availability,
        "unavailability": result.unavailability,
        "downtime_seconds_per_year": result.downtime_seconds_per_year,
        "downtime_per_year": format_duration(result.downtime_seconds_per_year),
        "method": result.method,
        "ci95": None if result.ci95_low is None else [result.ci95_low, result.ci95_high],
        "samples": result.samples,
        "seed": result.seed,
        "notes": [namer.text(n) for n in result.notes],
        "importance": [
            {
                "id": item.element_id,
                "name": namer.name(item.element_id),
                "kind": item.element_kind,
                "birnbaum": item.birnbaum,
                "is_spof": item.is_spof,
            }
            for item in result.importance[:15]
        ],
    }


def _achievable(ach: AchievableObjectives, namer: _Namer) -> dict[str, Any]:
    return {
        "rto_hours": ach.rto_hours,
        "rto": _hours(ach.rto_hours),
        "rto_set_by": namer.name(ach.rto_set_by),
        "rto_unknown": namer.names(ach.rto_unknown),
        "rpo_hours": ach.rpo_hours,
        "rpo": _hours(ach.rpo_hours),
        "rpo_set_by": namer.name(ach.rpo_set_by),
        "rpo_unprotected": namer.names(ach.rpo_unprotected),
        "rpo_applicable": ach.rpo_applicable,
        "availability": ach.availability,
        "availability_method": ach.availability_method,
        "single_points_of_failure": namer.names(ach.single_points_of_failure),
        "single_point_ids": list(ach.single_points_of_failure),
        "reasoning": [namer.text(r) for r in ach.reasoning],
    }


def _gaps(report: GapReport, namer: _Namer) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    gaps = [
        {
            "kind": gap.kind,
            "severity": gap.severity,
            "required": gap.required,
            "achievable": gap.achievable,
            "element": namer.name(gap.element),
            "evidence": namer.text(gap.evidence),
            "options": [
                {
                    "technique": option.technique_name,
                    "target": namer.name(option.target),
                    "closes_gap": option.closes_gap,
                    "gap_closed": option.gap_closed,
                    "gap_closed_percent": round(100 * option.gap_closed),
                    "cost_class": option.cost_class,
                    "complexity": option.complexity,
                    "score": option.score,
                    "availability_after": option.availability_after,
                    "rto_hours_after": option.rto_hours_after,
                    "rto_after": _hours(option.rto_hours_after),
                    "rpo_hours_after": option.rpo_hours_after,
                    "spofs_after": namer.names(option.spofs_after),
                    "assumptions": option.assumptions,
                }
                for option in gap.remediation
            ],
        }
        for gap in report.gaps
    ]
    actions = [
        {
            "title": namer.text(item.title),
            "severity": item.severity,
            "gap_kind": item.gap_kind,
            "element": namer.name(item.element),
            "best_option": None if item.best_option is None else item.best_option.technique_name,
            "milestones": [
                {"name": m.name, "description": namer.text(m.description), "due_week": m.due_week}
                for m in item.milestones
            ],
        }
        for item in report.action_plan
    ]
    return gaps, actions


SEVERITY_ORDER = {"critical": 0, "high": 1, "medium": 2, "low": 3}

# Ranking remedies re-runs the engine for every technique on every gap (a what-if
# each), which dominates a large plan's run. Past this many functions a whole-plan run
# finds and grades every gap but ranks remedies only when one function is recomputed.
REMEDY_RANKING_LIMIT = 50


def analyse_function(
    inputs: AnalysisInputs,
    key: str,
    *,
    analyzer: AvailabilityAnalyzer | None,
    namer: _Namer,
    rank_remedies: bool = True,
) -> tuple[dict[str, Any], RecoveryRecommendation | None]:
    """One function's required versus achievable objectives, gaps and roadmap."""
    function = inputs.topology.functions[key]
    settings = inputs.settings
    assessment = inputs.assessments.get(key)
    recommendation = (
        recommend_objectives(assessment, year_days=settings.year_days)
        if assessment is not None
        else None
    )
    requires = next(s.requires for s in inputs.topology.topology.services if s.id == key)
    missing: list[str] = []
    if assessment is None:
        missing.append("a reviewed BIA (submitted or approved answers)")
    elif recommendation is not None:
        missing.extend(recommendation.missing)
    if not requires:
        missing.append("dependencies on inventory components")
    entry: dict[str, Any] = {
        "id": key,
        "pk": function.pk,
        "name": function.name,
        "criticality": getattr(function, "criticality", ""),
        "required": _required(recommendation),
        "achievable": None,
        "availability": None,
        "gaps": [],
        "action_plan": [],
        "missing": missing,
        "degraded_requires": namer.names(inputs.topology.degraded_requires.get(key, ())),
    }
    if not requires or analyzer is None:
        return entry, recommendation
    method: Method = settings.method  # type: ignore[assignment]
    availability = analyzer.service(key)
    entry["availability"] = _availability(availability, namer)
    if recommendation is not None and recommendation.recommended_rto_hours is not None:
        report = analyse_gaps(
            inputs.topology.topology,
            key,
            recommendation,
            function_id=key,
            techniques=inputs.techniques if rank_remedies else (),
            method=method,
        )
        entry["achievable"] = _achievable(report.achievable, namer)
        entry["gaps"], entry["action_plan"] = _gaps(report, namer)
        if not rank_remedies:
            # Without ranked options every gap would look unclosable; say what happened.
            entry["action_plan"] = []
            entry["remedies_deferred"] = True
        hidden = hidden_spofs(analyzer.model, key, report.achievable.single_points_of_failure)
        entry["gaps"].sort(key=lambda g: SEVERITY_ORDER.get(g["severity"], 9))
        entry["notes"] = [namer.text(n) for n in report.notes]
    else:
        # The plan's analyzer already compiled this function's structure: reuse it.
        ach = achievable_objectives(inputs.topology.topology, key, analyzer=analyzer)
        entry["achievable"] = _achievable(ach, namer)
        hidden = hidden_spofs(analyzer.model, key, ach.single_points_of_failure)
    entry["hidden_spofs"] = [
        {"name": namer.name(element), "behind": namer.name(group)}
        for element, group in hidden.items()
    ]
    return entry, recommendation


def hidden_spofs(model: Model, key: str, spofs: Iterable[str]) -> dict[str, str]:
    """SPOFs that redundancy hides: every member of a "redundant" group needs them.

    Returns {element id: group id}. Example: two application servers in an
    active/passive pair that both run on one SAN — the pair looks redundant, the SAN is
    a single point of failure all the same. ``model`` is the plan analyzer's, so its
    closure and necessity caches are shared across functions.
    """
    spof_set = set(spofs)
    if not spof_set:
        return {}
    found: dict[str, str] = {}
    for element in model.closure(key):
        if model.kind(element) != "group":
            continue
        members = model.children(element)
        if len(members) < 2:
            continue
        shared = frozenset.intersection(*(model.necessary(m) for m in members))
        for spof in sorted(shared & spof_set):
            found.setdefault(spof, element)
    return found


def _heatmap(inputs: AnalysisInputs) -> dict[str, Any]:
    """Worst impact level per function and horizon (max over categories)."""
    horizons: tuple[float, ...] = ()
    rows = []
    for key, function in inputs.topology.functions.items():
        assessment = inputs.assessments.get(key)
        if assessment is None or not assessment.impacts:
            rows.append({"name": function.name, "levels": None})
            continue
        horizons = horizons or assessment.horizons_hours
        levels = [
            max(values[i] for values in assessment.impacts.values() if i < len(values))
            for i in range(len(assessment.horizons_hours))
        ]
        rows.append({"name": function.name, "levels": levels})
    return {
        "horizons_hours": list(horizons),
        "horizons": [format_duration(h * 3600) for h in horizons],
        "rows": rows,
    }


def analyse_plan(
    inputs: AnalysisInputs,
    *,
    only: str | None = None,
    progress: Progress | None = None,
    rank_remedies: bool | None = None,
) -> dict[str, Any]:
    """Analyse every function of the plan (or only ``only``) and rank shared risks.

    1. Validate the topology; an invalid inventory stops here with its errors named.
    2. One analyzer serves all functions so shared groups are compiled once.
    3. Per function: recommendation, availability, achievable objectives, gaps.
    4. Plan level: SPOFs ranked by how many functions they stop, the strictest
       objectives each shared component inherits, and the impact heat-map.
    """
    started = time.perf_counter()
    report = progress or (lambda percent, message: None)
    namer = _Namer(inputs)
    errors = inputs.topology.error_messages()
    settings = inputs.settings
    keys = [only] if only else inputs.function_ids()
    if rank_remedies is None:
        rank_remedies = len(keys) <= REMEDY_RANKING_LIMIT
    results: dict[str, Any] = {
        "schema": RESULTS_SCHEMA,
        "year_days": settings.year_days,
        "method": settings.method,
        "inventory_errors": errors,
        "notes": list(inputs.notes),
        "remedies_ranked": True,
        "functions": {},
    }
    analyzer: AvailabilityAnalyzer | None = None
    if not errors:
        try:
            analyzer = AvailabilityAnalyzer(
                inputs.topology.topology,
                method=settings.method,  # type: ignore[arg-type]
                samples=settings.samples,
                seed=settings.seed,
            )
        except TopologyError as error:
            results["inventory_errors"] = [namer.text(error.message)]
    results["remedies_ranked"] = rank_remedies
    recommendations: dict[str, RecoveryRecommendation] = {}
    timings: dict[str, float] = {}
    for index, key in enumerate(keys, start=1):
        begun = time.perf_counter()
        entry, recommendation = analyse_function(
            inputs, key, analyzer=analyzer, namer=namer, rank_remedies=rank_remedies
        )
        results["functions"][key] = entry
        if recommendation is not None:
            recommendations[key] = recommendation
        timings[key] = time.perf_counter() - begun
        report(5 + int(85 * index / max(1, len(keys))), f"Analysed {entry['name']}")

    spof_count: dict[str, list[str]] = {}
    hidden_behind: dict[str, str] = {}
    for entry in results["functions"].values():
        achievable = entry.get("achievable") or {}
        for element_id in achievable.get("single_point_ids", []):
            spof_count.setdefault(element_id, []).append(entry["name"])
        for hidden in entry.get("hidden_spofs", []):
            hidden_behind.setdefault(hidden["name"], hidden["behind"])
    results["spof_ranking"] = sorted(
        (
            {
                "id": element,
                "name": namer.name(element),
                "functions": sorted(names),
                "hidden_behind": hidden_behind.get(namer.name(element) or ""),
            }
            for element, names in spof_count.items()
        ),
        key=lambda row: (-len(row["functions"]), row["name"]),
    )
    if not results["inventory_errors"] and not only:
        used_by = components_used_by(inputs.topology.topology)
        inherited = strictest_objectives(recommendations, used_by)
        results["inherited_objectives"] = {
            element: {
                "name": namer.name(element),
                "rto_hours": objective.rto_hours,
                "rto": _hours(objective.rto_hours),
                "rto_set_by": namer.name(objective.rto_set_by),
                "rpo_hours": objective.rpo_hours,
                "rpo": _hours(objective.rpo_hours),
                "rpo_set_by": namer.name(objective.rpo_set_by),
                "availability": objective.availability,
                "availability_set_by": namer.name(objective.availability_set_by),
                "functions": namer.names(objective.functions),
            }
            for element, objective in inherited.items()
            if objective.functions
        }
    results["heatmap"] = _heatmap(inputs)
    report(95, "Ranking shared risks")
    results["timings"] = {
        "total_seconds": time.perf_counter() - started,
        "per_function_seconds": timings,
    }
    return results
