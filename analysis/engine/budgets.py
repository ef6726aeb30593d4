"""Nines, downtime budgets and what is left of them.

Availability ``A`` is a fraction in [0, 1]. The downtime a period allows is

    allowed_seconds = (1 − A) × period_seconds

and the reverse is ``A = 1 − downtime_seconds / period_seconds``.

The length of a year is a convention, and it changes the answer by minutes, so every
result carries the convention it used:

* 365.2425 days — the mean Gregorian year (the default; most uptime calculators use it),
* 365 days — a calendar year without a leap day,
* 365.25 days — the Julian year.

Quarter and month are a quarter and a twelfth of that year; week, day and the rolling
28- and 30-day windows are fixed lengths.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final, Literal, get_args

from analysis.formatting import duration

Period = Literal["year", "quarter", "month", "week", "day", "rolling_28_days", "rolling_30_days"]

PERIODS: Final[tuple[Period, ...]] = get_args(Period)

SECONDS_PER_DAY: Final = 86_400.0
GREGORIAN_YEAR_DAYS: Final = 365.2425

YEAR_CONVENTIONS: Final[dict[float, str]] = {
    365.2425: "mean Gregorian year (365.2425 days)",
    365.0: "calendar year without leap day (365 days)",
    365.25: "Julian year (365.25 days)",
}

PERIOD_LABELS: Final[dict[Period, str]] = {
    "year": "per year",
    "quarter": "per quarter",
    "month": "per month",
    "week": "per week",
    "day": "per day",
    "rolling_28_days": "per rolling 28 days",
    "rolling_30_days": "per rolling 30 days",
}


def check_year_days(year_days: float) -> float:
    """Return ``year_days`` as a float if it is one of the supported year conventions.

    Raises ``ValueError`` naming the accepted values otherwise. Example:
    ``check_year_days(365)`` → ``365.0``; ``check_year_days(360)`` raises.
    """
    value = float(year_days)
    if value not in YEAR_CONVENTIONS:
        accepted = ", ".join(str(d) for d in YEAR_CONVENTIONS)
        raise ValueError(f"year_days must be one of {accepted} (days per year); got {year_days!r}")
    return value


def check_availability(availability: float) -> float:
    """Return ``availability`` as a float if it is a fraction in [0, 1], else raise ``ValueError``.

    Example: ``check_availability(0.999)`` → ``0.999``; ``check_availability(99.9)`` raises
    because percentages must be given as fractions.
    """
    value = float(availability)
    if math.isnan(value) or not 0.0 <= value <= 1.0:
        raise ValueError(
            f"availability must be a fraction between 0 and 1 (e.g. 0.999 for 99.9%); "
            f"got {availability!r}"
        )
    return value


def period_seconds(period: Period, *, year_days: float = GREGORIAN_YEAR_DAYS) -> float:
    """Length of ``period`` in seconds under the year convention ``year_days``.

    year = year_days × 86 400; quarter = year / 4; month = year / 12; week = 7 × 86 400;
    day = 86 400; rolling windows = 28 or 30 × 86 400.

    Example: ``period_seconds("year")`` = 365.2425 × 86 400 = 31 556 952 s and
    ``period_seconds("month")`` = 2 629 746 s.
    """
    days = check_year_days(year_days)
    year = days * SECONDS_PER_DAY
    lengths: dict[Period, float] = {
        "year": year,
        "quarter": year / 4.0,
        "month": year / 12.0,
        "week": 7.0 * SECONDS_PER_DAY,
        "day": SECONDS_PER_DAY,
        "rolling_28_days": 28.0 * SECONDS_PER_DAY,
        "rolling_30_days": 30.0 * SECONDS_PER_DAY,
    }
    if period not in lengths:
        raise ValueError(f"period must be one of {', '.join(PERIODS)}; got {period!r}")
    return lengths[period]


def round_seconds(seconds: float) -> int:
    """Round to the nearest whole second, halves away from zero (not banker's rounding).

    Example: ``round_seconds(315_569.52)`` → 315 570; ``round_seconds(2.5)`` → 3.
    """
    magnitude = math.floor(abs(seconds) + 0.5)
    return int(-magnitude if seconds < 0 else magnitude)


@dataclass(frozen=True, slots=True)
class PeriodBudget:
    """Allowed downtime for one period: exact seconds and the same rounded to whole seconds."""

    period: Period
    period_seconds: float
    allowed_seconds: float
    allowed_whole_seconds: int
    label: str


@dataclass(frozen=True, slots=True)
class DowntimeBudget:
    """Allowed downtime for every period at one availability and year convention."""

    availability: float
    unavailability: float
    year_days: float
    year_convention: str
    periods: tuple[PeriodBudget, ...]

    def for_period(self, period: Period) -> PeriodBudget:
        """The budget of one period, e.g. ``budget.for_period("month").allowed_seconds``."""
        for entry in self.periods:
            if entry.period == period:
                return entry
        raise KeyError(period)

    def seconds(self, period: Period) -> float:
        """Exact allowed downtime in seconds for ``period``."""
        return self.for_period(period).allowed_seconds


def allowed_downtime(
    availability: float, *, year_days: float = GREGORIAN_YEAR_DAYS
) -> DowntimeBudget:
    """Downtime allowed by ``availability`` in every period.

    allowed_seconds(period) = (1 − A) × period_seconds(period); whole seconds are rounded
    half away from zero.

    Example: A = 0.999 with the Gregorian year: year = 0.001 × 31 556 952 = 31 556.952 s
    (8 h 45 m 57 s); month = 2 629.746 s (43 m 50 s); day = 86.4 s.
    """
    a = check_availability(availability)
    days = check_year_days(year_days)
    # 1 − A is exact in binary floating point for A ≥ 0.5, so no digits are lost here.
    u = 1.0 - a
    budgets = []
    for period in PERIODS:
        length = period_seconds(period, year_days=days)
        allowed = u * length
        budgets.append(
            PeriodBudget(
                period=period,
                period_seconds=length,
                allowed_seconds=allowed,
                allowed_whole_seconds=round_seconds(allowed),
                label=PERIOD_LABELS[period],
            )
        )
    return DowntimeBudget(
        availability=a,
        unavailability=u,
        year_days=days,
        year_convention=YEAR_CONVENTIONS[days],
        periods=tuple(budgets),
    )


def availability_for_downtime(
    downtime_seconds: float, period: Period = "year", *, year_days: float = GREGORIAN_YEAR_DAYS
) -> float:
    """Availability that allows exactly ``downtime_seconds`` of downtime in ``period``.

    A = 1 − downtime_seconds / period_seconds(period).

    Example: 31 556.952 s per Gregorian year → 1 − 31 556.952 / 31 556 952 = 0.999;
    52 m 36 s (3 156 s) per year → 0.999 899 99… ≈ 99.99%.
    """
    length = period_seconds(period, year_days=year_days)
    down = float(downtime_seconds)
    if math.isnan(down) or not 0.0 <= down <= length:
        raise ValueError(
            f"downtime_seconds must be between 0 and the length of the {period} "
            f"({length:g} s); got {downtime_seconds!r}"
        )
    return 1.0 - down / length


def nines(availability: float) -> float:
    """Number of nines: −log10(1 − A); ``math.inf`` for A = 1.

    Example: ``nines(0.999)`` ≈ 3.0; ``nines(0.9995)`` ≈ 3.3.
    """
    a = check_availability(availability)
    if a == 1.0:
        return math.inf
    return -math.log10(1.0 - a)


def format_duration(seconds: float) -> str:
    """Human-readable duration in days, hours, minutes and seconds, rounded to whole seconds,
    in the product's one set of words (``analysis.formatting.duration``).

    Zero units are left out; negative durations (an overspent budget) get a leading "−"
    sign; positive durations under half a second read "under 1 s".

    Examples: 315 569.52 s → "3 d 15 h 39 min 30 s"; 31 556.952 s → "8 h 45 min 57 s";
    3 155.6952 s → "52 min 36 s"; 3 600 s → "1 h"; 0 → "0 s"; −90 s → "−1 min 30 s".
    """
    return duration(seconds)


@dataclass(frozen=True, slots=True)
class NinesRow:
    """One row of the nines table: a standard availability tier and what it typically suits."""

    availability: float
    label: str
    downtime_seconds_per_year: float
    downtime_text: str
    business_case: str


STANDARD_TIERS: Final[tuple[float, ...]] = (0.99, 0.999, 0.9995, 0.9999, 0.99999)

_BUSINESS_CASES: Final[dict[float, str]] = {
    0.99: "overnight batch work and data extract/transform/load runs",
    0.999: "internal tools such as wikis, knowledge bases and project trackers",
    0.9995: "online shops and point-of-sale tills",
    0.9999: "video streaming and broadcast platforms",
    0.99999: "cash machines and telecom switching",
}


def tier_label(availability: float) -> str:
    """Percent label for a tier without trailing zeros: 0.9995 → "99.95%", 0.99 → "99%"."""
    percent = f"{availability * 100:.6f}".rstrip("0").rstrip(".")
    return f"{percent}%"


def nines_table(*, year_days: float = GREGORIAN_YEAR_DAYS) -> tuple[NinesRow, ...]:
    """The standard tiers with their yearly downtime allowance and typical use.

    Downtime per year = (1 − A) × year_days × 86 400 s.

    Example (Gregorian year): 99% → 315 569.52 s = 3 d 15 h 39 m 30 s; 99.9% → 8 h 45 m 57 s;
    99.95% → 4 h 22 m 58 s; 99.99% → 52 m 36 s; 99.999% → 5 m 16 s.
    """
    rows = []
    for tier in STANDARD_TIERS:
        yearly = allowed_downtime(tier, year_days=year_days).seconds("year")
        rows.append(
            NinesRow(
                availability=tier,
                label=tier_label(tier),
                downtime_seconds_per_year=yearly,
                downtime_text=format_duration(yearly),
                business_case=_BUSINESS_CASES[tier],
            )
        )
    return tuple(rows)


NINES_TABLE: Final[tuple[NinesRow, ...]] = nines_table()


@dataclass(frozen=True, slots=True)
class BudgetStatus:
    """What is left of one period's downtime budget after the downtime already spent.

    ``remaining_seconds`` is negative when the budget is overspent.
    """

    availability: float
    period: Period
    year_days: float
    allowed_seconds: float
    spent_seconds: float
    remaining_seconds: float
    fraction_spent: float
    overspent: bool
    achieved_availability: float


def budget_remaining(
    availability: float,
    period: Period,
    spent_seconds: float | Iterable[float],
    *,
    year_days: float = GREGORIAN_YEAR_DAYS,
) -> BudgetStatus:
    """Budget left in ``period`` after recorded incidents and maintenance.

    remaining = (1 − A) × period_seconds − Σ spent; fraction_spent = Σ spent / allowed
    (``math.inf`` when nothing is allowed but something was spent); the availability
    achieved so far treats the whole period as elapsed: 1 − Σ spent / period_seconds.

    Example: 99.9% over a Gregorian month allows 2 629.746 s; incidents of 1 200 s and
    900 s leave 529.746 s (8 m 50 s), 79.9% spent; a further 1 800 s makes it −1 270.254 s,
    overspent.
    """
    a = check_availability(availability)
    length = period_seconds(period, year_days=year_days)
    if isinstance(spent_seconds, int | float):
        items: list[float] = [float(spent_seconds)]
    else:
        items = [float(s) for s in spent_seconds]
    for item in items:
        if math.isnan(item) or item < 0.0:
            raise ValueError(f"spent downtime must be zero or more seconds; got {item!r}")
    spent = math.fsum(items)
    allowed = (1.0 - a) * length
    remaining = allowed - spent
    nothing_allowed = 0.0 if spent == 0.0 else math.inf
    fraction = spent / allowed if allowed > 0.0 else nothing_allowed
    achieved = max(0.0, 1.0 - spent / length)
    return BudgetStatus(
        availability=a,
        period=period,
        year_days=check_year_days(year_days),
        allowed_seconds=allowed,
        spent_seconds=spent,
        remaining_seconds=remaining,
        fraction_spent=fraction,
        overspent=remaining < 0.0,
        achieved_availability=achieved,
    )
