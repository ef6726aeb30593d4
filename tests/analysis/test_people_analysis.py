"""The demo's analysis, run by a real worker, names the print administrator and the
managed-print supplier: people and suppliers are dependencies like any other."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from tests.analysis.conftest import plan_run_finished
from tests.conftest import client_for
from tests.helpers import WORKER_MARKS, stored_plan_results

# Every test here runs the analysis in a real worker process.
pytestmark = [*WORKER_MARKS, pytest.mark.usefixtures("celery_worker_process")]

SUPPLIER = "PrintCare Ltd (contract MPS-2024-017)"
ADMINISTRATOR = "Priya Shah (Print administrator)"
STUDENT_PRINTING = "Student printing (head office)"


def test_the_demo_analysis_names_the_print_administrator_and_the_supplier(
    demo: dict[str, Any],
) -> None:
    plan = demo["plan"]
    client = client_for(demo["users"]["manager"])
    _, run = plan_run_finished(plan, client, timeout=180)
    function = next(
        f for f in stored_plan_results(run)["functions"] if f["name"] == STUDENT_PRINTING
    )
    achievable = function["achievable"]
    assert achievable is not None
    # The supplier has no alternative: a single point of failure, named with its contract.
    assert SUPPLIER in achievable["single_points_of_failure"]
    # The print administrator is needed to recover printing, not to run it: no share of
    # its downtime; her deputy's handover adds to the achievable RTO.
    assert ADMINISTRATOR not in achievable["single_points_of_failure"]
    assert ADMINISTRATOR not in [item["element"] for item in achievable["importance"]]
    assert achievable["recovery_single_points_of_failure"] == []
    reach = next(r for r in achievable["reasoning"] if r.startswith("recovery also needs"))
    assert (
        "'Priya Shah (Print administrator)' away, a deputy takes over after a handover of 2 h"
        in reach
    )
    rto_gap = next(g for g in function["gaps"] if g["measure"] == "rto")
    assert "contract MPS-2024-017 with PrintCare Ltd cannot meet it" in rto_gap["evidence"]
    assert "up to 2 d 22 h after a failure on a Friday evening" in rto_gap["evidence"]
    page = client.get(
        reverse("analysis_function", kwargs={"plan_pk": plan.pk, "function_pk": function["pk"]})
    ).content.decode()
    assert "PrintCare Ltd (contract MPS-2024-017)" in page
    assert "Priya Shah (Print administrator)" in page
