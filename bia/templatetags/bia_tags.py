"""Template filters for BIA pages."""

from __future__ import annotations

from typing import Any

from django import template

from bia.durations import format_hours

register = template.Library()


@register.filter
def hours(value: Any) -> str:
    """4.0 → "4 h", 24 → "1 d"; empty for no value."""
    if value in (None, ""):
        return ""
    return format_hours(float(value))


@register.filter
def at(sequence: Any, index: int) -> Any:
    """The item at ``index`` of a list, or empty when there is none."""
    try:
        return sequence[int(index)]
    except (IndexError, TypeError, ValueError, KeyError):
        return ""
