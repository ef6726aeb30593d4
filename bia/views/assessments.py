"""Pages of one BIA: answering, submitting, reviewing and revising it."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from bcp.concurrency import EditConflict
from bcp.http import PlanRequest
from bcp.permissions import Capability, plan_required
from bia.durations import format_hours
from bia.forms.assessments import ReturnForm
from bia.models import Assessment, Interview, Workshop
from bia.selectors import answers as answer_selectors
from bia.selectors import assessments as assessment_selectors
from bia.selectors import scales as scale_selectors
from bia.services import assessments as assessment_services
from bia.views.common import base_url, can, check_owner


@plan_required(Capability.ANSWER)
def my_bias(request: PlanRequest) -> HttpResponse:
    assessments = list(assessment_selectors.my_assessments(request.plan, request.user))
    return render(
        request, "bia/my_bias.html", {"assessments": assessments, "today": timezone.localdate()}
    )


def assessment_of(request: PlanRequest, assessment_pk: int) -> Assessment:
    assessment = get_object_or_404(
        Assessment.objects.select_related(
            "function", "function__owner", "template", "campaign", "plan"
        ),
        pk=assessment_pk,
        plan=request.plan,
    )
    check_owner(request, assessment.function)
    return assessment


def answer_sources(assessment: Assessment) -> list[tuple[str, str]]:
    options = [
        (f"interview:{i.pk}", str(i))
        for i in Interview.objects.filter(function=assessment.function).order_by("-held_at")
    ]
    options += [
        (f"workshop:{w.pk}", str(w))
        for w in Workshop.objects.filter(covered__function=assessment.function).order_by("-held_on")
    ]
    return options


def assessment_context(
    request: PlanRequest, assessment: Assessment, **extra: Any
) -> dict[str, Any]:
    impact_settings, categories = scale_selectors.impact_scales(assessment.plan)
    editable = assessment.is_editable and assessment.is_current and can(request, Capability.ANSWER)
    return {
        "assessment": assessment,
        "function": assessment.function,
        "sections": assessment_selectors.assessment_sections(assessment),
        "categories": categories,
        "horizon_labels": [
            format_hours(h) for h in (impact_settings.horizons_hours if impact_settings else [])
        ],
        "derived": answer_selectors.assessment_derived(assessment),
        "editable": editable,
        "sources": answer_sources(assessment),
        "return_form": ReturnForm(),
        "revisions": Assessment.objects.filter(function=assessment.function).order_by("-revision"),
        **extra,
    }


@plan_required(Capability.VIEW)
def assessment_detail(request: PlanRequest, assessment_pk: int) -> HttpResponse:
    assessment = assessment_of(request, assessment_pk)
    return render(request, "bia/assessment.html", assessment_context(request, assessment))


@plan_required(Capability.VIEW)
def assessment_derived(request: PlanRequest, assessment_pk: int) -> HttpResponse:
    assessment = assessment_of(request, assessment_pk)
    return render(
        request,
        "bia/_derived.html",
        {"derived": answer_selectors.assessment_derived(assessment), "assessment": assessment},
    )


def assessment_page(request: PlanRequest, assessment: Assessment, **extra: Any) -> HttpResponse:
    status = extra.pop("status", 200)
    return render(
        request,
        "bia/assessment.html",
        assessment_context(request, assessment, **extra),
        status=status,
    )


@require_POST
@plan_required(Capability.ANSWER)
def assessment_submit(request: PlanRequest, assessment_pk: int) -> HttpResponse:
    assessment = assessment_of(request, assessment_pk)
    try:
        assessment_services.assessment_submit(
            assessment=assessment, user=request.user, site=base_url(request)
        )
    except assessment_services.MissingAnswers as exc:
        return assessment_page(request, assessment, missing=exc.questions, status=400)
    except ValidationError as exc:
        return assessment_page(request, assessment, submit_error=" ".join(exc.messages), status=400)
    except EditConflict as exc:
        return assessment_page(request, assessment, submit_error=str(exc), status=409)
    messages.success(request, f"BIA for “{assessment.function.name}” submitted for review.")
    return redirect(assessment)


@require_POST
@plan_required(Capability.EDIT)
def assessment_review(request: PlanRequest, assessment_pk: int) -> HttpResponse:
    assessment = assessment_of(request, assessment_pk)
    decision = request.POST.get("decision")
    try:
        if decision == "approve":
            assessment_services.assessment_approve(assessment=assessment, user=request.user)
            messages.success(request, "BIA approved; its answers are now locked.")
        elif decision == "return":
            form = ReturnForm(request.POST)
            comment = form.data.get("comment", "")
            assessment_services.assessment_return(
                assessment=assessment, user=request.user, comment=str(comment)
            )
            messages.success(request, "BIA returned to its owner with your comment.")
        else:
            return assessment_page(
                request, assessment, submit_error="Choose approve or return.", status=400
            )
    except ValidationError as exc:
        return assessment_page(request, assessment, submit_error=" ".join(exc.messages), status=400)
    except EditConflict as exc:
        return assessment_page(request, assessment, submit_error=str(exc), status=409)
    return redirect(assessment)


@require_POST
@plan_required(Capability.ANSWER)
def assessment_revise(request: PlanRequest, assessment_pk: int) -> HttpResponse:
    assessment = assessment_of(request, assessment_pk)
    try:
        new = assessment_services.assessment_revise(
            assessment=assessment, user=request.user, reason=request.POST.get("reason", "")
        )
    except ValidationError as exc:
        return assessment_page(request, assessment, submit_error=" ".join(exc.messages), status=400)
    messages.success(
        request, f"Revision {new.revision} started; revision {assessment.revision} stays approved."
    )
    return redirect(new)
