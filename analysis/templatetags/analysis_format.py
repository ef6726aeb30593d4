"""Template filters for analysis figures: the words of :mod:`analysis.formatting`, so a page
reads exactly like the API's words and the plan document."""

from __future__ import annotations

from typing import Any

from django import template

from analysis import formatting

register = template.Library()


# Figures in words, exactly as analysis.formatting writes them (its docstrings give examples).
register.filter("percent", formatting.percent)
register.filter("hours", formatting.hours)
register.filter("duration", formatting.duration)
register.filter("duration_to_minute", formatting.duration_to_minute)
register.filter("measure", formatting.measure)
register.filter("source", formatting.source)


@register.filter
def method(value: dict[str, Any] | str | None) -> str:
    """A ``MethodUsed`` (or its code) in words: "exact" or "Monte Carlo estimate"."""
    if isinstance(value, dict):
        return formatting.method(value["code"])
    return formatting.method(value)


@register.filter
def method_detail(value: dict[str, Any]) -> str:
    """How a figure was computed, with the interval, samples and seed of an estimate."""
    if value["code"] == "exact":
        return "exact"
    low, high = value["ci95_low"], value["ci95_high"]
    return (
        f"Monte Carlo estimate, 95% interval {formatting.percent(low)} to "
        f"{formatting.percent(high)}, {formatting.count(value['samples'])} samples, "
        f"seed {value['seed']}"
    )


@register.filter
def measure_value(value: float | None, which: str) -> str:
    """A figure of one measure: ``{{ gap.required|measure_value:gap.measure }}``."""
    return formatting.measure_value(which, value)


@register.filter
def spofs(value: list[str] | None) -> str:
    """Single points of failure as a list in words; an empty list reads "none"."""
    return ", ".join(value) if value else "none"


@register.filter
def method_requested_words(value: str) -> str:
    """The plan's method setting in words."""
    return formatting.method_requested(value)


@register.filter
def figure(value: dict[str, Any] | None, which: str) -> str:
    """One measure of a ``Figures``: ``{{ option.after|figure:gap.measure }}``.

    availability → percentage; rto/rpo → duration; spof → how many single points of
    failure the function has.
    """
    if value is None:
        return "—"
    if which == "availability":
        return formatting.percent(value["availability"])
    if which == "rto":
        return formatting.hours(value["rto_hours"])
    if which == "rpo":
        return formatting.hours(value["rpo_hours"]) if value["rpo_applicable"] else "no data held"
    count = len(value["single_points_of_failure"])
    return "no single point of failure" if count == 0 else f"{count} single points of failure"


@register.filter
def is_spof(value: dict[str, Any] | None, element: str | None) -> bool:
    """Whether ``element`` is among the single points of failure of a ``Figures``."""
    return value is not None and element in value["single_points_of_failure"]


@register.filter
def count(value: int) -> str:
    """A whole number with thousands separators: 200000 → "200,000"."""
    return formatting.count(int(value))
