from __future__ import annotations

from typing import Any, cast

from analysis.models import AnalysisRun, FunctionResultRow
from analysis.results import RoadmapStep
from analysis.selectors import (
    latest_function_result,
    latest_run,
    newest_required,
    roadmap_rows,
    run_results,
    stored_results,
)
from bcp.demo import DemoData
from tests.analysis.conftest import printing_function
from tests.helpers import stored_plan_results


def _step(order: int, function_pk: int, gap_id: str, also_closes: list[str]) -> RoadmapStep:
    fields: dict[str, Any] = {
        "order": order,
        "function_pk": function_pk,
        "gap_id": gap_id,
        "also_closes": also_closes,
    }
    return cast(RoadmapStep, fields)


def test_a_step_whose_gap_an_earlier_step_closes_names_that_step() -> None:
    rows = roadmap_rows(
        [
            _step(1, 1, "rto:site:1", ["spof:site:1", "spof:site:2"]),
            _step(2, 1, "spof:site:1", ["spof:site:2"]),
            _step(3, 1, "spof:site:2", []),
        ]
    )
    assert [r["closed_by"] for r in rows] == [None, 1, 1]


def test_a_step_of_another_function_does_not_close_a_gap_with_the_same_id() -> None:
    rows = roadmap_rows(
        [_step(1, 1, "rto:site:1", ["spof:site:1"]), _step(2, 2, "spof:site:1", [])]
    )
    assert [r["closed_by"] for r in rows] == [None, None]


def test_a_later_step_does_not_close_an_earlier_one() -> None:
    rows = roadmap_rows(
        [_step(1, 1, "spof:site:1", []), _step(2, 1, "rto:site:1", ["spof:site:1"])]
    )
    assert [r["closed_by"] for r in rows] == [None, None]


def _finished_demo_run(demo: DemoData) -> AnalysisRun:
    run = latest_run(demo["plan"])
    assert run is not None
    return run


def test_a_functions_result_is_read_from_its_own_row_alone(demo: DemoData) -> None:
    run = _finished_demo_run(demo)
    function = printing_function(demo["plan"])
    # Another function's row no longer matches the declared types: the whole results
    # cannot be read, one function's still can.
    other = FunctionResultRow.objects.filter(run=run).exclude(function_pk=function.pk).first()
    assert other is not None
    FunctionResultRow.objects.filter(pk=other.pk).update(entry={"pk": other.function_pk})
    assert run_results(run).results is None
    read, entry = latest_function_result(demo["plan"], function.pk)
    assert read is not None and read.results is not None
    assert entry is not None and entry["pk"] == function.pk
    assert [e["pk"] for e in read.results["functions"]] == [function.pk]


def test_a_function_the_run_did_not_cover_has_no_entry(demo: DemoData) -> None:
    _finished_demo_run(demo)
    read, entry = latest_function_result(demo["plan"], 10**9)
    assert read is not None and read.results is not None
    assert entry is None and read.results["functions"] == []


def test_reading_one_functions_result_costs_the_same_queries_in_any_plan(
    demo: DemoData, django_assert_max_num_queries: Any
) -> None:
    function = printing_function(demo["plan"])
    with django_assert_max_num_queries(2):
        latest_function_result(demo["plan"], function.pk)


def test_results_stored_before_function_rows_are_read_as_they_were_stored(
    demo: DemoData,
) -> None:
    run = _finished_demo_run(demo)
    first_schema = {"schema": "continuity.analysis/v1", "functions": {"function:1": {}}}
    AnalysisRun.objects.filter(pk=run.pk).update(results=first_schema)
    run.refresh_from_db()
    assert stored_results(run) == first_schema


def test_the_required_objectives_of_each_plans_latest_run_are_read_in_one_query(
    demo: DemoData, django_assert_max_num_queries: Any
) -> None:
    run = _finished_demo_run(demo)
    results = stored_plan_results(run)
    with django_assert_max_num_queries(1):
        required = newest_required([demo["plan"].pk])
    assert required[demo["plan"].pk] == [(e["pk"], e["required"]) for e in results["functions"]]


def test_a_run_with_an_unreadable_requirement_adds_no_required_objectives(
    demo: DemoData,
) -> None:
    run = _finished_demo_run(demo)
    row = FunctionResultRow.objects.filter(run=run).first()
    assert row is not None
    FunctionResultRow.objects.filter(pk=row.pk).update(
        entry={**row.entry, "required": {"rto_hours": "soon"}}
    )
    assert newest_required([demo["plan"].pk]) == {}
