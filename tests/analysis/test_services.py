"""Storing a run's results: the plan-level part on the run, one row per function."""

from __future__ import annotations

import pytest
from django.db import IntegrityError

from analysis.compute import analyse_plan
from analysis.inputs import input_watermark, inputs_hash, load_inputs
from analysis.models import AnalysisRun, FunctionResultRow
from analysis.results import PlanResults
from analysis.selectors import run_results, stored_results
from analysis.services import analysis_results_store
from bcp.demo import DemoData
from bcp.models import Job


def _unstored_run(demo: DemoData) -> AnalysisRun:
    job = Job.objects.create(
        kind="analysis", task_name="x", plan=demo["plan"], status=Job.Status.SUCCEEDED
    )
    return AnalysisRun.objects.create(plan=demo["plan"], job=job)


def _store(demo: DemoData) -> tuple[AnalysisRun, PlanResults]:
    inputs = load_inputs(demo["plan"])
    analysis = analyse_plan(inputs)
    run = _unstored_run(demo)
    analysis_results_store(
        run=run,
        results=analysis.results,
        inputs_hash=inputs_hash(inputs),
        inputs_watermark=input_watermark(demo["plan"]),
        timings=analysis.timings,
    )
    run.refresh_from_db()
    return run, analysis.results


def test_the_run_keeps_the_plan_level_part_and_each_function_gets_a_row(
    demo: DemoData,
) -> None:
    run, results = _store(demo)
    assert "functions" not in run.results
    assert run.results["roadmap"] == results["roadmap"]
    rows = list(FunctionResultRow.objects.filter(run=run).order_by("position"))
    assert [row.entry for row in rows] == results["functions"]
    assert [row.function_pk for row in rows] == [e["pk"] for e in results["functions"]]


def test_stored_results_read_back_equal_to_what_was_computed(demo: DemoData) -> None:
    run, results = _store(demo)
    assert stored_results(run) == results
    assert run_results(run).results == results


def test_a_run_stores_its_results_once(demo: DemoData) -> None:
    run, results = _store(demo)
    with pytest.raises(IntegrityError):
        analysis_results_store(
            run=run,
            results=results,
            inputs_hash="",
            inputs_watermark={},
            timings={},
        )
