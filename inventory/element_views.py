"""Pages of a plan's components and redundancy groups, and applying an HA technique to
one. Thin: parse the form, call one service or selector, render."""

from __future__ import annotations

from typing import TypeVar

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from bcp.concurrency import EditConflict
from bcp.http import PlanRequest
from bcp.permissions import Capability, plan_required
from bcp.record_views import View
from inventory import selectors
from inventory.filters import ComponentFilter
from inventory.forms import ApplyTechniqueForm
from inventory.graph import component_key, group_key
from inventory.models import Component, RedundancyGroup
from inventory.services.techniques import technique_apply

PAGE_SIZE = 50
E = TypeVar("E", Component, RedundancyGroup)


# --- components -------------------------------------------------------------------


@plan_required(Capability.VIEW)
def component_list(request: PlanRequest) -> HttpResponse:
    plan = request.plan
    filterset = ComponentFilter(
        request.GET or None, queryset=selectors.component_list(plan), plan=plan
    )
    queryset = filterset.qs if filterset.is_bound else filterset.queryset
    if not queryset.ordered:
        queryset = queryset.order_by("name", "pk")
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "inventory/component_list.html",
        {"filter": filterset, "page": page, "query": query.urlencode()},
    )


# --- groups -----------------------------------------------------------------------


@plan_required(Capability.VIEW)
def group_list(request: PlanRequest) -> HttpResponse:
    return render(
        request,
        "inventory/group_list.html",
        {"groups": selectors.groups_with_members(request.plan)},
    )


def _element_views(model: type[E], key: str, related: tuple[str, ...]) -> tuple[View, View]:
    """A component's or group's page and its "apply technique" action, taking ``<key>_pk``."""

    @plan_required(Capability.VIEW)
    def detail(request: PlanRequest, **kwargs: int) -> HttpResponse:
        queryset = model._default_manager.select_related(*related)
        element = get_object_or_404(queryset, pk=kwargs[f"{key}_pk"], plan=request.plan)
        return _element_page(request, element)

    @require_POST
    @plan_required(Capability.EDIT)
    def apply_technique(request: PlanRequest, **kwargs: int) -> HttpResponse:
        element = get_object_or_404(model, pk=kwargs[f"{key}_pk"], plan=request.plan)
        return _apply_technique(request, element)

    return detail, apply_technique


component_detail, component_apply_technique = _element_views(
    Component, "component", ("site", "technique")
)
group_detail, group_apply_technique = _element_views(RedundancyGroup, "group", ("technique",))


# --- applying a technique ---------------------------------------------------------


def _apply_technique(request: PlanRequest, target: Component | RedundancyGroup) -> HttpResponse:
    plan = request.plan
    form = ApplyTechniqueForm(request.POST, plan=plan)
    if form.is_valid():
        technique = form.cleaned_data["technique"]
        try:
            technique_apply(
                technique=technique,
                target=target,
                user=request.user,
                expected_version=form.cleaned_data["version"],
                reason=form.cleaned_data["reason"],
                ticket=form.cleaned_data["ticket"],
            )
        except ValidationError as exc:
            form.add_error("technique", " ".join(exc.messages))
        except EditConflict as exc:
            form.add_error("technique", f"Not applied: {exc} Review it and apply it again.")
        else:
            messages.success(
                request,
                f"Applied “{technique}”: its typical figures are filled in; adjust them if "
                "yours differ.",
            )
            return redirect(target)
    # The page again, with the choice kept and its error on the field (focus goes there).
    return _element_page(request, target, technique_form=form, status=400)


def _element_page(
    request: PlanRequest,
    element: Component | RedundancyGroup,
    technique_form: ApplyTechniqueForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """A component's or group's page: what it is part of, its relations and the form
    applying an HA technique to it."""
    plan = request.plan
    context: dict[str, object]
    if isinstance(element, Component):
        template, key = "inventory/component_detail.html", component_key(element.pk)
        context = {
            "component": element,
            "groups": RedundancyGroup.objects.filter(members__component=element),
        }
    else:
        template, key = "inventory/group_detail.html", group_key(element.pk)
        context = {"group": element, "members": selectors.group_members(element)}
    context["relations"] = selectors.element_relations(plan, key)
    context["technique_form"] = technique_form or ApplyTechniqueForm(
        plan=plan, initial={"version": element.version}
    )
    return render(request, template, context, status=status)
