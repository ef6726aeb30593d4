"""Gap analysis: what the BIA requires against what the inventory achieves, and what to do.

Gaps and their severity (RTO and MTPD are the function's recommended figures):

* **rto** — achievable RTO above the recommended RTO. critical: above the MTPD;
  high: unknown (a restore time is missing) or more than twice the RTO; medium: more
  than 10% over; low: within 10%.
* **rpo** — achievable RPO above the recommended RPO. critical: data unprotected or
  more than 4× the RPO; high: more than 2× (or any loss when none is tolerated);
  medium: more than 10% over; low: within 10%.
* **availability** — achieved below required; by the ratio of unavailabilities
  r = (1 − A_achieved) / (1 − A_required): critical r ≥ 10, high r ≥ 3, medium r ≥ 1.5,
  low otherwise.
* **spof** — one per single point of failure; by how long its loss stops the function:
  critical when unknown or beyond the MTPD, high when beyond the RTO, medium otherwise.

Each gap lists remediation options from the technique catalogue, each checked by
re-running the engine on the changed topology and ranked "start light" (see
``analysis.engine.remediation`` for how much of a gap an option closes). A gap that no
single option closes becomes an action-plan item with milestones (assess, design, fund,
implement, test), in the manner of a NIST plan of action and milestones.

Example (print service, head office): the SAN is a critical SPOF (its 24 h restore is
beyond the 8 h MTPD, and it defeats the redundancy of ``app-pair``); the first option is
replicated storage in the branch (closes it fully, cost 4 × complexity 3), ahead of a cold
site (half closed, 2 × 4), a hot site and a warm site.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Final, Literal

from analysis.engine.achievable import AchievableObjectives, achievable_objectives
from analysis.engine.availability import AvailabilityAnalyzer, ServiceAvailability
from analysis.engine.budgets import format_duration, tier_label
from analysis.engine.objectives import RecoveryRecommendation
from analysis.engine.remediation import (
    Evaluator,
    GapTarget,
    RemediationOption,
    outage_of,
    rank_options,
)
from analysis.engine.structure import Model, sub_topology
from analysis.engine.techniques import DEFAULT_TECHNIQUES, GapKind, Technique
from analysis.engine.topology import Method, Topology

Severity = Literal["critical", "high", "medium", "low"]
SEVERITY_ORDER: Final[dict[str, int]] = {"critical": 0, "high": 1, "medium": 2, "low": 3}
MILESTONES: Final = ("assess", "design", "fund", "implement", "test")


@dataclass(frozen=True, slots=True)
class Gap:
    """A shortfall of one kind, with evidence and remediation options (best first)."""

    kind: GapKind
    severity: Severity
    required: float | None
    achievable: float | None
    evidence: str
    remediation: tuple[RemediationOption, ...]
    element: str | None = None


@dataclass(frozen=True, slots=True)
class Milestone:
    name: str
    description: str
    due_week: int


@dataclass(frozen=True, slots=True)
class ActionPlanItem:
    """A gap that no single catalogue option closes: a plan of action with milestones."""

    gap_kind: GapKind
    element: str | None
    severity: Severity
    title: str
    best_option: RemediationOption | None
    milestones: tuple[Milestone, ...]


@dataclass(frozen=True, slots=True)
class GapReport:
    function_id: str
    service_id: str
    required: RecoveryRecommendation
    achievable: AchievableObjectives
    gaps: tuple[Gap, ...]
    action_plan: tuple[ActionPlanItem, ...]
    notes: tuple[str, ...]


def _ratio_severity(ratio: float, *, critical: float, high: float, medium: float = 1.1) -> Severity:
    if ratio >= critical:
        return "critical"
    if ratio >= high:
        return "high"
    return "medium" if ratio >= medium else "low"


def _defeated_groups(model: Model, service_id: str, element: str) -> list[str]:
    """Redundancy groups whose every member needs ``element`` (redundancy in name only)."""
    return [
        node
        for node in model.closure(service_id)
        if model.kind(node) == "group"
        and len(model.groups[node].members) > 1
        and all(element in model.necessary(m) for m in model.groups[node].members)
    ]


def _plan(gap: Gap, service_id: str) -> ActionPlanItem:
    best = gap.remediation[0] if gap.remediation else None
    cost = best.cost_class if best else 3
    complexity = best.complexity if best else 3
    subject = f"'{gap.element}'" if gap.element else f"'{service_id}'"
    weeks = [2, 2 + 2 * complexity, 2 + 2 * complexity + 2 * cost]
    weeks += [weeks[-1] + 3 * complexity, weeks[-1] + 3 * complexity + 2]
    texts = (
        f"confirm the {gap.kind} gap on {subject} and the business need behind it",
        "choose a design" + (f", starting from {best.technique_name}" if best else ""),
        f"secure budget (cost class {cost} of 5) and an owner",
        "build it under change control with a rollback plan",
        "test failover and restore, then re-run this analysis to confirm the gap is closed",
    )
    return ActionPlanItem(
        gap_kind=gap.kind,
        element=gap.element,
        severity=gap.severity,
        title=f"Close the {gap.kind} gap on {subject}",
        best_option=best,
        milestones=tuple(
            Milestone(name, text, week)
            for name, text, week in zip(MILESTONES, texts, weeks, strict=True)
        ),
    )


_Finding = tuple[GapTarget, Severity, str, list[str]]


def _rto_gap(ach: AchievableObjectives, rto: float, mtpd: float | None) -> _Finding | None:
    if ach.rto_hours is not None and ach.rto_hours <= rto:
        return None
    slow = sorted(
        (
            o
            for o in ach.outages
            if o.element_id not in ach.sites_not_assessed and (o.hours is None or o.hours > rto)
        ),
        key=lambda o: (-(o.hours if o.hours is not None else float("inf")), o.element_id),
    )
    targets = [o.element_id for o in slow[:3]]
    per_element = tuple((o.element_id, o.hours) for o in slow)
    severity: Severity
    if ach.rto_hours is None:
        severity = "high"
        evidence = (
            f"achievable RTO unknown: no restore time for {', '.join(ach.rto_unknown)}; "
            f"required RTO {rto:g} h"
        )
    else:
        if mtpd is not None and ach.rto_hours > mtpd:
            severity = "critical"
        else:
            severity = _ratio_severity(ach.rto_hours / rto, critical=float("inf"), high=2.0)
        worst = next(o for o in ach.outages if o.element_id == ach.rto_set_by)
        evidence = f"worst single failure: {worst.explanation}; required RTO {rto:g} h"
        if mtpd is not None:
            evidence += f" (MTPD {mtpd:g} h)"
    element = targets[0] if targets else None
    return GapTarget("rto", ach.rto_hours, rto, element, per_element), severity, evidence, targets


def _rpo_gap(ach: AchievableObjectives, rpo: float) -> _Finding | None:
    if not ach.rpo_applicable or (ach.rpo_hours is not None and ach.rpo_hours <= rpo):
        return None
    exposed = sorted(
        (p for p in ach.data_protection if p.rpo_hours is None or p.rpo_hours > rpo),
        key=lambda p: (-(p.rpo_hours if p.rpo_hours is not None else float("inf")), p.component_id),
    )
    targets = [p.component_id for p in exposed[:3]]
    per_element = tuple((p.component_id, p.rpo_hours) for p in exposed)
    severity: Severity
    if ach.rpo_hours is None:
        severity = "critical"
        evidence = f"unprotected data on {', '.join(ach.rpo_unprotected)}; required RPO {rpo:g} h"
    else:
        ratio = ach.rpo_hours / rpo if rpo > 0 else float("inf")
        severity = "high" if rpo == 0 else _ratio_severity(ratio, critical=4.0, high=2.0)
        protection = next(p for p in ach.data_protection if p.component_id == ach.rpo_set_by)
        evidence = (
            f"'{ach.rpo_set_by}' is protected by {protection.protection}: up to "
            f"{ach.rpo_hours:g} h of data lost against a required RPO of {rpo:g} h"
        )
    element = targets[0] if targets else None
    return GapTarget("rpo", ach.rpo_hours, rpo, element, per_element), severity, evidence, targets


def _availability_gap(
    achieved: ServiceAvailability, need: float, year_days: float
) -> _Finding | None:
    if achieved.availability >= need:
        return None
    u_need = 1.0 - need
    ratio = achieved.unavailability / u_need if u_need > 0 else float("inf")
    severity = _ratio_severity(ratio, critical=10.0, high=3.0, medium=1.5)
    movers = sorted(
        (i for i in achieved.importance if i.criticality > 0),
        key=lambda i: (-i.criticality, i.element_id),
    )
    year = year_days * 86_400.0
    evidence = (
        f"achieved {achieved.availability:.5%} "
        f"({format_duration(achieved.unavailability * year)} a year) against "
        f"{tier_label(need)} ({format_duration(u_need * year)})"
    )
    if movers:
        top = movers[0]
        evidence += f"; '{top.element_id}' accounts for {top.criticality:.0%} of the downtime"
    element = movers[0].element_id if movers else None
    target = GapTarget("availability", achieved.unavailability, u_need, element)
    return target, severity, evidence, [m.element_id for m in movers[:3]]


def _spof_gap(
    model: Model,
    ach: AchievableObjectives,
    spof: str,
    rto: float | None,
    mtpd: float | None,
) -> _Finding:
    assessed, hours = outage_of(ach, spof)
    severity: Severity
    if not assessed or hours is None or (mtpd is not None and hours > mtpd):
        severity = "critical"
    elif rto is None or hours > rto:
        severity = "high"
    else:
        severity = "medium"
    recovery = (
        f"recovery after its loss takes {hours:g} h"
        if assessed and hours is not None
        else "recovery time after its loss is unknown"
    )
    evidence = f"losing '{spof}' alone stops '{ach.service_id}'; {recovery}"
    defeated = _defeated_groups(model, ach.service_id, spof)
    if defeated:
        evidence += "; hidden: it sits under every member of " + ", ".join(
            f"'{g}'" for g in defeated
        )
    return GapTarget("spof", None, rto, spof), severity, evidence, [spof]


def analyse_gaps(
    topology: Topology,
    service_id: str,
    required: RecoveryRecommendation,
    *,
    function_id: str | None = None,
    techniques: tuple[Technique, ...] = DEFAULT_TECHNIQUES,
    max_options: int = 5,
    method: Method | None = None,
) -> GapReport:
    """Gaps of one function (carried by ``service_id``) with ranked, engine-checked remedies.

    See the module docstring for severities and scoring. Example (print service at the
    head office, RTO 5.2 h, RPO 4 h, MTPD 8 h): an RPO gap (print-db backed up every 24 h;
    log shipping first, score 1/(2×2) = 0.25), an RTO gap (SAN restore 24 h; backup and
    restore first, 85% closed for cost 1×1), and critical SPOFs — the SAN, whose first
    remedy is replicated storage at the branch (score 1/(4×3) ≈ 0.083), and both sites.
    """
    # Keep every site: a remedy may place a peer in a site this service does not use yet.
    part = replace(sub_topology(topology, [service_id]), sites=topology.sites)
    analyzer = AvailabilityAnalyzer(part, method=method)
    achieved = analyzer.service(service_id)
    ach = achievable_objectives(part, service_id, analyzer=analyzer)
    evaluator = Evaluator(part, service_id, method)
    rto, rpo = required.recommended_rto_hours, required.recommended_rpo_hours
    mtpd, need = required.mtpd_hours, required.required_availability
    notes = [f"required inputs missing: {m}" for m in required.missing]
    if rto is None:
        notes.append("RTO not compared: no recommended RTO")

    findings: list[_Finding | None] = [
        _rto_gap(ach, rto, mtpd) if rto is not None else None,
        _rpo_gap(ach, rpo) if rpo is not None else None,
        _availability_gap(achieved, need, topology.year_days) if need is not None else None,
        *(
            _spof_gap(analyzer.model, ach, spof, rto, mtpd)
            for spof in achieved.single_points_of_failure
        ),
    ]
    gaps = [
        Gap(
            kind=target.kind,
            severity=severity,
            required=target.required,
            achievable=target.before,
            evidence=evidence,
            remediation=rank_options(evaluator, target, targets, techniques, max_options),
            element=target.element,
        )
        for target, severity, evidence, targets in (f for f in findings if f is not None)
    ]
    gaps.sort(key=lambda g: (SEVERITY_ORDER[g.severity], g.kind, g.element or ""))
    plan = tuple(_plan(g, service_id) for g in gaps if not any(o.closes_gap for o in g.remediation))
    return GapReport(
        function_id=function_id or service_id,
        service_id=service_id,
        required=required,
        achievable=ach,
        gaps=tuple(gaps),
        action_plan=plan,
        notes=tuple(notes),
    )
