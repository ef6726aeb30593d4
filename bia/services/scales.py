"""Writes of the impact scales: horizons, threshold and impact categories with their levels.

Each write runs inside ``change_context`` so history names who and why.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction

from bcp.history import change_context
from bcp.models import Plan
from bia import defaults
from bia.durations import format_hours
from bia.models import ImpactCategory, ImpactSettings
from bia.services.common import record_add, record_edit

LEVELS = range(0, 5)


@transaction.atomic
def impact_scales_ensure(*, plan: Plan, user: User) -> ImpactSettings:
    """Give the plan the default horizons, threshold and categories if it has none yet."""
    with change_context(user=user, reason="Default impact scales"):
        impact_settings = ImpactSettings.objects.filter(plan=plan).first()
        if impact_settings is None:
            impact_settings = ImpactSettings.objects.create(plan=plan)
        if not ImpactCategory.objects.filter(plan=plan).exists():
            for order, spec in enumerate(defaults.DEFAULT_CATEGORIES):
                ImpactCategory.objects.create(
                    plan=plan,
                    key=spec.key,
                    name=spec.name,
                    is_financial=spec.is_financial,
                    order=order,
                    level_descriptions=list(spec.descriptions),
                    level_amounts=list(spec.amounts),
                )
    return impact_settings


def _check_horizons(horizons: Sequence[float]) -> list[float]:
    values = [float(h) for h in horizons]
    if not values:
        raise ValidationError({"horizons_hours": "Give at least one time horizon."})
    for previous, current in itertools.pairwise(values):
        if current <= previous:
            later, earlier = format_hours(current), format_hours(previous)
            message = f"Horizons must increase: {later} comes after {earlier}."
            raise ValidationError({"horizons_hours": message})
    if values[0] <= 0:
        raise ValidationError({"horizons_hours": "Every horizon must be longer than zero."})
    return values


@transaction.atomic
def impact_settings_update(
    *,
    impact_settings: ImpactSettings,
    user: User,
    expected_version: int | None,
    horizons_hours: Sequence[float],
    threshold: int,
    peak_uplift: int,
    currency: str,
    reason: str = "",
    ticket: str = "",
) -> ImpactSettings:
    horizons = _check_horizons(horizons_hours)
    if threshold not in range(1, 5):
        raise ValidationError({"threshold": "The tolerance threshold is a level from 1 to 4."})
    if peak_uplift not in LEVELS:
        raise ValidationError({"peak_uplift": "The peak uplift is 0 to 4 levels."})
    changes = {
        "horizons_hours": horizons,
        "threshold": threshold,
        "peak_uplift": peak_uplift,
        "currency": currency.strip().upper(),
    }
    return record_edit(
        impact_settings,
        user=user,
        expected_version=expected_version,
        changes=changes,
        reason=reason or "Impact settings edited",
        ticket=ticket,
    )


def _check_levels(
    descriptions: Sequence[str], amounts: Sequence[float | None], is_financial: bool
) -> tuple[list[str], list[float | None]]:
    texts = [d.strip() for d in descriptions]
    if len(texts) != 5 or any(not t for t in texts):
        raise ValidationError({"descriptions": "Describe every level from 0 to 4 in words."})
    if not is_financial:
        return texts, []
    values = list(amounts)
    if len(values) != 5 or any(v is None for v in values):
        raise ValidationError({"amounts": "Give a currency amount for every financial level."})
    numbers = [float(v) for v in values if v is not None]
    if any(n < 0 for n in numbers):
        raise ValidationError({"amounts": "Amounts cannot be negative."})
    if any(b <= a for a, b in itertools.pairwise(numbers)):
        raise ValidationError({"amounts": "Amounts must increase from level 0 to level 4."})
    return texts, [float(n) for n in numbers]


@transaction.atomic
def impact_category_update(
    *,
    category: ImpactCategory,
    user: User,
    expected_version: int | None,
    name: str,
    descriptions: Sequence[str],
    amounts: Sequence[float | None] = (),
    reason: str = "",
    ticket: str = "",
) -> ImpactCategory:
    texts, numbers = _check_levels(descriptions, amounts, category.is_financial)
    return record_edit(
        category,
        user=user,
        expected_version=expected_version,
        changes={"name": name.strip(), "level_descriptions": texts, "level_amounts": numbers},
        reason=reason or f"Impact scale “{category.name}” edited",
        ticket=ticket,
    )


@transaction.atomic
def impact_category_add(
    *,
    plan: Plan,
    user: User,
    name: str,
    key: str,
    descriptions: Sequence[str],
    is_financial: bool = False,
    amounts: Sequence[float | None] = (),
    reason: str = "",
) -> ImpactCategory:
    if ImpactCategory.objects.filter(plan=plan, key=key).exists():
        raise ValidationError({"key": f"The plan already has a category “{key}”."})
    texts, numbers = _check_levels(descriptions, amounts, is_financial)
    last = ImpactCategory.objects.filter(plan=plan).order_by("-order").first()
    category = ImpactCategory(
        plan=plan,
        key=key,
        name=name.strip(),
        is_financial=is_financial,
        order=(last.order + 1) if last else 0,
        level_descriptions=texts,
        level_amounts=numbers,
    )
    return record_add(category, user=user, reason=reason or f"Impact category “{name}” added")


def grid_cells(plan: Plan) -> tuple[list[ImpactCategory], list[float]]:
    impact_settings = ImpactSettings.objects.filter(plan=plan).first()
    horizons = list(impact_settings.horizons_hours) if impact_settings else []
    return list(ImpactCategory.objects.filter(plan=plan).order_by("order", "pk")), horizons
