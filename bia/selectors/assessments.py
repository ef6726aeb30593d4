"""Reads of one BIA assessment shaped for its page: sections, questions and the impact grid."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import User
from django.db.models import QuerySet

from bcp.models import Plan
from bia.durations import format_hours
from bia.models import Answer, Assessment, ImpactCategory, Question, QuestionType
from bia.selectors.scales import impact_scales
from bia.services.common import cell_key


def my_assessments(plan: Plan, user: User) -> QuerySet[Assessment]:
    return (
        Assessment.objects.filter(plan=plan, is_current=True, function__owner=user)
        .select_related("function", "campaign")
        .order_by("due_date", "function__name")
    )


def format_value(question: Question, value: Any) -> str:
    if value is None or value == "" or value == []:
        return ""
    if question.qtype == QuestionType.DURATION:
        return format_hours(float(value))
    if question.qtype == QuestionType.YES_NO:
        return "Yes" if value else "No"
    if question.qtype == QuestionType.MULTIPLE:
        return ", ".join(str(v) for v in value)
    if question.qtype == QuestionType.NUMBER:
        return f"{float(value):g}"
    return str(value)


def raw_value(question: Question, value: Any) -> str:
    """The value as the input field shows it."""
    if value is None:
        return ""
    if question.qtype == QuestionType.YES_NO:
        return "yes" if value else "no"
    if question.qtype == QuestionType.DURATION:
        return format_hours(float(value))
    if question.qtype == QuestionType.NUMBER:
        return f"{float(value):g}"
    return str(value)


@dataclass
class GridCell:
    key: str
    category: ImpactCategory
    hours: float
    answer: Answer | None

    @property
    def level(self) -> int | None:
        return None if self.answer is None or self.answer.value is None else int(self.answer.value)

    @property
    def version(self) -> int:
        return self.answer.version if self.answer else 0

    @property
    def dom_id(self) -> str:
        return "cell-" + self.key.replace("@", "-").replace(".", "_")


@dataclass
class GridRow:
    category: ImpactCategory
    cells: list[GridCell]


@dataclass
class QuestionView:
    question: Question
    answer: Answer | None
    grid: list[GridRow] = field(default_factory=list)

    @property
    def version(self) -> int:
        return self.answer.version if self.answer else 0

    @property
    def value(self) -> Any:
        return self.answer.value if self.answer else None

    @property
    def raw(self) -> str:
        return raw_value(self.question, self.value)

    @property
    def display(self) -> str:
        return format_value(self.question, self.value)

    @property
    def source_value(self) -> str:
        if self.answer is None:
            return ""
        if self.answer.source_interview_id:
            return f"interview:{self.answer.source_interview_id}"
        if self.answer.source_workshop_id:
            return f"workshop:{self.answer.source_workshop_id}"
        return ""


@dataclass
class SectionView:
    title: str
    help: str
    questions: list[QuestionView]


def grid_rows(
    plan: Plan,
    question: Question,
    answers: dict[tuple[int, str], Answer],
    categories: list[ImpactCategory],
    horizons: list[float],
) -> list[GridRow]:
    return [
        GridRow(
            category,
            [
                GridCell(
                    cell_key(category.key, h),
                    category,
                    h,
                    answers.get((question.pk, cell_key(category.key, h))),
                )
                for h in horizons
            ],
        )
        for category in categories
    ]


def assessment_sections(assessment: Assessment) -> list[SectionView]:
    """The questionnaire of an assessment with its answers, in a fixed number of queries."""
    impact_settings, categories = impact_scales(assessment.plan)
    horizons = list(impact_settings.horizons_hours) if impact_settings else []
    answers = {
        (a.question_id, a.cell): a
        for a in Answer.objects.filter(assessment=assessment).select_related(
            "source_interview", "source_workshop", "answered_by"
        )
    }
    sections = assessment.template.sections.prefetch_related("questions").order_by("order")
    result = []
    for section in sections:
        views = []
        for q in section.questions.all():
            view = QuestionView(q, answers.get((q.pk, "")))
            if q.qtype == QuestionType.IMPACT_GRID:
                view.grid = grid_rows(assessment.plan, q, answers, categories, horizons)
            views.append(view)
        result.append(SectionView(section.title, section.help, views))
    return result


def grid_question(assessment: Assessment) -> Question | None:
    return Question.objects.filter(
        section__template=assessment.template, qtype=QuestionType.IMPACT_GRID
    ).first()


def stored_answer(assessment: Assessment, question: Question, cell: str) -> Answer | None:
    return Answer.objects.filter(assessment=assessment, question=question, cell=cell).first()


def conflict_choices(
    question: Question,
    *,
    yours: list[str],
    theirs: Answer | None,
    cell: str,
    version: int | None,
    workshop_id: int | None,
) -> tuple[str, str]:
    """The ``hx-vals`` of a conflict's two buttons as JSON: keep theirs, or save yours again."""
    base = {
        "question": question.pk,
        "cell": cell,
        "version": version,
        "resolve": "1",
        "workshop": workshop_id or "",
    }
    multiple = question.qtype == QuestionType.MULTIPLE
    mine: str | list[str] = yours if multiple else (yours[0] if yours else "")
    stored: Any = raw_value(question, theirs.value) if theirs else ""
    if multiple and theirs is not None:
        stored = theirs.value or []
    return json.dumps({**base, "value": stored}), json.dumps({**base, "value": mine})
