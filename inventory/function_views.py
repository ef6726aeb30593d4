"""A business function's inventory page and its dependencies on components and groups.
Thin: parse the form, call one service or selector, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from bcp.editing import add_service_errors, edit_page, form_page
from bcp.forms import ReasonOnlyForm
from bcp.http import PlanRequest
from bcp.permissions import Capability, plan_required
from bcp.record_views import reason_of
from bia.models import BusinessFunction
from inventory import diagrams, selectors
from inventory.forms import DependencyEditForm, DependencyForm
from inventory.models import Dependency
from inventory.record_pages import FORM
from inventory.services import dependencies
from inventory.topology import plan_topology
from inventory.views import diagram_context, svg_response


@plan_required(Capability.VIEW)
def function_detail(request: PlanRequest, function_pk: int) -> HttpResponse:
    plan = request.plan
    function = get_object_or_404(BusinessFunction, pk=function_pk, plan=plan)
    pt = plan_topology(plan)
    context = {
        "function": function,
        "dependencies": selectors.function_dependencies(function),
        "form": DependencyForm(plan=plan),
        **diagram_context(lambda: diagrams.function_diagram_svg(function, pt)),
        "spofs": selectors.function_spofs(function, pt),
    }
    return render(request, "inventory/function_detail.html", context)


@plan_required(Capability.VIEW)
def function_diagram(request: PlanRequest, function_pk: int) -> HttpResponse:
    function = get_object_or_404(BusinessFunction, pk=function_pk, plan=request.plan)
    return svg_response(diagrams.function_diagram_svg(function), f"function-{function.pk}.svg")


def _function_url(plan_pk: int, function_pk: int) -> str:
    return reverse(
        "inventory_function_detail", kwargs={"plan_pk": plan_pk, "function_pk": function_pk}
    )


@require_POST
@plan_required(Capability.EDIT)
def dependency_add(request: PlanRequest, function_pk: int) -> HttpResponse:
    plan = request.plan
    function = get_object_or_404(BusinessFunction, pk=function_pk, plan=plan)
    form = DependencyForm(request.POST, plan=plan)
    back = _function_url(plan.pk, function.pk)
    if form.is_valid():
        data = form.cleaned_data
        try:
            dependencies.dependency_create(
                function=function,
                target=data["target"],
                need=data["need"],
                notes=data["notes"],
                user=request.user,
                **reason_of(form),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"“{function}” now depends on “{data['target']}”.")
            return redirect(back)
    context = {"title": f"Add a dependency of {function.name}", "back": back}
    return form_page(request, FORM, form, context)


def _dependency(request: PlanRequest, dependency_pk: int) -> Dependency:
    return get_object_or_404(
        Dependency.objects.select_related("function", "component", "group"),
        pk=dependency_pk,
        plan=request.plan,
    )


@plan_required(Capability.EDIT)
def dependency_edit(request: PlanRequest, dependency_pk: int) -> HttpResponse:
    dependency = _dependency(request, dependency_pk)
    form = DependencyEditForm(request.POST or None, dependency=dependency)
    back = _function_url(request.plan.pk, dependency.function_id)

    def save(data: dict[str, Any]) -> Dependency:
        return dependencies.dependency_update(
            dependency=dependency,
            user=request.user,
            expected_version=data["version"],
            need=data["need"],
            notes=data["notes"],
            **reason_of(form),
        )

    return edit_page(
        request,
        form,
        save=save,
        saved_message="Dependency saved.",
        template=FORM,
        context={"title": str(dependency), "back": back},
        success_url=lambda _saved: back,
    )


@plan_required(Capability.EDIT)
def dependency_delete(request: PlanRequest, dependency_pk: int) -> HttpResponse:
    dependency = _dependency(request, dependency_pk)
    back = _function_url(request.plan.pk, dependency.function_id)
    form = ReasonOnlyForm(request.POST or None, submit_label="Remove dependency")
    if request.method == "POST" and form.is_valid():
        dependencies.dependency_delete(dependency=dependency, user=request.user, **reason_of(form))
        messages.success(request, "Dependency removed.")
        return redirect(back)
    context = {"title": f"Remove: {dependency}?", "back": back}
    return form_page(request, FORM, form, context)
