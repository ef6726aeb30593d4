"""Celery adapter for review checks: job id in, one service call, status recorded."""

from __future__ import annotations

from celery import shared_task

from bcp.jobs import JobTask, run_job
from review.services import review_check_execute as execute


@shared_task(
    base=JobTask,
    name="review.tasks.review_check_execute",
    soft_time_limit=120,
    time_limit=150,
    ignore_result=True,
)
def review_check_execute(job_id: str) -> str:

    return run_job(job_id, lambda job, progress: execute(job=job, progress=progress))
