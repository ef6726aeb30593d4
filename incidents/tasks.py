"""Celery tasks of the incidents app: ids in, one service call, status recorded."""

from __future__ import annotations

from typing import Any

from celery import shared_task

from bcp.jobs import ProgressFn, job_task
from bcp.models import Job
from incidents import exercises, reports

RENDER_SOFT_LIMIT = 120
RENDER_HARD_LIMIT = 180


def _render(job: Job, progress: ProgressFn) -> dict[str, Any]:
    return reports.report_render(job=job, progress=progress)


report_render = job_task(
    "incidents.tasks.report_render",
    _render,
    soft_time_limit=RENDER_SOFT_LIMIT,
    time_limit=RENDER_HARD_LIMIT,
)


@shared_task(
    name="incidents.tasks.exercise_reminders",
    soft_time_limit=120,
    time_limit=180,
    ignore_result=True,
)
def exercise_reminders() -> int:
    """Periodic: remind owners and managers of exercises due (schedule it daily)."""
    return exercises.exercise_reminders_send()
