"""Inventory pages: the overview, sites and the HA technique catalogue. Thin: parse the
form, call one service or selector, render. Components and groups are in
:mod:`inventory.element_views`, a function's dependencies in :mod:`inventory.function_views`,
and every record's create/edit/delete pages in :mod:`inventory.record_pages`."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from bcp.http import PlanRequest
from bcp.permissions import Capability, plan_required
from bcp.words import counted
from bia.models import BusinessFunction
from inventory import diagrams, selectors
from inventory.models import Component, Site, Technique
from inventory.services.techniques import technique_catalogue_seed
from inventory.topology import plan_topology

SITE_COMPONENT_ROWS = 200


def svg_response(svg: str | None, filename: str) -> HttpResponse:
    """A drawing as a download; 404 when there is nothing to draw."""
    if svg is None:
        raise Http404("Nothing to draw.")
    response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def diagram_context(draw: Callable[[], str | None]) -> dict[str, str | None]:
    """A page's diagram, or why there is none."""
    try:
        return {"svg": draw(), "diagram_error": ""}
    except diagrams.DiagramUnavailable as exc:
        return {"svg": None, "diagram_error": str(exc)}


# --- overview ---------------------------------------------------------------------


@plan_required(Capability.VIEW)
def overview(request: PlanRequest) -> HttpResponse:
    plan = request.plan
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


# --- sites ------------------------------------------------------------------------


@plan_required(Capability.VIEW)
def site_list(request: PlanRequest) -> HttpResponse:
    plan = request.plan
    counts = dict(
        Component.objects.filter(plan=plan)
        .values_list("site_id")
        .annotate(n=Count("pk"))
        .values_list("site_id", "n")
    )
    rows = [(site, depth, counts.get(site.pk, 0)) for site, depth in selectors.sites_in_order(plan)]
    return render(request, "inventory/site_list.html", {"rows": rows})


@plan_required(Capability.VIEW)
def site_detail(request: PlanRequest, site_pk: int) -> HttpResponse:
    plan = request.plan
    site = get_object_or_404(Site.objects.select_related("parent"), pk=site_pk, plan=plan)
    inside = selectors.site_subtree_ids(plan, site)
    components = Component.objects.filter(plan=plan, site_id__in=inside).select_related("site")
    pt = plan_topology(plan)
    context = {
        "site": site,
        "children": site.children.order_by("name"),
        "components": components.order_by("name")[:SITE_COMPONENT_ROWS],
        "component_count": components.count(),
        **diagram_context(lambda: diagrams.site_diagram_svg(site, pt)),
        "impact": selectors.site_impact(plan, site, pt),
    }
    return render(request, "inventory/site_detail.html", context)


@plan_required(Capability.VIEW)
def site_diagram(request: PlanRequest, site_pk: int) -> HttpResponse:
    site = get_object_or_404(Site, pk=site_pk, plan=request.plan)
    return svg_response(diagrams.site_diagram_svg(site), f"site-{site.pk}.svg")


# --- HA techniques ---------------------------------------------------------------


@plan_required(Capability.VIEW)
def technique_list(request: PlanRequest) -> HttpResponse:
    return render(
        request,
        "inventory/technique_list.html",
        {"techniques": selectors.technique_catalogue(request.plan)},
    )


@require_POST
@plan_required(Capability.EDIT)
def technique_seed(request: PlanRequest) -> HttpResponse:
    plan = request.plan
    added = technique_catalogue_seed(plan=plan, user=request.user)
    messages.success(request, f"{counted(added, 'standard technique')} added to the catalogue.")
    return redirect("inventory_technique_list", plan_pk=plan.pk)
