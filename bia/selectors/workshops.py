"""Reads of BIA workshops: one panel per function worked on, in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass

from bia.models import (
    Answer,
    Assessment,
    BusinessFunction,
    ImpactCategory,
    Question,
    QuestionType,
    Workshop,
)
from bia.selectors.answers import Derived, answer_set, derive
from bia.selectors.assessments import GridRow, grid_rows
from bia.selectors.scales import impact_scales


@dataclass
class WorkshopPanel:
    """One function of the workshop: its current BIA, impact grid and derived figures."""

    function: BusinessFunction
    assessment: Assessment | None
    question: Question | None
    grid: list[GridRow]
    derived: Derived | None
    editable: bool


@dataclass
class WorkshopScreen:
    panels: list[WorkshopPanel]
    categories: list[ImpactCategory]
    horizons: list[float]


def workshop_screen(workshop: Workshop, *, editing: bool) -> WorkshopScreen:
    """The panels of the workshop screen; the query count does not grow with the functions."""
    impact_settings, categories = impact_scales(workshop.plan)
    horizons = list(impact_settings.horizons_hours) if impact_settings else []
    links = list(workshop.covered.select_related("function", "function__owner"))
    current: dict[int, Assessment] = {}
    for candidate in Assessment.objects.filter(
        function_id__in=[link.function_id for link in links], is_current=True
    ).select_related("template", "function", "plan"):
        current.setdefault(candidate.function_id, candidate)
    grid_questions: dict[int, Question] = {}
    for grid_question in Question.objects.filter(
        section__template_id__in={a.template_id for a in current.values()},
        qtype=QuestionType.IMPACT_GRID,
    ).select_related("section"):
        grid_questions.setdefault(grid_question.section.template_id, grid_question)
    answers: dict[int, list[Answer]] = {}
    for answer in Answer.objects.filter(
        assessment_id__in=[a.pk for a in current.values()]
    ).select_related("question", "source_interview", "source_workshop"):
        answers.setdefault(answer.assessment_id, []).append(answer)
    panels = []
    for link in links:
        assessment = current.get(link.function_id)
        question = grid_questions.get(assessment.template_id) if assessment else None
        grid: list[GridRow] = []
        derived = None
        if assessment is not None:
            own = answers.get(assessment.pk, [])
            if question is not None:
                cells = {(a.question_id, a.cell): a for a in own if a.question_id == question.pk}
                grid = grid_rows(workshop.plan, question, cells, categories, horizons)
            if impact_settings is not None:
                derived = derive(answer_set(assessment, own), impact_settings, categories)
        panels.append(
            WorkshopPanel(
                function=link.function,
                assessment=assessment,
                question=question,
                grid=grid,
                derived=derived,
                editable=bool(editing and assessment and assessment.is_editable),
            )
        )
    return WorkshopScreen(panels=panels, categories=categories, horizons=horizons)
