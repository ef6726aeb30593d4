"""A worker killed whole (``kill -9`` of its main process and pool, as an out-of-memory
kill or a host crash does) leaves no job hanging: once a worker is back, the sweeper
queues the job again and it finishes exactly once, on the filesystem broker and on Redis.
"""

from __future__ import annotations

import os
import signal
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from celery import Celery
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

import config.celery
from bcp.jobs import job_sweep
from bcp.models import Job, WorkerHeartbeat
from config.celery import app as celery_app
from config.settings.base import REDIS_VISIBILITY_TIMEOUT
from tests.bcp.slow_task import SLOW_TASK, slow_job_enqueue
from tests.conftest import PlanPeople, client_for, start_celery_worker
from tests.helpers import job_wait, on_worker

REDIS_URL = os.environ.get("CI_BROKER_URL", "redis://127.0.0.1:6379/0")
if settings.CELERY_BROKER_URL.startswith("redis"):
    REDIS_URL = settings.CELERY_BROKER_URL
FILESYSTEM_OPTIONS = {
    "data_folder_in": str(settings.BROKER_DIR / "queue"),
    "data_folder_out": str(settings.BROKER_DIR / "queue"),
    "processed_folder": str(settings.BROKER_DIR / "processed"),
    "control_folder": str(settings.BROKER_DIR / "control"),
    "store_processed": False,
}


@contextmanager
def broker(url: str, queue: str) -> Iterator[None]:
    """Publish from this process to ``url`` on ``queue`` through a Celery app of its own.

    The project's app keeps its configuration (its routing tables are built once, from the
    settings of this run), so the jobs module is pointed at a fresh app for the duration.
    Celery lets the ``CELERY_BROKER_URL`` environment variable override ``broker_url``, so
    a run configured for Redis would otherwise publish every case to Redis.
    """
    options: dict[str, Any]
    if url.startswith("filesystem"):
        for key in ("data_folder_in", "processed_folder", "control_folder"):
            Path(str(FILESYSTEM_OPTIONS[key])).mkdir(parents=True, exist_ok=True)
        options = dict(FILESYSTEM_OPTIONS)
    else:
        options = {"visibility_timeout": REDIS_VISIBILITY_TIMEOUT}
    app = Celery("continuity", set_as_current=False)
    app.conf.update(
        broker_url=url,
        broker_transport_options=options,
        broker_connection_timeout=3,
        task_default_queue=queue,
        task_serializer="json",
        accept_content=["json"],
    )
    try:
        with (
            mock.patch.dict(os.environ, {"CELERY_BROKER_URL": url}),
            mock.patch.object(config.celery, "app", app),
        ):
            yield
    finally:
        app.close()


def _kill_whole_worker(process: Any) -> None:
    os.killpg(process.pid, signal.SIGKILL)  # main process and pool child together
    process.wait(timeout=10)


@on_worker
@pytest.mark.parametrize("broker_url", ["filesystem://", REDIS_URL])
def test_a_job_of_a_worker_killed_whole_finishes_once_after_a_worker_is_back(
    people: PlanPeople, broker_url: str, tmp_path: Path
) -> None:
    queue = f"recovery-{uuid.uuid4().hex[:8]}"
    env = {"CELERY_BROKER_URL": broker_url, "CELERY_QUEUE": queue}
    with broker(broker_url, queue):
        first = start_celery_worker(
            name=f"doomed-{queue}", log_path=tmp_path / "first.log", env=env, new_session=True
        )
        try:
            job = slow_job_enqueue(plan=people.plan, user=people.manager, steps=16)
            job = job_wait(
                job, 60, until=lambda j: j.status == "running" and j.progress >= 10, what="start"
            )
            killed_node = job.claimed_node
            assert killed_node.startswith(f"doomed-{queue}@")
            _kill_whole_worker(first)
        finally:
            if first.poll() is None:
                first.kill()
        # Nothing of the first worker is left: the job stays "running" until one is back.
        time.sleep(1)
        job.refresh_from_db()
        assert job.status == "running" and job.claimed_node == killed_node

        second = start_celery_worker(
            name=f"rescuer-{queue}", log_path=tmp_path / "second.log", env=env, new_session=True
        )
        try:
            back = time.monotonic()
            # Stated bound: queued again within 4 heartbeats (4 s here), then ~4 s of work.
            job = job_wait(job, 60, what="recovery")
            recovered_in = time.monotonic() - back
        finally:
            second.terminate()
            second.wait(timeout=20)
    assert job.status == "succeeded", (job.error, (tmp_path / "second.log").read_text())
    assert job.attempts == 2
    assert job.result == {"counted": 16}
    # Any live worker's sweep may queue it again: the rescuer here, or the test session's
    # own worker when an earlier test started one. Never the killed one.
    assert job.claimed_node != killed_node
    assert not job.claimed_node.startswith(f"doomed-{queue}@")
    assert recovered_in < 60


def _running_job(
    people: PlanPeople, node: str, pid: int, *, now: datetime, heartbeat_age: timedelta
) -> Job:
    """A slow job of the plan, started five minutes before ``now`` by ``node``'s ``pid``."""
    return Job.objects.create(
        kind="slow",
        task_name=SLOW_TASK,
        plan=people.plan,
        status=Job.Status.RUNNING,
        claim_token=uuid.uuid4(),
        claimed_node=node,
        claimed_node_pid=pid,
        started_at=now - timedelta(minutes=5),
        heartbeat_at=now - heartbeat_age,
    )


@pytest.mark.django_db
def test_a_running_job_whose_worker_stopped_reporting_is_queued_again(
    people: PlanPeople,
) -> None:
    now = timezone.now()
    WorkerHeartbeat.objects.create(hostname="gone@host", pid=4242, last_seen=now)
    WorkerHeartbeat.objects.filter(hostname="gone@host").update(
        last_seen=now - timedelta(minutes=5)
    )
    job = _running_job(people, "gone@host", 4242, now=now, heartbeat_age=timedelta(minutes=5))
    assert job.is_stuck
    with broker("filesystem://", f"sweep-{uuid.uuid4().hex[:8]}"):
        assert job_sweep() == [job.pk]
        assert job_sweep() == []  # once
    job.refresh_from_db()
    assert job.status == "queued" and job.claim_token is None
    assert "worker stopped" in job.message


@pytest.mark.django_db
def test_a_running_job_of_a_live_worker_is_left_alone(people: PlanPeople) -> None:
    now = timezone.now()
    WorkerHeartbeat.objects.create(hostname="alive@host", pid=4243, last_seen=now)
    job = _running_job(people, "alive@host", 4243, now=now, heartbeat_age=timedelta(minutes=1))
    assert not job.is_stuck
    with broker("filesystem://", f"sweep-{uuid.uuid4().hex[:8]}"):
        assert job_sweep() == []


@pytest.mark.django_db
def test_a_stuck_job_can_be_retried_from_its_page(people: PlanPeople) -> None:
    long_ago = timezone.now() - timedelta(hours=1)
    job = Job.objects.create(
        kind="plan_statistics",
        task_name="bcp.tasks.plan_statistics_recompute",
        plan=people.plan,
        status=Job.Status.RUNNING,
        claim_token=uuid.uuid4(),
        claimed_node="gone@host",
        claimed_node_pid=1,
        started_at=long_ago,
        heartbeat_at=long_ago,
    )
    client = client_for(people.manager)
    fragment = client.get(
        reverse("job_status", kwargs={"plan_pk": people.plan.pk, "job_pk": job.pk})
    )
    assert "Not progressing" in fragment.content.decode()
    assert "Retry now" in fragment.content.decode()
    with broker("filesystem://", f"retry-{uuid.uuid4().hex[:8]}"):
        response = client.post(
            reverse("job_retry", kwargs={"plan_pk": people.plan.pk, "job_pk": job.pk})
        )
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == "queued" and job.claim_token is None


@pytest.mark.django_db
def test_could_not_queue_and_its_retry_survive_a_reload_of_the_analysis_page(
    people: PlanPeople,
) -> None:
    Job.objects.create(
        kind="analysis",
        task_name="analysis.tasks.analysis_run",
        plan=people.plan,
        status=Job.Status.COULD_NOT_QUEUE,
        message="Queued work is unavailable: the task queue could not be reached.",
    )
    page = client_for(people.manager).get(
        reverse("analysis_dashboard", kwargs={"plan_pk": people.plan.pk})
    )
    body = page.content.decode()
    assert "Queued work unavailable" in body and "Retry" in body


def test_the_redis_visibility_timeout_outlasts_every_task_time_limit() -> None:
    """Otherwise Redis hands a slow, still-running task to a second worker."""
    celery_app.loader.import_default_modules()
    limits = {
        name: task.time_limit
        for name, task in celery_app.tasks.items()
        if not name.startswith("celery.") and task.time_limit
    }
    assert len(limits) > 3, limits
    assert max(limits.values()) < REDIS_VISIBILITY_TIMEOUT, limits
