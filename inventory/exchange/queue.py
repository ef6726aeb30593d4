"""Services that hand an uploaded import to the worker: first the check, then the apply."""

from __future__ import annotations

import uuid
from typing import Unpack

from django.contrib.auth.models import User
from django.db import transaction

from bcp.jobs import job_enqueue
from bcp.models import Job, Plan
from inventory.exchange.uploads import (
    StoredUpload,
    UploadFile,
    upload_attach_jobs,
    upload_store,
)
from inventory.tasks import INVENTORY_IMPORT_CHECK_TASK, INVENTORY_IMPORT_TASK


@transaction.atomic
def inventory_import_upload(*, plan: Plan, user: User, **file: Unpack[UploadFile]) -> StoredUpload:
    """Keep the file and queue its check (reading, limits, every problem) in the worker."""
    token = uuid.uuid4()
    job = job_enqueue(
        kind="inventory_import_check",
        task_name=INVENTORY_IMPORT_CHECK_TASK,
        user=user,
        plan=plan,
        parameters={"token": str(token), "user_id": user.pk},
    )
    upload = upload_store(plan_pk=plan.pk, user=user, token=token, **file)
    return upload_attach_jobs(plan_pk=plan.pk, upload=upload, check_job=str(job.pk))


@transaction.atomic
def inventory_import_enqueue(*, plan: Plan, user: User, upload: StoredUpload) -> Job:
    """Queue a checked upload to be applied by a worker; returns the job to watch."""
    job = job_enqueue(
        kind="inventory_import",
        task_name=INVENTORY_IMPORT_TASK,
        user=user,
        plan=plan,
        parameters={"token": str(upload.token), "user_id": user.pk},
    )
    upload_attach_jobs(plan_pk=plan.pk, upload=upload, apply_job=str(job.pk))
    return job
