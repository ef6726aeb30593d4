"""Celery adapter for review checks: job id in, one service call, status recorded."""

from __future__ import annotations

from bcp.jobs import job_task
from review.services import review_check_execute as execute

review_check_execute = job_task(
    "review.tasks.review_check_execute",
    lambda job, progress: execute(job=job, progress=progress),
    soft_time_limit=120,
    time_limit=150,
)
