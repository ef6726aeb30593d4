"""Load a plan's BIA answers, inventory, agreed objectives and settings into engine
inputs, hash them, and tell when they changed.

The hash covers exactly what the engine reads. The watermark (newest history row per
input table, counted only for rows of this plan) tells cheaply whether anything the
analysis reads has changed since a run; a change to another plan never moves it.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db.models import ForeignKey, Max, Model, OneToOneField
from simple_history.utils import get_history_model_for_model

from analysis.engine.availability import DEFAULT_NODE_LIMIT
from analysis.engine.figures import AnalysisContext
from analysis.engine.objectives import ImpactAssessment
from analysis.engine.techniques import DEFAULT_TECHNIQUES, Technique
from analysis.engine.topology import Method
from analysis.engine.topology_io import topology_to_dict
from analysis.models import AgreedObjective, AnalysisSettings
from bcp.canonical import inputs_sha256
from bcp.models import Plan
from bia.selectors.answers import plan_impact_assessments
from inventory.graph import function_key
from inventory.selectors import technique_catalogue
from inventory.topology import PlanTopology, function_topology, plan_topology


@dataclass(frozen=True)
class EngineSettings:
    year_days: float = 365.2425
    method: Method = "auto"
    samples: int = 200_000
    seed: int = 20_260_101
    rto_margin_fraction: float = 0.1
    expected_incidents_per_year: float = 1.0
    budget_period: str = "month"
    node_limit: int = DEFAULT_NODE_LIMIT

    def context(self) -> AnalysisContext:
        """The one context every figure of the plan's analysis is computed with."""
        return AnalysisContext(
            method=self.method, samples=self.samples, seed=self.seed, node_limit=self.node_limit
        )


@dataclass(frozen=True)
class AgreedInput:
    """A manager's agreed objectives for one function (None = use the derived figure)."""

    rto_hours: float | None
    rpo_hours: float | None
    availability: float | None
    reason: str
    agreed_by: str
    agreed_at: str


@dataclass
class AnalysisInputs:
    plan_id: int
    topology: PlanTopology
    assessments: dict[str, ImpactAssessment | None]
    techniques: tuple[Technique, ...]
    settings: EngineSettings
    notes: list[str] = field(default_factory=list)
    agreed: dict[str, AgreedInput] = field(default_factory=dict)

    def function_ids(self) -> list[str]:
        return list(self.topology.functions)


_METHODS: dict[str, Method] = {"auto": "auto", "exact": "exact", "monte_carlo": "monte_carlo"}


def engine_settings(plan: Plan) -> EngineSettings:
    stored = AnalysisSettings.objects.filter(plan=plan).first()
    if stored is None:
        return EngineSettings()
    method = _METHODS.get(stored.method)
    if method is None:
        raise ValueError(f"plan {plan.pk}'s analysis settings name an unknown method")
    return EngineSettings(
        year_days=stored.year_days,
        method=method,
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


def load_inputs(plan: Plan, *, function: Any = None) -> AnalysisInputs:
    """Everything the engine needs for ``plan``, in a fixed number of queries.

    With ``function`` (a business function of the plan), only what that function needs:
    its dependencies followed down to the last component, every site of the plan, its
    reviewed BIA answers and its agreed objectives; the function's figures are those a
    whole-plan load gives, and the inputs (and so their hash) cover that part only.
    """

    settings = engine_settings(plan)
    topology = plan_topology(plan) if function is None else function_topology(plan, function)
    # The year convention and method chosen for the plan apply to every figure.
    topology.topology = dataclasses.replace(
        topology.topology, year_days=settings.year_days, method=settings.method
    )
    assessments: dict[str, ImpactAssessment | None] = {}
    # A fixed number of queries for the plan (or the one function).
    reviewed = plan_impact_assessments(
        plan, function_ids=None if function is None else [function.pk]
    )
    for key, item in topology.functions.items():
        assessment = reviewed.get(item.pk)
        if assessment is not None:
            assessment = dataclasses.replace(
                assessment,
                margin_fraction=settings.rto_margin_fraction,
                expected_incidents_per_year=settings.expected_incidents_per_year,
            )
        assessments[key] = assessment
    techniques, notes = plan_techniques(plan)
    agreed = agreed_objectives(plan, function_ids=None if function is None else [function.pk])
    return AnalysisInputs(plan.pk, topology, assessments, techniques, settings, notes, agreed)


def agreed_objectives(
    plan: Plan, *, function_ids: list[int] | None = None
) -> dict[str, AgreedInput]:
    """Agreed objectives of the plan's functions (or of ``function_ids``), by engine key
    (one query)."""

    found: dict[str, AgreedInput] = {}
    rows = AgreedObjective.objects.filter(plan=plan).select_related("agreed_by")
    if function_ids is not None:
        rows = rows.filter(function_id__in=function_ids)
    for row in rows.order_by("function_id"):
        found[function_key(row.function_id)] = AgreedInput(
            rto_hours=row.rto_hours,
            rpo_hours=row.rpo_hours,
            availability=None
            if row.availability_percent is None
            else row.availability_percent / 100.0,
            reason=row.reason,
            agreed_by=row.agreed_by.get_full_name() or row.agreed_by.get_username(),
            agreed_at=row.agreed_at.isoformat(),
        )
    return found


INPUT_APPS = ("bia", "inventory")


def _input_models() -> list[type[Model]]:
    """Every tracked model the analysis reads: BIA, inventory, settings, agreed objectives."""
    found: list[type[Model]] = [AnalysisSettings, AgreedObjective]
    for model in apps.get_models():
        if model._meta.app_label in INPUT_APPS and hasattr(model, "history"):
            found.append(model)
    return sorted(found, key=lambda m: m._meta.label)


_PLAN_PATHS: dict[type[Model], str] = {}


def plan_path(model: type[Model]) -> str:
    """The ORM path from ``model`` to its plan's id, e.g. ``assessment__plan_id`` for a
    BIA answer (shortest chain of foreign keys, found once per model).

    Raises ``LookupError`` for a model no chain of foreign keys ties to a plan, so a new
    input table cannot silently escape staleness.
    """
    cached = _PLAN_PATHS.get(model)
    if cached is not None:
        return cached
    frontier: list[tuple[type[Model], str]] = [(model, "")]
    seen = {model}
    while frontier:
        nxt: list[tuple[type[Model], str]] = []
        for current, prefix in frontier:
            for f in current._meta.get_fields():
                if not isinstance(f, ForeignKey | OneToOneField):
                    continue
                target = f.related_model
                if target is Plan:
                    path = f"{prefix}{f.name}_id"
                    _PLAN_PATHS[model] = path
                    return path
                if (
                    isinstance(target, type)
                    and target not in seen
                    and target._meta.app_label
                    in (
                        *INPUT_APPS,
                        "analysis",
                    )
                ):
                    seen.add(target)
                    nxt.append((target, f"{prefix}{f.name}__"))
        frontier = nxt
    raise LookupError(f"{model._meta.label} is an analysis input with no foreign key to a plan")


def input_watermark(plan: Plan) -> dict[str, int]:
    """Newest history id per input table among rows of ``plan`` (one query per table).

    Every write to an input leaves a history row, so a run is stale exactly when one of
    these numbers has moved since it read its inputs. Each history row is tied to its
    plan through the same foreign keys as its live row (``plan_path``), so another
    plan's changes never move this plan's numbers.
    """
    return input_watermarks([plan.pk])[plan.pk]


def input_watermarks(plan_ids: list[int]) -> dict[int, dict[str, int]]:
    """:func:`input_watermark` of many plans at once, still one query per input table."""
    marks: dict[int, dict[str, int]] = {pk: {} for pk in plan_ids}
    for model in _input_models():
        history_model = get_history_model_for_model(model)
        path = plan_path(model)
        newest = {
            row[path]: row["newest"]
            for row in history_model._default_manager.filter(**{f"{path}__in": plan_ids})
            .values(path)
            .annotate(newest=Max("history_id"))
            .order_by()
        }
        for pk in plan_ids:
            marks[pk][model._meta.label] = newest.get(pk) or 0
    return marks


def inputs_hash(inputs: AnalysisInputs) -> str:
    """sha256 of the canonical JSON of every engine input."""
    document = {
        "topology": topology_to_dict(inputs.topology.topology),
        "degraded": {k: list(v) for k, v in sorted(inputs.topology.degraded_requires.items())},
        "assessments": dict(sorted(inputs.assessments.items())),
        "techniques": inputs.techniques,
        "settings": inputs.settings,
        "agreed": dict(sorted(inputs.agreed.items())),
    }
    return inputs_sha256(document)
