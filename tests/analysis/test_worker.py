"""Analysis runs in a real Celery worker process."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from analysis.models import AnalysisRun
from tests.analysis.conftest import plan_run_finished, printing_function
from tests.conftest import client_for
from tests.helpers import WORKER_MARKS, job_wait, stored_plan_results

# Every test here runs the analysis in a real worker process.
pytestmark = [*WORKER_MARKS, pytest.mark.usefixtures("celery_worker_process")]


def test_plan_analysis_started_from_the_page_completes_in_the_worker(demo: dict[str, Any]) -> None:
    plan = demo["plan"]
    client = client_for(demo["users"]["manager"])
    response, run = plan_run_finished(plan, client)
    assert response.status_code == 200
    assert run.inputs_hash and stored_plan_results(run)["functions"]
    poll = client.get(
        reverse("analysis_job_status", kwargs={"plan_pk": plan.pk, "job_pk": run.job.pk}),
        HTTP_HX_REQUEST="true",
    )
    assert poll["HX-Refresh"] == "true"


def test_one_function_is_recomputed_alone(demo: dict[str, Any]) -> None:
    plan = demo["plan"]
    function = printing_function(plan)
    client_for(demo["users"]["manager"]).post(
        reverse(
            "analysis_function_recompute", kwargs={"plan_pk": plan.pk, "function_pk": function.pk}
        )
    )
    run = AnalysisRun.objects.get(plan=plan, function=function)
    assert job_wait(run.job).status == "succeeded"
    run.refresh_from_db()
    assert [f["pk"] for f in stored_plan_results(run)["functions"]] == [function.pk]
    assert stored_plan_results(run)["scope"] == "function"
