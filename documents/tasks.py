"""Celery tasks of the documents app: ids in, one service call, status recorded.

Rendering is the slowest work the product does, so its limits are explicit:
the soft limit raises inside WeasyPrint and the job is marked failed with a
clear message; the hard limit kills the child process. Workers are recycled by
memory (``--max-memory-per-child`` / ``CELERY_WORKER_MAX_MEMORY_PER_CHILD``),
because a large layout can leave a process much bigger than it started.
"""

from __future__ import annotations

from typing import Any

from celery import shared_task

from bcp.jobs import ProgressFn, job_task
from bcp.models import Job
from documents import publishing
from documents.signoff import signoff_send_reminders

RENDER_SOFT_LIMIT = 240
RENDER_HARD_LIMIT = 300


def _publish_version(job: Job, progress: ProgressFn) -> dict[str, Any]:
    return publishing.version_publish_run(job=job, progress=progress)


def _render_draft(job: Job, progress: ProgressFn) -> dict[str, Any]:
    return publishing.draft_render(job=job, progress=progress)


# Freezes the plan's data as the next version (once) and renders its PDFs (once).
version_render = job_task(
    "documents.tasks.version_render",
    _publish_version,
    soft_time_limit=RENDER_SOFT_LIMIT,
    time_limit=RENDER_HARD_LIMIT,
)
draft_render = job_task(
    "documents.tasks.draft_render",
    _render_draft,
    soft_time_limit=RENDER_SOFT_LIMIT,
    time_limit=RENDER_HARD_LIMIT,
)


@shared_task(
    name="documents.tasks.signoff_reminders", soft_time_limit=60, time_limit=90, ignore_result=True
)
def signoff_reminders() -> int:
    return signoff_send_reminders()
