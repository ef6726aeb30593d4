"""Large imports are applied by a real worker, all or nothing, under one batch."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from bcp.models import Job
from inventory.models import Component
from inventory.views import INLINE_IMPORT_LIMIT
from tests.conftest import PlanPeople, client_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def _wait(job: Job, timeout: float = 120) -> Job:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.is_finished:
            return job
        time.sleep(0.3)
    raise AssertionError(f"job stayed {job.status}: {job.message}")


def _csv(rows: int) -> bytes:
    lines = ["name,kind,availability_percent,availability_source"]
    lines += [f"MFD {n:04d},printer,98,monitoring 2025" for n in range(rows)]
    return ("\n".join(lines) + "\n").encode()


def _upload_and_apply(people: PlanPeople, data: bytes) -> Any:
    client = client_for(people.manager)
    response = client.post(
        reverse("inventory_import", kwargs={"plan_pk": people.plan.pk}),
        {"file": SimpleUploadedFile("mfds.csv", data), "section": "components"},
    )
    assert response.status_code == 302
    return client.post(response["Location"])


def test_a_large_import_runs_in_the_worker_under_one_batch(
    people: PlanPeople, celery_worker_process: Any
) -> None:
    response = _upload_and_apply(people, _csv(INLINE_IMPORT_LIMIT + 1))
    assert response.status_code == 200
    job = _wait(Job.objects.get(plan=people.plan, kind="inventory_import"))
    assert job.status == Job.Status.SUCCEEDED, job.error
    assert job.result["created"] == INLINE_IMPORT_LIMIT + 1
    components = Component.objects.filter(plan=people.plan)
    assert components.count() == INLINE_IMPORT_LIMIT + 1
    batches = {c.history.earliest().history_batch for c in components[:20]}
    assert {str(b) for b in batches} == {job.result["batch"]}


def test_problems_in_a_large_import_show_before_anything_is_queued(
    people: PlanPeople, celery_worker_process: Any
) -> None:
    data = _csv(INLINE_IMPORT_LIMIT + 1).replace(b"MFD 0007,printer,98", b"MFD 0007,printer,120")
    response = _upload_and_apply(people, data)
    assert response.status_code == 400
    assert [str(p) for p in response.context["problems"]] == [
        "row 9, availability_percent: Availability is a percentage between 0 and 100; got 120."
    ]
    assert not Job.objects.filter(plan=people.plan).exists()


def test_a_large_import_that_went_stale_in_the_queue_fails_whole(
    people: PlanPeople, celery_worker_process: Any
) -> None:
    from inventory.exchange.uploads import upload_store
    from inventory.services import inventory_import_enqueue
    from tests.inventory.factories import GroupFactory

    token = upload_store(
        plan_pk=people.plan.pk,
        user=people.manager,
        name="mfds.csv",
        data=_csv(INLINE_IMPORT_LIMIT + 1),
        section="components",
    )
    GroupFactory.create(plan=people.plan, name="MFD 0007")  # added after the preview
    job = _wait(inventory_import_enqueue(plan=people.plan, user=people.manager, token=token))
    assert job.status == Job.Status.FAILED
    assert "used by both a component and a group" in job.error
    assert not Component.objects.filter(plan=people.plan).exists()
