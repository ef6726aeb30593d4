"""Answers as the analysis reads them: answer sets, derived figures and the engine input."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from analysis.engine.objectives import ImpactAssessment, recommend_objectives
from bcp.models import Plan
from bia.durations import format_hours
from bia.models import (
    Answer,
    Assessment,
    AssessmentState,
    BusinessFunction,
    ImpactCategory,
    ImpactSettings,
    QuestionRole,
)
from bia.selectors.scales import impact_scales
from bia.services.common import cell_key

T = TypeVar("T")


@dataclass(frozen=True)
class AnswerSet:
    """What the analysis needs from one function's BIA, whatever the questions' wording."""

    assessment_id: int
    state: str
    revision: int
    template_revision: int
    impacts: dict[str, dict[str, int]]  # category key → {cell key: level}
    mtpd_stated_hours: float | None
    data_loss_tolerance_hours: float | None
    minimum_service_level_percent: float | None
    work_recovery_hours: float | None
    peak_periods: str
    workaround: str
    workaround_hours: float | None
    it_services: tuple[str, ...]
    dependencies: str


def _float(value: Any) -> float | None:
    return None if value is None or value == "" else float(value)


def answer_set(assessment: Assessment, answers: Iterable[Answer] | None = None) -> AnswerSet:
    """Read the roles of an assessment's answers (``answers`` preloaded with their question)."""
    if answers is None:
        answers = Answer.objects.filter(assessment=assessment).select_related("question")
    by_role: dict[str, Any] = {}
    impacts: dict[str, dict[str, int]] = {}
    for a in answers:
        role = a.question.role
        if a.value is None:
            continue
        if role == QuestionRole.IMPACT_GRID:
            category = a.cell.split("@", 1)[0]
            impacts.setdefault(category, {})[a.cell] = int(a.value)
        elif role:
            by_role[role] = a.value
    function = assessment.function
    services = str(by_role.get(QuestionRole.IT_SERVICES, "") or "")
    workaround_hours = _float(by_role.get(QuestionRole.WORKAROUND_HOURS))
    return AnswerSet(
        assessment_id=assessment.pk,
        state=assessment.state,
        revision=assessment.revision,
        template_revision=assessment.template.revision,
        impacts=impacts,
        mtpd_stated_hours=_float(by_role.get(QuestionRole.MTPD)),
        data_loss_tolerance_hours=_float(by_role.get(QuestionRole.DATA_LOSS)),
        minimum_service_level_percent=_float(by_role.get(QuestionRole.MINIMUM_SERVICE)),
        work_recovery_hours=_float(by_role.get(QuestionRole.WORK_RECOVERY)),
        peak_periods=str(by_role.get(QuestionRole.PEAK_PERIODS) or function.peak_periods or ""),
        workaround=str(by_role.get(QuestionRole.WORKAROUND) or function.workaround or ""),
        workaround_hours=workaround_hours
        if workaround_hours is not None
        else function.workaround_hours,
        it_services=tuple(line.strip() for line in services.splitlines() if line.strip()),
        dependencies=str(by_role.get(QuestionRole.DEPENDENCIES) or ""),
    )


def reviewed_assessment(function: BusinessFunction) -> Assessment | None:
    """The BIA the analysis should trust: the latest approved, else the latest submitted."""
    candidates = Assessment.objects.filter(
        function=function, state__in=[AssessmentState.APPROVED, AssessmentState.SUBMITTED]
    ).select_related("template", "function")
    approved = candidates.filter(state=AssessmentState.APPROVED).order_by("-revision").first()
    return approved or candidates.order_by("-revision").first()


def impact_assessment_from(
    answers: AnswerSet,
    impact_settings: ImpactSettings,
    categories: list[ImpactCategory],
) -> ImpactAssessment:
    """Turn an answer set into the engine's input, using the plan's current scales.

    Unanswered cells of a category that has answers count as level 0; categories with no
    answers are left out. Functions with peak periods are scored at peak.
    """
    horizons = [float(h) for h in impact_settings.horizons_hours]
    impacts: dict[str, tuple[int, ...]] = {}
    for category in categories:
        cells = answers.impacts.get(category.key)
        if not cells:
            continue
        impacts[category.name] = tuple(
            int(cells.get(cell_key(category.key, h), 0)) for h in horizons
        )
    return ImpactAssessment(
        horizons_hours=tuple(horizons),
        impacts=impacts,
        threshold=impact_settings.threshold,
        peak_uplift=impact_settings.peak_uplift if answers.peak_periods.strip() else 0,
        workaround_hours=answers.workaround_hours or 0.0,
        work_recovery_hours=answers.work_recovery_hours or 0.0,
        data_loss_tolerance_hours=answers.data_loss_tolerance_hours,
        minimum_service_level_percent=answers.minimum_service_level_percent,
    )


def _over_scales(
    assessment: Assessment,
    build: Callable[[AnswerSet, ImpactSettings, list[ImpactCategory]], T],
) -> T | None:
    """``build`` over the assessment's answers and its plan's impact scales; ``None`` while
    the plan has no scales."""
    impact_settings, categories = impact_scales(assessment.plan)
    if impact_settings is None:
        return None
    return build(answer_set(assessment), impact_settings, categories)


def assessment_impact_assessment(assessment: Assessment) -> ImpactAssessment | None:
    return _over_scales(assessment, impact_assessment_from)


def function_impact_assessment(function: BusinessFunction) -> ImpactAssessment | None:
    """The engine's input for one function, from its reviewed BIA; ``None`` without one."""
    assessment = reviewed_assessment(function)
    if assessment is None:
        return None
    return assessment_impact_assessment(assessment)


def function_answer_set(function: BusinessFunction) -> AnswerSet | None:
    assessment = reviewed_assessment(function)
    return answer_set(assessment) if assessment else None


@dataclass(frozen=True)
class Derived:
    """MTPD and RPO need as shown beside the answers, with the engine's reasoning."""

    mtpd_hours: float | None
    mtpd_reasoning: str
    rpo_hours: float | None
    rpo_reasoning: str
    stated_mtpd_hours: float | None
    missing: tuple[str, ...]

    @property
    def mtpd_label(self) -> str:
        return format_hours(self.mtpd_hours) if self.mtpd_hours is not None else "not reached"

    @property
    def rpo_label(self) -> str:
        return format_hours(self.rpo_hours) if self.rpo_hours is not None else "not stated"

    @property
    def stated_differs(self) -> bool:
        return (
            self.stated_mtpd_hours is not None
            and self.mtpd_hours is not None
            and abs(self.stated_mtpd_hours - self.mtpd_hours) > 1e-9
        )


def derive(
    answers: AnswerSet, impact_settings: ImpactSettings, categories: list[ImpactCategory]
) -> Derived:
    assessment = impact_assessment_from(answers, impact_settings, categories)
    recommendation = recommend_objectives(assessment)
    rpo_lines = [line for line in recommendation.reasoning if line.startswith("RPO")]
    rpo_reasoning = (
        f"A stated data-loss tolerance of {format_hours(answers.data_loss_tolerance_hours)} "
        f"means backups or replication must lose no more than that: "
        f"{rpo_lines[0] if rpo_lines else ''}."
        if answers.data_loss_tolerance_hours is not None
        else "No data-loss tolerance stated yet, so no RPO need can be given."
    )
    return Derived(
        mtpd_hours=recommendation.mtpd_hours,
        mtpd_reasoning=recommendation.reasoning[0][:1].upper()
        + recommendation.reasoning[0][1:]
        + ".",
        rpo_hours=recommendation.recommended_rpo_hours,
        rpo_reasoning=rpo_reasoning,
        stated_mtpd_hours=answers.mtpd_stated_hours,
        missing=recommendation.missing,
    )


def assessment_derived(assessment: Assessment) -> Derived | None:
    return _over_scales(assessment, derive)


def reviewed_by_function(
    plan: Plan, function_ids: list[int] | None = None
) -> dict[int, Assessment]:
    """Each function's latest approved BIA, else its latest submitted one, in one query
    (only ``function_ids``' when given)."""
    reviewed: dict[int, Assessment] = {}
    candidates = Assessment.objects.filter(
        plan=plan, state__in=[AssessmentState.APPROVED, AssessmentState.SUBMITTED]
    )
    if function_ids is not None:
        candidates = candidates.filter(function_id__in=function_ids)
    for a in candidates.select_related("template", "function").order_by("function_id", "-revision"):
        best = reviewed.get(a.function_id)
        if best is None or (
            a.state == AssessmentState.APPROVED and best.state != AssessmentState.APPROVED
        ):
            reviewed[a.function_id] = a
    return reviewed


def plan_answer_sets(plan: Plan, function_ids: list[int] | None = None) -> dict[int, AnswerSet]:
    """Answer sets of every function with a reviewed BIA (or of ``function_ids`` only),
    keyed by function id (3 queries)."""
    reviewed = reviewed_by_function(plan, function_ids)
    grouped = _role_answers_by_assessment([a.pk for a in reviewed.values()])
    return {
        function_id: answer_set(a, grouped.get(a.pk, [])) for function_id, a in reviewed.items()
    }


def plan_impact_assessments(
    plan: Plan, *, function_ids: list[int] | None = None
) -> dict[int, ImpactAssessment]:
    """The engine's input for every function with a reviewed BIA (or for ``function_ids``
    only, reading only their answers), keyed by function id.

    The whole-plan counterpart of :func:`function_impact_assessment`, in a fixed number of
    queries however many functions the plan has.
    """
    impact_settings, categories = impact_scales(plan)
    if impact_settings is None:
        return {}
    return {
        function_id: impact_assessment_from(answers, impact_settings, categories)
        for function_id, answers in plan_answer_sets(plan, function_ids).items()
    }


def answers_by_assessment(assessment_ids: list[int]) -> dict[int, list[Answer]]:
    """Every answer of the assessments, with what a page or export shows beside it (the
    question, its section, where it came from), in questionnaire order."""
    grouped: dict[int, list[Answer]] = {}
    for a in (
        Answer.objects.filter(assessment_id__in=assessment_ids)
        .select_related("question", "question__section", "source_interview", "source_workshop")
        .order_by("question__section__order", "question__order", "cell")
    ):
        grouped.setdefault(a.assessment_id, []).append(a)
    return grouped


def _role_answers_by_assessment(assessment_ids: list[int]) -> dict[int, list[Answer]]:
    """Only what :func:`answer_set` reads (role, cell, value): the analysis loads every
    reviewed answer of the plan, tens of thousands in a large organisation."""
    grouped: dict[int, list[Answer]] = {}
    for a in (
        Answer.objects.filter(assessment_id__in=assessment_ids)
        .select_related("question")
        .only("assessment_id", "cell", "value", "question__role")
        .order_by("assessment_id", "question_id", "cell")
    ):
        grouped.setdefault(a.assessment_id, []).append(a)
    return grouped
