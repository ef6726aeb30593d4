"""Recovery objectives from a business impact analysis (BIA).

The chain, each step explained in the result's reasoning:

1. **MTPD** (maximum tolerable period of disruption, also called MTD): the first assessed
   horizon at which any impact category reaches the tolerance threshold, scored at peak
   (levels + ``peak_uplift``, at most 4), and never earlier than the end of a manual
   workaround that holds the impact below the threshold.
2. **RTO** = MTPD − WRT − margin, where WRT (work recovery time: checking and catching up
   once systems are back) and "MTD = RTO + WRT" are CISSP practice, not NIST SP 800-34
   terms. The RTO is always ≤ MTPD and > 0: when WRT + margin use up the whole MTPD the
   RTO falls back to ``RTO_FALLBACK_FRACTION`` of the MTPD and the reasoning says so.
3. **RPO** = the data-loss tolerance.
4. **Minimum service level** during disruption (ISO 22301's minimum business continuity
   objective, MBCO), as given.
5. **Required availability**: the yearly downtime the BIA tolerates is
   expected_incidents_per_year × RTO; the requirement is the least strict standard tier
   (99%, 99.9%, 99.95%, 99.99%, 99.999%) whose yearly allowance fits inside it.

Worked example (the print service): operational impact is 2 at 4 h, 3 with the +1 peak
uplift → threshold 3 reached at 4 h; a workaround holds for 8 h → MTPD = 8 h. WRT 2 h and a
10% margin (0.8 h) → RTO = 5.2 h. Data-loss tolerance 4 h → RPO = 4 h. Two incidents a
year × 5.2 h = 10.4 h tolerated; 99% allows 87.7 h (too much), 99.9% allows 8.77 h (fits)
→ required availability 99.9%.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Set
from dataclasses import dataclass, field
from typing import Final

from analysis.engine.budgets import (
    GREGORIAN_YEAR_DAYS,
    STANDARD_TIERS,
    check_year_days,
    format_duration,
    tier_label,
)

RTO_FALLBACK_FRACTION: Final = 0.5
MAX_LEVEL: Final = 4
NEVER_REACHED: Final = "impact never reaches the tolerance threshold within the assessed horizons"


@dataclass(frozen=True)
class ImpactAssessment:
    """BIA answers for one business function.

    ``impacts`` maps an impact category (financial, operational, legal/regulatory,
    reputational, safety, …) to one level per horizon on the 0–4 scale.
    ``margin_fraction`` (of the MTPD) and ``margin_hours`` add up to the safety margin
    kept between RTO and MTPD.
    """

    horizons_hours: tuple[float, ...] = ()
    impacts: Mapping[str, tuple[int, ...]] = field(default_factory=dict)
    threshold: int = 3
    peak_uplift: int = 0
    workaround_hours: float = 0.0
    work_recovery_hours: float = 0.0
    margin_fraction: float = 0.0
    margin_hours: float = 0.0
    data_loss_tolerance_hours: float | None = None
    minimum_service_level_percent: float | None = None
    expected_incidents_per_year: float = 1.0


@dataclass(frozen=True, slots=True)
class MtpdResult:
    """The MTPD and what sets it; ``hours`` is ``None`` when the threshold is never reached."""

    hours: float | None
    horizon_index: int | None
    category: str | None
    reasoning: str
    level: int | None = None


@dataclass(frozen=True, slots=True)
class RecoveryRecommendation:
    """Recommended recovery objectives for one function, with the reasoning behind them."""

    mtpd_hours: float | None
    recommended_rto_hours: float | None
    recommended_rpo_hours: float | None
    required_availability: float | None
    availability_tier_label: str | None
    minimum_service_level_percent: float | None
    reasoning: tuple[str, ...]
    missing: tuple[str, ...]
    mtpd_category: str | None = None
    tolerated_downtime_hours_per_year: float | None = None


@dataclass(frozen=True, slots=True)
class InheritedObjective:
    """The strictest objectives a shared component must meet, and which function sets each."""

    rto_hours: float | None
    rto_set_by: str | None
    rpo_hours: float | None
    rpo_set_by: str | None
    availability: float | None
    availability_set_by: str | None
    functions: tuple[str, ...] = ()


def _hours(value: float) -> str:
    return f"{value:g} h" if value < 48 else f"{value:g} h ({format_duration(value * 3600)})"


def check_assessment(a: ImpactAssessment) -> None:
    """Raise ``ValueError`` for a malformed assessment (an empty grid is allowed: it is
    reported as missing, not as an error).

    Example: horizons (1, 4) h with a category scored (0, 5) raises, because levels run 0–4.
    """
    hours = a.horizons_hours
    if any(not h > 0 or math.isnan(h) for h in hours):
        raise ValueError("horizons_hours must all be greater than 0")
    if any(later <= earlier for earlier, later in itertools.pairwise(hours)):
        raise ValueError("horizons_hours must be strictly increasing")
    for category, levels in a.impacts.items():
        if len(levels) != len(hours):
            raise ValueError(
                f"impact category '{category}' has {len(levels)} levels for {len(hours)} horizons"
            )
        if any(not isinstance(v, int) or not 0 <= v <= MAX_LEVEL for v in levels):
            raise ValueError(f"impact category '{category}' levels must be whole numbers 0–4")
    if not 1 <= a.threshold <= MAX_LEVEL:
        raise ValueError("threshold must be between 1 and 4")
    if a.peak_uplift < 0:
        raise ValueError("peak_uplift must be 0 or more levels")
    for name in ("workaround_hours", "work_recovery_hours", "margin_hours"):
        if getattr(a, name) < 0:
            raise ValueError(f"{name} must be 0 or more")
    if not 0.0 <= a.margin_fraction < 1.0:
        raise ValueError("margin_fraction must be in [0, 1)")
    if a.data_loss_tolerance_hours is not None and a.data_loss_tolerance_hours < 0:
        raise ValueError("data_loss_tolerance_hours must be 0 or more")
    level = a.minimum_service_level_percent
    if level is not None and not 0.0 <= level <= 100.0:
        raise ValueError("minimum_service_level_percent must be between 0 and 100")
    if not a.expected_incidents_per_year > 0:
        raise ValueError("expected_incidents_per_year must be greater than 0")


def maximum_tolerable_period(assessment: ImpactAssessment) -> MtpdResult:
    """MTPD: first horizon where an impact (at peak) reaches the threshold, but not before the
    workaround runs out.

    level(c, h) = min(4, impact[c][h] + peak_uplift); h* = first horizon with
    max_c level(c, h) ≥ threshold; MTPD = max(h*, workaround_hours).

    Example: operational levels (1, 2, 3, …) at (1 h, 4 h, 24 h, …), threshold 3, uplift 1
    → the 4 h level becomes 3, h* = 4 h; with an 8-hour workaround MTPD = 8 h; with none,
    4 h. With every level below the threshold the result is ``None`` and the reasoning
    reads "impact never reaches the tolerance threshold within the assessed horizons".
    """
    check_assessment(assessment)
    a = assessment
    if not a.horizons_hours or not a.impacts:
        return MtpdResult(None, None, None, "no impact grid yet, so no MTPD can be derived")
    uplift_text = f" (scored at peak: +{a.peak_uplift} level)" if a.peak_uplift else ""
    for index, horizon in enumerate(a.horizons_hours):
        best: tuple[int, str] | None = None
        for category, levels in a.impacts.items():
            level = min(MAX_LEVEL, levels[index] + a.peak_uplift)
            if level >= a.threshold and (best is None or level > best[0]):
                best = (level, category)
        if best is None:
            continue
        level, category = best
        text = (
            f"'{category}' impact reaches level {level}{uplift_text} at {_hours(horizon)}, "
            f"the threshold being {a.threshold}"
        )
        hours = horizon
        if a.workaround_hours > horizon:
            hours = a.workaround_hours
            text += (
                f"; a manual workaround holds the impact below the threshold for "
                f"{_hours(a.workaround_hours)}, so the MTPD is when it runs out"
            )
        return MtpdResult(hours, index, category, f"{text}: MTPD = {_hours(hours)}", level)
    last = a.horizons_hours[-1]
    return MtpdResult(None, None, None, f"{NEVER_REACHED} (up to {_hours(last)})")


def required_tier(
    tolerated_hours_per_year: float, *, year_days: float = GREGORIAN_YEAR_DAYS
) -> tuple[float, str]:
    """Least strict standard tier whose yearly downtime allowance ≤ the tolerated downtime.

    allowance(tier) = (1 − tier) × year_days × 24 h. Returns (tier, reasoning).

    Example: 10.4 h tolerated → 99% allows 87.66 h (no), 99.9% allows 8.77 h (yes) → 0.999.
    Tolerating less than 99.999%'s 5 m 16 s still returns 0.99999, and the reasoning names
    the exact figure needed.
    """
    year_hours = check_year_days(year_days) * 24.0
    for tier in STANDARD_TIERS:
        allowance = (1.0 - tier) * year_hours
        if allowance <= tolerated_hours_per_year:
            tolerated = format_duration(tolerated_hours_per_year * 3600)
            return tier, (
                f"{tier_label(tier)} allows {format_duration(allowance * 3600)} a year, the "
                f"least strict standard tier within {tolerated}"
            )
    exact = 1.0 - tolerated_hours_per_year / year_hours
    strictest = STANDARD_TIERS[-1]
    return strictest, (
        f"even {tier_label(strictest)} allows more than "
        f"{format_duration(tolerated_hours_per_year * 3600)} a year; the BIA implies "
        f"{exact * 100:.5f}%, so plan for {tier_label(strictest)} and fewer incidents"
    )


def _derived_rto(
    a: ImpactAssessment, mtpd_hours: float | None, reasoning: list[str]
) -> float | None:
    """RTO = MTPD − WRT − margin (or the fallback share of the MTPD), each step added to
    ``reasoning``; None when there is no MTPD to derive it from."""
    rto: float | None = None
    if mtpd_hours is not None:
        margin = a.margin_hours + a.margin_fraction * mtpd_hours
        rto = mtpd_hours - a.work_recovery_hours - margin
        parts = [f"MTPD {_hours(mtpd_hours)}"]
        if a.work_recovery_hours:
            parts.append(f"WRT {_hours(a.work_recovery_hours)}")
        if margin:
            parts.append(f"margin {_hours(margin)}")
        if rto > 0:
            reasoning.append(f"RTO = {' − '.join(parts)} = {_hours(rto)}")
        else:
            rto = RTO_FALLBACK_FRACTION * mtpd_hours
            reasoning.append(
                f"WRT and margin ({_hours(a.work_recovery_hours + margin)}) use up the whole "
                f"MTPD, so the RTO is set to {RTO_FALLBACK_FRACTION:.0%} of the MTPD: {_hours(rto)}"
            )
        if a.work_recovery_hours:
            reasoning.append(
                "WRT (work recovery time) and MTD = RTO + WRT are CISSP practice, not NIST "
                "SP 800-34 terms"
            )
    elif a.horizons_hours and a.impacts:
        reasoning.append(
            "no RTO can be derived: the function tolerates at least the longest assessed "
            "horizon; extend the horizons or confirm that no recovery objective is needed"
        )
    return rto


def recommend_objectives(
    assessment: ImpactAssessment, *, year_days: float = GREGORIAN_YEAR_DAYS
) -> RecoveryRecommendation:
    """MTPD, RTO, RPO, minimum service level and availability tier from one BIA.

    RTO = MTPD − WRT − (margin_hours + margin_fraction × MTPD), or
    RTO_FALLBACK_FRACTION × MTPD when that is not positive; RPO = data-loss tolerance;
    required availability = ``required_tier(expected_incidents_per_year × RTO)``.
    Missing inputs are listed in ``missing`` and the figures that depend on them are
    ``None`` — never zero.

    Example: see the module docstring (MTPD 8 h → RTO 5.2 h, RPO 4 h, 99.9%).
    """
    mtpd = maximum_tolerable_period(assessment)
    a = assessment
    reasoning: list[str] = [mtpd.reasoning]
    missing: list[str] = []
    if not a.horizons_hours or not a.impacts:
        missing.append("impact grid")
    rto = _derived_rto(a, mtpd.hours, reasoning)
    rpo = a.data_loss_tolerance_hours
    if rpo is None:
        missing.append("data-loss tolerance")
    else:
        reasoning.append(f"RPO = data-loss tolerance = {_hours(rpo)}")
    if a.minimum_service_level_percent is None:
        missing.append("minimum service level (MBCO)")
    else:
        reasoning.append(
            f"minimum service level during disruption (ISO 22301 MBCO): "
            f"{a.minimum_service_level_percent:g}% of normal"
        )
    tier: float | None = None
    label: str | None = None
    tolerated: float | None = None
    if rto is not None:
        tolerated = a.expected_incidents_per_year * rto
        tier, why = required_tier(tolerated, year_days=year_days)
        label = tier_label(tier)
        incidents = a.expected_incidents_per_year
        reasoning.append(
            f"required availability {label}: {incidents:g} incident{'' if incidents == 1 else 's'}"
            f" a year × RTO {_hours(rto)} = {_hours(tolerated)} of tolerable downtime; {why}"
        )
    return RecoveryRecommendation(
        mtpd_hours=mtpd.hours,
        recommended_rto_hours=rto,
        recommended_rpo_hours=rpo,
        required_availability=tier,
        availability_tier_label=label,
        minimum_service_level_percent=a.minimum_service_level_percent,
        reasoning=tuple(reasoning),
        missing=tuple(missing),
        mtpd_category=mtpd.category,
        tolerated_downtime_hours_per_year=tolerated,
    )


def _strictest(
    functions: list[str], values: Mapping[str, float | None], *, lowest: bool
) -> tuple[float | None, str | None]:
    best: tuple[float, str] | None = None
    for function in functions:
        value = values[function]
        if value is None:
            continue
        if best is None or (value < best[0] if lowest else value > best[0]):
            best = (value, function)
    return (None, None) if best is None else best


def strictest_objectives(
    per_function: Mapping[str, RecoveryRecommendation],
    components_used_by: Mapping[str, Set[str]],
) -> dict[str, InheritedObjective]:
    """Objectives each shared component inherits: the strictest of the functions above it.

    rto = min over functions, rpo = min, availability = max; each names the function
    that sets it (ties go to the function id that sorts first). Functions without a
    recommendation are ignored; components used by none of them get ``None`` figures.

    Example: ``san`` used by "payroll" (RTO 4 h, RPO 1 h) and "printing" (RTO 5.2 h,
    RPO 4 h, 99.9%) → RTO 4 h set by payroll, RPO 1 h set by payroll, availability 99.9%
    set by printing when payroll has no tier.
    """
    inherited: dict[str, InheritedObjective] = {}
    for component, users in components_used_by.items():
        functions = sorted(f for f in users if f in per_function)
        rto, rto_by = _strictest(
            functions, {f: per_function[f].recommended_rto_hours for f in functions}, lowest=True
        )
        rpo, rpo_by = _strictest(
            functions, {f: per_function[f].recommended_rpo_hours for f in functions}, lowest=True
        )
        availability, availability_by = _strictest(
            functions, {f: per_function[f].required_availability for f in functions}, lowest=False
        )
        inherited[component] = InheritedObjective(
            rto_hours=rto,
            rto_set_by=rto_by,
            rpo_hours=rpo,
            rpo_set_by=rpo_by,
            availability=availability,
            availability_set_by=availability_by,
            functions=tuple(functions),
        )
    return inherited
