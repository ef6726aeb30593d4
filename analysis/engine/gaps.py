"""Gap analysis: what the function requires against what the inventory achieves, and what to do.

A gap is about one of the function's four measures and names the elements that hold it
back. Requirements are the agreed objectives where a manager set them, else those derived
from the BIA (``Requirements``); evidence says which. Severities (RTO and MTPD are the
function's):

* **rto** — achievable RTO above the required RTO. critical: above the MTPD; high: unknown
  (a restore time is missing) or more than twice the RTO; medium: more than 10% over;
  low: within 10%.
* **rpo** — achievable RPO above the required RPO. critical: data unprotected or more than
  4× the RPO; high: more than 2× (or any loss when none is tolerated); medium: more than
  10% over; low: within 10%.
* **availability** — achieved below required; by the ratio of unavailabilities
  r = (1 − A_achieved) / (1 − A_required): critical r ≥ 10, high r ≥ 3, medium r ≥ 1.5,
  low otherwise.
* **spof** — one per single point of failure; by how long its loss stops the function:
  critical when unknown or beyond the MTPD, high when beyond the RTO, medium otherwise.

Remedies come from ``analysis.engine.remediation``: only techniques that fit the element's
kind, each kept only when a fresh run of the whole function moves the gap's measure, with
"closes the gap" and the share closed read off that run. A gap that nothing fitting its own
elements closes also weighs every option run for the function's other gaps (a second site
tried for the RTO may close the availability gap; one for the campus removes a rack).
A critical or high gap no single option closes gets the cheapest set of up to three
options that does; a gap nothing in the catalogue closes becomes a plan of action with
milestones (assess, design, fund, implement, test), in the manner
of a NIST plan of action and milestones.

Example (print service, head office, RTO 5.2 h, MTPD 8 h): the SAN is a critical single
point of failure hidden behind the application pair (its 24 h restore is beyond the MTPD);
replicated storage in the branch removes it, proven by a run in which the SAN is no
longer among the function's single points of failure.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Final, Literal, TypeVar

from analysis.engine.achievable import AchievableObjectives
from analysis.engine.availability import ServiceAvailability
from analysis.engine.figures import AnalysisContext, FunctionFigures, WhatIfEvaluator
from analysis.engine.objectives import RecoveryRecommendation
from analysis.engine.recovery import RecoveryReach, figures_with_recovery, recovery_reach
from analysis.engine.remediation import (
    Combination,
    GapTarget,
    RemediationOption,
    Remedies,
    cheapest_closing,
    expand_targets,
)
from analysis.engine.spof import hidden_single_points_of_failure
from analysis.engine.structure import sub_topology
from analysis.engine.techniques import DEFAULT_TECHNIQUES, GapKind, Technique
from analysis.engine.topology import Topology
from analysis.formatting import duration, hours, measure, percent

Severity = Literal["critical", "high", "medium", "low"]
SEVERITY_ORDER: Final[dict[str, int]] = {"critical": 0, "high": 1, "medium": 2, "low": 3}
MEASURE_ORDER: Final[dict[str, int]] = {"rto": 0, "rpo": 1, "availability": 2, "spof": 3}
SEARCHED_SEVERITIES: Final = ("critical", "high")
MILESTONES: Final = ("assess", "design", "fund", "implement", "test")


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
class Milestone:
    name: str
    description: str
    due_week: int


@dataclass(frozen=True, slots=True)
class ActionPlanItem:
    """A gap nothing in the catalogue closes: a plan of action with milestones.

    ``best_option`` is the single option that moves the measure most cheaply, if any.
    """

    measure: GapKind
    element: str | None
    severity: Severity
    title: str
    reason: str
    best_option: RemediationOption | None
    milestones: tuple[Milestone, ...]


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


def _ratio_severity(ratio: float, *, critical: float, high: float, medium: float = 1.1) -> Severity:
    if ratio >= critical:
        return "critical"
    if ratio >= high:
        return "high"
    return "medium" if ratio >= medium else "low"


def outage_of(objectives: AchievableObjectives, element: str) -> tuple[bool, float | None]:
    """(assessed, hours) of the function's outage when ``element`` alone fails."""
    for outage in objectives.outages:
        if outage.element_id == element:
            return True, outage.hours
    return False, None


def _required_words(kind: GapKind, value: float, agreed: bool) -> str:
    figure = percent(value) if kind == "availability" else hours(value)
    return f"required {measure(kind)} {figure}" + (" (agreed)" if agreed else "")


# (measure, severity, element, elements, evidence)
_Finding = tuple[GapKind, Severity, str | None, tuple[str, ...], str]


def _rto_gap(ach: AchievableObjectives, req: Requirements) -> _Finding | None:
    rto, mtpd = req.rto_hours, req.mtpd_hours
    if rto is None or (ach.rto_hours is not None and ach.rto_hours <= rto):
        return None
    slow = sorted(
        (
            o
            for o in ach.outages
            if o.element_id not in ach.sites_not_assessed and (o.hours is None or o.hours > rto)
        ),
        key=lambda o: (-(o.hours if o.hours is not None else float("inf")), o.element_id),
    )
    elements = tuple(o.element_id for o in slow[:3])
    severity: Severity
    wanted = _required_words("rto", rto, req.rto_agreed)
    if ach.rto_hours is None:
        severity = "high"
        evidence = f"achievable RTO unknown: no restore time for {', '.join(ach.rto_unknown)}; "
        evidence += wanted
    else:
        if mtpd is not None and ach.rto_hours > mtpd:
            severity = "critical"
        else:
            severity = _ratio_severity(ach.rto_hours / rto, critical=float("inf"), high=2.0)
        worst = next(o for o in ach.outages if o.element_id == ach.rto_set_by)
        evidence = f"worst single failure: {worst.explanation}; "
        if ach.recovery_explanation:
            evidence += f"then recovery needs someone who can act: {ach.recovery_explanation}; "
        evidence += wanted
        if mtpd is not None:
            evidence += f" (MTPD {hours(mtpd)})"
    return "rto", severity, elements[0] if elements else None, elements, evidence


def _rpo_gap(ach: AchievableObjectives, req: Requirements) -> _Finding | None:
    rpo = req.rpo_hours
    if rpo is None or not ach.rpo_applicable:
        return None
    if ach.rpo_hours is not None and ach.rpo_hours <= rpo:
        return None
    exposed = sorted(
        (p for p in ach.data_protection if p.rpo_hours is None or p.rpo_hours > rpo),
        key=lambda p: (-(p.rpo_hours if p.rpo_hours is not None else float("inf")), p.component_id),
    )
    elements = tuple(p.component_id for p in exposed[:3])
    wanted = _required_words("rpo", rpo, req.rpo_agreed)
    severity: Severity
    if ach.rpo_hours is None:
        severity = "critical"
        evidence = f"unprotected data on {', '.join(ach.rpo_unprotected)}; {wanted}"
    else:
        ratio = ach.rpo_hours / rpo if rpo > 0 else float("inf")
        severity = "high" if rpo == 0 else _ratio_severity(ratio, critical=4.0, high=2.0)
        protection = next(p for p in ach.data_protection if p.component_id == ach.rpo_set_by)
        evidence = (
            f"'{ach.rpo_set_by}' is protected by {protection.protection}: up to "
            f"{hours(ach.rpo_hours)} of data lost; {wanted}"
        )
    return "rpo", severity, elements[0] if elements else None, elements, evidence


def _availability_gap(
    achieved: ServiceAvailability, req: Requirements, year_days: float
) -> _Finding | None:
    need = req.availability
    if need is None or achieved.availability >= need:
        return None
    u_need = 1.0 - need
    ratio = achieved.unavailability / u_need if u_need > 0 else float("inf")
    severity = _ratio_severity(ratio, critical=10.0, high=3.0, medium=1.5)
    movers = sorted(
        (i for i in achieved.importance if i.criticality > 0),
        key=lambda i: (-i.criticality, i.element_id),
    )
    year = year_days * 86_400.0
    estimate = " (Monte Carlo estimate)" if achieved.method == "monte_carlo" else ""
    evidence = (
        f"achieved {percent(achieved.availability)}{estimate} "
        f"({duration(achieved.unavailability * year)} of downtime a year) against "
        f"{_required_words('availability', need, req.availability_agreed)} "
        f"({duration(u_need * year)} a year)"
    )
    if movers:
        top = movers[0]
        evidence += f"; '{top.element_id}' accounts for {top.criticality:.0%} of the downtime"
    elements = tuple(m.element_id for m in movers[:3])
    return "availability", severity, elements[0] if elements else None, elements, evidence


def _spof_gap(
    ach: AchievableObjectives,
    spof: str,
    req: Requirements,
    hidden: dict[str, tuple[str, ...]],
) -> _Finding:
    assessed, outage = outage_of(ach, spof)
    rto, mtpd = req.rto_hours, req.mtpd_hours
    severity: Severity
    if not assessed or outage is None or (mtpd is not None and outage > mtpd):
        severity = "critical"
    elif rto is None or outage > rto:
        severity = "high"
    else:
        severity = "medium"
    recovery = (
        f"recovery after its loss takes {hours(outage)}"
        if assessed and outage is not None
        else "recovery time after its loss is unknown"
    )
    evidence = f"losing '{spof}' alone stops '{ach.service_id}'; {recovery}"
    if spof in hidden:
        evidence += "; hidden: every member of " + ", ".join(f"'{g}'" for g in hidden[spof])
        evidence += " needs it, so that redundancy does not protect against its loss"
    return "spof", severity, spof, (spof,), evidence


def _plan(
    gap: Gap,
    service_id: str,
    best: RemediationOption | None,
    tried: int,
    cut_short: bool,
    options_tried: int,
) -> ActionPlanItem:
    cost = best.cost_class if best else 3
    complexity = best.complexity if best else 3
    subject = f"'{gap.element}'" if gap.element else f"'{service_id}'"
    what = measure(gap.measure)
    weeks = [2, 2 + 2 * complexity, 2 + 2 * complexity + 2 * cost]
    weeks += [weeks[-1] + 3 * complexity, weeks[-1] + 3 * complexity + 2]
    if best is None:
        reason = f"nothing in the technique catalogue moves the {what} for {subject}"
    else:
        share = (
            f"closes {best.gap_closed_percent}% of it"
            if best.gap_closed_percent is not None
            else "makes the figure known but not good enough"
        )
        searched = f", nor any of the {tried} sets of up to three options tried" if tried else ""
        if cut_short:
            searched += " (the search for sets stopped at this function's budget of runs)"
        singles = (
            "the only single catalogue option tried does not close it"
            if options_tried == 1
            else f"none of the {options_tried} single catalogue options tried closes it"
        )
        reason = (
            f"{singles}{searched}; the best single option, "
            f"{best.technique_name} on '{best.target}', {share}"
        )
    texts = (
        f"confirm the {what} gap on {subject} and the business need behind it",
        "choose a design" + (f", starting from {best.technique_name}" if best else ""),
        f"secure budget (cost class {cost} of 5) and an owner",
        "build it under change control with a rollback plan",
        "test failover and restore, then re-run this analysis to confirm the gap is closed",
    )
    return ActionPlanItem(
        measure=gap.measure,
        element=gap.element,
        severity=gap.severity,
        title=f"Close the {what} gap on {subject}",
        reason=reason,
        best_option=best,
        milestones=tuple(
            Milestone(name, text, week)
            for name, text, week in zip(MILESTONES, texts, weeks, strict=True)
        ),
    )


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
    ach = before.objectives
    model = evaluator.model
    hidden = hidden_single_points_of_failure(model, service_id)
    notes = [f"required inputs missing: {m}" for m in req.missing]
    if req.rto_hours is None:
        notes.append("RTO not compared: no required RTO")

    findings: list[_Finding | None] = [
        _rto_gap(ach, req),
        _rpo_gap(ach, req),
        _availability_gap(achieved, req, topology.year_days),
        *(_spof_gap(ach, spof, req, hidden) for spof in achieved.single_points_of_failure),
    ]
    remedies = Remedies(evaluator, techniques, structural_screen=screen_sets)
    present = [f for f in findings if f is not None]
    targets = {
        index: GapTarget(
            finding[0],
            _target_for(req, finding[0], reach),
            finding[2],
            expand_targets(model, finding[3], service_id),
        )
        for index, finding in enumerate(present)
    }
    if rank_remedies:
        # First every gap's own candidates, so the runs a gap may borrow below are the
        # same whatever order the gaps come in.
        for target in targets.values():
            remedies.candidates(target)
    gaps: list[Gap] = []
    for index, finding in enumerate(present):
        kind, severity, element, elements, evidence = finding
        gap_required = _required_for(req, kind)
        gap = Gap(
            measure=kind,
            severity=severity,
            required=gap_required,
            agreed=req.agreed(kind),
            element=element,
            elements=elements,
            evidence=evidence,
            options=(),
        )
        if rank_remedies:
            target = targets[index]
            options, candidates = remedies.options(target, max_options)
            own_closes = any(o.closes_gap for o in options)
            if not own_closes:
                # Nothing on its own elements closes it: every run made for the function's
                # other gaps that moves this measure is a candidate too (a second site for
                # the campus takes a rack's servers, and the rack, out of the SPOFs).
                options, candidates = remedies.options(target, max_options, with_earlier_runs=True)
            gap = replace(gap, options=tuple(_shown(o, reach, kind) for o in options))
            combination, tried = None, 0
            if not own_closes and severity in SEARCHED_SEVERITIES:
                combination, tried = remedies.cheapest_combination(target, candidates)
                if combination is not None:
                    combination = _shown(combination, reach, kind)
                gap = replace(gap, combination=combination, combinations_tried=tried)
            if not gap.closable:
                best = options[0] if options else None
                cut_short = severity in SEARCHED_SEVERITIES and remedies.combination_budget <= 0
                plan = _plan(gap, service_id, best, tried, cut_short, len(candidates))
                gap = replace(gap, plan_of_action=plan)
        gaps.append(gap)
    gaps.sort(key=lambda g: (SEVERITY_ORDER[g.severity], MEASURE_ORDER[g.measure], g.element or ""))
    notes.extend(remedies.notes)
    return GapReport(
        function_id=function_id or service_id,
        service_id=service_id,
        requirements=req,
        availability=achieved,
        before=before,
        hidden=hidden,
        gaps=tuple(gaps),
        notes=tuple(notes),
        remedies_ranked=rank_remedies,
        fresh_runs=evaluator.fresh_runs,
        reused_runs=evaluator.reused_runs,
    )


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


__all__ = [
    "MILESTONES",
    "SEVERITY_ORDER",
    "ActionPlanItem",
    "Gap",
    "GapReport",
    "Milestone",
    "Requirements",
    "Severity",
    "analyse_gaps",
    "cheapest_closing",
    "outage_of",
]
