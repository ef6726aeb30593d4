"""Remediation options for a gap: apply a technique, re-run the engine, measure the result.

``gap_closed`` is the share of a gap an option closes, (before − after) / (before −
required) clamped to [0, 1]; 1 when the requirement is met, 0.5 for going from unknown to
known but still short. For RTO and RPO it is measured on the element the option changes
(its outage, its data-loss window), since several elements may each hold the function
back; ``closes_gap`` asks whether the function itself meets the requirement afterwards.
A SPOF is closed when the element is no longer a SPOF and its loss is recovered within
the RTO, half closed when it is no longer a SPOF but recovery takes longer than the RTO.
Options are ranked "start light": gap_closed / (cost_class × complexity), highest first.

Example: the print service's SAN SPOF with an RTO of 5.2 h — replicated storage at the
branch closes it (1 / (4 × 3) ≈ 0.083) and ranks above a cold site, which takes the SAN
out of the SPOFs but needs 72 h to activate (0.5 / (2 × 4) = 0.0625).
"""

from __future__ import annotations

from dataclasses import dataclass

from analysis.engine.achievable import AchievableObjectives, achievable_objectives
from analysis.engine.availability import AvailabilityAnalyzer, ServiceAvailability
from analysis.engine.structure import Model
from analysis.engine.techniques import GapKind, Technique, changes_for
from analysis.engine.topology import Method, Topology, TopologyError
from analysis.engine.whatif import ChangeSet, apply_changes


@dataclass(frozen=True, slots=True)
class RemediationOption:
    """One technique applied to one element, with the engine's verdict on it."""

    technique_key: str
    technique_name: str
    target: str
    changes: ChangeSet
    gap_closed: float
    closes_gap: bool
    cost_class: int
    complexity: int
    score: float
    availability_after: float
    rto_hours_after: float | None
    rpo_hours_after: float | None
    spofs_after: tuple[str, ...]
    assumptions: str


def _fraction(before: float | None, after: float | None, required: float) -> float:
    if after is None:
        return 0.0
    if after <= required:
        return 1.0
    if before is None:
        return 0.5
    if before <= required:
        return 1.0
    return max(0.0, min(1.0, (before - after) / (before - required)))


@dataclass(frozen=True, slots=True)
class After:
    availability: ServiceAvailability
    objectives: AchievableObjectives


class Evaluator:
    """Runs what-if for each (technique, target) once, however many gaps ask for it."""

    def __init__(self, part: Topology, service_id: str, method: Method | None) -> None:
        self.part = part
        self.model = Model(part, validate=False)
        self.service_id = service_id
        self.method = method
        self.cache: dict[tuple[str, str], tuple[ChangeSet, After] | None] = {}

    def run(self, technique: Technique, target: str) -> tuple[ChangeSet, After] | None:
        key = (technique.key, target)
        if key not in self.cache:
            changes = changes_for(technique, self.model, target, self.service_id)
            try:
                changed = apply_changes(self.part, changes)
            except (TopologyError, ValueError):
                self.cache[key] = None
            else:
                analyzer = AvailabilityAnalyzer(changed, method=self.method)
                self.cache[key] = (
                    changes,
                    After(
                        analyzer.service(self.service_id),
                        achievable_objectives(changed, self.service_id, analyzer=analyzer),
                    ),
                )
        return self.cache[key]


def outage_of(objectives: AchievableObjectives, element: str) -> tuple[bool, float | None]:
    for outage in objectives.outages:
        if outage.element_id == element:
            return True, outage.hours
    return False, None


@dataclass(frozen=True, slots=True)
class GapTarget:
    """What one gap measures: the function's figure before, the requirement, the element
    it is about, and for RTO/RPO each target element's own figure before the change."""

    kind: GapKind
    before: float | None
    required: float | None
    element: str | None = None
    element_before: tuple[tuple[str, float | None], ...] = ()


def _protection_of(objectives: AchievableObjectives, component: str) -> float | None:
    for protection in objectives.data_protection:
        if protection.component_id == component:
            return protection.rpo_hours
    return None


def _closure(gap: GapTarget, after: After, target: str) -> float:
    """Share of the gap that changing ``target`` closes.

    RTO and RPO credit the element that was changed (its own outage or data-loss window),
    since another element may still hold the function's figure back; the function-level
    figures after the change are reported with every option.
    """
    if gap.kind == "spof":
        if gap.element in after.availability.single_points_of_failure:
            return 0.0
        if gap.required is None or gap.element is None:
            return 1.0
        hours = outage_of(after.objectives, gap.element)[1]
        return 1.0 if hours is not None and hours <= gap.required else 0.5
    if gap.required is None:
        return 0.0
    before = dict(gap.element_before).get(target, gap.before)
    if gap.kind == "rto":
        return _fraction(before, outage_of(after.objectives, target)[1], gap.required)
    if gap.kind == "rpo":
        return _fraction(before, _protection_of(after.objectives, target), gap.required)
    return _fraction(gap.before, after.availability.unavailability, gap.required)


def _closes(gap: GapTarget, after: After, closed: float) -> bool:
    """Whether the function meets the requirement after the change (not just the target)."""
    if gap.kind == "spof" or gap.required is None:
        return closed >= 1.0 - 1e-9
    if gap.kind == "rto":
        figure = after.objectives.rto_hours
    elif gap.kind == "rpo":
        figure = after.objectives.rpo_hours
    else:
        figure = after.availability.unavailability
    return figure is not None and figure <= gap.required


def rank_options(
    evaluator: Evaluator,
    gap: GapTarget,
    targets: list[str],
    techniques: tuple[Technique, ...],
    max_options: int,
) -> tuple[RemediationOption, ...]:
    model = evaluator.model
    found: list[RemediationOption] = []
    for target in targets:
        is_site = model.kind(target) == "site"
        target_kind = None if is_site else model.components[target].kind
        for technique in techniques:
            if not technique.applies(gap.kind, target_kind, is_site=is_site):
                continue
            outcome = evaluator.run(technique, target)
            if outcome is None:
                continue
            changes, after = outcome
            closed = _closure(gap, after, target)
            if closed <= 0.0:
                continue
            weight = technique.cost_class * technique.complexity
            found.append(
                RemediationOption(
                    technique_key=technique.key,
                    technique_name=technique.name,
                    target=target,
                    changes=changes,
                    gap_closed=closed,
                    closes_gap=_closes(gap, after, closed),
                    cost_class=technique.cost_class,
                    complexity=technique.complexity,
                    score=closed / weight,
                    availability_after=after.availability.availability,
                    rto_hours_after=after.objectives.rto_hours,
                    rpo_hours_after=after.objectives.rpo_hours,
                    spofs_after=after.availability.single_points_of_failure,
                    assumptions=technique.assumptions,
                )
            )
    found.sort(
        key=lambda o: (-o.score, -o.gap_closed, o.cost_class * o.complexity, o.technique_key)
    )
    return tuple(found[:max_options])
