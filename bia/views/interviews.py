"""Pages of interviews held with function owners."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone

from bcp.editing import REASON, save_with
from bcp.http import PlanRequest
from bcp.permissions import Capability, plan_required
from bia.forms.interviews import InterviewForm
from bia.models import Interview
from bia.services import interviews as interview_services
from bia.views.common import bia_edit_page, sees_all


@plan_required(Capability.VIEW)
def interview_list(request: PlanRequest) -> HttpResponse:
    plan = request.plan
    interviews = Interview.objects.filter(plan=plan).select_related("function", "interviewer")
    if not sees_all(request):
        interviews = interviews.filter(function__owner_id=request.user.pk)
    return render(request, "bia/interview_list.html", {"interviews": interviews})


@plan_required(Capability.EDIT)
def interview_create(request: PlanRequest) -> HttpResponse:
    plan = request.plan
    form = InterviewForm(
        request.POST or None,
        plan=plan,
        initial={
            "function": request.GET.get("function"),
            "held_at": timezone.localtime(),
            "interviewer": request.user.pk,
        },
    )

    fields = (*interview_services.INTERVIEW_EDITABLE_FIELDS, "reason")
    save = save_with(request, interview_services.interview_create, fields, plan=plan)
    return _interview_page(request, form, "Record an interview", save, "Interview recorded.")


@plan_required(Capability.EDIT)
def interview_edit(request: PlanRequest, interview_pk: int) -> HttpResponse:
    plan = request.plan
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

    fields = (*interview_services.INTERVIEW_EDITABLE_FIELDS, *REASON)
    save = save_with(
        request, interview_services.interview_update, fields, versioned=True, interview=interview
    )
    return _interview_page(request, form, str(interview), save, "Interview saved.")


def _interview_page(
    request: PlanRequest,
    form: InterviewForm,
    title: str,
    save: Callable[[dict[str, Any]], Interview],
    saved_message: str,
) -> HttpResponse:
    """An interview's form; once saved, the browser goes back to the plan's interviews."""
    interviews = reverse("bia_interview_list", kwargs={"plan_pk": request.plan.pk})
    return bia_edit_page(
        request, form, title, save=save, saved_message=saved_message, success_url=interviews
    )
