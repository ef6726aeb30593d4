"""Pages of interviews held with function owners."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from bcp.editing import add_service_errors
from bcp.http import PlanRequest
from bcp.permissions import Capability, plan_required
from bia.forms.interviews import InterviewForm
from bia.models import Interview
from bia.services import interviews as interview_services
from bia.views.common import bia_edit_page, bia_form_page, plan_of, sees_all, user_of


@plan_required(Capability.VIEW)
def interview_list(request: PlanRequest) -> HttpResponse:
    plan = plan_of(request)
    interviews = Interview.objects.filter(plan=plan).select_related("function", "interviewer")
    if not sees_all(request):
        interviews = interviews.filter(function__owner_id=request.user.pk)
    return render(request, "bia/interview_list.html", {"interviews": interviews})


@plan_required(Capability.EDIT)
def interview_create(request: PlanRequest) -> HttpResponse:
    plan = plan_of(request)
    form = InterviewForm(
        request.POST or None,
        plan=plan,
        initial={
            "function": request.GET.get("function"),
            "held_at": timezone.localtime(),
            "interviewer": request.user.pk,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            interview_services.interview_create(
                plan=plan,
                user=user_of(request),
                function=data["function"],
                interviewee=data["interviewee"],
                interviewer=data["interviewer"] or user_of(request),
                held_at=data["held_at"],
                notes=data["notes"],
                reason=data["reason"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Interview recorded.")
            return redirect("bia_interview_list", plan_pk=plan.pk)
    return bia_form_page(request, form, "Record an interview")


@plan_required(Capability.EDIT)
def interview_edit(request: PlanRequest, interview_pk: int) -> HttpResponse:
    plan = plan_of(request)
    interview = get_object_or_404(Interview, pk=interview_pk, plan=plan)
    form = InterviewForm(
        request.POST or None,
        plan=plan,
        initial={
            "function": interview.function_id,
            "interviewee": interview.interviewee,
            "interviewer": interview.interviewer_id,
            "held_at": timezone.localtime(interview.held_at),
            "notes": interview.notes,
            "version": interview.version,
        },
    )

    def save(data: dict[str, Any]) -> Any:
        return interview_services.interview_update(
            interview=interview,
            user=user_of(request),
            expected_version=data["version"],
            reason=data["reason"],
            ticket=data["ticket"],
            **{f: data[f] for f in interview_services.INTERVIEW_EDITABLE_FIELDS},
        )

    return bia_edit_page(
        request,
        form,
        str(interview),
        save=save,
        saved_message="Interview saved.",
        success_url=lambda _saved: reverse("bia_interview_list", kwargs={"plan_pk": plan.pk}),
    )
