"""Reads of questionnaire templates."""

from __future__ import annotations

from django.db.models import QuerySet

from bcp.models import Plan
from bia.models import QuestionnaireTemplate


def latest_templates(plan: Plan) -> QuerySet[QuestionnaireTemplate]:
    return QuestionnaireTemplate.objects.filter(plan=plan, is_latest=True).order_by("name", "pk")
