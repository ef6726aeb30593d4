"""Permission-matrix cases for the audit pages: managers and auditors read, managers restore."""

from __future__ import annotations

from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from audit.export import REPORTS_FOLDER
from audit.models import ChainEntry
from audit.reports import REPORT_KIND, REPORT_TASK
from audit.tasks import HISTORY_VERIFY_KIND, HISTORY_VERIFY_TASK
from bcp.jobs import job_enqueue
from bcp.models import Job, Plan
from bcp.permissions import Capability
from tests.permission_cases import UrlCase


def _plan_record(people: Any) -> dict[str, Any]:
    return {"model_label": "bcp.Plan", "object_id": str(people.plan.pk)}


def _entry(people: Any) -> dict[str, Any]:
    entry = ChainEntry.objects.filter(plan_id=people.plan.pk).order_by("-seq").first()
    assert entry is not None
    return {"seq": entry.seq}


def _plan_version(people: Any) -> dict[str, Any]:
    record = Plan.history.filter(id=people.plan.pk).order_by("history_id").first()
    assert record is not None
    return {**_plan_record(people), "history_id": record.history_id}


def _report(people: Any) -> dict[str, Any]:
    job = job_enqueue(
        kind=REPORT_KIND, task_name=REPORT_TASK, user=people.auditor, plan=people.plan
    )
    return {"job_pk": job.pk}


def _finished_report(people: Any) -> dict[str, Any]:
    """A report the worker has made: the job succeeded and its file is stored."""
    job = job_enqueue(
        kind=REPORT_KIND, task_name=REPORT_TASK, user=people.auditor, plan=people.plan
    )
    name = default_storage.save(
        f"{REPORTS_FOLDER}/plan-{people.plan.pk}/report-{job.pk}.pdf", ContentFile(b"%PDF-1.7")
    )
    Job.objects.filter(pk=job.pk).update(status=Job.Status.SUCCEEDED, result={"file": name})
    return {"job_pk": job.pk}


def _verification(people: Any) -> dict[str, Any]:
    job = job_enqueue(
        kind=HISTORY_VERIFY_KIND,
        task_name=HISTORY_VERIFY_TASK,
        user=people.auditor,
        plan=people.plan,
    )
    return {"job_pk": job.pk}


CASES = [
    UrlCase("audit_timeline", Capability.AUDIT),
    UrlCase("audit_entry", Capability.AUDIT, kwargs=_entry),
    UrlCase("audit_object", Capability.AUDIT, kwargs=_plan_record),
    UrlCase("audit_compare", Capability.AUDIT, kwargs=_plan_record),
    UrlCase("audit_as_of", Capability.AUDIT),
    UrlCase("audit_verify", Capability.AUDIT),
    UrlCase("audit_verify_start", Capability.AUDIT, method="post"),
    UrlCase("audit_verify_status", Capability.AUDIT, kwargs=_verification),
    UrlCase("audit_export_csv", Capability.AUDIT),
    UrlCase("audit_export_json", Capability.AUDIT),
    UrlCase("audit_report_start", Capability.AUDIT, method="post"),
    UrlCase("audit_report", Capability.AUDIT, kwargs=_report),
    UrlCase("audit_report_download", Capability.AUDIT, kwargs=_finished_report),
    UrlCase("audit_rollback", Capability.EDIT, kwargs=_plan_version),
    UrlCase("audit_rollback", Capability.EDIT, method="post", kwargs=_plan_version),
]
