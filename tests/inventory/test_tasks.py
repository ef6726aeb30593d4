"""Imports are read, checked and applied by a real worker, all or nothing, under one batch."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from bcp.models import Job
from inventory.models import Component
from tests.conftest import PlanPeople, client_for
from tests.helpers import WORKER_MARKS, job_wait
from tests.inventory.factories import ComponentFactory

pytestmark = [*WORKER_MARKS]

ROWS = 400


def _csv(rows: int) -> bytes:
    lines = ["name,kind,availability_percent,availability_source"]
    lines += [f"MFD {n:04d},printer,98,monitoring 2025" for n in range(rows)]
    return ("\n".join(lines) + "\n").encode()


def _upload(
    people: PlanPeople, data: bytes, name: str = "mfds.csv", **extra: str
) -> tuple[Client, str]:
    """Upload as the manager and wait for the worker's check; return the preview URL."""
    client = client_for(people.manager)
    response = client.post(
        reverse("inventory_import", kwargs={"plan_pk": people.plan.pk}),
        {"file": SimpleUploadedFile(name, data), "section": "components", **extra},
    )
    assert response.status_code == 302
    check = job_wait(Job.objects.get(plan=people.plan, kind="inventory_import_check"))
    assert check.status == Job.Status.SUCCEEDED, check.error
    return client, response["Location"]


@pytest.fixture(autouse=True)
def jobs_settled() -> Iterator[None]:
    """Each test here runs in the real worker, and an applied import sets off more work (the
    review check of the changed figures). The test waits for it, so the worker is not still
    writing while the test's tables are emptied (which deadlocked once in CI)."""
    yield
    for pending in Job.objects.filter(status__in=Job.ACTIVE_STATUSES):
        job_wait(pending, what=f"the {pending.kind} job the test set off")


def test_an_upload_is_checked_in_the_worker_then_applied_there_under_one_batch(
    people: PlanPeople, celery_worker_process: Any
) -> None:
    client, preview_url = _upload(people, _csv(ROWS))
    preview = client.get(preview_url)
    assert preview.context["counts"]["create"] == ROWS
    assert not Component.objects.filter(plan=people.plan).exists()
    assert client.post(preview_url).status_code == 302
    job = job_wait(Job.objects.get(plan=people.plan, kind="inventory_import"))
    assert job.status == Job.Status.SUCCEEDED, job.error
    assert job.result["created"] == ROWS
    components = Component.objects.filter(plan=people.plan)
    assert components.count() == ROWS
    batches = {c.history.earliest().history_batch for c in components[:20]}
    assert {str(b) for b in batches} == {job.result["batch"]}
    done = client.get(preview_url)
    assert b"import-done" in done.content
    client.post(preview_url)  # applying twice does nothing
    assert Job.objects.filter(plan=people.plan, kind="inventory_import").count() == 1


def test_an_upload_asked_to_remove_what_it_leaves_out_previews_and_applies_the_removal(
    people: PlanPeople, celery_worker_process: Any
) -> None:
    ComponentFactory.create(plan=people.plan, name="Old fax")
    client, preview_url = _upload(people, _csv(2), replace="on")
    preview = client.get(preview_url)
    assert preview.context["counts"]["delete"] == 1
    assert "to remove" in preview.content.decode()
    assert Component.objects.filter(plan=people.plan, name="Old fax").exists()
    client.post(preview_url)
    job = job_wait(Job.objects.get(plan=people.plan, kind="inventory_import"))
    assert job.status == Job.Status.SUCCEEDED, job.error
    assert job.result["deleted"] == 1
    assert not Component.objects.filter(plan=people.plan, name="Old fax").exists()


def test_an_upload_removes_nothing_unless_asked(
    people: PlanPeople, celery_worker_process: Any
) -> None:
    ComponentFactory.create(plan=people.plan, name="Old fax")
    client, preview_url = _upload(people, _csv(2))
    assert client.get(preview_url).context["counts"]["delete"] == 0
    client.post(preview_url)
    job = job_wait(Job.objects.get(plan=people.plan, kind="inventory_import"))
    assert job.status == Job.Status.SUCCEEDED, job.error
    assert Component.objects.filter(plan=people.plan, name="Old fax").exists()


def test_every_problem_found_by_the_worker_is_shown_and_nothing_can_be_applied(
    people: PlanPeople, celery_worker_process: Any
) -> None:
    data = _csv(ROWS).replace(b"MFD 0007,printer,98", b"MFD 0007,printer,120")
    client, preview_url = _upload(people, data)
    response = client.get(preview_url)
    assert [str(p) for p in response.context["problems"]] == [
        "row 9, availability_percent: Availability is a percentage between 0 and 100; got 120."
    ]
    client.post(preview_url)
    assert not Job.objects.filter(plan=people.plan, kind="inventory_import").exists()


def test_a_file_the_worker_cannot_read_is_named_on_the_page(
    people: PlanPeople, celery_worker_process: Any
) -> None:
    client, preview_url = _upload(people, b"not a workbook", name="inventory.xlsx")
    response = client.get(preview_url)
    assert "not an XLSX workbook" in response.context["file_error"]
    assert b"Nothing was imported" in response.content


def test_an_import_that_went_stale_in_the_queue_fails_whole(
    people: PlanPeople, celery_worker_process: Any
) -> None:
    from tests.inventory.factories import GroupFactory

    client, preview_url = _upload(people, _csv(ROWS))
    GroupFactory.create(plan=people.plan, name="MFD 0007")  # added after the preview
    client.post(preview_url)
    job = job_wait(Job.objects.get(plan=people.plan, kind="inventory_import"))
    assert job.status == Job.Status.FAILED
    assert "used by both a component and a group" in job.error
    assert not Component.objects.filter(plan=people.plan).exists()
