"""Background jobs against a real Celery worker process and a real broker."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.urls import reverse

from bcp.jobs import job_claim, job_enqueue, run_job
from bcp.models import Job
from bcp.tasks import PLAN_STATISTICS_TASK
from config.celery import app as celery_app
from tests.bcp.slow_task import slow_job_enqueue
from tests.bcp.test_job_recovery import broker
from tests.conftest import PlanPeople, client_for, start_celery_worker
from tests.helpers import job_wait, on_worker


def _statistics_done(people: PlanPeople) -> Job:
    """The plan's statistics job, queued and waited for until the worker finishes it."""
    job = job_enqueue(
        kind="plan_statistics",
        task_name=PLAN_STATISTICS_TASK,
        user=people.manager,
        plan=people.plan,
    )
    return job_wait(job, 60)


@on_worker
def test_a_queued_job_completes_in_the_worker_and_its_status_stops_polling(
    people: PlanPeople, celery_worker_process: Any
) -> None:
    client = client_for(people.manager)
    job = _statistics_done(people)
    assert job.status == "succeeded", job.error
    assert job.progress == 100
    assert job.result["members"] == {"managers": 1, "stakeholders": 1, "auditors": 1}
    fragment = client.get(
        reverse("job_status", kwargs={"plan_pk": people.plan.pk, "job_pk": job.pk})
    )
    assert "Stakeholders" in fragment.content.decode()
    assert "every 1s" not in fragment.content.decode()


@on_worker
def test_a_message_delivered_twice_does_its_work_once(
    people: PlanPeople, celery_worker_process: Any
) -> None:
    job = _statistics_done(people)
    finished_at = job.finished_at
    celery_app.send_task(PLAN_STATISTICS_TASK, args=[str(job.pk)])
    time.sleep(3)
    job.refresh_from_db()
    assert job.attempts == 1
    assert job.finished_at == finished_at


@pytest.mark.django_db
def test_second_claim_of_a_running_job_is_refused(people: PlanPeople) -> None:
    job = Job.objects.create(kind="x", task_name="x", plan=people.plan)
    assert job_claim(job.pk) is not None
    assert job_claim(job.pk) is None


@pytest.mark.django_db
def test_finished_job_is_skipped_on_redelivery(people: PlanPeople) -> None:
    job = Job.objects.create(kind="x", task_name="x", plan=people.plan)
    calls: list[str] = []

    def work(job: Job, progress: Any) -> dict[str, Any]:
        calls.append(str(job.pk))
        return {"ok": True}

    assert run_job(str(job.pk), work) == "succeeded"
    assert run_job(str(job.pk), work) == "skipped"
    assert len(calls) == 1


@pytest.mark.django_db
def test_failed_work_is_recorded_with_the_error(people: PlanPeople) -> None:
    job = Job.objects.create(kind="x", task_name="x", plan=people.plan)

    def work(job: Job, progress: Any) -> dict[str, Any]:
        raise ValueError("inventory has a cycle")

    assert run_job(str(job.pk), work) == "failed"
    job.refresh_from_db()
    assert job.status == "failed" and "inventory has a cycle" in job.error


@pytest.mark.django_db(transaction=True)
def test_work_that_leaves_the_connection_broken_is_still_recorded_as_failed(
    people: PlanPeople,
) -> None:
    """As a soft time limit raised in the middle of a query does."""
    job = Job.objects.create(kind="x", task_name="x", plan=people.plan)

    def work(job: Job, progress: Any) -> dict[str, Any]:
        assert connection.connection is not None
        connection.connection.close()  # behind Django's back, as a broken socket
        Job.objects.count()  # fails, and Django notes that an error occurred
        return {}

    assert run_job(str(job.pk), work) == "failed"
    job.refresh_from_db()
    assert job.status == "failed" and job.error


@pytest.fixture
def unreachable_broker() -> Iterator[None]:
    """A real fault: a broker URL on a port where nothing listens.

    The app's pools are set aside (not closed) and put back afterwards: kombu keeps
    producer pools in a global registry keyed by URL, so closing the real ones would
    break every later test that publishes.
    """
    app: Any = celery_app
    saved = (app.conf.broker_url, app.conf.broker_write_url, app._pool, app.amqp._producer_pool)
    app._pool = None
    app.amqp._producer_pool = None
    app.conf.broker_url = app.conf.broker_write_url = "redis://127.0.0.1:1/0"
    try:
        yield
    finally:
        if app._pool is not None:
            app._pool.force_close_all()
        app.conf.broker_url, app.conf.broker_write_url, app._pool, app.amqp._producer_pool = saved


@pytest.mark.django_db(transaction=True)
def test_unreachable_broker_marks_job_could_not_queue_quickly(
    people: PlanPeople, unreachable_broker: None
) -> None:
    client = client_for(people.manager)
    started = time.monotonic()
    job = job_enqueue(
        kind="plan_statistics",
        task_name=PLAN_STATISTICS_TASK,
        user=people.manager,
        plan=people.plan,
    )
    elapsed = time.monotonic() - started
    job.refresh_from_db()
    assert job.status == "could_not_queue"
    assert elapsed < 5
    page = client.get(reverse("job_status", kwargs={"plan_pk": people.plan.pk, "job_pk": job.pk}))
    body = page.content.decode()
    assert "Queued work unavailable" in body and "Retry" in body


@pytest.mark.django_db(transaction=True)
def test_retry_after_the_broker_returns_queues_the_job(people: PlanPeople) -> None:
    job = Job.objects.create(
        kind="plan_statistics",
        task_name=PLAN_STATISTICS_TASK,
        plan=people.plan,
        status=Job.Status.COULD_NOT_QUEUE,
    )
    response = client_for(people.manager).post(
        reverse("job_retry", kwargs={"plan_pk": people.plan.pk, "job_pk": job.pk})
    )
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status in ("queued", "running", "succeeded")


@on_worker
def test_job_survives_its_worker_process_being_killed_and_finishes_once(
    people: PlanPeople, celery_worker_process: Any
) -> None:
    """SIGKILL the pool process mid-task: the message is redelivered (acks_late +
    reject_on_worker_lost), the new process takes the job over because its claimant
    is dead, and the result is written exactly once."""
    import os
    import signal

    from tests.bcp.slow_task import slow_job_enqueue

    job = slow_job_enqueue(plan=people.plan, user=people.manager, steps=24)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.status == "running" and job.progress >= 10:
            break
        time.sleep(0.1)
    assert job.status == "running", job.status
    first_claimant = job.claimed_by
    os.kill(int(first_claimant.rpartition(":")[2]), signal.SIGKILL)
    job = job_wait(job, 90)
    assert job.status == "succeeded", job.error
    assert job.attempts == 2
    assert job.claimed_by != first_claimant
    assert job.result == {"counted": 24}


@on_worker
def test_an_idle_filesystem_worker_takes_a_queued_job_within_a_fraction_of_a_second(
    people: PlanPeople, tmp_path: Path
) -> None:
    """The worker looks for messages every FILESYSTEM_POLL_SECONDS. With kombu's default of
    a second, a job waited up to a second (half on average) before anyone saw it: six
    jobs in a row would almost surely include one that waited over 0.6 s."""
    queue = f"latency-{uuid.uuid4().hex[:8]}"
    env = {"CELERY_BROKER_URL": "filesystem://", "CELERY_QUEUE": queue}
    with broker("filesystem://", queue):
        worker = start_celery_worker(
            name=f"latency-{queue}", log_path=tmp_path / "worker.log", env=env
        )
        try:
            waits = []
            for _ in range(6):
                job = job_wait(slow_job_enqueue(plan=people.plan, user=people.manager, steps=0))
                assert job.status == "succeeded", job.error
                assert job.started_at is not None and job.queued_at is not None
                waits.append((job.started_at - job.queued_at).total_seconds())
        finally:
            worker.terminate()
            worker.wait(timeout=20)
    assert max(waits) < 0.6, waits
