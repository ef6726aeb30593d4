"""Celery adapters for imports: job id in, one service call, status recorded.

Both steps of an upload run in the worker, never in the web request: reading and checking
the file (``inventory_import_check``: the preview, or every problem) and applying it
(``inventory_import_run``). The upload stays in VAR_DIR until it is applied.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User

from bcp.jobs import ProgressFn, job_task
from bcp.models import Job
from inventory.exchange.applying import ImportRefused, inventory_import_apply
from inventory.exchange.checking import check_import
from inventory.exchange.reading import read_file
from inventory.exchange.records import ImportFileError
from inventory.exchange.uploads import StoredUpload, upload_discard, upload_load

INVENTORY_IMPORT_CHECK_TASK = "inventory.tasks.inventory_import_check"
INVENTORY_IMPORT_TASK = "inventory.tasks.inventory_import_run"


def _upload(job: Job) -> StoredUpload:
    assert job.plan is not None
    user = User.objects.get(pk=job.parameters["user_id"])
    return upload_load(plan_pk=job.plan.pk, token=job.parameters["token"], user=user)


def _check(job: Job, progress: ProgressFn) -> dict[str, Any]:
    assert job.plan is not None
    upload = _upload(job)
    progress(10, f"Reading {upload.name}")
    try:
        parsed = read_file(upload.name, upload.data, section=upload.section)
    except ImportFileError as exc:
        return {"file_error": str(exc), "problems": [], "changes": []}
    progress(50, f"Checking {parsed.count():,} records against the plan")
    preview = check_import(job.plan, parsed, replace=upload.replace)
    return {"file_error": "", **preview.as_dict()}


def _import(job: Job, progress: ProgressFn) -> dict[str, Any]:
    assert job.plan is not None
    upload = _upload(job)
    if upload.applied:
        raise ValueError("This import was applied already; upload the file again.")
    progress(10, f"Reading {upload.name}")
    parsed = read_file(upload.name, upload.data, section=upload.section)
    progress(30, f"Checking and applying {parsed.count():,} records in one transaction")
    try:
        result = inventory_import_apply(
            plan=job.plan,
            parsed=parsed,
            user=upload.user,
            reason=upload.reason,
            ticket=upload.ticket,
            replace=upload.replace,
        )
    except ImportRefused as exc:
        first = "; ".join(str(p) for p in exc.problems[:5])
        raise ValueError(f"Nothing was imported: {exc}: {first}") from None
    upload_discard(plan_pk=job.plan.pk, token=upload.token)
    return {
        "file": upload.name,
        "created": result.created,
        "updated": result.updated,
        "unchanged": result.unchanged,
        "deleted": result.deleted,
        "batch": str(result.batch),
    }


inventory_import_check = job_task(
    INVENTORY_IMPORT_CHECK_TASK, _check, soft_time_limit=300, time_limit=330
)
inventory_import_run = job_task(INVENTORY_IMPORT_TASK, _import, soft_time_limit=900, time_limit=960)
