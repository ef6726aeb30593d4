"""A deliberately slow job task, imported only by the test worker (``--include``).

It lets a test kill the worker process mid-task and watch the message come back.
"""

from __future__ import annotations

import time
from typing import Any

from celery import shared_task
from django.contrib.auth.models import User

from bcp.jobs import JobTask, ProgressFn, job_enqueue, run_job
from bcp.models import Job, Plan

SLOW_TASK = "tests.bcp.slow_task.slow_count"


def _slow(job: Job, progress: ProgressFn) -> dict[str, Any]:
    steps = int(job.parameters.get("steps", 20))
    for step in range(steps):
        progress(int(100 * step / steps), f"step {step}")
        time.sleep(0.25)
    return {"counted": steps}


@shared_task(base=JobTask, name=SLOW_TASK, soft_time_limit=60, time_limit=90, ignore_result=True)
def slow_count(job_id: str) -> str:
    return run_job(job_id, _slow)


def slow_job_enqueue(*, plan: Plan, user: User, steps: int) -> Job:
    """Queue the slow task for ``plan``: ``steps`` quarter-seconds, with progress after each."""
    return job_enqueue(
        kind="slow", task_name=SLOW_TASK, user=user, plan=plan, parameters={"steps": steps}
    )
