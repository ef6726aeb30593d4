"""Durations as people read them: 259 200 s is "72 h", 900 s is "15 min"."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def seconds(value: float | None) -> str:
    if value is None:
        return "—"
    value = float(value)
    if value >= 86_400 * 2 and value % 3600 == 0:
        return f"{value / 3600:g} h"
    if value >= 3600:
        return f"{value / 3600:.3g} h"
    if value >= 120:
        return f"{value / 60:.3g} min"
    return f"{value:g} s"


@register.filter
def hours(value: float | None) -> str:
    if value is None:
        return "—"
    value = float(value)
    if value < 1:
        return f"{value * 60:.3g} min"
    return f"{value:g} h"
