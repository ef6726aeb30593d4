"""How the plan document writes figures: every duration, availability and level with its unit.

One function per kind of value named in :data:`bcp.contract.Shown`; the templates and
the "every field appears" test both go through :func:`display`, so what the test looks
for is exactly what the document prints. Durations use the engine's own
``format_duration`` (days, hours, minutes, seconds; "8 h 45 m 57 s"), the same words the
analysis pages use.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from analysis.engine import format_duration
from bcp.contract import Shown
from bia.durations import format_hours

NONE = "—"


def hours(value: float | None) -> str:
    return NONE if value is None else format_duration(value * 3600)


def minutes(value: float | None) -> str:
    return NONE if value is None else format_duration(value * 60)


def seconds(value: float | None) -> str:
    return NONE if value is None else format_duration(value)


def fraction(value: float | None) -> str:
    """An availability as a percentage with up to four decimals: 0.9985587 → "99.8559 %"."""
    if value is None:
        return NONE
    text = f"{value * 100:.4f}".rstrip("0").rstrip(".")
    return f"{text} %"


def percent(value: float | None) -> str:
    return NONE if value is None else f"{value:g} %"


def plain_hours(value: float | None) -> str:
    return NONE if value is None else f"{value:g} h"


def horizon(value: float | None) -> str:
    return NONE if value is None else format_hours(value)


def number(value: float | None) -> str:
    return NONE if value is None else f"{value:.10g}"


def date(value: str | None) -> str:
    return NONE if not value else value[:10]


def level(value: int | None) -> str:
    return NONE if value is None else str(value)


def count(value: int | None) -> str:
    return NONE if value is None else str(value)


def text(value: str | None) -> str:
    return value if value else NONE


FORMATTERS: dict[str, Callable[[Any], str]] = {
    "text": text,
    "level": level,
    "count": count,
    "percent": percent,
    "fraction": fraction,
    "hours": hours,
    "minutes": minutes,
    "seconds": seconds,
    "horizon": horizon,
    "plain_hours": plain_hours,
    "number": number,
    "date": date,
}


def display(kind: Shown, value: Any) -> str:
    return FORMATTERS[kind](value)
