"""Reads of the impact scales."""

from __future__ import annotations

from bcp.models import Plan
from bia.models import ImpactCategory, ImpactSettings


def impact_scales(plan: Plan) -> tuple[ImpactSettings | None, list[ImpactCategory]]:
    return (
        ImpactSettings.objects.filter(plan=plan).first(),
        list(ImpactCategory.objects.filter(plan=plan).order_by("order", "pk")),
    )
