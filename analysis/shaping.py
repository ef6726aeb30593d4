"""Engine results shaped into the declared result types (``analysis.results``), with names.

Pure translation: every number here was computed by the engine; this module replaces
engine ids (``component:12``) with the names people gave the elements and picks the
fields each type declares.
"""

from __future__ import annotations

import math
import re
import sys
from collections.abc import Hashable, Iterable
from typing import TypeVar, cast

from analysis.engine.achievable import AchievableObjectives
from analysis.engine.action_plans import ActionPlanItem
from analysis.engine.availability import ServiceAvailability
from analysis.engine.figures import FunctionFigures
from analysis.engine.gaps import Gap, GapReport
from analysis.engine.objectives import RecoveryRecommendation
from analysis.engine.remediation import Combination, RemediationOption, RemedyPart
from analysis.engine.roadmap import RoadmapStep
from analysis.engine.whatif import AddGroupMember, AddRedundantPeer, Change, describe
from analysis.results import (
    Achievable,
    AgreedObjectives,
    DerivedObjectives,
    ElementKind,
    Figures,
    HiddenSpof,
    Importance,
    MethodUsed,
    Milestone,
    ObjectiveSource,
    PlanOfAction,
    Required,
)
from analysis.results import Combination as CombinationResult
from analysis.results import Gap as GapResult
from analysis.results import Option as OptionResult
from analysis.results import RemedyPart as RemedyPartResult
from analysis.results import (
    RoadmapStep as RoadmapStepResult,
)
from inventory.topology import PlanTopology

IMPORTANCE_SHOWN = 15
# The shape of the engine ids the inventory gives its records (inventory.graph).
KEY_SHAPE = re.compile(r"(?:component|group|site|function|person|cover|supplier|role):\d+")

Piece = TypeVar("Piece")


def _exact(value: object) -> Hashable:
    """A key equal for two values exactly when their JSON is: a list or dict by identity
    (see ``Namer.shared``), anything else by type and value, zero with its sign (0.0 and
    -0.0 are equal floats but not the same JSON; 4 and 4.0 neither)."""
    kind = type(value)
    if kind is dict or kind is list:
        return id(value)
    if kind is float and value == 0.0:
        return (kind, value, math.copysign(1.0, value))
    return (kind, value)


class Namer:
    """Replaces engine ids (``component:12``) with the names people gave them."""

    def __init__(self, topology: PlanTopology, *, extra: dict[str, str] | None = None) -> None:
        self.topology = topology
        self.extra = dict(extra or {})
        # Inventory keys (``component:12``) are found by their shape and looked up, so the
        # cost of naming a text does not grow with the plan (an alternation of every id
        # did, and dominated a large plan's run). Any other id is matched by itself.
        all_ids = [*topology.all_ids(), *self.extra]
        self.known = set(all_ids)
        others = sorted((i for i in all_ids if not KEY_SHAPE.fullmatch(i)), key=len, reverse=True)
        alternatives = [re.escape(i) + r"(?!\d)" for i in others]
        alternatives += [KEY_SHAPE.pattern] if len(others) < len(all_ids) else []
        self.pattern = re.compile("|".join(alternatives) if alternatives else r"(?!x)x")
        self._pieces: dict[Hashable, object] = {}

    def shared(self, piece: Piece) -> Piece:
        """``piece``, or an equal one this namer handed out since ``forget_pieces`` (then
        ``piece`` is dropped), so a function's results hold each distinct figure set,
        list of change words or option once: the same option is listed under several
        gaps, and its after-figures and change words recur in roadmap steps.

        The results are read-only once shaped, and their JSON is the same to the last bit.
        Equal is shallow: each field by ``_exact``, a nested list or dict by identity,
        which is exact because nested pieces are shared first and the kept piece holds
        them alive (their ids cannot be reused while it is kept).
        """
        if isinstance(piece, dict):
            key: Hashable = (dict, tuple((k, _exact(v)) for k, v in piece.items()))
        elif isinstance(piece, list):
            key = (list, tuple(_exact(v) for v in piece))
        else:
            return piece
        return cast(Piece, self._pieces.setdefault(key, piece))

    def forget_pieces(self) -> None:
        """Share nothing more with the pieces handed out so far, so they are freed with
        the results that hold them (a worker's stored chunk of functions)."""
        self._pieces = {}

    def name(self, element_id: str) -> str:
        if element_id in self.extra:
            return self.extra[element_id]
        return self.topology.name(element_id)

    def maybe(self, element_id: str | None) -> str | None:
        return None if element_id is None else self.name(element_id)

    def text(self, text: str) -> str:
        def named(match: re.Match[str]) -> str:
            found = match.group(0)
            return self.name(found) if found in self.known else found

        return self.pattern.sub(named, text)

    def names(self, ids: Iterable[str]) -> list[str]:
        return [self.name(i) for i in ids]

    def shared_names(self, ids: Iterable[str]) -> list[str]:
        """``names(ids)`` as a shared piece: never change the list."""
        return self.shared(self.names(ids))

    def words(self, element_id: str) -> str:
        """A name for change descriptions (new sites by the name the request gave them)."""
        return self.name(element_id)


def change_words(changes: Iterable[Change], namer: Namer) -> list[str]:
    """Each change in words; a peer or member added by an earlier change of the same list
    is "the copy of <original>" (it has an engine id, but no name yet)."""
    changes = tuple(changes)
    copies: dict[str, str] = {}
    for change in changes:
        if isinstance(change, AddRedundantPeer) and change.peer_id:
            copies[change.peer_id] = f"the copy of {namer.words(change.component_id)}"
        elif isinstance(change, AddGroupMember) and change.member_id:
            copies[change.member_id] = f"the copy of {namer.words(change.template_id)}"

    def words(element_id: str) -> str:
        return copies.get(element_id) or namer.words(element_id)

    # Interned: the same sentence comes back for every gap and step the change serves.
    return [sys.intern(describe(change, words)) for change in changes]


def method_used(figures: FunctionFigures | ServiceAvailability, namer: Namer) -> MethodUsed:
    exact = figures.method == "exact_bdd"
    method: MethodUsed = {
        "code": "exact" if exact else "monte_carlo",
        "ci95_low": figures.ci95_low,
        "ci95_high": figures.ci95_high,
        "samples": figures.samples,
        "seed": figures.seed,
        "nodes": figures.bdd_nodes,
        "note": namer.text(figures.method_note),
    }
    return namer.shared(method)


def figures(f: FunctionFigures, namer: Namer) -> Figures:
    """``f`` in JSON types, shared with every equal figure set of the run (read-only)."""
    shaped: Figures = {
        "availability": f.availability,
        "downtime_seconds_per_year": f.downtime_seconds_per_year,
        "rto_hours": f.rto_hours,
        "rpo_hours": f.rpo_hours if f.rpo_applicable else None,
        "rpo_applicable": f.rpo_applicable,
        "single_points_of_failure": namer.shared_names(f.single_points_of_failure),
        "method": method_used(f, namer),
    }
    return namer.shared(shaped)


def achievable(
    f: FunctionFigures,
    full: ServiceAvailability,
    hidden: dict[str, tuple[str, ...]],
    namer: Namer,
    notes: Iterable[str] = (),
) -> Achievable:
    ach: AchievableObjectives = f.objectives
    importance: list[Importance] = [
        {
            "element": namer.name(item.element_id),
            "kind": item.element_kind,
            "birnbaum": item.birnbaum,
            "criticality": item.criticality,
            "is_spof": item.is_spof,
        }
        for item in full.importance[:IMPORTANCE_SHOWN]
    ]
    hidden_spofs: list[HiddenSpof] = [
        {"element": namer.name(element), "behind": namer.names(groups)}
        for element, groups in hidden.items()
    ]
    return {
        **figures(f, namer),
        "rto_set_by": namer.maybe(ach.rto_set_by),
        "rto_unknown": namer.names(ach.rto_unknown),
        "rpo_set_by": namer.maybe(ach.rpo_set_by),
        "rpo_unprotected": namer.names(ach.rpo_unprotected),
        "hidden_single_points_of_failure": hidden_spofs,
        "recovery_single_points_of_failure": namer.names(ach.recovery_single_points_of_failure),
        "sites_not_assessed": namer.names(ach.sites_not_assessed),
        "importance": importance,
        "reasoning": [namer.text(r) for r in ach.reasoning],
        "notes": [namer.text(n) for n in (*full.notes, *notes)],
    }


def derived(rec: RecoveryRecommendation) -> DerivedObjectives:
    return {
        "mtpd_hours": rec.mtpd_hours,
        "mtpd_category": rec.mtpd_category,
        "rto_hours": rec.recommended_rto_hours,
        "rpo_hours": rec.recommended_rpo_hours,
        "availability": rec.required_availability,
        "tier": rec.availability_tier_label,
        "minimum_service_level_percent": rec.minimum_service_level_percent,
        "reasoning": list(rec.reasoning),
        "missing": list(rec.missing),
    }


def required(
    rec: RecoveryRecommendation | None, agreed: AgreedObjectives | None
) -> Required | None:
    """Agreed figures where set, else derived ones, and which is which."""
    if rec is None and agreed is None:
        return None

    def pick(
        agreed_value: float | None, derived_value: float | None
    ) -> tuple[float | None, str | None]:
        if agreed_value is not None:
            return agreed_value, "agreed"
        if derived_value is not None:
            return derived_value, "derived"
        return None, None

    rto, rto_source = pick(
        agreed["rto_hours"] if agreed else None, rec.recommended_rto_hours if rec else None
    )
    rpo, rpo_source = pick(
        agreed["rpo_hours"] if agreed else None, rec.recommended_rpo_hours if rec else None
    )
    availability, availability_source = pick(
        agreed["availability"] if agreed else None, rec.required_availability if rec else None
    )
    return {
        "availability": availability,
        "rto_hours": rto,
        "rpo_hours": rpo,
        "availability_source": _source(availability_source),
        "rto_source": _source(rto_source),
        "rpo_source": _source(rpo_source),
        "mtpd_hours": rec.mtpd_hours if rec else None,
        "derived": derived(rec) if rec else None,
        "agreed": agreed,
    }


def _source(value: str | None) -> ObjectiveSource | None:
    if value == "agreed":
        return "agreed"
    if value == "derived":
        return "derived"
    return None


def _kind(kind: str) -> ElementKind:
    if kind == "site":
        return "site"
    if kind == "group":
        return "group"
    if kind == "component":
        return "component"
    raise ValueError(f"a remedy cannot target a {kind}")


def part(p: RemedyPart, namer: Namer) -> RemedyPartResult:
    """One remedy part in JSON types, shared with every equal part of the run (read-only)."""
    shaped: RemedyPartResult = {
        "technique": p.technique_name,
        "technique_key": p.technique_key,
        "target": namer.name(p.target),
        "target_kind": _kind(p.target_kind),
        "changes": namer.shared(change_words(p.changes.changes, namer)),
        "cost_class": p.cost_class,
        "complexity": p.complexity,
        "assumptions": p.assumptions,
    }
    return namer.shared(shaped)


def option(o: RemediationOption, namer: Namer) -> OptionResult:
    """One option in JSON types, shared with an equal option of another gap (read-only)."""
    shaped: OptionResult = {
        **part(o.part, namer),
        "after": figures(o.after, namer),
        "closes_gap": o.closes_gap,
        "gap_closed_percent": o.gap_closed_percent,
        "score": o.score,
    }
    return namer.shared(shaped)


def combination(c: Combination, namer: Namer) -> CombinationResult:
    return {
        "parts": [part(p, namer) for p in c.parts],
        "after": figures(c.after, namer),
        "closes_gap": c.closes_gap,
        "gap_closed_percent": c.gap_closed_percent,
        "cost_class": c.cost_class,
        "complexity": c.complexity,
    }


def plan_of_action(item: ActionPlanItem, namer: Namer) -> PlanOfAction:
    milestones: list[Milestone] = [
        {"name": m.name, "description": namer.text(m.description), "due_week": m.due_week}
        for m in item.milestones
    ]
    return {
        "title": namer.text(item.title),
        "reason": namer.text(item.reason),
        "milestones": milestones,
    }


def gap(g: Gap, report: GapReport, namer: Namer) -> GapResult:
    source = None if g.measure == "spof" else ("agreed" if g.agreed else "derived")
    return {
        "id": g.id,
        "measure": g.measure,
        "severity": g.severity,
        "element": namer.maybe(g.element),
        "elements": namer.names(g.elements),
        "required": g.required,
        "required_source": _source(source),
        "before": figures(report.before, namer),
        "evidence": namer.text(g.evidence),
        "options": [option(o, namer) for o in g.options],
        "combination": None if g.combination is None else combination(g.combination, namer),
        "combinations_tried": g.combinations_tried,
        "closable": g.closable,
        "plan_of_action": None
        if g.plan_of_action is None
        else plan_of_action(g.plan_of_action, namer),
    }


def roadmap_step(
    step: RoadmapStep, order: int, function_name: str, function_pk: int, namer: Namer
) -> RoadmapStepResult:
    g = step.gap
    return {
        "order": order,
        "function": function_name,
        "function_pk": function_pk,
        "gap_id": g.id,
        "measure": g.measure,
        "severity": g.severity,
        "element": namer.maybe(g.element),
        "remedy": step.remedy,
        "parts": [part(p, namer) for p in step.parts],
        "required": g.required,
        "before": figures(step.before, namer),
        "after": None if step.after is None else figures(step.after, namer),
        "closes_gap": step.closes_gap,
        "gap_closed_percent": step.gap_closed_percent,
        "also_closes": list(step.also_closes),
        "plan_of_action": None
        if step.plan_of_action is None
        else plan_of_action(step.plan_of_action, namer),
    }
