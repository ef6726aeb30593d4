"""Auditor pages: timeline, record history, comparison, the plan as of a date, chain
verification, evidence exports; and the manager's rollback. Thin: parse, read or call
one service, render.

Everything except rollback needs only ``Capability.AUDIT`` (managers and auditors)
and works on archived plans; nothing here but rollback writes.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib import messages
from django.core.exceptions import BadRequest
from django.http import (
    FileResponse,
    Http404,
    HttpResponse,
    StreamingHttpResponse,
)
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from audit import export, reports, rollback, selectors
from audit.forms import (
    AsOfForm,
    CompareForm,
    HistoryFilter,
    PageForm,
    RollbackForm,
    VerifyForm,
)
from audit.tasks import HISTORY_VERIFY_KIND, HISTORY_VERIFY_TASK
from bcp import jobs
from bcp.http import PlanRequest, stored_pdf
from bcp.models import Job, Plan
from bcp.permissions import Capability, plan_required

PAGE_SIZE = 50


def _filters(request: PlanRequest) -> HistoryFilter:
    return HistoryFilter(request.GET or None, plan=request.plan)


def _query_without_page(request: PlanRequest) -> str:
    query = request.GET.copy()
    for cursor in ("page", "before", "after"):
        query.pop(cursor, None)
    return query.urlencode()


def _page_form(request: PlanRequest) -> PageForm:
    form = PageForm({key: request.GET.get(key, "") for key in ("before", "after")})
    form.is_valid()
    return form


@plan_required(Capability.AUDIT, allow_archived=True)
def timeline(request: PlanRequest) -> HttpResponse:
    filters = _filters(request)
    cursor = _page_form(request)
    if (filters.is_bound and not filters.is_valid()) or cursor.errors:
        context: dict[str, Any] = {"filters": filters, "page": None, "rows": []}
        if cursor.errors:
            context["page_problem"] = cursor.problem()
        return render(request, "audit/timeline.html", context, status=400)
    page, entries = selectors.entries_page(filters.qs, size=PAGE_SIZE, **cursor.cleaned_data)
    context = {
        "filters": filters,
        "page": page,
        "rows": selectors.describe_entries(entries),
        "query": _query_without_page(request),
        "head": selectors.chain_head(),
    }
    return render(request, "audit/timeline.html", context)


@plan_required(Capability.AUDIT, allow_archived=True)
def entry_detail(request: PlanRequest, seq: int) -> HttpResponse:
    view = selectors.entry_for(request.plan, seq)
    return render(request, "audit/entry.html", {"view": view})


@plan_required(Capability.AUDIT, allow_archived=True)
def object_history(request: PlanRequest, model_label: str, object_id: str) -> HttpResponse:
    plan = request.plan
    model = selectors.object_model(model_label)
    title = selectors.object_title(plan, model, object_id)
    entries = selectors.object_entries(plan, model, object_id)
    cursor = _page_form(request)
    if cursor.errors:
        raise BadRequest(cursor.problem())
    page, listed = selectors.entries_page(entries, size=PAGE_SIZE, **cursor.cleaned_data)
    rows = selectors.describe_entries(listed)
    context = {
        "model": model,
        "model_label": model._meta.label,
        "model_name": str(model._meta.verbose_name).capitalize(),
        "object_id": object_id,
        "title": title,
        "page": page,
        "rows": rows,
        "compare_form": CompareForm(),
    }
    return render(request, "audit/object.html", context)


@plan_required(Capability.AUDIT, allow_archived=True)
def compare(request: PlanRequest, model_label: str, object_id: str) -> HttpResponse:
    plan = request.plan
    model = selectors.object_model(model_label)
    title = selectors.object_title(plan, model, object_id)
    form = CompareForm(request.GET)
    context: dict[str, Any] = {
        "model_label": model._meta.label,
        "model_name": str(model._meta.verbose_name).capitalize(),
        "object_id": object_id,
        "title": title,
        "form": form,
    }
    if not form.is_valid():
        return render(request, "audit/compare.html", context, status=400)
    first, second = sorted((form.cleaned_data["a"], form.cleaned_data["b"]))
    context["comparison"] = selectors.compare_versions(plan, model, object_id, first, second)
    return render(request, "audit/compare.html", context)


@plan_required(Capability.AUDIT, allow_archived=True)
def as_of(request: PlanRequest) -> HttpResponse:
    plan = request.plan
    form = AsOfForm(request.GET or None)
    context: dict[str, Any] = {"form": form, "states": None}
    if form.is_bound:
        if not form.is_valid():
            return render(request, "audit/as_of.html", context, status=400)
        context["moment"] = form.moment()
        context["states"] = selectors.plan_as_of(plan, form.moment())
    return render(request, "audit/as_of.html", context)


def _verify_context(job: Job | None, plan_pk: int) -> dict[str, Any]:
    """The job and, once finished, its problems in this plan (others only counted)."""
    result = job.result if job is not None and job.is_finished else {}
    problems = result.get("problems", [])
    mine = [p for p in problems if p.get("plan_id") == plan_pk]
    drift = [d for d in result.get("drift", []) if d.get("plan_id") == plan_pk]
    return {
        "job": job,
        "result": result,
        "plan_problems": mine,
        "other_problems": result.get("problem_count", 0) - len(mine),
        "plan_drift": drift,
        "other_drift": result.get("drift_count", 0) - len(drift),
        "checkpoints": job.parameters.get("checkpoints", []) if job is not None else [],
    }


@plan_required(Capability.AUDIT, allow_archived=True)
def verify(request: PlanRequest) -> HttpResponse:
    plan = request.plan
    context = _verify_context(selectors.latest_verification(plan), plan.pk)
    context["form"] = VerifyForm()
    return render(request, "audit/verify.html", context)


@require_POST
@plan_required(Capability.AUDIT, allow_archived=True)
def verify_start(request: PlanRequest) -> HttpResponse:
    """Queue a verification of the whole history; reading is all it does."""
    plan = request.plan
    form = VerifyForm(request.POST)
    if not form.is_valid():
        context = _verify_context(selectors.latest_verification(plan), plan.pk)
        context["form"] = form
        return render(request, "audit/verify.html", context, status=400)
    checkpoint = form.cleaned_data["checkpoint"]
    job = jobs.job_enqueue(
        kind=HISTORY_VERIFY_KIND,
        task_name=HISTORY_VERIFY_TASK,
        user=request.user,
        plan=plan,
        parameters={"checkpoints": [checkpoint] if checkpoint else []},
    )
    if request.htmx:
        return render(request, "audit/_verify_job.html", _verify_context(job, plan.pk))
    return redirect("audit_verify", plan_pk=plan.pk)


@plan_required(Capability.AUDIT, allow_archived=True)
def verify_status(request: PlanRequest, job_pk: str) -> HttpResponse:
    plan = request.plan
    job = get_object_or_404(Job, pk=job_pk, plan=plan, kind=HISTORY_VERIFY_KIND)
    return render(request, "audit/_verify_job.html", _verify_context(job, plan.pk))


def _export_or_error(request: PlanRequest) -> HistoryFilter | HttpResponse:
    """The filters, or the timeline page with field errors (400) when they are malformed."""
    filters = _filters(request)
    if filters.is_bound and not filters.is_valid():
        return render(
            request,
            "audit/timeline.html",
            {"filters": filters, "page": None, "rows": []},
            status=400,
        )
    return filters


def _download(
    chunks: Iterable[str], plan: Plan, *, extension: str, content_type: str
) -> StreamingHttpResponse:
    """The plan's history as a file, streamed (an export can be large), named by plan and time."""
    response = StreamingHttpResponse(chunks, content_type=content_type)
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    response["Content-Disposition"] = (
        f'attachment; filename="plan-{plan.pk}-history-{stamp}.{extension}"'
    )
    return response


@plan_required(Capability.AUDIT, allow_archived=True)
def export_csv(request: PlanRequest) -> HttpResponseBase:
    filters = _export_or_error(request)
    if isinstance(filters, HttpResponse):
        return filters
    rows = export.csv_rows(filters.qs, head=selectors.chain_head())
    return _download(rows, request.plan, extension="csv", content_type="text/csv; charset=utf-8")


@plan_required(Capability.AUDIT, allow_archived=True)
def export_json(request: PlanRequest) -> HttpResponseBase:
    filters = _export_or_error(request)
    if isinstance(filters, HttpResponse):
        return filters
    plan = request.plan
    chunks = export.json_chunks(
        filters.qs,
        plan_id=plan.pk,
        filters={key: str(value) for key, value in request.GET.items() if value},
        head=selectors.chain_head(),
    )
    return _download(chunks, plan, extension="json", content_type="application/json")


@require_POST
@plan_required(Capability.AUDIT, allow_archived=True)
def report_start(request: PlanRequest) -> HttpResponse:
    """Queue the PDF report of the filtered history (the query string holds the filters)."""
    filters = _export_or_error(request)
    if isinstance(filters, HttpResponse):
        return filters
    job = jobs.job_enqueue(
        kind=reports.REPORT_KIND,
        task_name=reports.REPORT_TASK,
        user=request.user,
        plan=request.plan,
        parameters={"query": _query_without_page(request)},
    )
    return redirect("audit_report", plan_pk=request.plan.pk, job_pk=job.pk)


@plan_required(Capability.AUDIT, allow_archived=True)
def report_status(request: PlanRequest, job_pk: str) -> HttpResponse:
    plan = request.plan
    job = get_object_or_404(Job, pk=job_pk, plan=plan, kind=reports.REPORT_KIND)
    context = {"job": job, "available": reports.report_file(job) is not None}
    if request.htmx:
        return render(request, "audit/_report_job.html", context)
    return render(request, "audit/report.html", context)


@plan_required(Capability.AUDIT, allow_archived=True)
def report_download(request: PlanRequest, job_pk: str) -> FileResponse:
    plan = request.plan
    job = get_object_or_404(Job, pk=job_pk, plan=plan, kind=reports.REPORT_KIND)
    name = reports.report_file(job)
    if name is None:
        raise Http404("This report is not ready or no longer kept; make a new one.")
    return stored_pdf(name, f"plan-{plan.pk}-history-report-{job.created_at:%Y%m%d-%H%M%S}.pdf")


@plan_required(Capability.EDIT)
def rollback_view(
    request: PlanRequest, model_label: str, object_id: str, history_id: int
) -> HttpResponse:
    plan = request.plan
    model = selectors.object_model(model_label)
    preview = rollback.rollback_preview(plan=plan, model=model, history_id=history_id)
    if str(getattr(preview.target, model._meta.pk.attname)) != object_id:
        raise Http404("That version is not a version of this record.")
    form = RollbackForm(
        request.POST or None,
        initial={"expected_version": preview.expected_version},
        offer_restore=bool(preview.missing),
    )
    context: dict[str, Any] = {
        "preview": preview,
        "form": form,
        "model_label": model._meta.label,
        "model_name": str(model._meta.verbose_name).capitalize(),
        "object_id": object_id,
        "refusal": None,
        "conflict": None,
    }
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            rollback.object_rollback(
                plan=plan,
                user=request.user,
                model=model,
                history_id=history_id,
                expected_version=data["expected_version"],
                reason=data["reason"],
                ticket=data["ticket"],
                restore_missing=data["restore_missing"],
            )
        except rollback.RollbackRefused as exc:
            context["refusal"] = exc
        except rollback.RollbackConflict as exc:
            # Ask again against what is there now, keeping the reason typed.
            context["conflict"] = exc
            fresh = request.POST.copy()
            fresh["expected_version"] = str(preview.expected_version)
            form.data = fresh
        else:
            messages.success(request, f"Restored {preview.version_label}. The restore is recorded.")
            return redirect(
                reverse(
                    "audit_object",
                    kwargs={"plan_pk": plan.pk, "model_label": model_label, "object_id": object_id},
                )
            )
        return render(
            request, "audit/rollback.html", context, status=409 if context["conflict"] else 400
        )
    return render(request, "audit/rollback.html", context)
