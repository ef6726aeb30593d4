"""Celery tasks of the audit app: ids in, one service call, status recorded."""

from __future__ import annotations

from typing import Any

from celery import shared_task

from bcp.jobs import JobTask, ProgressFn, run_job
from bcp.models import Job

HISTORY_VERIFY_TASK = "audit.tasks.history_verify"
HISTORY_VERIFY_KIND = "history_verify"


def _verify(job: Job, progress: ProgressFn) -> dict[str, Any]:
    from audit.chain import report_as_dict, verify_chain

    progress(2, "Reading the chain")

    def report_progress(done: int, total: int) -> None:
        progress(2 + int(93 * done / max(total, 1)), f"Checked {done:,} of {total:,} entries")

    report = verify_chain(progress=report_progress)
    return report_as_dict(report)


# Verification reads every history row: about 13 s per 100,000 entries on SQLite.
@shared_task(
    base=JobTask,
    name=HISTORY_VERIFY_TASK,
    soft_time_limit=1200,
    time_limit=1260,
    ignore_result=True,
)
def history_verify(job_id: str) -> str:
    return run_job(job_id, _verify)
