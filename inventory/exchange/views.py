"""Import and export pages: form → one service → redirect, and the check's result.

Nothing is read or checked in the web request: the upload is stored and checked by a
worker (progress shown, then the preview or every problem), and applied by a worker.
The preview page polls itself through htmx while a job runs.
"""

from __future__ import annotations

import uuid

from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render

from bcp.http import PlanRequest
from bcp.models import Job
from bcp.permissions import Capability, plan_required
from inventory.exchange import document as code
from inventory.exchange.exporting import export_csv, export_xlsx
from inventory.exchange.queue import inventory_import_enqueue, inventory_import_upload
from inventory.exchange.reading import TABULAR_SECTIONS
from inventory.exchange.records import Preview
from inventory.exchange.uploads import StoredUpload, UploadMissing, upload_load
from inventory.forms import ImportForm


@plan_required(Capability.EDIT)
def import_upload(request: PlanRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        stored = inventory_import_upload(
            plan=request.plan,
            user=request.user,
            name=upload.name,
            data=upload.read(),
            section=form.cleaned_data["section"],
            reason=form.cleaned_data["reason"],
            ticket=form.cleaned_data["ticket"],
            replace=form.cleaned_data["replace"],
        )
        return redirect("inventory_import_preview", plan_pk=request.plan.pk, token=stored.token)
    status = 400 if request.method == "POST" else 200
    return render(request, "inventory/import.html", {"form": form}, status=status)


def _job(request: PlanRequest, job_id: str) -> Job | None:
    return Job.objects.filter(pk=job_id, plan=request.plan).first() if job_id else None


def _panel_context(request: PlanRequest, upload: StoredUpload) -> dict[str, object]:
    check = _job(request, upload.check_job)
    applying = _job(request, upload.apply_job)
    result = check.result if check is not None and check.status == Job.Status.SUCCEEDED else None
    preview = Preview.from_dict(result) if result and not result["file_error"] else None
    return {
        "upload": upload,
        "check": check,
        "applying": applying,
        "active": any(job is not None and job.is_active for job in (check, applying)),
        "file_error": result["file_error"] if result else "",
        "preview": preview,
        "problems": preview.problems if preview else [],
        "counts": {
            action: preview.count(action) if preview else 0
            for action in ("create", "update", "unchanged", "delete")
        },
        "form": ImportForm(initial={"section": upload.section, "replace": upload.replace}),
    }


@plan_required(Capability.EDIT)
def import_preview(request: PlanRequest, token: uuid.UUID) -> HttpResponse:
    try:
        upload = upload_load(plan_pk=request.plan.pk, token=token, user=request.user)
    except UploadMissing as exc:
        raise Http404(str(exc)) from None
    context = _panel_context(request, upload)
    if request.method == "POST":
        preview = context["preview"]
        clean = isinstance(preview, Preview) and preview.is_clean
        if clean and not upload.apply_job and not upload.applied:
            inventory_import_enqueue(plan=request.plan, user=request.user, upload=upload)
        return redirect("inventory_import_preview", plan_pk=request.plan.pk, token=token)
    template = "inventory/_import_panel.html" if request.htmx else "inventory/import_preview.html"
    return render(request, template, context)


EXPORT_TYPES = {
    "json": ("application/json; charset=utf-8", "json"),
    "yaml": ("application/yaml; charset=utf-8", "yaml"),
    "csv": ("text/csv; charset=utf-8", "csv"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
}


@plan_required(Capability.VIEW)
def export(request: PlanRequest, file_format: str) -> HttpResponse:
    plan = request.plan
    if file_format not in EXPORT_TYPES:
        raise Http404("Unknown export format.")
    content_type, extension = EXPORT_TYPES[file_format]
    body: str | bytes
    sheet = request.GET.get("sheet", "components")
    section = sheet if sheet in TABULAR_SECTIONS else "components"
    name = f"inventory-plan-{plan.pk}"
    if file_format == "json":
        body = code.to_json(code.export_document(plan))
    elif file_format == "yaml":
        body = code.to_yaml(code.export_document(plan))
    elif file_format == "csv":
        body = export_csv(plan, section)
        name = f"{name}-{section}"
    else:
        body = export_xlsx(plan)
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}.{extension}"'
    return response
