"""Shorter shapes read from an analysis run's results, for the what-if page, the API
overview and the "what costs most downtime" tables of pages and the plan document.

They are built from the declared types of :mod:`analysis.results` and carry the same
units (availability a fraction, durations in hours or seconds).
"""

from __future__ import annotations

from typing import NamedTuple, TypedDict

from analysis.results import Achievable, Figures, FunctionStatus, MethodCode, SeverityCounts


class WhatIfOutcome(TypedDict):
    """A proposed change to one function's inventory, before and after. Nothing is saved."""

    function: str
    changes: list[str]
    before: Figures
    after: Figures
    spofs_removed: list[str]
    spofs_added: list[str]


class ObjectiveFigures(TypedDict):
    availability: float | None
    rto_hours: float | None
    rpo_hours: float | None


class AchievableSummary(TypedDict):
    availability: float
    rto_hours: float | None
    rpo_hours: float | None
    single_points_of_failure: list[str]
    method: MethodCode


class FunctionSummary(TypedDict):
    """One line per function for the plan's analysis overview (API and dashboards)."""

    pk: int
    name: str
    status: FunctionStatus
    required: ObjectiveFigures | None
    achievable: AchievableSummary | None
    gaps: SeverityCounts


class DowntimeSaved(NamedTuple):
    """How much downtime a year one element costs a function, in plain terms."""

    element: str
    is_spof: bool
    seconds_per_year: float


def downtime_saved(achievable: Achievable, *, limit: int) -> list[DowntimeSaved]:
    """The elements that cost the function most: the downtime a year it would save if each
    never failed, largest first, those worth under a second left out, at most ``limit``.

    Criticality importance is I_B × q_i / U (Birnbaum importance times the element's
    unavailability over the function's), so criticality × U × year = I_B × q_i × year:
    with independent failures, exactly what the function loses to that element. Example:
    the SAN with criticality 0.0949 in a function down 12 h 38 min a year saves about
    1 h 12 min a year. The analysis pages and the plan document both read this.
    """
    downtime = achievable["downtime_seconds_per_year"]
    rows = [
        DowntimeSaved(item["element"], item["is_spof"], item["criticality"] * downtime)
        for item in achievable["importance"]
        if item["criticality"] * downtime >= 1.0
    ]
    rows.sort(key=lambda r: (-r.seconds_per_year, r.element))
    return rows[:limit]
