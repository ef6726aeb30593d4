"""Planning ahead: saved failure scenarios and each function's exercise schedule."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from bcp.editing import REASON, edit_page, form_saved, save_with
from bcp.http import PlanRequest
from bcp.permissions import Capability, plan_required
from bia.models import BusinessFunction
from incidents import exercises, forms, selectors
from incidents.impact import elements
from incidents.models import ExerciseSchedule, Scenario
from incidents.services import scenarios
from inventory.topology import plan_topology


def _scenario_page(
    request: PlanRequest, form: forms.ScenarioForm | None, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "incidents/scenarios.html",
        {"scenarios": selectors.scenarios_for_list(request.plan), "form": form},
        status=status,
    )


@plan_required(Capability.VIEW)
def scenario_list(request: PlanRequest) -> HttpResponse:

    form = None
    if Capability.EDIT in request.capabilities:
        form = forms.ScenarioForm(elements=elements(plan_topology(request.plan)))
    return _scenario_page(request, form)


@require_POST
@plan_required(Capability.EDIT)
def scenario_create(request: PlanRequest) -> HttpResponse:
    form = forms.ScenarioForm(request.POST, elements=elements(plan_topology(request.plan)))

    def save(data: dict[str, Any]) -> object:
        return scenarios.scenario_create(
            plan=request.plan,
            user=request.user,
            name=data["name"],
            description=data["description"],
            failed_keys=data["failed"],
        )

    if form_saved(request, form, save, "Scenario saved."):
        return redirect("incident_scenarios", plan_pk=request.plan.pk)
    return _scenario_page(request, form, status=400)


@require_POST
@plan_required(Capability.EDIT)
def scenario_delete(request: PlanRequest, scenario_pk: int) -> HttpResponse:
    scenario = get_object_or_404(Scenario, pk=scenario_pk, plan=request.plan)
    scenarios.scenario_delete(scenario=scenario, user=request.user)
    messages.success(request, f"Scenario “{scenario.name}” removed.")
    return redirect("incident_scenarios", plan_pk=request.plan.pk)


@plan_required(Capability.VIEW)
def exercise_schedule(request: PlanRequest) -> HttpResponse:
    return render(
        request,
        "incidents/schedule.html",
        {
            "rows": exercises.plan_readiness(request.plan),
            "today": timezone.localdate(),
            "defaults": exercises.DEFAULT_INTERVAL_DAYS,
        },
    )


@plan_required(Capability.EDIT)
def schedule_edit(request: PlanRequest, function_pk: int) -> HttpResponse:

    function = get_object_or_404(BusinessFunction, pk=function_pk, plan=request.plan)
    row = next(r for r in exercises.plan_readiness(request.plan) if r.function_id == function.pk)
    existing = ExerciseSchedule.objects.filter(function=function).first()
    initial = {
        "interval_days": row.interval_days,
        "next_due": row.next_due,
        "version": existing.version if existing else None,
    }
    form = forms.ScheduleForm(request.POST if request.method == "POST" else None, initial=initial)

    fields = ("interval_days", "next_due", *REASON)
    save = save_with(
        request,
        exercises.schedule_set,
        fields,
        versioned=True,
        plan=request.plan,
        function=function,
    )

    back = reverse("exercise_schedule", args=[request.plan.pk])
    return edit_page(
        request,
        form,
        save=save,
        saved_message=f"Exercise schedule of {function.name} saved.",
        template="incidents/form.html",
        context={"title": f"Exercise schedule: {function.name}", "back": back},
        success_url=lambda _saved: back,
    )
