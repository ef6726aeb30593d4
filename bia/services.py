"""Writes of the BIA app; each runs inside ``change_context`` so history names who and why."""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from bcp.concurrency import EditConflict, save_if_current, save_locked
from bcp.history import change_context
from bcp.models import Plan
from bia import defaults, notices
from bia.durations import format_hours, parse_duration_hours
from bia.models import (
    EDITABLE_STATES,
    ActionItem,
    Answer,
    Assessment,
    AssessmentState,
    BusinessFunction,
    Campaign,
    DependencyKind,
    FunctionDependency,
    ImpactCategory,
    ImpactSettings,
    Interview,
    Question,
    QuestionnaireSection,
    QuestionnaireTemplate,
    QuestionRole,
    QuestionType,
    Workshop,
    WorkshopFunction,
)
from notifications.models import Kind

LEVELS = range(0, 5)
FUNCTION_EDITABLE_FIELDS = (
    "name",
    "description",
    "owner",
    "criticality",
    "peak_periods",
    "workaround",
    "workaround_hours",
)
WORKSHOP_AUTOSAVE_FIELDS = ("attendees", "notes", "decisions")
INTERVIEW_EDITABLE_FIELDS = ("function", "interviewee", "interviewer", "held_at", "notes")


class MissingAnswers(ValidationError):
    """A submission lacks answers to required questions; ``questions`` names them."""

    def __init__(self, questions: list[Question]) -> None:
        self.questions = questions
        names = "; ".join(f"“{q.text}”" for q in questions)
        super().__init__(f"Answer these required questions before submitting: {names}.")


def _saved(instance: Any, *, expected_version: int | None, changes: dict[str, Any]) -> Any:
    return save_if_current(instance, expected_version=expected_version, changes=changes)


def check_text(text: str, *, field: str | None = None) -> str:
    """Refuse NUL characters, which PostgreSQL cannot store in text columns."""
    if "\x00" in (text or ""):
        message = "The text contains a NUL character, which cannot be stored; remove it."
        raise ValidationError({field: message} if field else message)
    return text


def cell_key(category_key: str, hours: float) -> str:
    """The identifier of one impact-grid cell, stable while the horizon exists."""
    return f"{category_key}@{hours:g}"


# --- business functions ---------------------------------------------------------


def _check_function_fields(plan: Plan, data: dict[str, Any], exclude_pk: int | None) -> None:
    name = data.get("name")
    if name is not None:
        clash = BusinessFunction.objects.filter(plan=plan, name__iexact=name.strip())
        if exclude_pk:
            clash = clash.exclude(pk=exclude_pk)
        if clash.exists():
            raise ValidationError({"name": f"The plan already has a function called “{name}”."})
    hours = data.get("workaround_hours")
    if hours is not None and hours < 0:
        raise ValidationError({"workaround_hours": "A duration cannot be negative."})


@transaction.atomic
def function_create(
    *,
    plan: Plan,
    user: Any,
    name: str,
    description: str = "",
    owner: Any = None,
    criticality: str = "medium",
    peak_periods: str = "",
    workaround: str = "",
    workaround_hours: float | None = None,
    reason: str = "",
    ticket: str = "",
) -> BusinessFunction:
    data = {"name": name, "workaround_hours": workaround_hours}
    _check_function_fields(plan, data, None)
    with change_context(user=user, reason=reason or f"Function “{name}” added", ticket=ticket):
        function = BusinessFunction(
            plan=plan,
            name=name.strip(),
            description=description,
            owner=owner,
            criticality=criticality,
            peak_periods=peak_periods,
            workaround=workaround,
            workaround_hours=workaround_hours,
        )
        function.full_clean()
        function.save()
    return function


@transaction.atomic
def function_update(
    *,
    function: BusinessFunction,
    user: Any,
    expected_version: int | None,
    reason: str = "",
    ticket: str = "",
    **changes: Any,
) -> BusinessFunction:
    unknown = set(changes) - set(FUNCTION_EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not editable: {', '.join(sorted(unknown))}")
    _check_function_fields(function.plan, changes, function.pk)
    with change_context(
        user=user, reason=reason or f"Function “{function.name}” edited", ticket=ticket
    ):
        updated = _saved(function, expected_version=expected_version, changes=changes)
    assert isinstance(updated, BusinessFunction)
    return updated


@transaction.atomic
def dependency_add(
    *,
    function: BusinessFunction,
    user: Any,
    kind: str,
    depends_on: BusinessFunction | None = None,
    name: str = "",
    notes: str = "",
    reason: str = "",
) -> FunctionDependency:
    if kind == DependencyKind.FUNCTION:
        if depends_on is None:
            raise ValidationError({"depends_on": "Choose the function it depends on."})
        if depends_on.pk == function.pk:
            raise ValidationError({"depends_on": "A function cannot depend on itself."})
        if depends_on.plan_id != function.plan_id:
            raise ValidationError({"depends_on": "Choose a function of this plan."})
        name = ""
    else:
        depends_on = None
        if not name.strip():
            raise ValidationError({"name": "Name the supplier, person or skill."})
    with change_context(user=user, reason=reason or f"Dependency of “{function.name}” added"):
        dependency = FunctionDependency(
            function=function, kind=kind, depends_on=depends_on, name=name.strip(), notes=notes
        )
        dependency.full_clean()
        dependency.save()
    return dependency


@transaction.atomic
def dependency_remove(*, dependency: FunctionDependency, user: Any, reason: str = "") -> None:
    with change_context(
        user=user, reason=reason or f"Dependency of “{dependency.function.name}” removed"
    ):
        dependency.delete()


# --- impact scales ------------------------------------------------------------------


@transaction.atomic
def impact_scales_ensure(*, plan: Plan, user: Any) -> ImpactSettings:
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
        raise ValidationError({"horizons": "Give at least one time horizon."})
    for previous, current in itertools.pairwise(values):
        if current <= previous:
            raise ValidationError(
                {
                    "horizons": f"Horizons must increase: {format_hours(current)} comes after "
                    f"{format_hours(previous)}."
                }
            )
    if values[0] <= 0:
        raise ValidationError({"horizons": "Every horizon must be longer than zero."})
    return values


@transaction.atomic
def impact_settings_update(
    *,
    impact_settings: ImpactSettings,
    user: Any,
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
    with change_context(user=user, reason=reason or "Impact settings edited", ticket=ticket):
        updated = _saved(
            impact_settings,
            expected_version=expected_version,
            changes={
                "horizons_hours": horizons,
                "threshold": threshold,
                "peak_uplift": peak_uplift,
                "currency": currency.strip().upper(),
            },
        )
    assert isinstance(updated, ImpactSettings)
    return updated


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
    user: Any,
    expected_version: int | None,
    name: str,
    descriptions: Sequence[str],
    amounts: Sequence[float | None] = (),
    reason: str = "",
    ticket: str = "",
) -> ImpactCategory:
    texts, numbers = _check_levels(descriptions, amounts, category.is_financial)
    with change_context(
        user=user, reason=reason or f"Impact scale “{category.name}” edited", ticket=ticket
    ):
        updated = _saved(
            category,
            expected_version=expected_version,
            changes={"name": name.strip(), "level_descriptions": texts, "level_amounts": numbers},
        )
    assert isinstance(updated, ImpactCategory)
    return updated


@transaction.atomic
def impact_category_add(
    *,
    plan: Plan,
    user: Any,
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
    with change_context(user=user, reason=reason or f"Impact category “{name}” added"):
        category = ImpactCategory(
            plan=plan,
            key=key,
            name=name.strip(),
            is_financial=is_financial,
            order=(last.order + 1) if last else 0,
            level_descriptions=texts,
            level_amounts=numbers,
        )
        category.full_clean()
        category.save()
    return category


# --- questionnaire templates ------------------------------------------------------------


@transaction.atomic
def template_create_default(
    *, plan: Plan, user: Any, name: str = defaults.DEFAULT_TEMPLATE_NAME
) -> QuestionnaireTemplate:
    """Create revision 1 of the default BIA questionnaire for the plan."""
    check_text(name, field="name")
    with change_context(user=user, reason=f"Questionnaire “{name}” created from the default"):
        template = QuestionnaireTemplate.objects.create(
            plan=plan, name=name, description=defaults.DEFAULT_TEMPLATE_DESCRIPTION
        )
        for s_order, section_spec in enumerate(defaults.DEFAULT_SECTIONS):
            section = QuestionnaireSection.objects.create(
                template=template, title=section_spec.title, help=section_spec.help, order=s_order
            )
            for q_order, spec in enumerate(section_spec.questions):
                Question.objects.create(
                    section=section,
                    key=spec.key,
                    text=spec.text,
                    help=spec.help,
                    qtype=spec.qtype,
                    role=spec.role,
                    required=spec.required,
                    choices=list(spec.choices),
                    minimum=spec.minimum,
                    maximum=spec.maximum,
                    order=q_order,
                )
    return template


def _copy_template(template: QuestionnaireTemplate, note: str) -> QuestionnaireTemplate:
    new = QuestionnaireTemplate.objects.create(
        plan=template.plan,
        family=template.family,
        name=template.name,
        description=template.description,
        revision=template.revision + 1,
        previous=template,
        change_note=note[:300],
    )
    copy_sections(template, into=new)
    return new


def copy_sections(template: QuestionnaireTemplate, *, into: QuestionnaireTemplate) -> None:
    """Copy every section and question of ``template`` into the empty template ``into``."""
    sections = template.sections.prefetch_related("questions")
    for section in sections:
        copy = QuestionnaireSection.objects.create(
            template=into, title=section.title, help=section.help, order=section.order
        )
        for q in section.questions.all():
            Question.objects.create(
                section=copy,
                key=q.key,
                text=q.text,
                help=q.help,
                qtype=q.qtype,
                role=q.role,
                required=q.required,
                choices=q.choices,
                minimum=q.minimum,
                maximum=q.maximum,
                order=q.order,
            )


@transaction.atomic
def template_revise(
    *,
    template: QuestionnaireTemplate,
    user: Any,
    expected_version: int | None,
    change: Callable[[QuestionnaireTemplate], None],
    note: str,
    reason: str = "",
) -> QuestionnaireTemplate:
    """Write the next revision of a template with ``change`` applied to it.

    The old revision is kept unchanged (answers point at it) except that it is no
    longer the latest; a revision that is not the latest cannot be revised again.
    """
    if not template.is_latest:
        latest = QuestionnaireTemplate.objects.filter(
            family=template.family, is_latest=True
        ).first()
        raise ValidationError(
            f"Revision {template.revision} is not the latest "
            f"(revision {latest.revision if latest else '?'} is); "
            "edit the latest revision."
        )
    with change_context(user=user, reason=reason or f"Questionnaire revised: {note}"):
        _saved(template, expected_version=expected_version, changes={"is_latest": False})
        new = _copy_template(template, note)
        change(new)
        _check_template(new)
    return new


def _check_template(template: QuestionnaireTemplate) -> None:
    questions = list(Question.objects.filter(section__template=template))
    keys = [q.key for q in questions]
    duplicates = sorted({k for k in keys if keys.count(k) > 1})
    if duplicates:
        raise ValidationError({"key": f"Question keys must be unique: {', '.join(duplicates)}."})
    roles = [q.role for q in questions if q.role]
    repeated = sorted({r for r in roles if roles.count(r) > 1})
    if repeated:
        labels = ", ".join(str(QuestionRole(r).label) for r in repeated)
        raise ValidationError({"role": f"Only one question may have the meaning: {labels}."})
    for q in questions:
        if q.qtype in (QuestionType.SINGLE, QuestionType.MULTIPLE) and len(q.choices) < 2:
            raise ValidationError({"choices": f"“{q.text}” needs at least two choices."})
        if q.role == QuestionRole.IMPACT_GRID and q.qtype != QuestionType.IMPACT_GRID:
            raise ValidationError({"role": "Only an impact grid can mean “Impact over time”."})


def question_save(
    *,
    template: QuestionnaireTemplate,
    user: Any,
    expected_version: int | None,
    key: str | None,
    section_order: int,
    fields: dict[str, Any],
    reason: str = "",
) -> QuestionnaireTemplate:
    """Add a question (``key`` None) or change one; either way a new template revision."""

    def change(new: QuestionnaireTemplate) -> None:
        section = new.sections.filter(order=section_order).first()
        if section is None:
            raise ValidationError({"section": "Choose a section of this questionnaire."})
        if key is None:
            last = Question.objects.filter(section=section).order_by("-order").first()
            Question.objects.create(
                section=section, order=(last.order + 1 if last else 0), **fields
            )
            return
        question = Question.objects.filter(section__template=new, key=key).first()
        if question is None:
            raise ValidationError(f"The questionnaire has no question “{key}”.")
        for name, value in fields.items():
            setattr(question, name, value)
        question.section = section
        question.version += 1
        question.save()

    note = f"question “{fields.get('key', key)}” " + ("added" if key is None else "changed")
    return template_revise(
        template=template,
        user=user,
        expected_version=expected_version,
        change=change,
        note=note,
        reason=reason,
    )


def question_remove(
    *, template: QuestionnaireTemplate, user: Any, expected_version: int | None, key: str
) -> QuestionnaireTemplate:
    def change(new: QuestionnaireTemplate) -> None:
        question = Question.objects.filter(section__template=new, key=key).first()
        if question is None:
            raise ValidationError(f"The questionnaire has no question “{key}”.")
        question.delete()

    return template_revise(
        template=template,
        user=user,
        expected_version=expected_version,
        change=change,
        note=f"question “{key}” removed",
    )


def section_add(
    *,
    template: QuestionnaireTemplate,
    user: Any,
    expected_version: int | None,
    title: str,
    help: str = "",
) -> QuestionnaireTemplate:
    def change(new: QuestionnaireTemplate) -> None:
        last = new.sections.order_by("-order").first()
        QuestionnaireSection.objects.create(
            template=new, title=title.strip(), help=help, order=(last.order + 1) if last else 0
        )

    return template_revise(
        template=template,
        user=user,
        expected_version=expected_version,
        change=change,
        note=f"section “{title}” added",
    )


# --- answers ------------------------------------------------------------------------


def grid_cells(plan: Plan) -> tuple[list[ImpactCategory], list[float]]:
    impact_settings = ImpactSettings.objects.filter(plan=plan).first()
    horizons = list(impact_settings.horizons_hours) if impact_settings else []
    return list(ImpactCategory.objects.filter(plan=plan).order_by("order", "pk")), horizons


def clean_answer(question: Question, raw: Sequence[str], *, cell: str = "") -> Any:
    """Turn submitted strings into the stored value, or raise a field-level ``ValidationError``.

    An empty submission clears the answer (``None``).
    """
    values = [check_text(v).strip() for v in raw if v is not None and v.strip() != ""]
    qtype = question.qtype
    if qtype == QuestionType.MULTIPLE:
        unknown = [v for v in values if v not in question.choices]
        if unknown:
            raise ValidationError(f"“{unknown[0]}” is not one of the choices.")
        return [c for c in question.choices if c in values] or None
    if not values:
        return None
    value = values[0]
    if qtype == QuestionType.TEXT:
        if len(value) > 5000:
            raise ValidationError("Keep the answer under 5,000 characters.")
        return value
    if qtype == QuestionType.SINGLE:
        if value not in question.choices:
            raise ValidationError(f"“{value}” is not one of the choices.")
        return value
    if qtype == QuestionType.YES_NO:
        if value.lower() not in ("yes", "no"):
            raise ValidationError("Answer yes or no.")
        return value.lower() == "yes"
    if qtype == QuestionType.DURATION:
        try:
            return parse_duration_hours(value)
        except ValueError as exc:
            raise ValidationError(str(exc)) from None
    if qtype == QuestionType.NUMBER:
        try:
            number = float(value.replace(",", "."))
        except ValueError:
            raise ValidationError(f"“{value}” is not a number.") from None
        if question.minimum is not None and number < question.minimum:
            raise ValidationError(f"The smallest allowed value is {question.minimum:g}.")
        if question.maximum is not None and number > question.maximum:
            raise ValidationError(f"The largest allowed value is {question.maximum:g}.")
        return number
    if qtype == QuestionType.IMPACT_GRID:
        if not cell:
            raise ValidationError("Say which cell of the impact grid this is.")
        try:
            level = int(value)
        except ValueError:
            raise ValidationError("Severity must be a whole number from 0 to 4.") from None
        if level not in LEVELS:
            raise ValidationError(f"Severity {level} is out of range: use a level from 0 to 4.")
        return level
    raise ValidationError(f"Unknown question type {qtype}.")


def _check_cell(assessment: Assessment, question: Question, cell: str) -> None:
    if question.qtype != QuestionType.IMPACT_GRID:
        if cell:
            raise ValidationError("Only impact-grid answers have cells.")
        return
    categories, horizons = grid_cells(assessment.plan)
    valid = {cell_key(c.key, h) for c in categories for h in horizons}
    if cell not in valid:
        raise ValidationError(f"“{cell}” is not a cell of this plan's impact grid.")


def _mark_in_progress(assessment: Assessment, user: Any) -> None:
    if assessment.state in (AssessmentState.NOT_STARTED, AssessmentState.RETURNED):
        save_locked(assessment, changes={"state": AssessmentState.IN_PROGRESS})


def answer_write_rule(instance: Any) -> None:
    """On every write path: an answer of a submitted, approved or superseded BIA is locked."""
    assessment = Assessment.objects.get(pk=instance.assessment_id)
    if not assessment.is_editable or not assessment.is_current:
        raise ValidationError(_locked_message(assessment))


def assessment_write_rule(instance: Any) -> None:
    """On every write path: an approved or superseded BIA is not rewritten (start a revision)."""
    stored = Assessment.objects.filter(pk=instance.pk).first()
    if stored is not None and (stored.state == AssessmentState.APPROVED or not stored.is_current):
        raise ValidationError(_locked_message(stored))


def _locked_message(assessment: Assessment) -> str:
    if assessment.state == AssessmentState.APPROVED:
        return "This BIA is approved and locked. Start a new revision to change it."
    if assessment.state == AssessmentState.SUBMITTED:
        return "This BIA is submitted and waits for review; it cannot be changed now."
    return "This revision is superseded; open the current revision."


@transaction.atomic
def answer_save(
    *,
    assessment: Assessment,
    question: Question,
    raw: Sequence[str],
    user: Any,
    expected_version: int | None,
    cell: str = "",
    source_interview: Interview | None = None,
    source_workshop: Workshop | None = None,
    cite: bool = False,
    reason: str = "",
) -> Answer:
    """Save one answer (or one grid cell) if nobody changed it since ``expected_version``.

    ``expected_version`` 0 means "I saw no answer yet"; ``None`` (the caller sent no
    usable version) is a conflict once an answer exists.
    Saving the value that is already stored changes nothing and never conflicts.
    With ``cite`` the answer's source is set to the given interview or workshop (or none).
    """
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if not assessment.is_editable or not assessment.is_current:
        raise ValidationError(_locked_message(assessment))
    if question.section.template_id != assessment.template_id:
        raise ValidationError("That question belongs to another questionnaire revision.")
    _check_cell(assessment, question, cell)
    value = clean_answer(question, raw, cell=cell)
    for source in (source_interview, source_workshop):
        if source is not None and source.plan_id != assessment.plan_id:
            raise ValidationError("Cite an interview or workshop of this plan.")
    label = question.text if not cell else f"{question.text} [{cell}]"
    with change_context(user=user, reason=reason or f"Answered “{label[:200]}”"):
        existing = Answer.objects.filter(
            assessment=assessment, question=question, cell=cell
        ).first()
        if existing is None:
            try:
                with transaction.atomic():
                    answer = Answer.objects.create(
                        assessment=assessment,
                        question=question,
                        cell=cell,
                        value=value,
                        source_interview=source_interview,
                        source_workshop=source_workshop,
                        answered_by=user,
                    )
            except IntegrityError:
                # Someone created it between our read and our write: compare with theirs.
                existing = Answer.objects.get(assessment=assessment, question=question, cell=cell)
            else:
                _mark_in_progress(assessment, user)
                return answer
        cite = cite or source_interview is not None or source_workshop is not None
        same_source = existing.source_interview_id == getattr(
            source_interview, "pk", None
        ) and existing.source_workshop_id == getattr(source_workshop, "pk", None)
        if existing.value == value and (not cite or same_source):
            return existing
        changes: dict[str, Any] = {"value": value, "answered_by": user}
        if cite:
            changes["source_interview"] = source_interview
            changes["source_workshop"] = source_workshop
        updated = _saved(existing, expected_version=expected_version, changes=changes)
        _mark_in_progress(assessment, user)
    assert isinstance(updated, Answer)
    return updated


def missing_required(assessment: Assessment) -> list[Question]:
    questions = list(
        Question.objects.filter(section__template=assessment.template, required=True).order_by(
            "section__order", "order", "pk"
        )
    )
    answers = list(Answer.objects.filter(assessment=assessment, value__isnull=False))
    answered: dict[int, set[str]] = {}
    for answer in answers:
        if answer.value not in (None, "", []):
            answered.setdefault(answer.question_id, set()).add(answer.cell)
    categories, horizons = grid_cells(assessment.plan)
    missing = []
    for q in questions:
        cells = answered.get(q.pk, set())
        if q.qtype == QuestionType.IMPACT_GRID:
            needed = {cell_key(c.key, h) for c in categories for h in horizons}
            if not needed or not needed <= cells:
                missing.append(q)
        elif not cells:
            missing.append(q)
    return missing


def _locked_assessment(assessment: Assessment) -> Assessment:
    """Re-read under the row lock: a state transition is decided on the stored state."""
    return Assessment.objects.select_for_update().get(pk=assessment.pk)


@transaction.atomic
def assessment_submit(*, assessment: Assessment, user: Any, site: str = "") -> Assessment:
    """Submit for review. A transition checked on the locked row, so it needs no version:
    a BIA that was meanwhile submitted, approved or superseded is refused by its state.

    The plan's managers are emailed once the submission commits (``site`` makes the
    link absolute)."""
    assessment = _locked_assessment(assessment)
    if not assessment.is_editable or not assessment.is_current:
        raise ValidationError(_locked_message(assessment))
    missing = missing_required(assessment)
    if missing:
        raise MissingAnswers(missing)
    with change_context(user=user, reason="BIA submitted for review"):
        updated = save_locked(
            assessment,
            changes={
                "state": AssessmentState.SUBMITTED,
                "submitted_at": timezone.now(),
                "submitted_by": user,
                "return_comment": "",
            },
        )
    assert isinstance(updated, Assessment)
    _notify_submitted(updated, user=user, site=site)
    _inputs_changed(updated.plan, user)
    return updated


def _inputs_changed(plan: Plan, user: Any) -> None:
    """Reviewed answers feed the analysis: check which functions' figures moved."""
    from review.services import review_check_request

    review_check_request(plan=plan, user=user)


def _notify_submitted(assessment: Assessment, *, user: Any, site: str) -> None:
    from bcp.notifications import Notice, managers_notify

    plan, function = assessment.plan, assessment.function
    who = user.get_full_name() or user.get_username()
    managers_notify(
        plan=plan,
        actor=user,
        site=site,
        notice=Notice(
            plan_pk=plan.pk,
            plan_name=plan.name,
            subject=f"BIA of {function.name} submitted for review",
            body=(
                f"{who} submitted the business impact analysis of “{function.name}” "
                f"(revision {assessment.revision}). It waits for a manager to approve it "
                f"or return it with a comment."
            ),
            path=reverse(
                "bia_assessment", kwargs={"plan_pk": plan.pk, "assessment_pk": assessment.pk}
            ),
            kind=Kind.BIA_SUBMITTED,
        ),
    )


@transaction.atomic
def assessment_approve(*, assessment: Assessment, user: Any, reason: str = "") -> Assessment:
    assessment = _locked_assessment(assessment)
    if assessment.state != AssessmentState.SUBMITTED:
        raise ValidationError("Only a submitted BIA can be approved.")
    with change_context(user=user, reason=reason or "BIA approved"):
        updated = save_locked(
            assessment,
            changes={
                "state": AssessmentState.APPROVED,
                "approved_at": timezone.now(),
                "approved_by": user,
            },
        )
    assert isinstance(updated, Assessment)
    _inputs_changed(updated.plan, user)
    notices.decided_notify(assessment=updated, user=user, kind=Kind.BIA_APPROVED)
    return updated


@transaction.atomic
def assessment_return(*, assessment: Assessment, user: Any, comment: str) -> Assessment:
    assessment = _locked_assessment(assessment)
    if assessment.state != AssessmentState.SUBMITTED:
        raise ValidationError("Only a submitted BIA can be returned.")
    if not check_text(comment, field="comment").strip():
        raise ValidationError({"comment": "Say what needs to change, for the owner."})
    with change_context(user=user, reason=f"BIA returned: {comment.strip()[:200]}"):
        updated = save_locked(
            assessment,
            changes={"state": AssessmentState.RETURNED, "return_comment": comment.strip()},
        )
    assert isinstance(updated, Assessment)
    notices.decided_notify(assessment=updated, user=user, kind=Kind.BIA_RETURNED)
    return updated


def _copy_answers(source: Assessment, target: Assessment) -> None:
    by_key = {q.key: q for q in Question.objects.filter(section__template=target.template)}
    for answer in source.answers.select_related("question"):
        question = by_key.get(answer.question.key)
        if question is None or question.qtype != answer.question.qtype:
            continue
        Answer.objects.create(
            assessment=target,
            question=question,
            cell=answer.cell,
            value=answer.value,
            source_interview=answer.source_interview,
            source_workshop=answer.source_workshop,
            answered_by=answer.answered_by,
        )


def _start(
    *,
    function: BusinessFunction,
    template: QuestionnaireTemplate,
    campaign: Campaign | None,
    due_date: datetime.date | None,
) -> Assessment:
    """The function's next BIA revision, pre-filled from the current one, which it supersedes."""
    current = (
        Assessment.objects.select_for_update()
        .filter(function=function, is_current=True)
        .order_by("-revision")
        .first()
    )
    last = Assessment.objects.filter(function=function).order_by("-revision").first()
    assessment = Assessment.objects.create(
        plan=function.plan,
        function=function,
        campaign=campaign,
        template=template,
        revision=(last.revision + 1) if last else 1,
        previous=current,
        due_date=due_date,
        state=AssessmentState.IN_PROGRESS if current else AssessmentState.NOT_STARTED,
    )
    if current is not None:
        save_locked(current, changes={"is_current": False})
        _copy_answers(current, assessment)
    return assessment


@transaction.atomic
def assessment_revise(*, assessment: Assessment, user: Any, reason: str = "") -> Assessment:
    """Open a new revision of an approved BIA; the approved one stays as it was, in history."""
    check_text(reason, field="reason")
    if not assessment.is_current:
        raise ValidationError("Only the current revision can be revised.")
    if assessment.state != AssessmentState.APPROVED:
        raise ValidationError("Only an approved BIA needs a new revision; this one is editable.")
    with change_context(user=user, reason=reason or "New BIA revision started"):
        return _start(
            function=assessment.function,
            template=assessment.template,
            campaign=assessment.campaign,
            due_date=assessment.due_date,
        )


def _absolute(base_url: str, path: str) -> str:
    return base_url.rstrip("/") + path


def _send_invitation(
    *, owner: Any, assessments: list[Assessment], subject: str, intro: str, base_url: str
) -> None:
    lines = [f"Hello {owner.get_full_name() or owner.get_username()},", "", intro, ""]
    for a in assessments:
        due = f" (due {a.due_date:%d %b %Y})" if a.due_date else ""
        lines.append(f"- {a.function.name}{due}: {_absolute(base_url, a.get_absolute_url())}")
    lines += ["", "Thank you.", "Continuity"]
    EmailMessage(
        subject=subject,
        body="\n".join(lines),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[owner.email],
    ).send()


@transaction.atomic
def campaign_send(
    *,
    plan: Plan,
    user: Any,
    name: str,
    template: QuestionnaireTemplate,
    due_date: datetime.date,
    functions: Iterable[BusinessFunction],
    message: str = "",
    base_url: str = "",
    notify: bool = True,
    reason: str = "",
) -> Campaign:
    """Start a BIA round: one new assessment per function, and an email to each owner."""
    chosen = list(functions)
    if not chosen:
        raise ValidationError({"functions": "Choose at least one function."})
    ownerless = [f.name for f in chosen if f.owner_id is None]
    if ownerless:
        raise ValidationError(
            {"functions": f"Give these functions an owner first: {', '.join(ownerless)}."}
        )
    if template.plan_id != plan.pk:
        raise ValidationError({"template": "Choose a questionnaire of this plan."})
    if due_date < timezone.localdate():
        raise ValidationError({"due_date": "The due date is in the past."})
    impact_scales_ensure(plan=plan, user=user)
    with change_context(user=user, reason=reason or f"BIA campaign “{name}” sent"):
        campaign = Campaign.objects.create(
            plan=plan,
            name=name.strip(),
            template=template,
            due_date=due_date,
            message=message,
            created_by=user if getattr(user, "is_authenticated", False) else None,
        )
        per_owner: dict[int, list[Assessment]] = {}
        owners: dict[int, Any] = {}
        for function in chosen:
            assessment = _start(
                function=function, template=template, campaign=campaign, due_date=due_date
            )
            per_owner.setdefault(function.owner_id, []).append(assessment)  # type: ignore[arg-type]
            owners[function.owner_id] = function.owner  # type: ignore[index]
    intro = message.strip() or (
        f"Please answer the business impact analysis for the functions you own by "
        f"{due_date:%d %b %Y}."
    )
    for owner_id, assessments in per_owner.items():
        if notify:
            notices.assigned_notify(
                plan=plan,
                owner=owners[owner_id],
                assessments=assessments,
                campaign_name=campaign.name,
                intro=intro,
                site=base_url,
            )
    return campaign


@transaction.atomic
def assessment_remind(*, assessments: Iterable[Assessment], user: Any, base_url: str = "") -> int:
    """Email each owner a reminder for their unfinished BIAs; returns how many were reminded."""
    pending = [
        a
        for a in assessments
        if a.state in EDITABLE_STATES and a.is_current and a.function.owner is not None
    ]
    per_owner: dict[int, list[Assessment]] = {}
    with change_context(user=user, reason="Reminder sent"):
        for a in pending:
            save_locked(a, changes={"reminded_at": timezone.now()})
            per_owner.setdefault(a.function.owner_id, []).append(a)  # type: ignore[arg-type]
    for items in per_owner.values():
        owner = items[0].function.owner
        if owner is not None and owner.email:
            _send_invitation(
                owner=owner,
                assessments=items,
                subject=f"[{items[0].plan.name}] Reminder: business impact analysis",
                intro="A reminder: these business impact analyses still need your answers.",
                base_url=base_url,
            )
    return len(pending)


# --- interviews and workshops ------------------------------------------------------------


@transaction.atomic
def interview_create(
    *,
    plan: Plan,
    user: Any,
    function: BusinessFunction,
    interviewee: str,
    held_at: datetime.datetime,
    notes: str = "",
    interviewer: Any = None,
    reason: str = "",
) -> Interview:
    if function.plan_id != plan.pk:
        raise ValidationError({"function": "Choose a function of this plan."})
    with change_context(user=user, reason=reason or f"Interview with {interviewee} recorded"):
        interview = Interview(
            plan=plan,
            function=function,
            interviewee=interviewee.strip(),
            interviewer=interviewer or user,
            held_at=held_at,
            notes=notes,
        )
        interview.full_clean()
        interview.save()
    return interview


@transaction.atomic
def interview_update(
    *,
    interview: Interview,
    user: Any,
    expected_version: int | None,
    reason: str = "",
    ticket: str = "",
    **changes: Any,
) -> Interview:
    unknown = set(changes) - set(INTERVIEW_EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not editable: {', '.join(sorted(unknown))}")
    with change_context(user=user, reason=reason or "Interview edited", ticket=ticket):
        updated = _saved(interview, expected_version=expected_version, changes=changes)
    assert isinstance(updated, Interview)
    return updated


@transaction.atomic
def workshop_create(
    *,
    plan: Plan,
    user: Any,
    title: str,
    held_on: datetime.date,
    functions: Iterable[BusinessFunction],
    attendees: str = "",
    reason: str = "",
) -> Workshop:
    """Create a workshop; functions without an open BIA get one to fill in during it."""
    chosen = list(functions)
    if not chosen:
        raise ValidationError({"functions": "Choose at least one function to workshop."})
    template = (
        QuestionnaireTemplate.objects.filter(plan=plan, is_latest=True).order_by("pk").first()
    )
    if template is None:
        raise ValidationError("Create a questionnaire before running a workshop.")
    impact_scales_ensure(plan=plan, user=user)
    with change_context(user=user, reason=reason or f"Workshop “{title}” planned"):
        workshop = Workshop.objects.create(
            plan=plan, title=title.strip(), held_on=held_on, facilitator=user, attendees=attendees
        )
        for function in chosen:
            WorkshopFunction.objects.create(workshop=workshop, function=function)
            if not Assessment.objects.filter(function=function, is_current=True).exists():
                _start(function=function, template=template, campaign=None, due_date=None)
    return workshop


@transaction.atomic
def workshop_update_field(
    *,
    workshop: Workshop,
    user: Any,
    field: str,
    value: str,
    expected_version: int | None,
    original: str | None,
) -> Workshop:
    """Autosave one text field of the workshop screen.

    The version guards the whole record, but two people typing in *different* fields
    should not collide: when the version moved on and this field still holds the text
    the user started from, the other change touched another field and we save.
    """
    if field not in WORKSHOP_AUTOSAVE_FIELDS:
        raise ValueError(f"Not an autosaved field: {field}")
    check_text(value, field=field)
    current = Workshop.objects.select_for_update().get(pk=workshop.pk)
    if (
        expected_version is not None
        and expected_version != current.version
        and original is not None
        and getattr(current, field) == original
    ):
        expected_version = current.version
    if getattr(current, field) == value:
        return current
    with change_context(user=user, reason=f"Workshop {field} edited"):
        try:
            updated = _saved(current, expected_version=expected_version, changes={field: value})
        except EditConflict as exc:
            # Name whoever wrote this field, not whoever last touched another one.
            who, when = _who_set(exc.instance, field)
            raise EditConflict(
                instance=exc.instance,
                changed_by=who,
                changed_at=when,
                differences=exc.differences,
                current_version=exc.current_version,
            ) from None
    assert isinstance(updated, Workshop)
    return updated


def _who_set(instance: Any, field: str) -> tuple[str, datetime.datetime | None]:
    """The user and time of the change that gave ``field`` its current value."""
    current = getattr(instance, field)
    setter = None
    for record in instance.history.select_related("history_user").order_by("-history_id")[:50]:
        if getattr(record, field) != current:
            break
        setter = record
    if setter is None:
        return "another user", None
    person = setter.history_user
    name = (person.get_full_name() or person.get_username()) if person else "the system"
    return name, setter.history_date


@transaction.atomic
def action_add(
    *,
    workshop: Workshop,
    user: Any,
    text: str,
    owner: Any = None,
    due_date: datetime.date | None = None,
) -> ActionItem:
    if not text.strip():
        raise ValidationError({"text": "Say what needs to be done."})
    with change_context(user=user, reason="Workshop action recorded"):
        action = ActionItem.objects.create(
            workshop=workshop, text=text.strip(), owner=owner, due_date=due_date
        )
    return action


@transaction.atomic
def action_set_done(
    *, action: ActionItem, user: Any, done: bool, expected_version: int | None
) -> ActionItem:
    with change_context(user=user, reason="Action " + ("done" if done else "reopened")):
        updated = _saved(action, expected_version=expected_version, changes={"done": done})
    assert isinstance(updated, ActionItem)
    return updated
