"""Words, units and precision for every figure the analysis shows, in one place.

Pages, the API's human-readable fields and the PDF plan all format analysis figures
through these functions, so a figure reads the same everywhere:

* availability is a percentage with ``AVAILABILITY_DECIMALS`` decimals, truncated (never
  rounded up, so 99.99996% never reads as 100%): 0.998558749 → "99.8558%";
* durations are in words, to the second, with every non-zero unit: 6.2 h →
  "6 h 12 min", 60.8 h → "2 d 12 h 48 min", 52 min 36 s → "52 min 36 s";
* methods are "exact" or "Monte Carlo estimate";
* measures are "availability", "RTO", "RPO" and "single point of failure".

Pure Python (no Django), so the engine's evidence texts use it too.
"""

from __future__ import annotations

import math
from typing import Final

AVAILABILITY_DECIMALS: Final = 4
UNKNOWN: Final = "unknown"

_UNITS: Final = (("d", 86_400), ("h", 3_600), ("min", 60), ("s", 1))

METHOD_WORDS: Final[dict[str, str]] = {
    "exact": "exact",
    "monte_carlo": "Monte Carlo estimate",
}
METHOD_REQUEST_WORDS: Final[dict[str, str]] = {
    "auto": "exact, or a Monte Carlo estimate where exact is too costly",
    "exact": "exact",
    "monte_carlo": "Monte Carlo estimate",
}
MEASURE_WORDS: Final[dict[str, str]] = {
    "availability": "availability",
    "rto": "RTO",
    "rpo": "RPO",
    "spof": "single point of failure",
}
SEVERITY_WORDS: Final[dict[str, str]] = {
    "critical": "critical",
    "high": "high",
    "medium": "medium",
    "low": "low",
}
SOURCE_WORDS: Final[dict[str, str]] = {"derived": "from the BIA", "agreed": "agreed"}
YEAR_WORDS: Final[dict[float, str]] = {
    365.2425: "Gregorian mean year (365.2425 days)",
    365.0: "calendar year (365 days)",
    365.25: "Julian year (365.25 days)",
}


def percent(fraction: float | None) -> str:
    """An availability (a fraction) as a percentage, truncated to the shown precision.

    Examples: 0.998558749 → "99.8558%"; 0.9995 → "99.9500%"; 1.0 → "100.0000%";
    0.99999996 → "99.9999%" (not "100.0000%"); None → "unknown".
    """
    if fraction is None:
        return UNKNOWN
    value = float(fraction)
    if not math.isfinite(value):
        raise ValueError(f"cannot show availability {value!r}")
    scale = 10**AVAILABILITY_DECIMALS
    # Work on an integer count of 10⁻⁶ % steps so 0.9995 (0.99949999…) still reads 99.9500.
    steps = math.floor(round(value * 100 * scale, 6))
    whole, rest = divmod(steps, scale)
    return f"{whole}.{rest:0{AVAILABILITY_DECIMALS}d}%"


def duration(seconds: float | None) -> str:
    """A duration in words, to the second, every non-zero unit shown.

    Examples: 22 320 → "6 h 12 min"; 218 880 → "2 d 12 h 48 min"; 45 481 → "12 h 38 min
    1 s"; 0 → "0 s"; 0.2 → "under 1 s"; −90 → "−1 min 30 s"; None → "unknown".
    """
    if seconds is None:
        return UNKNOWN
    value = float(seconds)
    if math.isnan(value):
        raise ValueError("cannot show a duration of NaN seconds")
    if math.isinf(value):
        return "unbounded" if value > 0 else "−unbounded"
    if 0.0 < value < 0.5:
        return "under 1 s"
    whole = math.floor(abs(value) + 0.5)
    if whole == 0:
        return "0 s"
    parts = []
    remaining = whole
    for unit, size in _UNITS:
        count, remaining = divmod(remaining, size)
        if count:
            parts.append(f"{count} {unit}")
    return ("−" if value < 0 else "") + " ".join(parts)


def duration_to_minute(seconds: float | None) -> str:
    """A duration in words rounded to the minute, for estimates where seconds are noise.

    Examples: 4 344 → "1 h 12 min"; 171 504 → "1 d 23 h 38 min"; 20 → "under 1 min";
    None → "unknown".
    """
    if seconds is None:
        return UNKNOWN
    value = float(seconds)
    if 0.0 < abs(value) < 30.0:
        return "under 1 min"
    return duration(round(value / 60.0) * 60.0)


def hours(value: float | None) -> str:
    """A duration given in hours, in words: 6.2 → "6 h 12 min"; None → "unknown"."""
    return UNKNOWN if value is None else duration(float(value) * 3600.0)


def method(code: str | None) -> str:
    """The method that produced a figure, in words: "exact" or "Monte Carlo estimate"."""
    if code is None:
        return UNKNOWN
    return METHOD_WORDS[code]


def method_requested(code: str) -> str:
    """The plan's method setting in words ("auto" reads as what it does)."""
    return METHOD_REQUEST_WORDS[code]


def measure(code: str) -> str:
    """A gap's measure in words: "rto" → "RTO", "spof" → "single point of failure"."""
    return MEASURE_WORDS[code]


def severity(code: str) -> str:
    return SEVERITY_WORDS[code]


def source(code: str | None) -> str:
    """Where a required figure comes from: "from the BIA" or "agreed"."""
    return "" if code is None else SOURCE_WORDS[code]


def year_convention(year_days: float) -> str:
    """The year convention in words: 365.2425 → "Gregorian mean year (365.2425 days)"."""
    return YEAR_WORDS.get(float(year_days), f"year of {year_days:g} days")


def count(number: int) -> str:
    """A whole number with thousands separators: 200000 → "200,000"."""
    return f"{number:,}"


def measure_value(code: str, value: float | None) -> str:
    """A requirement or figure of one measure in words (percent or duration)."""
    if code == "availability":
        return percent(value)
    if code in ("rto", "rpo"):
        return hours(value)
    raise ValueError(f"measure {code!r} has no single figure")
