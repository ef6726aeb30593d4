"""Celery adapter for analysis runs: job id in, one service call, status recorded."""

from __future__ import annotations

from celery import shared_task

from analysis.fanout import analysis_chunk_compute as compute
from analysis.services import analysis_run_execute as execute
from bcp.jobs import JobTask, job_task

analysis_run_execute = job_task(
    "analysis.tasks.analysis_run_execute",
    lambda job, progress: execute(job=job, progress=progress),
    soft_time_limit=120,
    time_limit=150,
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
