"""Analysis pages: the plan dashboard, one function's analysis, agreed objectives,
what-if, settings and incidents."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from analysis import selectors, services, whatif_specs
from analysis.forms import AgreedObjectiveForm, AnalysisSettingsForm, IncidentForm, WhatIfForm
from analysis.results import FunctionResult
from analysis.summaries import downtime_saved
from bcp.concurrency import EditConflict, keep_input_after_conflict
from bcp.editing import REASON, edit_page, form_status, save_with
from bcp.http import PlanRequest
from bcp.models import Job, Plan
from bcp.permissions import Capability, plan_required
from bia.models import BusinessFunction
from inventory.models import Component, RedundancyGroup, Site
from inventory.selectors import function_diagram_svg

# Rows of "Where the downtime comes from" on a function's page.
IMPORTANCE_SHOWN = 8


@plan_required(Capability.VIEW)
def dashboard(request: PlanRequest) -> HttpResponse:
    plan = request.plan
    run = selectors.latest_run(plan)
    read = selectors.run_results(run) if run is not None else None
    results = read.results if read is not None else None
    settings = selectors.settings_for(plan)
    context: dict[str, Any] = {
        "run": run,
        "results": results,
        "problem": read.problem if read is not None else None,
        "stale": run is not None and selectors.run_is_stale(run),
        "job": selectors.active_job(plan),
        "budgets": selectors.budget_rows(plan, results, period=settings.budget_period),
        "budget_period": settings.get_budget_period_display(),
        "top_gaps": selectors.top_gaps(results),
        "roadmap": selectors.roadmap_rows(results["roadmap"]) if results is not None else [],
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
    # The function page asks with ?view=function: its card keeps polling that way and, when
    # done, gets the function's new results; elsewhere a finished run reloads the page.
    on_function_page = request.GET.get("view") == "function"
    card = {"job": job, "on_function_page": on_function_page}
    if job.status != Job.Status.SUCCEEDED or not request.htmx:
        return render(request, "analysis/_job.html", card)
    function_pk = job.parameters["function_id"]
    if function_pk is None or not on_function_page:
        response = render(request, "analysis/_job.html", card)
        response["HX-Refresh"] = "true"  # show the new results in the whole page
        return response
    # One function's run: its results are swapped in out of band, the rest of the page
    # (diagram, what-if form) is unchanged, so nothing else is reloaded.
    function = get_object_or_404(BusinessFunction, pk=function_pk, plan=plan)
    read, entry = selectors.latest_function_result(plan, function.pk)
    context = _function_context(plan, function, read, entry)
    return render(request, "analysis/_job_function_done.html", {**context, **card})


def _function_context(
    plan: Plan,
    function: BusinessFunction,
    read: selectors.RunResults | None,
    entry: FunctionResult | None,
    agreed_form: AgreedObjectiveForm | None = None,
) -> dict[str, Any]:
    agreed = selectors.agreed_objective(plan, function.pk)
    if agreed_form is None:
        initial = None
        if agreed is not None:
            initial = {
                "rto_hours": agreed.rto_hours,
                "rpo_hours": agreed.rpo_hours,
                "availability_percent": agreed.availability_percent,
                "agreement": agreed.reason,
                "version": agreed.version,
            }
        agreed_form = AgreedObjectiveForm(initial=initial)
    return {
        "function": function,
        "run": read.run if read is not None else None,
        "problem": read.problem if read is not None else None,
        "entry": entry,
        "gaps_by_id": {gap["id"]: gap for gap in entry["gaps"]} if entry is not None else {},
        "roadmap": selectors.roadmap_rows(entry["roadmap"]) if entry is not None else [],
        "downtime_saved": downtime_saved(entry["achievable"], limit=IMPORTANCE_SHOWN)
        if entry is not None and entry["achievable"] is not None
        else [],
        "agreed": agreed,
        "agreed_form": agreed_form,
        "stale": read is not None and selectors.run_is_stale(read.run),
        "diagram": function_diagram_svg(function),
        "what_if_form": _what_if_form(plan),
        "job": Job.objects.filter(
            plan=plan,
            kind="analysis",
            status__in=Job.ACTIVE_STATUSES,
            parameters__function_id=function.pk,
        ).first(),
        "on_function_page": True,
    }


@plan_required(Capability.VIEW)
def function_analysis(request: PlanRequest, function_pk: int) -> HttpResponse:
    plan = request.plan
    function = get_object_or_404(BusinessFunction, pk=function_pk, plan=plan)
    read, entry = selectors.latest_function_result(plan, function.pk)
    return render(request, "analysis/function.html", _function_context(plan, function, read, entry))


@require_POST
@plan_required(Capability.EDIT)
def function_recompute(request: PlanRequest, function_pk: int) -> HttpResponse:
    plan = request.plan
    function = get_object_or_404(BusinessFunction, pk=function_pk, plan=plan)
    run = services.analysis_run_start(plan=plan, user=request.user, function=function)
    if request.htmx:
        return render(request, "analysis/_job.html", {"job": run.job, "on_function_page": True})
    return redirect("analysis_function", plan_pk=plan.pk, function_pk=function.pk)


def _what_if_form(plan: Plan, data: Any = None) -> WhatIfForm:

    components = list(
        Component.objects.filter(plan=plan).order_by("name").values_list("pk", "name")
    )
    groups = list(
        RedundancyGroup.objects.filter(plan=plan).order_by("name").values_list("pk", "name")
    )
    sites = list(Site.objects.filter(plan=plan).order_by("name").values_list("pk", "name"))
    return WhatIfForm(data, components=components, groups=groups, sites=sites)


@require_POST
@plan_required(Capability.VIEW)
def function_what_if(request: PlanRequest, function_pk: int) -> HttpResponse:
    """Before/after of a proposed change. Nothing is saved, so every member may ask."""
    plan = request.plan
    function = get_object_or_404(BusinessFunction, pk=function_pk, plan=plan)
    form = _what_if_form(plan, request.POST)
    result = None
    refused = None
    if form.is_valid():
        try:
            result = services.function_what_if(plan=plan, function=function, specs=form.specs())
        except whatif_specs.WhatIfInvalid as error:
            form.add_error(None, error.message)
        except services.WhatIfRefused as error:
            refused = error.message
    return render(
        request,
        "analysis/_what_if.html",
        {"form": form, "result": result, "refused": refused, "function": function},
        status=200 if result is not None else 400,
    )


@require_POST
@plan_required(Capability.EDIT)
def agreed_objective_edit(request: PlanRequest, function_pk: int) -> HttpResponse:
    """Agree recovery objectives for one function, or withdraw the agreement."""
    plan = request.plan
    function = get_object_or_404(BusinessFunction, pk=function_pk, plan=plan)
    if request.POST.get("withdraw"):
        services.agreed_objective_clear(
            plan=plan,
            function=function,
            user=request.user,
            reason=request.POST.get("reason", ""),
            ticket=request.POST.get("ticket", ""),
        )
        messages.success(request, "Agreement withdrawn: gaps use the figures from the BIA.")
        return redirect("analysis_function", plan_pk=plan.pk, function_pk=function.pk)
    form = AgreedObjectiveForm(request.POST)
    conflict = None
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.agreed_objective_set(
                plan=plan,
                function=function,
                user=request.user,
                rto_hours=data["rto_hours"],
                rpo_hours=data["rpo_hours"],
                availability_percent=data["availability_percent"],
                reason=data["agreement"],
                ticket=data["ticket"],
                expected_version=data["version"],
            )
        except EditConflict as exc:
            conflict = exc
            keep_input_after_conflict(form, exc)
        else:
            messages.success(
                request, "Objectives agreed. Recompute the function to grade its gaps on them."
            )
            return redirect("analysis_function", plan_pk=plan.pk, function_pk=function.pk)
    read, entry = selectors.latest_function_result(plan, function.pk)
    context = _function_context(plan, function, read, entry, agreed_form=form)
    context["conflict"] = conflict
    return render(request, "analysis/function.html", context, status=form_status(request, conflict))


@plan_required(Capability.EDIT)
def settings_edit(request: PlanRequest) -> HttpResponse:
    plan = request.plan
    current = services.analysis_settings_for(plan=plan, user=request.user)
    form = AnalysisSettingsForm(request.POST or None, instance=current)
    fields = (*services.SETTINGS_FIELDS, *REASON)
    update = services.analysis_settings_update
    save = save_with(request, update, fields, versioned=True, plan=plan)
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
