"""How the plan document writes figures: every duration, availability and level with its unit.

One function per kind of value named in :data:`bcp.contract.Shown`; the templates (the
``shown`` filter) and the "every field appears" test both go through :func:`display`, so
what the test looks for is exactly what the document prints. Durations and
availabilities use :mod:`analysis.formatting`, the same words, units and precision as
the analysis pages ("6 h 12 min", "99.8558%"); an absent value reads "—".
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeGuard, get_args

from analysis import formatting as words
from bcp.contract import Shown
from bia.durations import format_hours

NONE = "—"


def hours(value: float | None) -> str:
    return NONE if value is None else words.hours(value)


def minutes(value: float | None) -> str:
    return NONE if value is None else words.duration(value * 60)


def seconds(value: float | None) -> str:
    return NONE if value is None else words.duration(value)


def seconds_to_minute(value: float | None) -> str:
    return NONE if value is None else words.duration_to_minute(value)


def fraction(value: float | None) -> str:
    """An availability (a fraction) as the analysis pages write it: 0.9985587 → "99.8558%"."""
    return NONE if value is None else words.percent(value)


def percent(value: float | None) -> str:
    """A figure already in percent, as entered: 99.95 → "99.95%"."""
    return NONE if value is None else f"{value:g}%"


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
    "seconds_to_minute": seconds_to_minute,
    "horizon": horizon,
    "plain_hours": plain_hours,
    "number": number,
    "date": date,
}


def display(kind: Shown, value: Any) -> str:
    return FORMATTERS[kind](value)


def is_shown(kind: str) -> TypeGuard[Shown]:
    """Whether a kind named in a template is one of :data:`bcp.contract.Shown`."""
    return kind in get_args(Shown)
