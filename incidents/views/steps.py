"""Working an incident: assign, start, complete and add steps, log, recover elements."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_POST

from bcp.http import PlanRequest
from bcp.permissions import Capability, plan_required
from incidents import forms, selectors
from incidents.models import Incident, IncidentElement, IncidentFunction, IncidentStep
from incidents.services import recovery, steps
from incidents.views.common import back_to, flash_errors, incident_for


def _step(request: PlanRequest, incident: Incident, step_pk: int) -> IncidentStep:
    return get_object_or_404(IncidentStep, pk=step_pk, incident_function__incident=incident)


@require_POST
@plan_required(Capability.ANSWER)
def step_assign(request: PlanRequest, incident_pk: int, step_pk: int) -> HttpResponse:
    incident = incident_for(request, incident_pk)
    step = _step(request, incident, step_pk)
    if request.POST.get("me"):
        assignee: User | None = request.user
    else:
        form = forms.AssignForm(request.POST, people=selectors.plan_people(request.plan))
        if not form.is_valid():
            messages.error(request, "Choose a member of this plan.")
            return back_to(incident, f"step-{step.pk}")
        assignee = form.cleaned_data["assignee"]
    try:
        steps.step_assign(step=step, user=request.user, assignee=assignee)
    except ValidationError as exc:
        flash_errors(request, exc)
    return back_to(incident, f"step-{step.pk}")


@require_POST
@plan_required(Capability.ANSWER)
def step_start(request: PlanRequest, incident_pk: int, step_pk: int) -> HttpResponse:
    return _step_mark(request, incident_pk, step_pk, steps.step_start)


@require_POST
@plan_required(Capability.ANSWER)
def step_complete(request: PlanRequest, incident_pk: int, step_pk: int) -> HttpResponse:
    return _step_mark(request, incident_pk, step_pk, steps.step_complete)


def _step_mark(
    request: PlanRequest, incident_pk: int, step_pk: int, mark: Callable[..., IncidentStep]
) -> HttpResponse:
    incident = incident_for(request, incident_pk)
    step = _step(request, incident, step_pk)
    try:
        mark(step=step, user=request.user)
    except ValidationError as exc:
        flash_errors(request, exc)
    return back_to(incident, f"step-{step.pk}")


@require_POST
@plan_required(Capability.ANSWER)
def step_add(request: PlanRequest, incident_pk: int) -> HttpResponse:
    incident = incident_for(request, incident_pk)
    function_pk = str(request.POST.get("function", ""))
    if not function_pk.isdigit():
        messages.error(request, "Choose the function the step belongs to.")
        return back_to(incident, "add-step")
    entry = get_object_or_404(
        IncidentFunction.objects.select_related("function", "incident__plan"),
        pk=int(function_pk),
        incident=incident,
    )
    form = forms.StepAddForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return back_to(incident, "add-step")
    try:
        step = steps.step_add(incident_function=entry, user=request.user, **form.cleaned_data)
    except ValidationError as exc:
        flash_errors(request, exc)
        return back_to(incident, "add-step")
    return back_to(incident, f"step-{step.pk}")


@require_POST
@plan_required(Capability.ANSWER)
def log_add(request: PlanRequest, incident_pk: int) -> HttpResponse:
    incident = incident_for(request, incident_pk)
    form = forms.LogForm(request.POST)
    if form.is_valid():
        try:
            recovery.log_add(incident=incident, user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            flash_errors(request, exc)
    else:
        messages.error(request, "Write something to log (at most 4,000 characters).")
    return back_to(incident, "log")


@require_POST
@plan_required(Capability.EDIT)
def element_recover(request: PlanRequest, incident_pk: int, element_pk: int) -> HttpResponse:
    incident = incident_for(request, incident_pk)
    element = get_object_or_404(IncidentElement, pk=element_pk, incident=incident)
    try:
        result = recovery.element_recover(element=element, user=request.user)
    except ValidationError as exc:
        flash_errors(request, exc)
    else:
        back = [f.name for f in result.changed if f.state == "up"]
        text = f"{element.name} marked recovered."
        if back:
            text += " Running again: " + ", ".join(back) + "."
        messages.success(request, text)
        if result.left_out:
            messages.warning(
                request,
                "No longer in the inventory, so left out of the engine's assessment: "
                + ", ".join(result.left_out)
                + ".",
            )
    return back_to(incident, "failed-elements")
