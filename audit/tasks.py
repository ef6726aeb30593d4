"""Celery tasks of the audit app: ids in, one service call, status recorded."""

from __future__ import annotations

from typing import Any

from celery import shared_task

from audit.report import report_as_dict
from audit.verify import parse_checkpoint, verify_chain
from bcp.jobs import ProgressFn, job_task
from bcp.models import Job

HISTORY_VERIFY_TASK = "audit.tasks.history_verify"
HISTORY_VERIFY_KIND = "history_verify"


def _verify(job: Job, progress: ProgressFn) -> dict[str, Any]:
    progress(1, "Reading the chain")
    checkpoints = [parse_checkpoint(text) for text in job.parameters.get("checkpoints", [])]

    def report_progress(fraction: float, message: str) -> None:
        progress(1 + int(98 * fraction), message)

    report = verify_chain(checkpoints=checkpoints, progress=report_progress)
    return report_as_dict(report)


# Verification reads every history row and every live row; see README's benchmark
# table for its speed (a million entries on PostgreSQL is the sizing case).
history_verify = job_task(HISTORY_VERIFY_TASK, _verify, soft_time_limit=1200, time_limit=1260)


def _report(job: Job, progress: ProgressFn) -> dict[str, Any]:
    from audit.reports import report_render  # audit.reports → audit.selectors → this module

    return report_render(job=job, progress=progress)


# A report prints at most 2,000 entries (audit.export.PDF_LIMIT): about 10 s of layout.
history_report = job_task(
    "audit.tasks.history_report", _report, soft_time_limit=300, time_limit=330
)


@shared_task(name="audit.tasks.record_chain_head", soft_time_limit=60, time_limit=90)
def record_chain_head(path: str | None = None, to_syslog: bool = False) -> str:
    """Scheduled: write the chain head outside the database (see audit.anchoring)."""
    from audit.anchoring import chain_head_record  # audit.anchoring → audit.selectors → here

    return chain_head_record(path=path, to_syslog=to_syslog).line
