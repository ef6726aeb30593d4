"""A function's required and achievable figures, and whether a change moved them.

The figures come from the engine itself (:func:`analysis.compute.analyse_plan`, remedies
not ranked): the claim that a change "moves the figures" is computed, never inferred
from which field changed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from analysis import formatting
from analysis.results import FunctionResult

# Figures equal to this many significant digits are the same figure (Monte Carlo runs use
# the plan's seed, so they repeat exactly; the rounding absorbs float noise only).
SIGNIFICANT_DIGITS = 9


# What a function needs (required) and what the inventory gives it (achievable): exactly
# the keys of FIGURE_WORDS, hours or a fraction, None when there is no such figure.
FigureSet = dict[str, float | None]


FIGURE_WORDS: dict[str, str] = {
    "required_rto_hours": "required RTO",
    "required_rpo_hours": "required RPO",
    "required_availability": "required availability",
    "achievable_rto_hours": "achievable RTO",
    "achievable_rpo_hours": "achievable RPO",
    "achievable_availability": "achievable availability",
}


def figures_of(entry: FunctionResult) -> FigureSet:
    required, achievable = entry["required"], entry["achievable"]
    return {
        "required_rto_hours": None if required is None else required["rto_hours"],
        "required_rpo_hours": None if required is None else required["rpo_hours"],
        "required_availability": None if required is None else required["availability"],
        "achievable_rto_hours": None if achievable is None else achievable["rto_hours"],
        "achievable_rpo_hours": None if achievable is None else achievable["rpo_hours"],
        "achievable_availability": None if achievable is None else achievable["availability"],
    }


def read_figure_set(raw: object) -> FigureSet | None:
    """A stored figure set checked field by field (None: not a figure set)."""
    if not isinstance(raw, Mapping) or set(raw) != set(FIGURE_WORDS):
        return None
    values: dict[str, float | None] = {}
    for key in FIGURE_WORDS:
        value = raw[key]
        if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
            return None
        values[key] = None if value is None else float(value)
    return values


def _same(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    return f"{a:.{SIGNIFICANT_DIGITS}g}" == f"{b:.{SIGNIFICANT_DIGITS}g}"


@dataclass(frozen=True)
class Move:
    figure: str
    before: float | None
    after: float | None

    def words(self) -> str:
        label = FIGURE_WORDS[self.figure]
        if self.figure.endswith("availability"):
            return f"{label} {formatting.percent(self.before)} → {formatting.percent(self.after)}"
        return f"{label} {_hours(self.before)} → {_hours(self.after)}"


def _hours(value: float | None) -> str:
    return "unknown" if value is None else formatting.duration(value * 3600)


def moves(before: FigureSet, after: FigureSet) -> list[Move]:
    """The figures that differ between two checks, in :data:`FIGURE_WORDS` order."""
    return [
        Move(key, before[key], after[key])
        for key in FIGURE_WORDS
        if not _same(before[key], after[key])
    ]
