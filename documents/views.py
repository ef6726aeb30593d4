"""Pages of the documents app. Thin: form → one service → render."""

from __future__ import annotations

import hashlib
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from bcp import jobs
from bcp.concurrency import EditConflict
from bcp.editing import add_service_errors, edit_page, form_saved, save_with
from bcp.http import PlanRequest, stored_pdf
from bcp.models import Job, Plan
from bcp.permissions import Capability, plan_required
from bcp.record_views import reason_of
from bcp.words import counted
from documents import forms, publishing, selectors, services, signoff
from documents.checklist import publish_checklist
from documents.models import (
    DocumentSettings,
    PlanVersion,
    SignOffRequest,
)


def _plan(request: PlanRequest) -> Plan:
    return request.plan


_add_validation_errors = add_service_errors


# --- home: versions, draft export, publishing ------------------------------------


def _unfinished(job: Job | None) -> Job | None:
    """The latest publishing job while it runs or after it failed; nothing once it succeeded."""
    return job if job is not None and job.status != Job.Status.SUCCEEDED else None


@plan_required(Capability.VIEW)
def documents_home(request: PlanRequest) -> HttpResponse:
    return _home_page(request)


def _home_page(
    request: PlanRequest, publish_form: forms.PublishForm | None = None, status: int = 200
) -> HttpResponse:
    plan = _plan(request)
    current = selectors.current_inputs_sha256(plan)
    states = selectors.versions_with_state(plan, current_sha256=current)
    latest = states[0] if states else None
    context = {
        "states": states,
        "latest": latest,
        "latest_rejection": selectors.rejection(latest.version)
        if latest and latest.version.status == PlanVersion.Status.RETURNED
        else None,
        "current_sha256": current,
        "awaiting": selectors.signoffs_awaiting(request.user, plan),
        "publish_form": publish_form or forms.PublishForm(),
        "checklist": publish_checklist(plan),
        "approvers": signoff.required_approvers(plan),
        "today": timezone.localdate(),
        "draft_job": Job.objects.filter(plan=plan, kind=publishing.RENDER_DRAFT_KIND).first(),
        "render_job": _unfinished(
            Job.objects.filter(plan=plan, kind=publishing.RENDER_VERSION_KIND)
            .order_by("-created_at")
            .first()
        ),
    }
    return render(request, "documents/home.html", context, status=status)


def _job_started(request: PlanRequest, job: Job) -> HttpResponse:
    """The job's progress in place for htmx; otherwise back to the documents page."""
    if request.htmx:
        return render(request, "documents/_job.html", {"job": job})
    return redirect("documents_home", plan_pk=request.plan.pk)


@require_POST
@plan_required(Capability.EDIT)
def draft_export_start(request: PlanRequest) -> HttpResponse:
    plan = _plan(request)
    return _job_started(request, publishing.draft_export(plan=plan, user=request.user))


@plan_required(Capability.VIEW)
def documents_job(request: PlanRequest, job_pk: str) -> HttpResponse:
    plan = _plan(request)
    job = get_object_or_404(Job, pk=job_pk, plan=plan, kind__startswith="documents_")
    response = render(request, "documents/_job.html", {"job": job})
    if job.kind == publishing.RENDER_VERSION_KIND and job.is_finished and request.htmx:
        response["HX-Refresh"] = "true"  # the version list changes: show it whole
    return response


@require_POST
@plan_required(Capability.EDIT)
def documents_job_retry(request: PlanRequest, job_pk: str) -> HttpResponse:
    plan = _plan(request)
    job = get_object_or_404(Job, pk=job_pk, plan=plan, kind__startswith="documents_")
    return _job_started(request, jobs.job_retry(job=job))


@plan_required(Capability.VIEW)
def draft_download(request: PlanRequest, job_pk: str) -> FileResponse:
    plan = _plan(request)
    job = get_object_or_404(
        Job, pk=job_pk, plan=plan, kind=publishing.RENDER_DRAFT_KIND, status=Job.Status.SUCCEEDED
    )
    name = str(job.result_value("file", ""))
    if not name.startswith(
        f"{publishing.DRAFTS_FOLDER}/plan-{plan.pk}/"
    ) or not default_storage.exists(name):
        raise Http404("This draft is no longer available; export a new one.")
    return stored_pdf(name, f"plan-{plan.pk}-DRAFT-{job.created_at:%Y%m%d-%H%M}.pdf")


@require_POST
@plan_required(Capability.EDIT)
def version_publish(request: PlanRequest) -> HttpResponse:
    plan = _plan(request)
    form = forms.PublishForm(request.POST)

    save = save_with(request, publishing.version_publish, ("note", "limitations_reason"), plan=plan)
    started = (
        "Publishing has started: the worker freezes the plan's data as the next "
        "version and renders its PDF."
    )
    if form_saved(request, form, save, started):
        return redirect("documents_home", plan_pk=plan.pk)
    # The page again with what was typed and each error on its field (focus goes there).
    return _home_page(request, publish_form=form, status=400)


@plan_required(Capability.VIEW)
def version_detail(request: PlanRequest, version_pk: int) -> HttpResponse:
    plan = _plan(request)
    version = get_object_or_404(PlanVersion.objects.defer("snapshot"), pk=version_pk, plan=plan)
    state = selectors.version_state(version)
    asked = version.signoffs.values_list("stakeholder_id", flat=True)
    form = forms.SignOffRequestForm(plan=plan, approvers=version.approvers, asked=asked)
    if request.method == "POST":
        if "edit" not in request.capabilities:
            raise PermissionDenied("Only managers can request sign-off.")
        form = forms.SignOffRequestForm(
            request.POST, plan=plan, approvers=version.approvers, asked=asked
        )
        if form.is_valid():
            data = form.cleaned_data
            try:
                created = signoff.signoff_request(
                    version=version,
                    user=request.user,
                    stakeholders=data["stakeholders"],
                    due_date=data["due_date"],
                    message=data["message"],
                    current_inputs_sha256=selectors.current_inputs_sha256(plan),
                    site=request.build_absolute_uri("/"),
                )
            except ValidationError as exc:
                _add_validation_errors(form, exc)
            else:
                messages.success(
                    request, f"Sign-off requested from {counted(len(created), 'person', 'people')}."
                )
                return redirect(version)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "documents/version_detail.html",
        {
            "version": version,
            "state": state,
            "signoffs": selectors.signoffs_for_version(version),
            "approver_names": selectors.version_approver_names(version),
            "rejection": selectors.rejection(version),
            "form": form,
            "today": timezone.localdate(),
            "job": version.publish_job,
            "changes": selectors.version_changes(version),
            "limitations": selectors.version_limitations(version),
            "checkpoint": selectors.version_checkpoint(version),
        },
        status=status,
    )


def _serve_artifact(version: PlanVersion, *, variant: str) -> HttpResponse:
    field = version.pdf if variant == "pdf" else version.pdfa
    expected = version.pdf_sha256 if variant == "pdf" else version.pdfa_sha256
    if not expected or not field:
        raise Http404("This version has not been rendered yet.")
    with field.open("rb") as handle:
        content = handle.read()
    if hashlib.sha256(content).hexdigest() != expected:
        # Never hand out a file that is not the one that was signed.
        return HttpResponse(
            "The stored file no longer matches its recorded sha256; contact the administrator.",
            status=409,
            content_type="text/plain",
        )
    suffix = "" if variant == "pdf" else "-pdfa"
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="plan-{version.plan_id}-v{version.number}{suffix}.pdf"'
    )
    response["X-Document-SHA256"] = expected
    return response


@plan_required(Capability.VIEW)
def version_download(request: PlanRequest, version_pk: int) -> HttpResponse:
    version = get_object_or_404(
        PlanVersion.objects.defer("snapshot"), pk=version_pk, plan=_plan(request)
    )
    return _serve_artifact(version, variant="pdf")


@plan_required(Capability.VIEW)
def version_download_pdfa(request: PlanRequest, version_pk: int) -> HttpResponse:
    version = get_object_or_404(
        PlanVersion.objects.defer("snapshot"), pk=version_pk, plan=_plan(request)
    )
    return _serve_artifact(version, variant="pdfa")


@require_POST
@plan_required(Capability.EDIT)
def signoff_remind(request: PlanRequest, version_pk: int) -> HttpResponse:
    plan = _plan(request)
    version = get_object_or_404(PlanVersion.objects.defer("snapshot"), pk=version_pk, plan=plan)
    sent = signoff.signoff_send_reminders(plan=plan, site=request.build_absolute_uri("/"))
    messages.info(request, f"{counted(sent, 'reminder')} sent for overdue signatures.")
    return redirect(version)


@plan_required(Capability.VIEW)
def signoff_detail(request: PlanRequest, signoff_pk: int) -> HttpResponse:
    plan = _plan(request)
    request_ = get_object_or_404(
        SignOffRequest.objects.select_related("plan_version", "stakeholder", "requested_by"),
        pk=signoff_pk,
        plan_version__plan=plan,
    )
    form = None
    if request_.is_pending and request_.stakeholder_id == request.user.pk:
        form = forms.DecisionForm(
            initial={
                "version": request_.version,
                "document_sha256": request_.plan_version.pdf_sha256,
            }
        )
    return render(request, "documents/signoff_detail.html", _signoff_context(request_, form))


def _signoff_context(request_: SignOffRequest, form: Any) -> dict[str, Any]:
    return {
        "signoff": request_,
        "version": request_.plan_version,
        "state": selectors.version_state(request_.plan_version),
        "checkpoint": selectors.version_checkpoint(request_.plan_version),
        "form": form,
    }


@require_POST
@plan_required(Capability.ANSWER)
def signoff_decide(request: PlanRequest, signoff_pk: int) -> HttpResponse:
    plan = _plan(request)
    request_ = get_object_or_404(
        SignOffRequest.objects.select_related("plan_version"),
        pk=signoff_pk,
        plan_version__plan=plan,
    )
    if request_.stakeholder_id != request.user.pk:
        raise PermissionDenied("This sign-off was requested from someone else.")
    form = forms.DecisionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            signoff.signoff_decide(
                signoff=request_,
                user=request.user,
                approve=data["decision"] == "approve",
                comment=data["comment"],
                document_sha256=data["document_sha256"],
                expected_version=data["version"],
                site=request.build_absolute_uri("/"),
            )
        except ValidationError as exc:
            _add_validation_errors(form, exc)
        except EditConflict as exc:
            form.add_error(None, f"{exc} Reload the page to see the current state.")
        else:
            messages.success(request, "Your decision is recorded.")
            return redirect("signoff_detail", plan_pk=plan.pk, signoff_pk=request_.pk)
    return render(
        request, "documents/signoff_detail.html", _signoff_context(request_, form), status=400
    )


@plan_required(Capability.VIEW)
def documents_settings(request: PlanRequest) -> HttpResponse:
    """Who must approve the plan's versions, and the paper size of its documents."""
    plan = _plan(request)
    current = DocumentSettings.objects.filter(plan=plan).first() or DocumentSettings(plan=plan)
    if request.method == "POST" and "edit" not in request.capabilities:
        raise PermissionDenied("Only managers can change the document settings.")
    form = forms.DocumentSettingsForm(request.POST or None, instance=current, plan=plan)

    def save(data: dict[str, Any]) -> Any:
        return services.document_settings_update(
            plan=plan,
            user=request.user,
            expected_version=data["version"] if current.pk else None,
            approver_policy=data["approver_policy"],
            paper_size=data["paper_size"],
            approvers=list(data["approvers"]),
            **reason_of(form),
        )

    return edit_page(
        request,
        form,
        save=save,
        saved_message="Document settings saved.",
        template="documents/settings.html",
        context={"approvers": signoff.required_approvers(plan)},
        success_url=lambda _saved: reverse("documents_settings", kwargs={"plan_pk": plan.pk}),
    )


@plan_required(Capability.VIEW)
def documents_verify(request: PlanRequest) -> HttpResponse:
    plan = _plan(request)
    form = forms.VerifyForm(request.POST or None, request.FILES or None)
    result = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data.get("document")
            sha = (
                selectors.sha256_of_upload(upload.chunks())
                if upload
                else form.cleaned_data["sha256"]
            )
            result = selectors.verify_document(sha)
        else:
            status = 400
    member_plan_ids = set(request.user.memberships.values_list("plan_id", flat=True))
    return render(
        request,
        "documents/verify.html",
        {"form": form, "result": result, "member_plan_ids": member_plan_ids, "this_plan": plan},
        status=status,
    )
