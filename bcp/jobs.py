"""Background jobs: one way to enqueue, claim, report progress and finish.

Job status lives in :class:`~bcp.models.Job`, not in a Celery result backend.

Lifecycle, in order:
1. :func:`job_enqueue` creates the row (status *queued*) and sends the Celery
   message only after the surrounding transaction commits, so a worker never
   sees a job id that is not yet in the database.
2. If the broker cannot be reached the row becomes *could not queue*; the page
   offers :func:`job_retry`. The request never waits more than the broker's
   connect timeout (a few seconds).
3. The task calls :func:`job_claim`. The claim is a conditional UPDATE, so of
   two deliveries of one message only one proceeds; a finished job is never
   run again. A job left *running* by a worker process that died (the message
   is redelivered because of ``acks_late`` + ``reject_on_worker_lost``) can be
   claimed again once its claimant is gone.
4. Progress and the final result are written with the claim token, so a late
   write from a superseded attempt changes nothing.
5. Every worker's main process sweeps every ``WORKER_HEARTBEAT_SECONDS``
   (:func:`job_sweep`): a *running* job whose worker stopped writing heartbeats
   (the whole worker was killed: ``kill -9``, out of memory, a host crash) is
   queued again and sent, so it finishes exactly once once any worker is up. On the
   filesystem broker the message of a dead worker is gone; on Redis it would only
   come back after the visibility timeout. A *queued* job left waiting longer than
   :data:`QUEUED_RESEND_AFTER` is sent again (a message lost with its worker); the
   duplicate of a message that was not lost does nothing (the claim refuses it).

Bound: after its worker died, a job is queued again at most
``4 × WORKER_HEARTBEAT_SECONDS`` after a worker is up (3 missed heartbeats make the
claimant dead, plus one sweep interval), 40 s with the default of 10 s; a job lost
before it was claimed is sent again within ``QUEUED_RESEND_AFTER`` plus one sweep.
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from celery import Task, current_task, shared_task
from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from bcp.models import Job, Plan, WorkerHeartbeat
from config import celery as celery_config

logger = logging.getLogger(__name__)

# Seconds a request may wait for the broker before the job is "could not queue".
BROKER_CONNECT_TIMEOUT = 2  # whole seconds: kombu declares the timeout an int

# A running job whose own progress heartbeat is older than this outlived every task's
# hard time limit (the longest is 21 min): it is stuck, whatever its worker says.
CLAIM_LEASE = timedelta(minutes=25)
# A queued job not claimed for this long is sent again (its message may have been
# taken by a worker that died before claiming it).
QUEUED_RESEND_AFTER = timedelta(minutes=2)


def _worker_identity() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _send(job_id: uuid.UUID) -> None:
    job = Job.objects.get(pk=job_id)
    try:
        # The app is read when sending, not bound at import: a process may be pointed at
        # another broker's app (the fault tests publish to Redis and to the filesystem).
        app = celery_config.app
        with app.connection_for_write() as connection:
            # Fail fast: one connection attempt bounded in time, then give up.
            connection.ensure_connection(max_retries=1, timeout=BROKER_CONNECT_TIMEOUT)
            app.send_task(job.task_name, args=[str(job.pk)], connection=connection, retry=False)
    except Exception as exc:  # any broker failure: refused, timeout, DNS, auth
        logger.warning("Could not queue job %s: %s", job.pk, exc)
        Job.objects.filter(pk=job.pk, status=Job.Status.QUEUED).update(
            status=Job.Status.COULD_NOT_QUEUE,
            message="Queued work is unavailable: the task queue could not be reached.",
            error=f"{type(exc).__name__}: {exc}",
        )


def job_enqueue(
    *,
    kind: str,
    task_name: str,
    user: Any | None,
    plan: Plan | None = None,
    parameters: dict[str, Any] | None = None,
) -> Job:
    """Create a job and queue its task once the current transaction commits."""
    job = Job.objects.create(
        kind=kind,
        task_name=task_name,
        plan=plan,
        parameters=parameters or {},
        created_by=user if getattr(user, "is_authenticated", False) else None,
        queued_at=timezone.now(),
        message="Waiting for a worker…",
    )
    transaction.on_commit(lambda: _send(job.pk))
    return job


def _dead_window() -> timedelta:
    """How long a worker may go without a heartbeat before it counts as gone."""
    return timedelta(seconds=settings.WORKER_HEARTBEAT_SECONDS * 3)


def _live_workers(now: Any) -> set[tuple[str, int]]:
    return set(
        WorkerHeartbeat.objects.filter(last_seen__gte=now - _dead_window()).values_list(
            "hostname", "pid"
        )
    )


def job_is_stuck(job: Job, *, now: Any = None, live: set[tuple[str, int]] | None = None) -> bool:
    """True for a running job whose worker is gone or that outlived every time limit,
    and for a queued job that no worker took in :data:`QUEUED_RESEND_AFTER`."""
    now = now or timezone.now()
    if job.status == Job.Status.QUEUED:
        return job.queued_at is not None and job.queued_at < now - QUEUED_RESEND_AFTER
    if job.status != Job.Status.RUNNING:
        return False
    beat = job.heartbeat_at or job.started_at
    if beat is None or beat < now - CLAIM_LEASE:
        return True
    if beat >= now - _dead_window():
        return False  # it reported recently: alive, whatever its worker row says
    if job.claimed_node and job.claimed_node_pid is not None:
        live = _live_workers(now) if live is None else live
        return (job.claimed_node, job.claimed_node_pid) not in live
    return False


def job_retry(*, job: Job) -> Job:
    """Queue a job again: after the broker was unreachable, after it failed, or when stuck."""
    retryable = job.status in (Job.Status.COULD_NOT_QUEUE, Job.Status.FAILED) or job_is_stuck(job)
    if not retryable:
        return job
    Job.objects.filter(pk=job.pk, status=job.status, claim_token=job.claim_token).update(
        status=Job.Status.QUEUED,
        progress=0,
        error="",
        message="Waiting for a worker…",
        queued_at=timezone.now(),
        claim_token=None,
        claimed_by="",
        claimed_node="",
        claimed_node_pid=None,
    )
    transaction.on_commit(lambda: _send(job.pk))
    job.refresh_from_db()
    return job


def job_sweep() -> list[uuid.UUID]:
    """Queue again the running jobs whose worker is gone; resend long-queued jobs.

    Runs in every worker's main process with its heartbeat. Each change is a
    conditional update on the state the sweep read, so two workers sweeping at once
    requeue a job once, and a job that moved on meanwhile is left alone.
    """
    now = timezone.now()
    live = _live_workers(now)
    requeued: list[uuid.UUID] = []
    candidates = Job.objects.filter(
        Q(status=Job.Status.RUNNING, heartbeat_at__lt=now - _dead_window())
        | Q(status=Job.Status.QUEUED, queued_at__lt=now - QUEUED_RESEND_AFTER)
    ).only(
        "status",
        "claim_token",
        "queued_at",
        "heartbeat_at",
        "started_at",
        "claimed_node",
        "claimed_node_pid",
    )
    for job in candidates[:500]:
        if not job_is_stuck(job, now=now, live=live):
            continue
        if job.status == Job.Status.QUEUED:
            moved = Job.objects.filter(pk=job.pk, status=Job.Status.QUEUED, queued_at=job.queued_at)
            updated = moved.update(queued_at=now, message="Sent again: no worker had taken it.")
        else:
            moved = Job.objects.filter(
                pk=job.pk, status=Job.Status.RUNNING, claim_token=job.claim_token
            )
            updated = moved.update(
                status=Job.Status.QUEUED,
                message="Its worker stopped; queued again.",
                queued_at=now,
                claim_token=None,
                claimed_by="",
                claimed_node="",
                claimed_node_pid=None,
            )
        if updated == 1:
            logger.warning("Job %s was %s and stuck; sent again", job.pk, job.status)
            _send(job.pk)
            requeued.append(job.pk)
    return requeued


def _claimant_is_gone(claimed_by: str) -> bool:
    host, _, pid = claimed_by.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def _worker_node() -> tuple[str, int | None]:
    """The Celery node running this task and its main process (the heartbeat writer)."""

    request = getattr(current_task, "request", None)
    node = str(getattr(request, "hostname", "") or "")
    if not node:
        return "", None
    # A prefork pool child's parent is the worker's main process; a solo pool is both.
    parent = os.getppid()
    main = parent if WorkerHeartbeat.objects.filter(hostname=node, pid=parent).exists() else None
    return node, main if main is not None else os.getpid()


def job_claim(job_id: str | uuid.UUID) -> uuid.UUID | None:
    """Claim a job for this process; return the claim token, or None if not ours to run."""
    token = uuid.uuid4()
    now = timezone.now()
    me = _worker_identity()
    node, node_pid = _worker_node()
    claimable = Q(status=Job.Status.QUEUED) | Q(
        status=Job.Status.RUNNING, heartbeat_at__lt=now - CLAIM_LEASE
    )
    job = Job.objects.filter(pk=job_id).only("status", "claimed_by").first()
    if job is None:
        return None
    if job.status == Job.Status.RUNNING and job.claimed_by and _claimant_is_gone(job.claimed_by):
        # The process that held it died mid-task and its message came back to us.
        claimable |= Q(status=Job.Status.RUNNING, claimed_by=job.claimed_by)
    updated = Job.objects.filter(claimable, pk=job_id).update(
        status=Job.Status.RUNNING,
        claim_token=token,
        claimed_by=me,
        claimed_node=node,
        claimed_node_pid=node_pid,
        started_at=now,
        heartbeat_at=now,
        attempts=F("attempts") + 1,
        message="Started",
    )
    return token if updated == 1 else None


def job_progress(job_id: str | uuid.UUID, token: uuid.UUID, progress: int, message: str) -> None:
    Job.objects.filter(pk=job_id, claim_token=token, status=Job.Status.RUNNING).update(
        progress=max(0, min(100, progress)),
        message=message[:300],
        heartbeat_at=timezone.now(),
    )


# What a job's work reports back, kept as JSON on the job; only the job's own page reads it.
JobResult = dict[str, object]


def job_succeed(job_id: str | uuid.UUID, token: uuid.UUID, result: JobResult) -> bool:
    """Record the result; True only for the attempt that still holds the claim."""
    updated = Job.objects.filter(pk=job_id, claim_token=token, status=Job.Status.RUNNING).update(
        status=Job.Status.SUCCEEDED,
        progress=100,
        message="Done",
        result=result,
        finished_at=timezone.now(),
    )
    return updated == 1


def job_fail(job_id: str | uuid.UUID, token: uuid.UUID, error: str) -> None:
    Job.objects.filter(pk=job_id, claim_token=token, status=Job.Status.RUNNING).update(
        status=Job.Status.FAILED,
        message="Failed",
        error=error[:5000],
        finished_at=timezone.now(),
    )


ProgressFn = Callable[[int, str], None]


def run_job(job_id: str, work: Callable[[Job, ProgressFn], JobResult]) -> str:
    """Run ``work`` for a job at most once; the adapter every Celery task uses.

    Returns the outcome ("skipped", "succeeded", "failed") for logging and tests.
    """
    token = job_claim(job_id)
    if token is None:
        logger.info("Job %s is not claimable (finished or held by another worker)", job_id)
        return "skipped"
    job = Job.objects.get(pk=job_id)

    def progress(percent: int, message: str) -> None:
        job_progress(job_id, token, percent, message)

    try:
        result = work(job, progress)
    except Exception as exc:
        logger.exception("Job %s failed", job_id)
        # A soft time limit raised inside a query leaves the connection mid-command (and
        # Django unaware): the failure is written on a fresh one, or the job would stay
        # "running" until its lease ends.
        if not connection.is_usable():
            connection.close()
        job_fail(job_id, token, f"{type(exc).__name__}: {exc}")
        return "failed"
    job_succeed(job_id, token, result)
    return "succeeded"


def worker_heartbeat_record(hostname: str) -> None:
    """Called periodically by every worker so /health/ can see it is alive."""
    WorkerHeartbeat.objects.update_or_create(
        hostname=hostname,
        defaults={"last_seen": timezone.now(), "pid": os.getpid()},
    )


def worker_is_alive() -> tuple[bool, str]:
    window = timedelta(seconds=settings.WORKER_HEARTBEAT_SECONDS * 3)
    latest = WorkerHeartbeat.objects.order_by("-last_seen").first()
    if latest is None:
        return False, "no worker has reported yet"
    age = timezone.now() - latest.last_seen
    if age > window:
        return False, f"last heartbeat {int(age.total_seconds())} s ago from {latest.hostname}"
    return True, f"heartbeat {int(age.total_seconds())} s ago from {latest.hostname}"


class JobTask(Task):
    """Base class for job tasks: explicit limits, never retried by Celery itself."""

    acks_late = True
    reject_on_worker_lost = True
    max_retries = 0


def job_task(
    name: str,
    work: Callable[[Job, ProgressFn], JobResult],
    *,
    soft_time_limit: int,
    time_limit: int,
) -> Task[[str], str]:
    """The Celery adapter of one kind of job: ``job_id`` in, :func:`run_job` over ``work``.

    Every job task is declared this way, so all of them share :class:`JobTask`'s delivery
    rules and explicit limits, and none keeps a Celery result (the job row is the result).
    """

    def adapter(job_id: str) -> str:
        return run_job(job_id, work)

    adapter.__name__ = adapter.__qualname__ = name.rsplit(".", 1)[-1]
    return shared_task(
        base=JobTask,
        name=name,
        soft_time_limit=soft_time_limit,
        time_limit=time_limit,
        ignore_result=True,
    )(adapter)


def live_workers() -> set[tuple[str, int]]:
    """(node name, main process id) of every worker that reported a heartbeat recently."""
    return _live_workers(timezone.now())


def worker_identity() -> str:
    """``host:pid`` of this process, as a claim records it."""
    return _worker_identity()


def worker_node() -> tuple[str, int | None]:
    """The Celery node running the current task and its main process id ("" outside one)."""
    return _worker_node()


def claimant_is_gone(claimed_by: str) -> bool:
    """True when ``claimed_by`` (``host:pid``) names a process of this host that has died."""
    return _claimant_is_gone(claimed_by)
