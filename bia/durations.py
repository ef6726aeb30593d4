"""Durations as people write them in a BIA ("4 h", "1.5 d", "2 w", "1 mo") and back.

Stored values are hours (floats). A month is 30 days, the convention of the default
horizons (1 mo = 720 h).
"""

from __future__ import annotations

import re

UNIT_HOURS: dict[str, float] = {
    "m": 1 / 60,
    "min": 1 / 60,
    "mins": 1 / 60,
    "minute": 1 / 60,
    "minutes": 1 / 60,
    "h": 1.0,
    "hr": 1.0,
    "hrs": 1.0,
    "hour": 1.0,
    "hours": 1.0,
    "d": 24.0,
    "day": 24.0,
    "days": 24.0,
    "w": 168.0,
    "wk": 168.0,
    "week": 168.0,
    "weeks": 168.0,
    "mo": 720.0,
    "month": 720.0,
    "months": 720.0,
}

_PATTERN = re.compile(r"^\s*(?P<number>[-+]?\d+(?:[.,]\d+)?)\s*(?P<unit>[a-z]*)\s*$", re.IGNORECASE)


def parse_duration_hours(text: str) -> float:
    """ "4 h" → 4.0, "1.5d" → 36.0, "90 min" → 1.5; a bare number means hours.

    Raises ``ValueError`` with a message fit for a field error, including for
    negative durations.
    """
    match = _PATTERN.match(text or "")
    if not match:
        raise ValueError(
            f"“{(text or '').strip()}” is not a duration. Write a number and a unit, "
            "e.g. 4 h, 2 d, 1 w."
        )
    number = float(match["number"].replace(",", "."))
    unit = match["unit"].lower() or "h"
    if unit not in UNIT_HOURS:
        raise ValueError(f"Unknown unit “{match['unit']}”. Use min, h, d, w or mo.")
    if number < 0:
        raise ValueError("A duration cannot be negative.")
    return number * UNIT_HOURS[unit]


def format_hours(hours: float | None) -> str:
    """Short label: 1 h, 4 h, 1 d, 3 d, 1 w, 2 w, 1 mo; falls back to hours with decimals."""
    if hours is None:
        return "—"
    for unit, size in (("mo", 720.0), ("w", 168.0), ("d", 24.0), ("h", 1.0)):
        count = hours / size
        if hours >= size and abs(count - round(count)) < 1e-9:
            return f"{round(count)} {unit}"
    if hours == 0:
        return "0 h"
    if hours < 1:
        return f"{hours * 60:g} min"
    return f"{hours:g} h"


def parse_horizons(text: str) -> list[float]:
    """Comma- or space-separated durations, which must be positive and strictly increasing."""
    parts = [p for p in re.split(r"[,;\n]+", text or "") if p.strip()]
    if not parts:
        raise ValueError("Give at least one time horizon, e.g. 1 h, 4 h, 1 d.")
    hours: list[float] = []
    for part in parts:
        value = parse_duration_hours(part)
        if value <= 0:
            raise ValueError(f"“{part.strip()}” is not after the start of the disruption.")
        if hours and value <= hours[-1]:
            raise ValueError(
                f"Horizons must increase: {format_hours(value)} comes after "
                f"{format_hours(hours[-1])}."
            )
        hours.append(value)
    return hours


def format_horizons(hours: list[float]) -> str:
    return ", ".join(format_hours(h) for h in hours)
