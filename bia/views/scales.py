"""Pages of the impact scales: horizons, threshold and impact categories."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from bcp.editing import REASON, save_with
from bcp.http import PlanRequest
from bcp.models import Plan
from bcp.permissions import Capability, plan_required
from bia.durations import format_hours
from bia.forms.scales import CategoryForm, ImpactSettingsForm
from bia.models import ImpactCategory
from bia.selectors import scales as scale_selectors
from bia.services import scales as scale_services
from bia.views.common import bia_edit_page

# A category's levels as CategoryForm gathers them for the services.
LEVELS = ("descriptions", "amounts")


@plan_required(Capability.VIEW)
def scales(request: PlanRequest) -> HttpResponse:
    plan = request.plan
    impact_settings, categories = scale_selectors.impact_scales(plan)
    horizons = list(impact_settings.horizons_hours) if impact_settings else []
    return render(
        request,
        "bia/scales.html",
        {
            "impact_settings": impact_settings,
            "categories": categories,
            "horizon_labels": [format_hours(h) for h in horizons],
        },
    )


@require_POST
@plan_required(Capability.EDIT)
def scales_defaults(request: PlanRequest) -> HttpResponse:
    scale_services.impact_scales_ensure(plan=request.plan, user=request.user)
    messages.success(request, "Default impact scales in place.")
    return redirect("bia_scales", plan_pk=request.plan.pk)


@plan_required(Capability.EDIT)
def settings_edit(request: PlanRequest) -> HttpResponse:
    plan = request.plan
    impact_settings, _ = scale_selectors.impact_scales(plan)
    if impact_settings is None:
        impact_settings = scale_services.impact_scales_ensure(plan=plan, user=request.user)
    form = ImpactSettingsForm(request.POST or None, instance=impact_settings)
    fields = ("horizons_hours", "threshold", "peak_uplift", "currency", *REASON)
    update = scale_services.impact_settings_update
    save = save_with(request, update, fields, versioned=True, impact_settings=impact_settings)
    return _scales_page(
        request, form, "Horizons and tolerance threshold", save, "Impact settings saved."
    )


@plan_required(Capability.EDIT)
def category_edit(request: PlanRequest, category_pk: int) -> HttpResponse:
    plan = request.plan
    category = get_object_or_404(ImpactCategory, pk=category_pk, plan=plan)
    form = CategoryForm(request.POST or None, instance=category, currency=_currency(plan))

    fields = ("name", *LEVELS, *REASON)
    update = scale_services.impact_category_update
    save = save_with(request, update, fields, versioned=True, category=category)
    title, saved = f"Impact scale: {category.name}", "Scale “{0.name}” saved.".format
    return _scales_page(request, form, title, save, saved)


@plan_required(Capability.EDIT)
def category_add(request: PlanRequest) -> HttpResponse:
    plan = request.plan
    form = CategoryForm(request.POST or None, currency=_currency(plan))

    fields = ("name", "key", "is_financial", *LEVELS, "reason")
    save = save_with(request, scale_services.impact_category_add, fields, plan=plan)
    added = "Category “{0.name}” added.".format
    return _scales_page(request, form, "New impact category", save, added)


def _currency(plan: Plan) -> str:
    """The currency of the plan's financial scale; none before the plan has scales."""
    impact_settings, _ = scale_selectors.impact_scales(plan)
    return impact_settings.currency if impact_settings else ""


def _scales_page(
    request: PlanRequest,
    form: forms.BaseForm,
    title: str,
    save: Callable[[dict[str, Any]], Any],
    saved_message: str | Callable[[Any], str],
) -> HttpResponse:
    """A form of the impact scales; once saved, the browser goes back to the scales page."""
    scales_url = reverse("bia_scales", kwargs={"plan_pk": request.plan.pk})
    return bia_edit_page(
        request, form, title, save=save, saved_message=saved_message, success_url=scales_url
    )
