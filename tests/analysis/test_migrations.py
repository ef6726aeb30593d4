"""The move of each function's results out of the run's one JSON value into rows
(migration 0005), run on today's models: the same results read back either way."""

from __future__ import annotations

import importlib

from django.apps import apps

from analysis.models import AnalysisRun, FunctionResultRow
from analysis.selectors import latest_run, stored_results
from bcp.demo import DemoData

move = importlib.import_module("analysis.migrations.0005_function_result_rows")


def _run_stored_the_old_way(demo: DemoData) -> tuple[AnalysisRun, object]:
    run = latest_run(demo["plan"])
    assert run is not None
    whole = stored_results(run)
    FunctionResultRow.objects.filter(run=run).delete()
    AnalysisRun.objects.filter(pk=run.pk).update(results=whole)
    return run, whole


def test_functions_stored_inline_move_to_rows_and_read_back_the_same(demo: DemoData) -> None:
    run, whole = _run_stored_the_old_way(demo)
    move._move_functions_out(apps, None)
    run.refresh_from_db()
    assert "functions" not in run.results
    assert isinstance(whole, dict)
    assert FunctionResultRow.objects.filter(run=run).count() == len(whole["functions"])
    assert stored_results(run) == whole


def test_moving_back_puts_the_functions_inline_again(demo: DemoData) -> None:
    run, whole = _run_stored_the_old_way(demo)
    move._move_functions_out(apps, None)
    move._move_functions_back(apps, None)
    run.refresh_from_db()
    assert run.results == whole


def test_the_first_schemas_functions_by_key_stay_inline(demo: DemoData) -> None:
    run, _ = _run_stored_the_old_way(demo)
    first_schema = {"schema": "continuity.analysis/v1", "functions": {"function:1": {}}}
    AnalysisRun.objects.filter(pk=run.pk).update(results=first_schema)
    move._move_functions_out(apps, None)
    run.refresh_from_db()
    assert run.results == first_schema
    assert not FunctionResultRow.objects.filter(run=run).exists()
