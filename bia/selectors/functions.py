"""Reads of business functions: the list page, their change history and BIA coverage."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet

from bcp.models import Plan
from bia.models import (
    Answer,
    Assessment,
    AssessmentState,
    BusinessFunction,
    FunctionDependency,
    Question,
)


def functions_for_list(plan: Plan, *, owner: User | None = None) -> QuerySet[BusinessFunction]:
    """Functions with owner, current BIA and dependency count in three queries, whatever the rows.

    ``owner`` limits the list to the functions one stakeholder owns.
    """
    functions = BusinessFunction.objects.filter(plan=plan)
    if owner is not None:
        functions = functions.filter(owner=owner)
    return (
        functions.select_related("owner")
        .annotate(need_count=Count("needs", distinct=True))
        .prefetch_related(
            Prefetch(
                "assessments",
                queryset=Assessment.objects.filter(is_current=True).select_related("campaign"),
                to_attr="current_assessments",
            )
        )
        .order_by("name", "pk")
    )


def function_history(function: BusinessFunction, *, limit: int = 100) -> list[Any]:
    """Change history of a function, its dependencies, BIA revisions and answers, newest first.

    Each record gets ``label`` (what changed) for the page.
    """
    assessment_ids = list(Assessment.objects.filter(function=function).values_list("pk", flat=True))
    sources: list[tuple[Any, str]] = [
        (BusinessFunction.history.filter(id=function.pk), "Function"),
        (FunctionDependency.history.filter(function_id=function.pk), "Dependency"),
        (Assessment.history.filter(function_id=function.pk), "BIA"),
        (Answer.history.filter(assessment_id__in=assessment_ids), "Answer"),
    ]
    records: list[Any] = []
    for queryset, kind in sources:
        for record in queryset.select_related("history_user").order_by("-history_id")[:limit]:
            record.kind = kind
            records.append(record)
    records.sort(key=lambda r: (r.history_date, r.history_id), reverse=True)
    records = records[:limit]
    questions = {
        q.pk: q.text
        for q in Question.objects.filter(
            pk__in={r.question_id for r in records if r.kind == "Answer"}
        )
    }
    for record in records:
        if record.kind == "Answer":
            cell = f" [{record.cell}]" if record.cell else ""
            record.label = f"Answer to “{questions.get(record.question_id, '?')}”{cell}"
        elif record.kind == "BIA":
            record.label = f"BIA revision {record.revision} ({record.state})"
        elif record.kind == "Dependency":
            record.label = f"Dependency: {record.name or 'function'}"
        else:
            record.label = f"Function “{record.name}”"
    return records


@dataclass(frozen=True)
class BiaCoverage:
    """How many of a plan's business functions have a reviewed (submitted or approved) BIA."""

    reviewed: int
    functions: int


def bia_coverage(plan_ids: list[int]) -> dict[int, BiaCoverage]:
    """:class:`BiaCoverage` of each plan, in one query however many plans."""
    reviewed = Assessment.objects.filter(
        function=OuterRef("pk"), state__in=[AssessmentState.APPROVED, AssessmentState.SUBMITTED]
    )
    counts = {
        row["plan_id"]: BiaCoverage(reviewed=row["reviewed"], functions=row["functions"])
        for row in BusinessFunction.objects.filter(plan_id__in=plan_ids)
        .annotate(has_bia=Exists(reviewed))
        .values("plan_id")
        .annotate(functions=Count("pk"), reviewed=Count("pk", filter=Q(has_bia=True)))
        .order_by()
    }
    return {pk: counts.get(pk, BiaCoverage(0, 0)) for pk in plan_ids}
