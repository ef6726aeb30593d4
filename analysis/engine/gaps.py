"""Gap analysis: what the function requires against what the inventory achieves, and what to do.

A gap is about one of the function's four measures and names the elements that hold it
back. Requirements are the agreed objectives where a manager set them, else those derived
from the BIA (``Requirements``); evidence says which. How each measure is compared and
graded (critical, high, medium, low) is in ``analysis.engine.gap_findings``; gaps are
listed by severity, then measure (RTO, RPO, availability, SPOF), then element.

Remedies come from ``analysis.engine.remediation``: only techniques that fit the element's
kind, each kept only when a fresh run of the whole function moves the gap's measure, with
"closes the gap" and the share closed read off that run. A gap that nothing fitting its own
elements closes also weighs every option run for the function's other gaps (a second site
tried for the RTO may close the availability gap; one for the campus removes a rack).
A critical or high gap no single option closes gets the cheapest set of up to three
options that does; a gap nothing in the catalogue closes becomes a plan of action with
milestones (``analysis.engine.action_plans``).

Example (print service, head office, RTO 5.2 h, MTPD 8 h): the SAN is a critical single
point of failure hidden behind the application pair (its 24 h restore is beyond the MTPD);
replicated storage in the branch removes it, proven by a run in which the SAN is no
longer among the function's single points of failure.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Final, TypeVar

from analysis.engine.achievable import AchievableObjectives
from analysis.engine.action_plans import ActionPlanItem, SearchDone, plan_of_action
from analysis.engine.availability import ServiceAvailability
from analysis.engine.figures import AnalysisContext, FunctionFigures, WhatIfEvaluator
from analysis.engine.gap_findings import (
    Finding,
    Severity,
    availability_finding,
    rpo_finding,
    rto_finding,
    spof_finding,
)
from analysis.engine.objectives import RecoveryRecommendation
from analysis.engine.recovery import RecoveryReach, figures_with_recovery, recovery_reach
from analysis.engine.remediation import (
    Combination,
    GapTarget,
    RemediationOption,
    Remedies,
    expand_targets,
)
from analysis.engine.spof import hidden_single_points_of_failure
from analysis.engine.structure import sub_topology
from analysis.engine.techniques import DEFAULT_TECHNIQUES, GapKind, Technique
from analysis.engine.topology import Topology

SEVERITY_ORDER: Final[dict[str, int]] = {"critical": 0, "high": 1, "medium": 2, "low": 3}
MEASURE_ORDER: Final[dict[str, int]] = {"rto": 0, "rpo": 1, "availability": 2, "spof": 3}
SEARCHED_SEVERITIES: Final = ("critical", "high")


@dataclass(frozen=True, slots=True)
class Requirements:
    """What a function must achieve: agreed figures where set, else derived from its BIA.

    ``*_agreed`` says which figures a manager agreed; ``missing`` lists BIA inputs that
    are absent (a derived figure is then None).
    """

    rto_hours: float | None = None
    rpo_hours: float | None = None
    availability: float | None = None
    mtpd_hours: float | None = None
    rto_agreed: bool = False
    rpo_agreed: bool = False
    availability_agreed: bool = False
    missing: tuple[str, ...] = ()

    @classmethod
    def derived(cls, recommendation: RecoveryRecommendation) -> Requirements:
        return cls(
            rto_hours=recommendation.recommended_rto_hours,
            rpo_hours=recommendation.recommended_rpo_hours,
            availability=recommendation.required_availability,
            mtpd_hours=recommendation.mtpd_hours,
            missing=recommendation.missing,
        )

    def agreed(self, which: GapKind) -> bool:
        return {
            "rto": self.rto_agreed,
            "rpo": self.rpo_agreed,
            "availability": self.availability_agreed,
        }.get(which, False)


@dataclass(frozen=True, slots=True)
class Gap:
    """A shortfall of one measure, with evidence, proven options and what else was tried."""

    measure: GapKind
    severity: Severity
    required: float | None
    agreed: bool
    element: str | None
    elements: tuple[str, ...]
    evidence: str
    options: tuple[RemediationOption, ...]
    combination: Combination | None = None
    combinations_tried: int = 0
    plan_of_action: ActionPlanItem | None = None

    @property
    def id(self) -> str:
        return f"{self.measure}:{self.element or ''}"

    @property
    def closable(self) -> bool:
        return self.combination is not None or any(o.closes_gap for o in self.options)


@dataclass(frozen=True, slots=True)
class GapReport:
    """One function's gaps. ``before`` are its figures now (``availability`` keeps the
    full result with importance); ``hidden`` maps hidden SPOFs to the groups they defeat."""

    function_id: str
    service_id: str
    requirements: Requirements
    availability: ServiceAvailability
    before: FunctionFigures
    hidden: dict[str, tuple[str, ...]]
    gaps: tuple[Gap, ...]
    notes: tuple[str, ...]
    remedies_ranked: bool
    fresh_runs: int = 0
    reused_runs: int = 0

    @property
    def achievable(self) -> AchievableObjectives:
        return self.before.objectives

    @property
    def action_plan(self) -> tuple[ActionPlanItem, ...]:
        return tuple(g.plan_of_action for g in self.gaps if g.plan_of_action is not None)


def analyse_gaps(
    topology: Topology,
    service_id: str,
    required: Requirements | RecoveryRecommendation,
    *,
    function_id: str | None = None,
    techniques: tuple[Technique, ...] = DEFAULT_TECHNIQUES,
    max_options: int = 5,
    context: AnalysisContext | None = None,
    rank_remedies: bool = True,
    screen_sets: bool = True,
    recovery_needs: tuple[str, ...] = (),
) -> GapReport:
    """Gaps of one function (carried by ``service_id``) with proven, ranked remedies.

    ``context`` carries the plan's method, samples, seed and node budget; every figure —
    now, after each option, after each combination — is computed with it. Raises
    ``ExactTooCostly`` when the context asks for exact figures the budget does not allow.
    With ``rank_remedies`` False gaps are found and graded but no remedy is tried.
    ``screen_sets`` False runs every set of options in full instead of first checking sets
    for an SPOF, RTO or RPO gap on the structure alone (the same result, more slowly).
    ``recovery_needs`` are elements needed to recover the service but not to run it
    (:mod:`analysis.engine.recovery`): the time to reach them is added to the achievable
    RTO, and remedies for the RTO gap must bring the technical RTO within the required
    RTO less that time.
    """
    context = context or AnalysisContext(method=topology.method)
    req = required if isinstance(required, Requirements) else Requirements.derived(required)
    # Keep every site: a remedy may place a peer in a site this service does not use yet.
    part = replace(sub_topology(topology, [service_id]), sites=topology.sites)
    evaluator = WhatIfEvaluator(part, service_id, context)
    before = evaluator.before
    reach = recovery_reach(topology, service_id, recovery_needs) if recovery_needs else None
    if reach is not None:
        before = figures_with_recovery(before, reach)
    achieved = evaluator.analyzer.service(service_id)
    hidden = hidden_single_points_of_failure(evaluator.model, service_id)
    findings = _findings(before.objectives, achieved, req, hidden, topology.year_days)
    gaps = [_gap(finding, req) for finding in findings]
    remedies = Remedies(evaluator, techniques, structural_screen=screen_sets)
    if rank_remedies:
        targets = [
            GapTarget(
                f.measure,
                _target_for(req, f.measure, reach),
                f.element,
                expand_targets(evaluator.model, f.elements, service_id),
            )
            for f in findings
        ]
        # First every gap's own candidates, so the runs a gap may borrow below are the
        # same whatever order the gaps come in.
        for target in targets:
            remedies.candidates(target)
        gaps = [
            _remedied(gap, target, remedies, service_id=service_id, reach=reach, most=max_options)
            for gap, target in zip(gaps, targets, strict=True)
        ]
    gaps.sort(key=lambda g: (SEVERITY_ORDER[g.severity], MEASURE_ORDER[g.measure], g.element or ""))
    notes = [f"required inputs missing: {m}" for m in req.missing]
    if req.rto_hours is None:
        notes.append("RTO not compared: no required RTO")
    return GapReport(
        function_id=function_id or service_id,
        service_id=service_id,
        requirements=req,
        availability=achieved,
        before=before,
        hidden=hidden,
        gaps=tuple(gaps),
        notes=(*notes, *remedies.notes),
        remedies_ranked=rank_remedies,
        fresh_runs=evaluator.fresh_runs,
        reused_runs=evaluator.reused_runs,
    )


def _findings(
    ach: AchievableObjectives,
    achieved: ServiceAvailability,
    req: Requirements,
    hidden: dict[str, tuple[str, ...]],
    year_days: float,
) -> list[Finding]:
    """Every measure that falls short, in the order RTO, RPO, availability, SPOFs."""
    found = [
        rto_finding(ach, req.rto_hours, req.mtpd_hours, agreed=req.rto_agreed),
        rpo_finding(ach, req.rpo_hours, agreed=req.rpo_agreed),
        availability_finding(
            achieved, req.availability, agreed=req.availability_agreed, year_days=year_days
        ),
        *(
            spof_finding(ach, spof, req.rto_hours, req.mtpd_hours, hidden)
            for spof in achieved.single_points_of_failure
        ),
    ]
    return [finding for finding in found if finding is not None]


def _gap(finding: Finding, req: Requirements) -> Gap:
    """A finding as a gap against ``req``, before any remedy is tried."""
    return Gap(
        measure=finding.measure,
        severity=finding.severity,
        required=_required_for(req, finding.measure),
        agreed=req.agreed(finding.measure),
        element=finding.element,
        elements=finding.elements,
        evidence=finding.evidence,
        options=(),
    )


def _remedied(
    gap: Gap,
    target: GapTarget,
    remedies: Remedies,
    *,
    service_id: str,
    reach: RecoveryReach | None,
    most: int,
) -> Gap:
    """``gap`` with its proven options (at most ``most``), the cheapest closing set for a
    critical or high gap no single option closes, and a plan of action if neither does."""
    options, candidates = remedies.options(target, most)
    own_closes = any(o.closes_gap for o in options)
    if not own_closes:
        # Nothing on its own elements closes it: every run made for the function's
        # other gaps that moves this measure is a candidate too (a second site for
        # the campus takes a rack's servers, and the rack, out of the SPOFs).
        options, candidates = remedies.options(target, most, with_earlier_runs=True)
    gap = replace(gap, options=tuple(_shown(o, reach, gap.measure) for o in options))
    tried = 0
    if not own_closes and gap.severity in SEARCHED_SEVERITIES:
        combination, tried = remedies.cheapest_combination(target, candidates)
        if combination is not None:
            combination = _shown(combination, reach, gap.measure)
        gap = replace(gap, combination=combination, combinations_tried=tried)
    if gap.closable:
        return gap
    cut_short = gap.severity in SEARCHED_SEVERITIES and remedies.combination_budget <= 0
    plan = plan_of_action(
        measure_kind=gap.measure,
        element=gap.element,
        severity=gap.severity,
        service_id=service_id,
        best=options[0] if options else None,
        search=SearchDone(options=len(candidates), combinations=tried, cut_short=cut_short),
    )
    return replace(gap, plan_of_action=plan)


_Shown = TypeVar("_Shown", RemediationOption, Combination)


def _shown(outcome: _Shown, reach: RecoveryReach | None, measure: GapKind) -> _Shown:
    """An option or combination with its "after" figures as the function's: the RTO
    includes the time to reach someone who can recover it, as the "before" figures do.

    Remedies change the technical topology only (no technique applies to a person), so the
    reach time is the same after each of them; the gap's target already subtracts it, so
    ``closes_gap`` and the fraction closed stand. When the reach time is unknown (someone
    needed has no recall time) the RTO after stays unknown, so no remedy is shown as
    closing an RTO gap. Example: a restore cut from 24 h to 4 h with a 2 h handover shows
    an RTO after of 6 h.
    """
    if reach is None:
        return outcome
    shown = replace(outcome, after=figures_with_recovery(outcome.after, reach))
    if measure == "rto" and shown.after.rto_hours is None:
        shown = replace(shown, closes_gap=False, gap_closed=None, gap_closed_percent=None)
    return shown


def _target_for(req: Requirements, kind: GapKind, reach: RecoveryReach | None) -> float | None:
    """What a remedy must reach: the required RTO less the time to reach someone who can
    recover the service (never below 0), the requirement itself otherwise."""
    required = _required_for(req, kind)
    if kind != "rto" or required is None or reach is None or not reach.hours:
        return required
    return max(0.0, required - reach.hours)


def _required_for(req: Requirements, kind: GapKind) -> float | None:
    if kind == "rto":
        return req.rto_hours
    if kind == "rpo":
        return req.rpo_hours
    if kind == "availability":
        return req.availability
    return None  # a single point of failure's requirement is "not a SPOF"
