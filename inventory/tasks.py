"""Celery adapter for large imports: job id in, one service call, status recorded.

Small files are applied in the request; files with more than
``inventory.views.INLINE_IMPORT_LIMIT`` records are applied here so the page does not
wait on thousands of history rows. The upload stays in VAR_DIR until it is applied.
"""

from __future__ import annotations

import uuid
from typing import Any

from celery import shared_task

from bcp.jobs import JobTask, ProgressFn, run_job
from bcp.models import Job

INVENTORY_IMPORT_TASK = "inventory.tasks.inventory_import_run"


def _import(job: Job, progress: ProgressFn) -> dict[str, Any]:
    from django.contrib.auth import get_user_model

    from inventory.exchange.importing import ImportRefused, inventory_import_apply, read_file
    from inventory.exchange.uploads import upload_discard, upload_load

    assert job.plan is not None
    user = get_user_model().objects.get(pk=job.parameters["user_id"])
    token = uuid.UUID(job.parameters["token"])
    upload = upload_load(plan_pk=job.plan.pk, token=token, user=user)
    progress(10, f"Reading {upload.name}")
    parsed = read_file(upload.name, upload.data, section=upload.section)
    progress(20, "Checking and applying every record in one transaction")
    try:
        result = inventory_import_apply(
            plan=job.plan, parsed=parsed, user=user, reason=upload.reason, ticket=upload.ticket
        )
    except ImportRefused as exc:
        first = "; ".join(str(p) for p in exc.problems[:5])
        raise ValueError(f"Nothing was imported: {len(exc.problems)} problem(s): {first}") from None
    upload_discard(plan_pk=job.plan.pk, token=token)
    return {
        "file": upload.name,
        "created": result.created,
        "updated": result.updated,
        "unchanged": result.unchanged,
        "batch": str(result.batch),
    }


@shared_task(
    base=JobTask,
    name=INVENTORY_IMPORT_TASK,
    soft_time_limit=900,
    time_limit=960,
    ignore_result=True,
)
def inventory_import_run(job_id: str) -> str:
    return run_job(job_id, _import)
