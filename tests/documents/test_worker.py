"""Rendering through a real Celery worker process."""

from __future__ import annotations

import hashlib
import time
from typing import Any

from django.urls import reverse

from bcp.models import Job
from config.celery import app as celery_app
from documents.models import PlanVersion
from documents.publishing import PUBLISH_TASK, RENDER_DRAFT_KIND, RENDER_VERSION_KIND
from tests.conftest import PlanPeople, client_for
from tests.helpers import WORKER_MARKS, downloaded, job_wait

pytestmark = [*WORKER_MARKS]


def test_publishing_from_the_page_freezes_and_renders_the_version_in_the_worker(
    people: PlanPeople, celery_worker_process: Any
) -> None:
    client = client_for(people.manager)
    response = client.post(
        reverse("version_publish", kwargs={"plan_pk": people.plan.pk}),
        {"note": "First issue", "limitations_reason": "A first issue to start the review"},
    )
    assert response.status_code == 302
    assert not PlanVersion.objects.filter(plan=people.plan).exists()  # frozen by the worker
    job = job_wait(Job.objects.get(plan=people.plan, kind=RENDER_VERSION_KIND))
    assert job.status == Job.Status.SUCCEEDED, job.error
    version = PlanVersion.objects.get(plan=people.plan)
    assert version.status == PlanVersion.Status.PUBLISHED
    download = client.get(
        reverse("version_download", kwargs={"plan_pk": people.plan.pk, "version_pk": version.pk})
    )
    body = download.content
    assert hashlib.sha256(body).hexdigest() == version.pdf_sha256
    assert body.startswith(b"%PDF-")


def test_a_redelivered_render_message_creates_no_second_artifact(
    people: PlanPeople, celery_worker_process: Any
) -> None:
    client = client_for(people.manager)
    client.post(
        reverse("version_publish", kwargs={"plan_pk": people.plan.pk}),
        {"limitations_reason": "A first issue"},
    )
    job = job_wait(Job.objects.get(plan=people.plan, kind=RENDER_VERSION_KIND))
    version = PlanVersion.objects.get(plan=people.plan)
    rendered = (version.pdf.name, version.pdf_sha256, version.version, job.finished_at)
    celery_app.send_task(PUBLISH_TASK, args=[str(job.pk)])
    time.sleep(3)
    version.refresh_from_db()
    job.refresh_from_db()
    assert (version.pdf.name, version.pdf_sha256, version.version, job.finished_at) == rendered
    assert job.attempts == 1


def test_a_draft_export_shows_progress_and_then_a_download_link(
    people: PlanPeople, celery_worker_process: Any
) -> None:
    client = client_for(people.manager)
    response = client.post(
        reverse("draft_export_start", kwargs={"plan_pk": people.plan.pk}), HTTP_HX_REQUEST="true"
    )
    assert 'hx-trigger="every 1s"' in response.content.decode()
    job = job_wait(Job.objects.get(plan=people.plan, kind=RENDER_DRAFT_KIND))
    assert job.status == Job.Status.SUCCEEDED, job.error
    fragment = client.get(
        reverse("documents_job", kwargs={"plan_pk": people.plan.pk, "job_pk": job.pk}),
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert "Download draft PDF" in fragment and "every 1s" not in fragment
    pdf = client.get(
        reverse("draft_download", kwargs={"plan_pk": people.plan.pk, "job_pk": job.pk})
    )
    assert downloaded(pdf).startswith(b"%PDF-")
