"""Analysis pages: the plan dashboard, one function's analysis, settings and incidents."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from analysis import selectors, services
from analysis.forms import AnalysisSettingsForm, IncidentForm, WhatIfForm
from bcp.editing import edit_page
from bcp.http import PlanRequest
from bcp.models import Job
from bcp.permissions import Capability, plan_required
from bia.models import BusinessFunction
from inventory.selectors import function_diagram_svg


@plan_required(Capability.VIEW)
def dashboard(request: PlanRequest) -> HttpResponse:
    plan = request.plan
    run = selectors.latest_run(plan)
    settings = selectors.settings_for(plan)
    stale = run is not None and selectors.run_is_stale(run)
    context: dict[str, Any] = {
        "run": run,
        "results": run.results if run else None,
        "stale": stale,
        "job": selectors.active_job(plan),
        "budgets": selectors.budget_rows(plan, run, period=settings.budget_period),
        "budget_period": settings.get_budget_period_display(),
        "top_gaps": selectors.top_gaps(run),
        "settings": settings,
    }
    return render(request, "analysis/dashboard.html", context)


@require_POST
@plan_required(Capability.EDIT)
def run_start(request: PlanRequest) -> HttpResponse:
    plan = request.plan
    run = services.analysis_run_start(plan=plan, user=request.user)
    if request.htmx:
        return render(request, "analysis/_job.html", {"job": run.job})
    return redirect("analysis_dashboard", plan_pk=plan.pk)


@plan_required(Capability.VIEW)
def job_status(request: PlanRequest, job_pk: str) -> HttpResponse:
    plan = request.plan
    job = get_object_or_404(Job, pk=job_pk, plan=plan, kind="analysis")
    response = render(request, "analysis/_job.html", {"job": job})
    if job.status == Job.Status.SUCCEEDED and request.htmx:
        response["HX-Refresh"] = "true"  # show the new results in the whole page
    return response


@plan_required(Capability.VIEW)
def function_analysis(request: PlanRequest, function_pk: int) -> HttpResponse:
    plan = request.plan
    function = get_object_or_404(BusinessFunction, pk=function_pk, plan=plan)
    run, entry = selectors.latest_function_result(plan, function.pk)
    context = {
        "function": function,
        "run": run,
        "entry": entry,
        "stale": run is not None and selectors.run_is_stale(run),
        "diagram": function_diagram_svg(function),
        "what_if_form": _what_if_form(plan, function),
        "job": Job.objects.filter(
            plan=plan,
            kind="analysis",
            status__in=Job.ACTIVE_STATUSES,
            parameters__function_id=function.pk,
        ).first(),
    }
    return render(request, "analysis/function.html", context)


@require_POST
@plan_required(Capability.EDIT)
def function_recompute(request: PlanRequest, function_pk: int) -> HttpResponse:
    plan = request.plan
    function = get_object_or_404(BusinessFunction, pk=function_pk, plan=plan)
    run = services.analysis_run_start(plan=plan, user=request.user, function=function)
    if request.htmx:
        return render(request, "analysis/_job.html", {"job": run.job})
    return redirect("analysis_function", plan_pk=plan.pk, function_pk=function.pk)


def _what_if_form(plan: Any, function: BusinessFunction, data: Any = None) -> WhatIfForm:
    from inventory.graph import component_key, site_key
    from inventory.models import Component, Site

    components = [
        (component_key(pk), name)
        for pk, name in Component.objects.filter(plan=plan)
        .order_by("name")
        .values_list("pk", "name")
    ]
    sites = [
        (site_key(pk), name)
        for pk, name in Site.objects.filter(plan=plan).order_by("name").values_list("pk", "name")
    ]
    return WhatIfForm(data, components=components, sites=sites)


@require_POST
@plan_required(Capability.VIEW)
def function_what_if(request: PlanRequest, function_pk: int) -> HttpResponse:
    """Before/after of a proposed change. Nothing is saved, so every member may ask."""
    plan = request.plan
    function = get_object_or_404(BusinessFunction, pk=function_pk, plan=plan)
    form = _what_if_form(plan, function, request.POST)
    result = None
    if form.is_valid():
        data = form.cleaned_data
        result = services.function_what_if(
            plan=plan,
            function=function,
            change=data["change"],
            component_key=data["component"],
            site_key=data["site"] or None,
            hours=data["hours"],
        )
    status = 200 if result is not None else 400
    return render(
        request,
        "analysis/_what_if.html",
        {"form": form, "result": result, "function": function},
        status=status,
    )


@plan_required(Capability.EDIT)
def settings_edit(request: PlanRequest) -> HttpResponse:
    plan = request.plan
    current = services.analysis_settings_for(plan=plan, user=request.user)
    form = AnalysisSettingsForm(request.POST or None, instance=current)

    def save(data: dict[str, Any]) -> Any:
        return services.analysis_settings_update(
            plan=plan,
            user=request.user,
            expected_version=data["version"],
            reason=data["reason"],
            ticket=data["ticket"],
            **{field: data[field] for field in services.SETTINGS_FIELDS},
        )

    return edit_page(
        request,
        form,
        save=save,
        saved_message="Analysis settings saved. Run the analysis to apply them.",
        template="analysis/settings.html",
        success_url=lambda _saved: reverse("analysis_dashboard", kwargs={"plan_pk": plan.pk}),
    )


@plan_required(Capability.VIEW)
def incident_list(request: PlanRequest) -> HttpResponse:
    plan = request.plan
    form = IncidentForm(plan=plan)
    return render(
        request,
        "analysis/incidents.html",
        {"incidents": selectors.incidents_for(plan)[:200], "form": form},
    )


@require_POST
@plan_required(Capability.EDIT)
def incident_add(request: PlanRequest) -> HttpResponse:
    plan = request.plan
    form = IncidentForm(request.POST, plan=plan)
    if form.is_valid():
        data = dict(form.cleaned_data)
        reason, ticket = data.pop("reason"), data.pop("ticket")
        services.incident_record(plan=plan, user=request.user, reason=reason, ticket=ticket, **data)
        messages.success(request, "Recorded. It counts against this period's downtime budget.")
        return redirect("analysis_incidents", plan_pk=plan.pk)
    return render(
        request,
        "analysis/incidents.html",
        {"incidents": selectors.incidents_for(plan)[:200], "form": form},
        status=400,
    )
