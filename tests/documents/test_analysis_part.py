"""The analysis results' part of the document, read from stored results by their schema."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from bcp import contract
from bcp.typecheck import ContractError
from documents.analysis_part import results_part

# A whole-plan run of the demo plan, cut to two functions (current results schema).
RESULTS = json.loads((Path(__file__).parent / "data" / "analysis_results_v2.json").read_text())
NO_INVENTORY = contract.InventoryPart(sites=(), components=(), groups=())


@pytest.fixture
def results() -> dict[str, Any]:
    return copy.deepcopy(RESULTS)


def student(part: contract.AnalysisPart) -> contract.FunctionAnalysis:
    return next(f for f in part.functions if f.name == "Student printing (head office)")


def test_required_objectives_and_their_reasoning_come_from_the_run(
    results: dict[str, Any],
) -> None:
    function = student(results_part(results, NO_INVENTORY))
    assert function.status == "Assessed"
    assert function.required is not None
    assert (function.required.rto_hours, function.required.rpo_hours) == (6.2, 1.0)
    assert function.required.reasoning[1] == "RTO = MTPD 8 h − WRT 1 h − margin 0.8 h = 6.2 h"
    assert function.achieved is not None and function.achieved.method == "Exact"


def test_a_function_without_a_reviewed_bia_says_so_in_words(results: dict[str, Any]) -> None:
    part = results_part(results, NO_INVENTORY)
    staff = next(f for f in part.functions if f.name == "Staff printing (head office)")
    assert staff.status == "Not assessed" and staff.required is None
    assert staff.missing == ("a reviewed BIA (submitted or approved answers)",)


def test_gaps_name_their_measure_in_words_and_availability_as_a_fraction(
    results: dict[str, Any],
) -> None:
    gaps = student(results_part(results, NO_INVENTORY)).gaps
    assert {g.kind for g in gaps} == {"RTO", "RPO", "Single point of failure", "Availability"}
    [availability] = [g for g in gaps if g.kind == "Availability"]
    assert availability.required_availability == 0.9995
    assert availability.achievable_availability == pytest.approx(0.998558749605597)
    rto = next(g for g in gaps if g.kind == "RTO")
    assert (rto.required_hours, rto.achievable_hours) == (6.2, 168.0)


def test_the_roadmap_covers_every_critical_and_high_gap_with_its_effect(
    results: dict[str, Any],
) -> None:
    part = results_part(results, NO_INVENTORY)
    severe = [g for g in student(part).gaps if g.severity in ("Critical", "High")]
    steps = [s for s in part.roadmap if s.function == "Student printing (head office)"]
    assert len(steps) == len(results["roadmap"]) and steps
    first = steps[0]
    assert (first.title, first.before_hours, first.after_hours) == (
        "RTO: Head office campus",
        168.0,
        0.25,
    )
    assert first.outcome.startswith("Closes the gap; also closes")
    covered = {s.title for s in steps}
    also = sum(len(s["also_closes"]) for s in results["roadmap"])
    assert len(covered) + also >= len(severe)


def test_importance_is_the_downtime_a_year_saved_if_the_element_never_failed(
    results: dict[str, Any],
) -> None:
    function = student(results_part(results, NO_INVENTORY))
    san = next(i for i in function.importance if i.element == "Head office SAN")
    entry = next(f for f in results["functions"] if f["name"].startswith("Student"))
    item = next(i for i in entry["achievable"]["importance"] if i["element"] == "Head office SAN")
    expected = item["criticality"] * entry["achievable"]["downtime_seconds_per_year"]
    assert san.downtime_saved_seconds_per_year == pytest.approx(expected)
    assert 4000 < expected < 4500  # about 1 h 12 min of the 12 h 38 min a year
    assert san.role == "Single point of failure"
    assert len(function.importance) <= 5


def test_stored_results_missing_a_field_are_refused_with_its_path(
    results: dict[str, Any],
) -> None:
    del results["functions"][0]["achievable"]["importance"]
    with pytest.raises(ContractError) as error:
        results_part(results, NO_INVENTORY)
    assert error.value.path == "analysis.results.functions[0].achievable"
    assert "importance" in error.value.problem


def test_results_of_an_unknown_schema_are_refused(results: dict[str, Any]) -> None:
    results["schema"] = "continuity.analysis/v9"
    with pytest.raises(ContractError, match="run the analysis again"):
        results_part(results, NO_INVENTORY)


def test_a_roadmap_step_an_earlier_step_already_closes_says_which(
    results: dict[str, Any],
) -> None:
    part = results_part(results, NO_INVENTORY)
    campus = next(
        s for s in part.roadmap if s.title == "Single point of failure: Head office campus"
    )
    assert campus.outcome.endswith(
        "already closed by this function's step above for RTO: Head office campus"
    )
    first = part.roadmap[0]
    assert "already closed" not in first.outcome


def test_a_first_option_that_does_not_close_its_gap_says_so_and_names_what_does(
    results: dict[str, Any],
) -> None:
    entry = next(e for e in results["functions"] if e["name"] == "Student printing (head office)")
    gap = next(g for g in entry["gaps"] if g["measure"] == "rto")
    assert not gap["options"][0]["closes_gap"]
    closing = gap["options"][1]  # the stored run is cut short: say the second one closes
    closing.update(closes_gap=True, gap_closed_percent=100)
    part = results_part(results, NO_INVENTORY)
    rto = next(g for g in student(part).gaps if g.kind == "RTO")
    percent = gap["options"][0]["gap_closed_percent"]
    assert f"(closes {percent} % of the gap)" in rto.first_option
    assert rto.first_option.endswith(f"closed by {closing['technique']} on {closing['target']}")
