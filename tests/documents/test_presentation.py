"""What the plan's sections show, computed from a typed snapshot without a database."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from bcp import contract
from documents import formatting, presentation
from tests.documents.helpers import analysis_part, function_analysis, snapshot_with


def test_objective_rows_write_every_duration_with_its_unit() -> None:
    [row] = presentation.objective_rows(analysis_part({"Student printing": 6.2}))
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
        functions=(
            contract.FunctionAnalysis(
                name="Branch printing",
                status="Not assessed",
                required=None,
                achieved=None,
                missing=("a reviewed BIA (submitted or approved answers)",),
                gaps=(),
                importance=(),
            ),
        ),
        roadmap=(),
        single_points=(),
        inventory_errors=(),
    )
    [row] = presentation.objective_rows(part)
    assert row.rto == presentation.NOT_ASSESSED
    assert row.missing == ("a reviewed BIA (submitted or approved answers)",)


def test_functions_without_objectives_are_listed_as_having_unknown_gaps() -> None:
    part = analysis_part({"Student printing": 6.2})
    unassessed = contract.FunctionAnalysis(
        name="Branch printing",
        status="Not assessed",
        required=None,
        achieved=None,
        missing=("a reviewed BIA (submitted or approved answers)",),
        gaps=(),
        importance=(),
    )
    part = dataclasses.replace(part, functions=(unassessed, *part.functions))
    assert presentation.gaps_unknown(part) == [("Branch printing", "Not assessed")]


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
    rows = presentation.gap_rows(
        contract.FunctionAnalysis(**{**base.__dict__, "gaps": (gap, spof)})
    )
    assert (rows[0].required, rows[0].achievable) == ("99.9500%", "99.8558%")
    assert (rows[1].required, rows[1].achievable) == (
        "Keeps running without it",
        "Stops without it",
    )


def test_the_nines_table_lists_each_required_tier_per_period() -> None:
    [row] = presentation.nines_rows(analysis_part({"A": 4, "B": 8}))
    assert row.availability == "99.9000%"
    assert row.allowed == ("8 h 45 min 57 s", "2 h 11 min 29 s", "43 min 50 s", "10 min 5 s")


def test_budget_rows_compare_achieved_with_required() -> None:
    [row] = presentation.budget_rows(analysis_part({"A": 4}))
    assert (row.required, row.allowed, row.achieved, row.expected, row.within) == (
        "99.9000%",
        "8 h 45 min 57 s",
        "99.9500%",
        "4 h 22 min 58 s",
        True,
    )


def test_roadmap_rows_show_the_verified_effect_before_and_after() -> None:
    [row] = presentation.roadmap_rows(analysis_part({"A": 4}))
    assert (row.before, row.after, row.step.outcome) == ("1 d", "15 min", "Closes the gap")


def test_procedure_longer_than_the_rto_says_by_how_much() -> None:
    text, within = presentation.procedure_check(300, 240)
    assert within is False
    assert text == "Steps take 5 h, longer than the RTO of 4 h by 1 h."


def test_availability_reads_as_on_the_analysis_pages_four_decimals_truncated() -> None:
    assert formatting.fraction(0.998558749605597) == "99.8558%"
    assert formatting.fraction(0.9995) == "99.9500%"
    assert formatting.fraction(None) == "—"


@dataclass
class Entry:
    pk: int
    parent_id: int | None
    position: int


def test_call_tree_is_numbered_depth_first_by_position() -> None:
    entries = [Entry(1, None, 1), Entry(2, 1, 2), Entry(3, 1, 1), Entry(4, 3, 1)]
    order = [(outline, e.pk) for outline, e in presentation.call_tree_order(entries)]
    assert order == [("1", 1), ("1.1", 3), ("1.1.1", 4), ("1.2", 2)]


def test_a_cycle_in_the_call_tree_neither_loops_nor_loses_anyone() -> None:
    entries = [Entry(1, 2, 1), Entry(2, 1, 1)]
    order = [(outline, e.pk) for outline, e in presentation.call_tree_order(entries)]
    assert order == [("1", 1), ("1.1", 2)]


def test_the_context_names_the_approvers_and_the_paper() -> None:
    context = presentation.build_context(snapshot_with(), draft=False)
    assert context["approvers"].people == ("Sam Stakeholder",)
    assert context["paper"] == "A4"
