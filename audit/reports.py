"""The auditor's PDF history report, rendered by a worker job with progress.

The timeline page queues it with the filters the auditor chose (the query
string, validated again in the worker); the worker describes the entries,
lays out the PDF, stores it under ``audit/reports/plan-<id>/`` and records the
file in the job's result; the page polls the job and offers the download.
"""

from __future__ import annotations

from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import QueryDict
from django.utils import timezone

from audit import export
from audit.forms import HistoryFilter
from audit.selectors import chain_head
from bcp.jobs import ProgressFn
from bcp.models import Job

REPORT_KIND = "audit_history_report"
REPORT_TASK = "audit.tasks.history_report"


class ReportFiltersInvalid(ValueError):
    """The stored filters no longer validate (e.g. a user filter for a removed account)."""


def report_filters(plan: Any, query: str) -> tuple[HistoryFilter, str, list[tuple[str, str]]]:
    """The filters of a query string, the period they cover and their description."""
    filters = HistoryFilter(QueryDict(query) if query else None, plan=plan)
    if filters.is_bound and not filters.is_valid():
        errors = "; ".join(f"{name}: {' '.join(e)}" for name, e in filters.errors.items())
        raise ReportFiltersInvalid(f"The report's filters are not valid: {errors}")
    data = filters.form.cleaned_data if filters.is_bound else {}
    start, end = data.get("date_from"), data.get("date_to")
    period = f"{start or 'the beginning'} to {end or timezone.localdate()}"
    shown = [
        (str(filters.form.fields[name].label), str(value))
        for name, value in data.items()
        if value not in (None, "")
    ]
    return filters, period, shown


def report_render(*, job: Job, progress: ProgressFn) -> dict[str, Any]:
    """Render the report a job asks for, store it, and say where (the job's result)."""
    assert job.plan is not None
    progress(2, "Reading the filters")
    filters, period, shown = report_filters(job.plan, str(job.parameters.get("query", "")))
    head = chain_head()
    pdf, pages = export.pdf_report(
        plan=job.plan,
        entries=filters.qs,
        period=period,
        filters=shown,
        head=head,
        progress=progress,
    )
    name = default_storage.save(
        f"{export.REPORTS_FOLDER}/plan-{job.plan.pk}/report-{job.pk}.pdf", ContentFile(pdf)
    )
    return {"file": name, "pages": pages, "bytes": len(pdf), "checkpoint": head.checkpoint}


def report_file(job: Job) -> str | None:
    """The stored report of a finished job of this plan, or None if it is gone."""
    name = str(job.result.get("file", "")) if job.status == Job.Status.SUCCEEDED else ""
    if not name.startswith(f"{export.REPORTS_FOLDER}/plan-{job.plan_id}/"):
        return None
    return name if default_storage.exists(name) else None
