"""Reads of the BIA app, shaped for its pages, the analysis engine and the PDF documents."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet

from analysis.engine.objectives import ImpactAssessment, recommend_objectives
from bcp.models import Plan
from bia.durations import format_hours
from bia.models import (
    Answer,
    Assessment,
    AssessmentState,
    BusinessFunction,
    Campaign,
    FunctionDependency,
    ImpactCategory,
    ImpactSettings,
    Question,
    QuestionnaireTemplate,
    QuestionRole,
    QuestionType,
)
from bia.services.common import cell_key

# --- lists ---------------------------------------------------------------------------


def functions_for_list(plan: Plan, *, owner: Any = None) -> QuerySet[BusinessFunction]:
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


def my_assessments(plan: Plan, user: Any) -> QuerySet[Assessment]:
    return (
        Assessment.objects.filter(plan=plan, is_current=True, function__owner=user)
        .select_related("function", "campaign")
        .order_by("due_date", "function__name")
    )


def campaigns_for_list(plan: Plan) -> QuerySet[Campaign]:
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


def campaign_rows(campaign: Campaign, *, today: Any) -> list[CampaignRow]:
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


def latest_templates(plan: Plan) -> QuerySet[QuestionnaireTemplate]:
    return QuestionnaireTemplate.objects.filter(plan=plan, is_latest=True).order_by("name", "pk")


def impact_scales(plan: Plan) -> tuple[ImpactSettings | None, list[ImpactCategory]]:
    return (
        ImpactSettings.objects.filter(plan=plan).first(),
        list(ImpactCategory.objects.filter(plan=plan).order_by("order", "pk")),
    )


# --- one assessment ----------------------------------------------------------------------


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


# --- answers as the analysis reads them ----------------------------------------------------


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


def assessment_impact_assessment(assessment: Assessment) -> ImpactAssessment | None:
    impact_settings, categories = impact_scales(assessment.plan)
    if impact_settings is None:
        return None
    return impact_assessment_from(answer_set(assessment), impact_settings, categories)


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
    impact_settings, categories = impact_scales(assessment.plan)
    if impact_settings is None:
        return None
    return derive(answer_set(assessment), impact_settings, categories)


def _reviewed_by_function(
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
    reviewed = _reviewed_by_function(plan, function_ids)
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


# --- snapshot for documents ---------------------------------------------------------------


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


def _answers_by_assessment(assessment_ids: list[int]) -> dict[int, list[Answer]]:
    grouped: dict[int, list[Answer]] = {}
    for a in (
        Answer.objects.filter(assessment_id__in=assessment_ids)
        .select_related("question", "question__section", "source_interview", "source_workshop")
        .order_by("question__section__order", "question__order", "cell")
    ):
        grouped.setdefault(a.assessment_id, []).append(a)
    return grouped


def plan_snapshot(plan: Plan) -> dict[str, Any]:
    """The plan's BIA as JSON-ready data for the PDF documents, in a deterministic order."""
    impact_settings, categories = impact_scales(plan)
    horizons = list(impact_settings.horizons_hours) if impact_settings else []
    functions = list(
        BusinessFunction.objects.filter(plan=plan)
        .select_related("owner")
        .prefetch_related("needs__depends_on")
        .order_by("name", "pk")
    )
    reviewed = _reviewed_by_function(plan)
    grouped = _answers_by_assessment([a.pk for a in reviewed.values()])
    function_rows = []
    for function in functions:
        row: dict[str, Any] = {
            "id": function.pk,
            "name": function.name,
            "description": function.description,
            "owner": (function.owner.get_full_name() or function.owner.get_username())
            if function.owner
            else "",
            "criticality": function.criticality,
            "peak_periods": function.peak_periods,
            "workaround": function.workaround,
            "workaround_hours": function.workaround_hours,
            "dependencies": [
                {"kind": d.kind, "name": d.target_name, "notes": d.notes}
                for d in sorted(function.needs.all(), key=lambda d: (d.kind, d.target_name))
            ],
            "bia": None,
        }
        assessment = reviewed.get(function.pk)
        if assessment is not None and impact_settings is not None:
            answers = grouped.get(assessment.pk, [])
            aset = answer_set(assessment, answers)
            derived = derive(aset, impact_settings, categories)
            row["bia"] = {
                "state": assessment.state,
                "revision": assessment.revision,
                "template": str(assessment.template),
                "approved_at": assessment.approved_at.isoformat()
                if assessment.approved_at
                else None,
                "answers": [
                    {
                        "question": a.question.text,
                        "key": a.question.key,
                        "cell": a.cell,
                        "value": format_value(a.question, a.value),
                        "source": str(a.source_interview or a.source_workshop or ""),
                    }
                    for a in answers
                    if a.value is not None
                ],
                "impacts": {k: dict(sorted(v.items())) for k, v in sorted(aset.impacts.items())},
                "mtpd_hours": derived.mtpd_hours,
                "mtpd_reasoning": derived.mtpd_reasoning,
                "rpo_hours": derived.rpo_hours,
                "rpo_reasoning": derived.rpo_reasoning,
                "stated_mtpd_hours": aset.mtpd_stated_hours,
                "minimum_service_level_percent": aset.minimum_service_level_percent,
                "it_services": list(aset.it_services),
            }
        function_rows.append(row)
    campaigns = [
        {
            "name": c.name,
            "due_date": c.due_date.isoformat(),
            "status": c.status,
            "functions": c.total,  # type: ignore[attr-defined]
            "submitted_or_approved": c.done,  # type: ignore[attr-defined]
        }
        for c in campaigns_for_list(plan)
    ]
    return {
        "impact_settings": {
            "horizons_hours": horizons,
            "horizons": [format_hours(h) for h in horizons],
            "threshold": impact_settings.threshold if impact_settings else None,
            "peak_uplift": impact_settings.peak_uplift if impact_settings else None,
            "currency": impact_settings.currency if impact_settings else "",
        },
        "impact_categories": [
            {
                "key": c.key,
                "name": c.name,
                "is_financial": c.is_financial,
                "levels": [
                    {
                        "level": i,
                        "description": text,
                        "amount": c.level_amounts[i]
                        if c.is_financial and c.level_amounts
                        else None,
                    }
                    for i, text in enumerate(c.level_descriptions)
                ],
            }
            for c in categories
        ],
        "functions": function_rows,
        "campaigns": campaigns,
    }


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
