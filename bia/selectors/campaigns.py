"""Reads of BIA campaigns: the list and the per-function progress rows."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TypedDict

from django.db.models import Count, Q, QuerySet
from django_stubs_ext import WithAnnotations

from bcp.models import Plan
from bia.models import Assessment, AssessmentState, Campaign, Question


class CampaignCounts(TypedDict):
    """What :func:`campaigns_for_list` adds to each campaign."""

    total: int  # functions in the campaign (their current BIA)
    done: int  # of which submitted or approved


def campaigns_for_list(plan: Plan) -> QuerySet[WithAnnotations[Campaign, CampaignCounts]]:
    return (
        Campaign.objects.filter(plan=plan)
        .select_related("template")
        .annotate(
            total=Count("assessments", filter=Q(assessments__is_current=True)),
            done=Count(
                "assessments",
                filter=Q(
                    assessments__is_current=True,
                    assessments__state__in=[AssessmentState.SUBMITTED, AssessmentState.APPROVED],
                ),
            ),
        )
        .order_by("-due_date", "-pk")
    )


@dataclass
class CampaignRow:
    assessment: Assessment
    answered: int
    questions: int
    overdue: bool

    @property
    def percent(self) -> int:
        return round(100 * self.answered / self.questions) if self.questions else 0


def campaign_rows(campaign: Campaign, *, today: datetime.date) -> list[CampaignRow]:
    """One row per function of the campaign (its newest revision), in two queries."""
    question_count = Question.objects.filter(section__template=campaign.template).count()
    assessments = (
        Assessment.objects.filter(campaign=campaign)
        .select_related("function", "function__owner")
        .annotate(
            answered=Count(
                "answers__question",
                filter=Q(answers__value__isnull=False),
                distinct=True,
            )
        )
        .order_by("function__name", "function_id", "-revision")
    )
    rows: list[CampaignRow] = []
    seen: set[int] = set()
    for a in assessments:
        if a.function_id in seen:
            continue
        seen.add(a.function_id)
        overdue = bool(
            a.due_date
            and a.due_date < today
            and a.state
            in (
                AssessmentState.NOT_STARTED,
                AssessmentState.IN_PROGRESS,
                AssessmentState.RETURNED,
            )
        )
        rows.append(CampaignRow(a, a.answered, question_count, overdue))
    return rows
