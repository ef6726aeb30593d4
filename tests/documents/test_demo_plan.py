"""The demo plan, built by every app's demo loader, renders with real data from each app."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bcp.demo import demo_load
from documents import services
from documents.models import Contact, PlanVersion, RecoveryProcedure
from documents.tasks import RENDER_HARD_LIMIT, RENDER_SOFT_LIMIT, draft_render, version_render
from tests.documents.helpers import page_texts, qpdf_check

pytestmark = pytest.mark.django_db


def test_demo_loader_is_idempotent() -> None:
    demo_load()
    counts = (Contact.objects.count(), RecoveryProcedure.objects.count())
    demo_load()
    assert (Contact.objects.count(), RecoveryProcedure.objects.count()) == counts


def test_the_demo_plan_publishes_with_every_section_filled_from_the_other_apps(
    tmp_path: Path,
) -> None:
    demo = demo_load()
    version, _ = services.version_publish(plan=demo["plan"], user=demo["users"]["manager"])
    services.version_render(version=version, progress=lambda p, m: None)
    version.refresh_from_db()
    assert version.status == PlanVersion.Status.PUBLISHED
    inputs = version.snapshot["inputs"]
    assert inputs["bia"] and inputs["inventory"] and inputs["analysis"]
    pdf = version.pdf.read()
    qpdf_check(pdf, tmp_path)
    text = " ".join(" ".join(page_texts(pdf)).split())
    objectives = text[text.index("7. Recovery objectives (RTO and RPO) Function") :]
    for entry in inputs["analysis"]["results"]["functions"]:
        assert entry["name"] in objectives
    assert re.search(r"Student printing \(head office\) \d", objectives)
    assert "Print server failover test" in text and "Stora Systems" in text


def test_rendering_tasks_declare_their_time_limits() -> None:
    for task in (version_render, draft_render):
        assert task.soft_time_limit == RENDER_SOFT_LIMIT == 240
        assert task.time_limit == RENDER_HARD_LIMIT == 300
        assert task.acks_late and task.reject_on_worker_lost


def test_re_running_an_unchanged_analysis_does_not_supersede_the_version() -> None:
    from analysis.services import analysis_run_execute, analysis_run_start
    from bcp.jobs import run_job
    from documents import selectors

    demo = demo_load()
    plan, manager = demo["plan"], demo["users"]["manager"]
    services.version_publish(plan=plan, user=manager)
    run = analysis_run_start(plan=plan, user=manager)
    assert (
        run_job(
            str(run.job_id), lambda job, progress: analysis_run_execute(job=job, progress=progress)
        )
        == "succeeded"
    )
    [state] = selectors.versions_with_state(plan)
    assert not state.superseded_by_changes
