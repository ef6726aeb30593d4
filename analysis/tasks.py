"""Celery adapter for analysis runs: job id in, one service call, status recorded."""

from __future__ import annotations

from celery import shared_task

from analysis.fanout import analysis_chunk_compute as compute
from analysis.services import analysis_run_execute as execute
from bcp.jobs import JobTask, job_task

# A whole plan of 1,000 functions took 218 s on one worker and 2,000 functions 402 s
# (measured on a quiet 2-core machine, 2026-12-05, every gap's remedies ranked), so 4,000
# take about 15 minutes: a limit of 900 s would fail them on one worker. Thirty minutes;
# a limit of 120 s once failed every whole-plan run from about 800 functions on.
WHOLE_PLAN_SOFT_LIMIT = 1800

analysis_run_execute = job_task(
    "analysis.tasks.analysis_run_execute",
    lambda job, progress: execute(job=job, progress=progress),
    soft_time_limit=WHOLE_PLAN_SOFT_LIMIT,
    time_limit=WHOLE_PLAN_SOFT_LIMIT + 60,
)


@shared_task(
    base=JobTask,
    name="analysis.tasks.analysis_chunk_compute",
    soft_time_limit=120,
    time_limit=150,
    ignore_result=True,
)
def analysis_chunk_compute(run_id: int, index: int) -> str:
    """One chunk of a whole-plan run spread over the workers (analysis.fanout)."""

    return compute(run_id=run_id, index=index)
