"""A new plan's BIA settings copied from another plan: impact scales and questionnaires.

Only settings are copied, never what people answered: the new plan gets the same
horizons, tolerance threshold, peak uplift, currency and impact categories, and revision 1
of each questionnaire's latest revision. Each copy is an ordinary record of the new plan,
edited like any other.
"""

from __future__ import annotations

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction

from bcp.history import change_context
from bcp.models import Plan
from bia.models import ImpactCategory, ImpactSettings, QuestionnaireTemplate
from bia.selectors.questionnaires import latest_templates
from bia.services.questionnaires import copy_sections


@transaction.atomic
def impact_scales_copy(*, source: Plan, target: Plan, user: User) -> int:
    """Give ``target`` the horizons, threshold and categories of ``source``; return how many
    categories. Refused when ``target`` has impact scales already."""
    if ImpactCategory.objects.filter(plan=target).exists() or (
        ImpactSettings.objects.filter(plan=target).exists()
    ):
        raise ValidationError(f"“{target}” has impact scales already.")
    origin = ImpactSettings.objects.filter(plan=source).first()
    categories = list(ImpactCategory.objects.filter(plan=source).order_by("order", "pk"))
    with change_context(user=user, reason=f"Impact scales copied from “{source.name}”"):
        if origin is not None:
            ImpactSettings.objects.create(
                plan=target,
                horizons_hours=list(origin.horizons_hours),
                threshold=origin.threshold,
                peak_uplift=origin.peak_uplift,
                currency=origin.currency,
            )
        for category in categories:
            ImpactCategory.objects.create(
                plan=target,
                key=category.key,
                name=category.name,
                is_financial=category.is_financial,
                order=category.order,
                level_descriptions=list(category.level_descriptions),
                level_amounts=list(category.level_amounts or []),
            )
    return len(categories)


@transaction.atomic
def questionnaires_copy(*, source: Plan, target: Plan, user: User) -> int:
    """Copy the latest revision of each of ``source``'s questionnaires into ``target`` as a
    revision 1 of its own; return how many."""
    if QuestionnaireTemplate.objects.filter(plan=target).exists():
        raise ValidationError(f"“{target}” has questionnaires already.")
    templates = list(latest_templates(source))
    with change_context(user=user, reason=f"Questionnaires copied from “{source.name}”"):
        for template in templates:
            copy = QuestionnaireTemplate.objects.create(
                plan=target,
                name=template.name,
                description=template.description,
                change_note=f"Copied from “{source.name}”, revision {template.revision}"[:300],
            )
            copy_sections(template, into=copy)
    return len(templates)
