"""Load a plan's BIA answers, inventory and settings into engine inputs, and hash them.

The hash covers exactly what the engine reads, so a run is stale precisely when an
input it used has changed since.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db.models import Max, Model

from analysis.engine import DEFAULT_TECHNIQUES, ImpactAssessment, Technique, topology_to_dict
from analysis.models import AnalysisSettings
from bcp.models import Plan
from inventory.topology import PlanTopology, plan_topology


@dataclass(frozen=True)
class EngineSettings:
    year_days: float = 365.2425
    method: str = "auto"
    samples: int = 200_000
    seed: int = 20_260_101
    rto_margin_fraction: float = 0.1
    expected_incidents_per_year: float = 1.0
    budget_period: str = "month"


@dataclass
class AnalysisInputs:
    plan_id: int
    topology: PlanTopology
    assessments: dict[str, ImpactAssessment | None]
    techniques: tuple[Technique, ...]
    settings: EngineSettings
    notes: list[str] = field(default_factory=list)

    def function_ids(self) -> list[str]:
        return list(self.topology.functions)


def engine_settings(plan: Plan) -> EngineSettings:
    stored = AnalysisSettings.objects.filter(plan=plan).first()
    if stored is None:
        return EngineSettings()
    return EngineSettings(
        year_days=stored.year_days,
        method=stored.method,
        samples=stored.monte_carlo_samples,
        seed=stored.monte_carlo_seed,
        rto_margin_fraction=stored.rto_margin_percent / 100.0,
        expected_incidents_per_year=stored.expected_incidents_per_year,
        budget_period=stored.budget_period,
    )


def plan_techniques(plan: Plan) -> tuple[tuple[Technique, ...], list[str]]:
    """The plan's catalogue as engine techniques.

    The plan edits figures (failover, data loss, restore, cost, complexity) of catalogue
    entries; how a technique changes a topology (its effect) comes from the engine's
    catalogue by key. Entries the engine does not know are listed in the notes.
    """
    from inventory.selectors import technique_catalogue

    by_key = {technique.key: technique for technique in DEFAULT_TECHNIQUES}
    found: list[Technique] = []
    notes: list[str] = []
    rows = technique_catalogue(plan)
    if not rows:
        return DEFAULT_TECHNIQUES, ["The plan has no technique catalogue; defaults used."]
    for row in rows:
        base = by_key.get(row.key)
        if base is None:
            notes.append(f"Technique “{row.name}” has no modelled effect and is not proposed.")
            continue
        found.append(
            dataclasses.replace(
                base,
                name=row.name,
                failover_seconds=row.failover_seconds,
                data_loss_seconds=row.data_loss_seconds,
                restore_hours=row.restore_hours,
                cost_class=int(row.cost_class),
                complexity=int(row.complexity),
            )
        )
    return tuple(found), notes


def load_inputs(plan: Plan) -> AnalysisInputs:
    """Everything the engine needs for ``plan``, in a fixed number of queries."""
    from bia.selectors import plan_impact_assessments

    settings = engine_settings(plan)
    topology = plan_topology(plan)
    # The year convention and method chosen for the plan apply to every figure.
    topology.topology = dataclasses.replace(
        topology.topology,
        year_days=settings.year_days,
        method=settings.method,  # type: ignore[arg-type]
    )
    assessments: dict[str, ImpactAssessment | None] = {}
    reviewed = plan_impact_assessments(plan)  # a fixed number of queries for the plan
    for key, function in topology.functions.items():
        assessment = reviewed.get(function.pk)
        if assessment is not None:
            assessment = dataclasses.replace(
                assessment,
                margin_fraction=settings.rto_margin_fraction,
                expected_incidents_per_year=settings.expected_incidents_per_year,
            )
        assessments[key] = assessment
    techniques, notes = plan_techniques(plan)
    return AnalysisInputs(plan.pk, topology, assessments, techniques, settings, notes)


INPUT_APPS = ("bia", "inventory")


def _input_history_models() -> list[type[Model]]:
    from analysis.models import AnalysisSettings

    found: list[type[Model]] = [AnalysisSettings.history.model]
    for model in apps.get_models():
        if model._meta.app_label in INPUT_APPS and hasattr(model, "history"):
            found.append(model.history.model)
    return sorted(found, key=lambda m: m._meta.label)


def input_watermark(plan: Plan) -> dict[str, int]:
    """Newest history id per input table for ``plan`` (one query per table).

    Every write to an input leaves a history row, so a run is stale exactly when one of
    these numbers has moved since it read its inputs.
    """
    marks: dict[str, int] = {}
    for history_model in _input_history_models():
        rows = history_model._default_manager.all()
        if any(f.name == "plan" for f in history_model._meta.fields):
            rows = rows.filter(plan_id=plan.pk)
        marks[history_model._meta.label] = rows.aggregate(newest=Max("history_id"))["newest"] or 0
    return marks


def _jsonable(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {k: _jsonable(v) for k, v in dataclasses.asdict(value).items()}
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def inputs_hash(inputs: AnalysisInputs) -> str:
    """sha256 of the canonical JSON of every engine input."""
    document = {
        "topology": topology_to_dict(inputs.topology.topology),
        "degraded": {k: list(v) for k, v in sorted(inputs.topology.degraded_requires.items())},
        "assessments": {k: _jsonable(v) for k, v in sorted(inputs.assessments.items())},
        "techniques": _jsonable(inputs.techniques),
        "settings": _jsonable(inputs.settings),
    }
    canonical = json.dumps(document, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()
