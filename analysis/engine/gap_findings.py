"""Finding and grading a function's gaps: which measure falls short, how badly, and why.

Each finder compares one of the function's measures with its requirement and, when it
falls short, returns a ``Finding``: the severity, the elements that hold it back (worst
first, at most three) and the evidence in words. Severities (RTO and MTPD are the
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

Example: achieved 99.5% against a required 99.9% is r = 0.005 / 0.001 = 5, a high
availability gap; an achievable RTO of 9 h against a required 4 h (MTPD 24 h) is 2.25×,
a high RTO gap.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from analysis.engine.achievable import AchievableObjectives
from analysis.engine.availability import ServiceAvailability
from analysis.engine.techniques import GapKind
from analysis.formatting import duration, hours, measure, percent

Severity = Literal["critical", "high", "medium", "low"]


@dataclass(frozen=True, slots=True)
class Finding:
    """One measure falling short: ``element`` is the worst of ``elements``, if any."""

    measure: GapKind
    severity: Severity
    element: str | None
    elements: tuple[str, ...]
    evidence: str


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


def _finding(
    kind: GapKind, severity: Severity, elements: tuple[str, ...], evidence: str
) -> Finding:
    return Finding(kind, severity, elements[0] if elements else None, elements, evidence)


def rto_finding(
    ach: AchievableObjectives, rto: float | None, mtpd: float | None, *, agreed: bool
) -> Finding | None:
    """The RTO gap, if the achievable RTO is unknown or above ``rto`` (hours)."""
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
    severity: Severity
    wanted = _required_words("rto", rto, agreed)
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
    return _finding("rto", severity, tuple(o.element_id for o in slow[:3]), evidence)


def rpo_finding(ach: AchievableObjectives, rpo: float | None, *, agreed: bool) -> Finding | None:
    """The RPO gap, if data is unprotected or the achievable RPO is above ``rpo`` (hours)."""
    if rpo is None or not ach.rpo_applicable:
        return None
    if ach.rpo_hours is not None and ach.rpo_hours <= rpo:
        return None
    exposed = sorted(
        (p for p in ach.data_protection if p.rpo_hours is None or p.rpo_hours > rpo),
        key=lambda p: (-(p.rpo_hours if p.rpo_hours is not None else float("inf")), p.component_id),
    )
    wanted = _required_words("rpo", rpo, agreed)
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
    return _finding("rpo", severity, tuple(p.component_id for p in exposed[:3]), evidence)


def availability_finding(
    achieved: ServiceAvailability, need: float | None, *, agreed: bool, year_days: float
) -> Finding | None:
    """The availability gap, if ``achieved`` is below ``need`` (a fraction of the year)."""
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
        f"{_required_words('availability', need, agreed)} "
        f"({duration(u_need * year)} a year)"
    )
    if movers:
        top = movers[0]
        evidence += f"; '{top.element_id}' accounts for {top.criticality:.0%} of the downtime"
    return _finding("availability", severity, tuple(m.element_id for m in movers[:3]), evidence)


def spof_finding(
    ach: AchievableObjectives,
    spof: str,
    rto: float | None,
    mtpd: float | None,
    hidden: dict[str, tuple[str, ...]],
) -> Finding:
    """The gap of one single point of failure; ``hidden`` maps hidden SPOFs to the
    redundancy groups they defeat."""
    assessed, outage = outage_of(ach, spof)
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
    return _finding("spof", severity, (spof,), evidence)
