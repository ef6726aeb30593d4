"""Pages of business functions and their dependencies."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from audit.versions import record_changes
from bcp.editing import REASON, save_with
from bcp.http import PlanRequest
from bcp.permissions import Capability, plan_required
from bia.forms.functions import DependencyForm, FunctionForm
from bia.models import BusinessFunction, FunctionDependency
from bia.selectors import answers as answer_selectors
from bia.selectors import functions as function_selectors
from bia.services import functions as function_services
from bia.views.common import bia_edit_page, check_owner, sees_all
from incidents.exercises import function_readiness

# What a function's create and edit pages hand their service, beside the function itself.
FUNCTION_FIELDS = (*function_services.FUNCTION_EDITABLE_FIELDS, *REASON)


@plan_required(Capability.VIEW)
def function_list(request: PlanRequest) -> HttpResponse:
    plan = request.plan
    owner = None if sees_all(request) else request.user
    functions = list(function_selectors.functions_for_list(plan, owner=owner))
    return render(request, "bia/function_list.html", {"functions": functions})


@plan_required(Capability.EDIT)
def function_create(request: PlanRequest) -> HttpResponse:
    plan = request.plan
    form = FunctionForm(request.POST or None, plan=plan, submit_label="Add function")
    save = save_with(request, function_services.function_create, FUNCTION_FIELDS, plan=plan)
    added = "Function “{0.name}” added.".format
    return bia_edit_page(request, form, "New business function", save=save, saved_message=added)


@plan_required(Capability.VIEW)
def function_detail(request: PlanRequest, function_pk: int) -> HttpResponse:
    plan = request.plan
    function = get_object_or_404(
        BusinessFunction.objects.select_related("owner"), pk=function_pk, plan=plan
    )
    check_owner(request, function)
    revisions = list(
        function.assessments.select_related("campaign", "template").order_by("-revision")
    )
    reviewed = answer_selectors.reviewed_assessment(function)
    context = {
        "function": function,
        "needs": function.needs.select_related("depends_on"),
        "revisions": revisions,
        "reviewed": reviewed,
        # Peak periods and workaround as the analysis and the plan document read them:
        # the reviewed BIA's answers where they give them, else the function's own record.
        "answers": answer_selectors.answer_set(reviewed) if reviewed else None,
        "derived": answer_selectors.assessment_derived(reviewed) if reviewed else None,
        "interviews": function.interviews.select_related("interviewer"),
        "dependency_form": DependencyForm(function=function),
        # Exercise results: "recovery tested on …", open gaps, the next exercise due.
        "readiness": function_readiness(function),
    }
    return render(request, "bia/function_detail.html", context)


@plan_required(Capability.AUDIT)
def function_history(request: PlanRequest, function_pk: int) -> HttpResponse:
    function = get_object_or_404(BusinessFunction, pk=function_pk, plan=request.plan)
    records = function_selectors.function_history(function)
    rows = list(zip(records, record_changes(records), strict=True))
    return render(request, "bia/function_history.html", {"function": function, "rows": rows})


@plan_required(Capability.EDIT)
def function_edit(request: PlanRequest, function_pk: int) -> HttpResponse:
    plan = request.plan
    function = get_object_or_404(BusinessFunction, pk=function_pk, plan=plan)
    form = FunctionForm(request.POST or None, instance=function, plan=plan)
    update = function_services.function_update
    save = save_with(request, update, FUNCTION_FIELDS, versioned=True, function=function)
    title = f"Edit “{function.name}”"
    return bia_edit_page(
        request, form, title, save=save, saved_message="Function saved.", success_url=function
    )


@require_POST
@plan_required(Capability.EDIT)
def dependency_add(request: PlanRequest, function_pk: int) -> HttpResponse:
    plan = request.plan
    function = get_object_or_404(BusinessFunction, pk=function_pk, plan=plan)
    form = DependencyForm(request.POST, function=function)
    fields = ("kind", "depends_on", "name", "notes")
    save = save_with(request, function_services.dependency_add, fields, function=function)
    title = f"Dependency of “{function.name}”"
    return bia_edit_page(
        request, form, title, save=save, saved_message="Dependency added.", success_url=function
    )


@require_POST
@plan_required(Capability.EDIT)
def dependency_remove(request: PlanRequest, dependency_pk: int) -> HttpResponse:
    plan = request.plan
    dependency = get_object_or_404(FunctionDependency, pk=dependency_pk, function__plan=plan)
    function = dependency.function
    function_services.dependency_remove(dependency=dependency, user=request.user)
    messages.success(request, "Dependency removed.")
    return redirect(function)
