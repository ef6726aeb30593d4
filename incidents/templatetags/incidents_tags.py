"""Template filters of the incidents app: durations in the analysis app's words."""

from __future__ import annotations

from django import template

from analysis.formatting import hours as format_hours

register = template.Library()


@register.filter
def as_hours(value: float | None) -> str:
    """Hours in words (5.2 → "5 h 12 min"); "not set" when there is no figure."""
    if value is None:
        return "not set"
    return format_hours(float(value))


@register.filter
def as_minutes(value: float | None) -> str:
    """Minutes in words (90 → "1 h 30 min"); "—" when unknown."""
    if value is None:
        return "—"
    if float(value) == 0.0:
        return "none"
    return format_hours(float(value) / 60.0)
