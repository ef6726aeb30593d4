"""The analysis tables of the plan document, computed from a typed analysis part."""

from __future__ import annotations

import dataclasses

from bcp import contract
from documents import analysis_tables
from tests.documents.helpers import analysis_part, function_analysis

# A function the analysis could not assess: no reviewed BIA yet.
UNASSESSED = contract.FunctionAnalysis(
    name="Branch printing",
    status="Not assessed",
    required=None,
    achieved=None,
    missing=("a reviewed BIA (submitted or approved answers)",),
    gaps=(),
    importance=(),
)


def test_objective_rows_write_every_duration_with_its_unit() -> None:
    [row] = analysis_tables.objective_rows(analysis_part({"Student printing": 6.2}))
    assert (row.mtpd, row.rto, row.rpo, row.availability) == (
        "12 h 24 min",
        "6 h 12 min",
        "1 h 33 min",
        "99.9000%",
    )
    assert row.steps[1].startswith("RTO = MTPD")


def test_a_function_without_objectives_says_what_is_missing() -> None:
    part = contract.AnalysisPart(
        year_convention="Gregorian mean year (365.2425 days)",
        year_days=365.2425,
        functions=(UNASSESSED,),
        roadmap=(),
        single_points=(),
        inventory_errors=(),
    )
    [row] = analysis_tables.objective_rows(part)
    assert row.rto == analysis_tables.NOT_ASSESSED
    assert row.missing == ("a reviewed BIA (submitted or approved answers)",)


def test_functions_without_objectives_are_listed_as_having_unknown_gaps() -> None:
    part = analysis_part({"Student printing": 6.2})
    part = dataclasses.replace(part, functions=(UNASSESSED, *part.functions))
    assert analysis_tables.gaps_unknown(part) == [("Branch printing", "Not assessed")]


def test_gap_figures_carry_units_and_availability_reads_as_a_percentage() -> None:
    gap = contract.Gap(
        kind="Availability",
        severity="Medium",
        element="User directory",
        required_hours=None,
        achievable_hours=None,
        required_availability=0.9995,
        achievable_availability=0.998558,
        evidence="achieved 99.8558 %",
        first_option="Offline failover",
    )
    spof = contract.Gap(
        kind="Single point of failure",
        severity="Critical",
        element="Head office SAN",
        required_hours=6.2,
        achievable_hours=None,
        required_availability=None,
        achievable_availability=None,
        evidence="losing 'Head office SAN' alone stops it",
        first_option="Replicated storage",
    )
    base = function_analysis("Student printing", 6.2)
    rows = analysis_tables.gap_rows(
        contract.FunctionAnalysis(**{**base.__dict__, "gaps": (gap, spof)})
    )
    assert (rows[0].required, rows[0].achievable) == ("99.9500%", "99.8558%")
    assert (rows[1].required, rows[1].achievable) == (
        "Keeps running without it",
        "Stops without it",
    )


def test_the_nines_table_lists_each_required_tier_per_period() -> None:
    [row] = analysis_tables.nines_rows(analysis_part({"A": 4, "B": 8}))
    assert row.availability == "99.9000%"
    assert row.allowed == ("8 h 45 min 57 s", "2 h 11 min 29 s", "43 min 50 s", "10 min 5 s")


def test_budget_rows_compare_achieved_with_required() -> None:
    [row] = analysis_tables.budget_rows(analysis_part({"A": 4}))
    assert (row.required, row.allowed, row.achieved, row.expected, row.within) == (
        "99.9000%",
        "8 h 45 min 57 s",
        "99.9500%",
        "4 h 22 min 58 s",
        True,
    )


def test_roadmap_rows_show_the_verified_effect_before_and_after() -> None:
    [row] = analysis_tables.roadmap_rows(analysis_part({"A": 4}))
    assert (row.before, row.after, row.step.outcome) == ("1 d", "15 min", "Closes the gap")
