"""Inventory pages. Thin: parse the form, call one service or selector, render."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypedDict

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from bcp.concurrency import EditConflict
from bcp.editing import add_service_errors, edit_page, form_page
from bcp.forms import ReasonOnlyForm
from bcp.http import PlanRequest
from bcp.models import Plan
from bcp.permissions import Capability, plan_required
from bcp.words import counted
from bia.models import BusinessFunction
from inventory import diagrams, selectors
from inventory.filters import ComponentFilter
from inventory.forms import (
    ApplyTechniqueForm,
    ComponentForm,
    DependencyEditForm,
    DependencyForm,
    GroupForm,
    SiteForm,
    TechniqueForm,
)
from inventory.graph import component_key, group_key
from inventory.models import (
    Component,
    Dependency,
    RedundancyGroup,
    Site,
    Technique,
)
from inventory.services import components as component_services
from inventory.services import dependencies as dependency_services
from inventory.services import groups as group_services
from inventory.services import sites as site_services
from inventory.services import techniques as technique_services
from inventory.topology import plan_topology

PAGE_SIZE = 50
SITE_COMPONENT_ROWS = 200


def _plan(request: PlanRequest) -> Plan:
    return request.plan


_add_errors = add_service_errors


def _form_page(
    request: PlanRequest,
    form: Any,
    *,
    title: str,
    back: str = "",
    **extra: Any,
) -> HttpResponse:
    return form_page(request, "inventory/form.html", form, {"title": title, "back": back, **extra})


def _edit_page(
    request: PlanRequest,
    form: Any,
    *,
    obj: Any,
    save: Callable[[dict[str, Any]], Any],
    saved_message: str,
    title: str | None = None,
    back: str | None = None,
) -> HttpResponse:
    """An inventory edit page: :func:`bcp.editing.edit_page` on the shared form template."""
    return edit_page(
        request,
        form,
        save=save,
        saved_message=saved_message,
        template="inventory/form.html",
        context={"title": title or f"Edit {obj.name}", "back": back or obj.get_absolute_url()},
        success_url=lambda _saved: back or obj,
    )


class _Reason(TypedDict):
    reason: str
    ticket: str


def _reason(form: Any) -> _Reason:
    return {"reason": form.cleaned_data["reason"], "ticket": form.cleaned_data["ticket"]}


# --- overview ---------------------------------------------------------------------


@plan_required(Capability.VIEW)
def overview(request: PlanRequest) -> HttpResponse:
    plan = _plan(request)
    pt = plan_topology(plan)
    functions = BusinessFunction.objects.filter(plan=plan).annotate(
        dependency_count=Count("dependencies")
    )
    spofs = selectors.spof_names_by_function(pt)
    context = {
        "counts": {
            "sites": len(pt.sites),
            "components": len(pt.components),
            "groups": len(pt.groups),
            "techniques": Technique.objects.filter(plan=plan).count(),
        },
        "rows": [(f, spofs.get(f.pk, [])) for f in functions.order_by("name")],
        "problems": pt.error_messages(),
    }
    return render(request, "inventory/overview.html", context)


# --- components -------------------------------------------------------------------


@plan_required(Capability.VIEW)
def component_list(request: PlanRequest) -> HttpResponse:
    plan = _plan(request)
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


@plan_required(Capability.EDIT)
def component_create(request: PlanRequest) -> HttpResponse:
    plan = _plan(request)
    form = ComponentForm(request.POST or None, plan=plan, submit_label="Add component")
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            component = component_services.component_create(
                plan=plan,
                user=request.user,
                values={f: data[f] for f in ComponentForm.Meta.fields},
                runs_on=data["runs_on"],
                **_reason(form),
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, f"Component “{component}” added.")
            return redirect(component)
    return _form_page(request, form, title="New component")


@plan_required(Capability.VIEW)
def component_detail(request: PlanRequest, component_pk: int) -> HttpResponse:
    plan = _plan(request)
    component = get_object_or_404(
        Component.objects.select_related("site", "technique"), pk=component_pk, plan=plan
    )
    return _component_page(request, component)


def _component_page(
    request: PlanRequest,
    component: Component,
    technique_form: ApplyTechniqueForm | None = None,
    status: int = 200,
) -> HttpResponse:
    plan = _plan(request)
    context = {
        "component": component,
        "relations": selectors.element_relations(plan, component_key(component.pk)),
        "groups": RedundancyGroup.objects.filter(members__component=component),
        "technique_form": technique_form
        or ApplyTechniqueForm(plan=plan, initial={"version": component.version}),
    }
    return render(request, "inventory/component_detail.html", context, status=status)


@plan_required(Capability.EDIT)
def component_edit(request: PlanRequest, component_pk: int) -> HttpResponse:
    plan = _plan(request)
    component = get_object_or_404(Component, pk=component_pk, plan=plan)
    form = ComponentForm(request.POST or None, instance=component, plan=plan)

    def save(data: dict[str, Any]) -> Any:
        return component_services.component_update(
            component=Component.objects.get(pk=component.pk),
            user=request.user,
            expected_version=data["version"],
            values={f: data[f] for f in ComponentForm.Meta.fields},
            runs_on=data["runs_on"],
            **_reason(form),
        )

    return _edit_page(request, form, obj=component, save=save, saved_message="Component saved.")


@plan_required(Capability.EDIT)
def component_delete(request: PlanRequest, component_pk: int) -> HttpResponse:
    plan = _plan(request)
    component = get_object_or_404(Component, pk=component_pk, plan=plan)
    form = ReasonOnlyForm(request.POST or None, submit_label="Remove component")
    if request.method == "POST" and form.is_valid():
        component_services.component_delete(component=component, user=request.user, **_reason(form))
        messages.success(request, f"Component “{component}” removed.")
        return redirect("inventory_component_list", plan_pk=plan.pk)
    return _form_page(
        request,
        form,
        title=f"Remove {component.name}?",
        warning="Its links (runs on, group memberships, function dependencies) go with it.",
        back=component.get_absolute_url(),
    )


def _apply_technique(request: PlanRequest, target: Component | RedundancyGroup) -> HttpResponse:
    plan = _plan(request)
    form = ApplyTechniqueForm(request.POST, plan=plan)
    if form.is_valid():
        technique = form.cleaned_data["technique"]
        try:
            technique_services.technique_apply(
                technique=technique,
                target=target,
                user=request.user,
                expected_version=form.cleaned_data["version"],
                **_reason(form),
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
    if isinstance(target, Component):
        return _component_page(request, target, technique_form=form, status=400)
    return _group_page(request, target, technique_form=form, status=400)


@require_POST
@plan_required(Capability.EDIT)
def component_apply_technique(request: PlanRequest, component_pk: int) -> HttpResponse:
    component = get_object_or_404(Component, pk=component_pk, plan=_plan(request))
    return _apply_technique(request, component)


# --- sites ------------------------------------------------------------------------


@plan_required(Capability.VIEW)
def site_list(request: PlanRequest) -> HttpResponse:
    plan = _plan(request)
    counts = dict(
        Component.objects.filter(plan=plan)
        .values_list("site_id")
        .annotate(n=Count("pk"))
        .values_list("site_id", "n")
    )
    rows = [(site, depth, counts.get(site.pk, 0)) for site, depth in selectors.sites_in_order(plan)]
    return render(request, "inventory/site_list.html", {"rows": rows})


@plan_required(Capability.EDIT)
def site_create(request: PlanRequest) -> HttpResponse:
    plan = _plan(request)
    form = SiteForm(request.POST or None, plan=plan, submit_label="Add site")
    if request.method == "POST" and form.is_valid():
        try:
            site = site_services.site_create(
                plan=plan,
                user=request.user,
                values={f: form.cleaned_data[f] for f in SiteForm.Meta.fields},
                **_reason(form),
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, f"Site “{site}” added.")
            return redirect(site)
    return _form_page(request, form, title="New site")


@plan_required(Capability.VIEW)
def site_detail(request: PlanRequest, site_pk: int) -> HttpResponse:
    plan = _plan(request)
    site = get_object_or_404(Site.objects.select_related("parent"), pk=site_pk, plan=plan)
    inside = selectors.site_subtree_ids(plan, site)
    components = Component.objects.filter(plan=plan, site_id__in=inside).select_related("site")
    pt = plan_topology(plan)
    context = {
        "site": site,
        "children": site.children.order_by("name"),
        "components": components.order_by("name")[:SITE_COMPONENT_ROWS],
        "component_count": components.count(),
        **_diagram(lambda: diagrams.site_diagram_svg(site, pt)),
        "impact": selectors.site_impact(plan, site, pt),
    }
    return render(request, "inventory/site_detail.html", context)


@plan_required(Capability.EDIT)
def site_edit(request: PlanRequest, site_pk: int) -> HttpResponse:
    plan = _plan(request)
    site = get_object_or_404(Site, pk=site_pk, plan=plan)
    form = SiteForm(request.POST or None, instance=site, plan=plan)

    def save(data: dict[str, Any]) -> Any:
        return site_services.site_update(
            site=Site.objects.get(pk=site.pk),
            user=request.user,
            expected_version=data["version"],
            values={f: data[f] for f in SiteForm.Meta.fields},
            **_reason(form),
        )

    return _edit_page(request, form, obj=site, save=save, saved_message="Site saved.")


@plan_required(Capability.EDIT)
def site_delete(request: PlanRequest, site_pk: int) -> HttpResponse:
    plan = _plan(request)
    site = get_object_or_404(Site, pk=site_pk, plan=plan)
    form = ReasonOnlyForm(request.POST or None, submit_label="Remove site")
    if request.method == "POST" and form.is_valid():
        try:
            site_services.site_delete(site=site, user=request.user, **_reason(form))
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, f"Site “{site}” removed.")
            return redirect("inventory_site_list", plan_pk=plan.pk)
    return _form_page(request, form, title=f"Remove {site.name}?", back=site.get_absolute_url())


def _svg_response(svg: str | None, filename: str) -> HttpResponse:
    if svg is None:
        raise Http404("Nothing to draw.")
    response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _diagram(draw: Any) -> dict[str, Any]:
    try:
        return {"svg": draw(), "diagram_error": ""}
    except diagrams.DiagramUnavailable as exc:
        return {"svg": None, "diagram_error": str(exc)}


@plan_required(Capability.VIEW)
def site_diagram(request: PlanRequest, site_pk: int) -> HttpResponse:
    site = get_object_or_404(Site, pk=site_pk, plan=_plan(request))
    return _svg_response(diagrams.site_diagram_svg(site), f"site-{site.pk}.svg")


# --- groups -----------------------------------------------------------------------


@plan_required(Capability.VIEW)
def group_list(request: PlanRequest) -> HttpResponse:
    return render(
        request,
        "inventory/group_list.html",
        {"groups": selectors.groups_with_members(_plan(request))},
    )


@plan_required(Capability.EDIT)
def group_create(request: PlanRequest) -> HttpResponse:
    plan = _plan(request)
    form = GroupForm(request.POST or None, plan=plan, submit_label="Add group")
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            group = group_services.group_create(
                plan=plan,
                user=request.user,
                values={f: data[f] for f in GroupForm.Meta.fields},
                members=data["members"],
                **_reason(form),
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, f"Group “{group}” added.")
            return redirect(group)
    return _form_page(request, form, title="New redundancy group")


@plan_required(Capability.VIEW)
def group_detail(request: PlanRequest, group_pk: int) -> HttpResponse:
    plan = _plan(request)
    group = get_object_or_404(
        RedundancyGroup.objects.select_related("technique"), pk=group_pk, plan=plan
    )
    return _group_page(request, group)


def _group_page(
    request: PlanRequest,
    group: RedundancyGroup,
    technique_form: ApplyTechniqueForm | None = None,
    status: int = 200,
) -> HttpResponse:
    plan = _plan(request)
    context = {
        "group": group,
        "members": selectors.group_members(group),
        "relations": selectors.element_relations(plan, group_key(group.pk)),
        "technique_form": technique_form
        or ApplyTechniqueForm(plan=plan, initial={"version": group.version}),
    }
    return render(request, "inventory/group_detail.html", context, status=status)


@plan_required(Capability.EDIT)
def group_edit(request: PlanRequest, group_pk: int) -> HttpResponse:
    plan = _plan(request)
    group = get_object_or_404(RedundancyGroup, pk=group_pk, plan=plan)
    form = GroupForm(request.POST or None, instance=group, plan=plan)

    def save(data: dict[str, Any]) -> Any:
        return group_services.group_update(
            group=RedundancyGroup.objects.get(pk=group.pk),
            user=request.user,
            expected_version=data["version"],
            values={f: data[f] for f in GroupForm.Meta.fields},
            members=data["members"],
            **_reason(form),
        )

    return _edit_page(request, form, obj=group, save=save, saved_message="Group saved.")


@plan_required(Capability.EDIT)
def group_delete(request: PlanRequest, group_pk: int) -> HttpResponse:
    plan = _plan(request)
    group = get_object_or_404(RedundancyGroup, pk=group_pk, plan=plan)
    form = ReasonOnlyForm(request.POST or None, submit_label="Remove group")
    if request.method == "POST" and form.is_valid():
        group_services.group_delete(group=group, user=request.user, **_reason(form))
        messages.success(request, f"Group “{group}” removed; its members stay.")
        return redirect("inventory_group_list", plan_pk=plan.pk)
    return _form_page(request, form, title=f"Remove {group.name}?", back=group.get_absolute_url())


@require_POST
@plan_required(Capability.EDIT)
def group_apply_technique(request: PlanRequest, group_pk: int) -> HttpResponse:
    group = get_object_or_404(RedundancyGroup, pk=group_pk, plan=_plan(request))
    return _apply_technique(request, group)


# --- business functions and their dependencies --------------------------------------


@plan_required(Capability.VIEW)
def function_detail(request: PlanRequest, function_pk: int) -> HttpResponse:
    plan = _plan(request)
    function = get_object_or_404(BusinessFunction, pk=function_pk, plan=plan)
    pt = plan_topology(plan)
    context = {
        "function": function,
        "dependencies": selectors.function_dependencies(function),
        "form": DependencyForm(plan=plan),
        **_diagram(lambda: diagrams.function_diagram_svg(function, pt)),
        "spofs": selectors.function_spofs(function, pt),
    }
    return render(request, "inventory/function_detail.html", context)


@plan_required(Capability.VIEW)
def function_diagram(request: PlanRequest, function_pk: int) -> HttpResponse:
    function = get_object_or_404(BusinessFunction, pk=function_pk, plan=_plan(request))
    return _svg_response(diagrams.function_diagram_svg(function), f"function-{function.pk}.svg")


@require_POST
@plan_required(Capability.EDIT)
def dependency_add(request: PlanRequest, function_pk: int) -> HttpResponse:
    plan = _plan(request)
    function = get_object_or_404(BusinessFunction, pk=function_pk, plan=plan)
    form = DependencyForm(request.POST, plan=plan)
    if form.is_valid():
        data = form.cleaned_data
        try:
            dependency_services.dependency_create(
                function=function,
                target=data["target"],
                need=data["need"],
                notes=data["notes"],
                user=request.user,
                **_reason(form),
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, f"“{function}” now depends on “{data['target']}”.")
            return redirect("inventory_function_detail", plan_pk=plan.pk, function_pk=function.pk)
    return _form_page(
        request,
        form,
        title=f"Add a dependency of {function.name}",
        back=reverse(
            "inventory_function_detail", kwargs={"plan_pk": plan.pk, "function_pk": function.pk}
        ),
    )


@plan_required(Capability.EDIT)
def dependency_edit(request: PlanRequest, dependency_pk: int) -> HttpResponse:
    plan = _plan(request)
    dependency = get_object_or_404(
        Dependency.objects.select_related("function", "component", "group"),
        pk=dependency_pk,
        plan=plan,
    )
    form = DependencyEditForm(request.POST or None, dependency=dependency)
    back = reverse(
        "inventory_function_detail",
        kwargs={"plan_pk": plan.pk, "function_pk": dependency.function_id},
    )

    def save(data: dict[str, Any]) -> Any:
        return dependency_services.dependency_update(
            dependency=dependency,
            user=request.user,
            expected_version=data["version"],
            need=data["need"],
            notes=data["notes"],
            **_reason(form),
        )

    return _edit_page(
        request,
        form,
        obj=dependency,
        save=save,
        saved_message="Dependency saved.",
        title=str(dependency),
        back=back,
    )


@plan_required(Capability.EDIT)
def dependency_delete(request: PlanRequest, dependency_pk: int) -> HttpResponse:
    plan = _plan(request)
    dependency = get_object_or_404(
        Dependency.objects.select_related("function", "component", "group"),
        pk=dependency_pk,
        plan=plan,
    )
    back = reverse(
        "inventory_function_detail",
        kwargs={"plan_pk": plan.pk, "function_pk": dependency.function_id},
    )
    form = ReasonOnlyForm(request.POST or None, submit_label="Remove dependency")
    if request.method == "POST" and form.is_valid():
        dependency_services.dependency_delete(
            dependency=dependency, user=request.user, **_reason(form)
        )
        messages.success(request, "Dependency removed.")
        return redirect(back)
    return _form_page(request, form, title=f"Remove: {dependency}?", back=back)


# --- HA techniques ---------------------------------------------------------------


@plan_required(Capability.VIEW)
def technique_list(request: PlanRequest) -> HttpResponse:
    return render(
        request,
        "inventory/technique_list.html",
        {"techniques": selectors.technique_catalogue(_plan(request))},
    )


@require_POST
@plan_required(Capability.EDIT)
def technique_seed(request: PlanRequest) -> HttpResponse:
    plan = _plan(request)
    added = technique_services.technique_catalogue_seed(plan=plan, user=request.user)
    messages.success(request, f"{counted(added, 'standard technique')} added to the catalogue.")
    return redirect("inventory_technique_list", plan_pk=plan.pk)


@plan_required(Capability.EDIT)
def technique_create(request: PlanRequest) -> HttpResponse:
    plan = _plan(request)
    form = TechniqueForm(request.POST or None, plan=plan, submit_label="Add technique")
    if request.method == "POST" and form.is_valid():
        try:
            technique_services.technique_create(
                plan=plan,
                user=request.user,
                values={f: form.cleaned_data[f] for f in TechniqueForm.Meta.fields},
                **_reason(form),
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, "Technique added.")
            return redirect("inventory_technique_list", plan_pk=plan.pk)
    return _form_page(request, form, title="New HA technique")


@plan_required(Capability.EDIT)
def technique_edit(request: PlanRequest, technique_pk: int) -> HttpResponse:
    plan = _plan(request)
    technique = get_object_or_404(Technique, pk=technique_pk, plan=plan)
    form = TechniqueForm(request.POST or None, instance=technique, plan=plan)
    back = reverse("inventory_technique_list", kwargs={"plan_pk": plan.pk})

    def save(data: dict[str, Any]) -> Any:
        return technique_services.technique_update(
            technique=Technique.objects.get(pk=technique.pk),
            user=request.user,
            expected_version=data["version"],
            values={f: data[f] for f in TechniqueForm.Meta.fields},
            **_reason(form),
        )

    return _edit_page(
        request, form, obj=technique, save=save, saved_message="Technique saved.", back=back
    )


@plan_required(Capability.EDIT)
def technique_delete(request: PlanRequest, technique_pk: int) -> HttpResponse:
    plan = _plan(request)
    technique = get_object_or_404(Technique, pk=technique_pk, plan=plan)
    form = ReasonOnlyForm(request.POST or None, submit_label="Remove technique")
    back = reverse("inventory_technique_list", kwargs={"plan_pk": plan.pk})
    if request.method == "POST" and form.is_valid():
        try:
            technique_services.technique_delete(
                technique=technique, user=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, "Technique removed.")
            return redirect(back)
    return _form_page(request, form, title=f"Remove {technique.name}?", back=back)
