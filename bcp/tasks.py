"""Celery tasks of the planning domain: ids in, one service call, status recorded."""

from __future__ import annotations

from typing import Any

from bcp.jobs import ProgressFn, job_task
from bcp.models import Job
from bcp.selectors import plan_statistics

# No page starts this any more (the plan overview shows readiness figures instead); it
# stays as the job machinery's reference task, which the worker tests (redelivery, a
# killed worker, an unreachable broker, the status fragment) run.
PLAN_STATISTICS_TASK = "bcp.tasks.plan_statistics_recompute"


def _recompute(job: Job, progress: ProgressFn) -> dict[str, Any]:

    assert job.plan is not None
    progress(5, "Counting members")
    return plan_statistics(job.plan, progress)


plan_statistics_recompute = job_task(
    PLAN_STATISTICS_TASK, _recompute, soft_time_limit=60, time_limit=90
)
