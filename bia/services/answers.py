"""Writes of BIA answers: cleaning a submitted value and saving it against its version.

Each write runs inside ``change_context`` so history names who and why.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction

from bcp.concurrency import save_if_current, save_locked
from bcp.history import change_context
from bia.durations import parse_duration_hours
from bia.models import (
    Answer,
    Assessment,
    AssessmentState,
    Interview,
    Question,
    QuestionType,
    Workshop,
)
from bia.services.common import cell_key, check_text
from bia.services.scales import LEVELS, grid_cells

# What one answer (or one impact-grid cell) stores once cleaned; None clears it.
AnswerValue = str | bool | float | int | list[str] | None


def clean_answer(question: Question, raw: Sequence[str], *, cell: str = "") -> AnswerValue:
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


def _mark_in_progress(assessment: Assessment, user: User) -> None:
    if assessment.state in (AssessmentState.NOT_STARTED, AssessmentState.RETURNED):
        save_locked(assessment, changes={"state": AssessmentState.IN_PROGRESS})


def answer_write_rule(instance: models.Model) -> None:
    """On every write path: an answer of a submitted, approved or superseded BIA is locked."""
    assert isinstance(instance, Answer)
    assessment = Assessment.objects.get(pk=instance.assessment_id)
    if not assessment.is_editable or not assessment.is_current:
        raise ValidationError(locked_message(assessment))


def assessment_write_rule(instance: models.Model) -> None:
    """On every write path: an approved or superseded BIA is not rewritten (start a revision)."""
    stored = Assessment.objects.filter(pk=instance.pk).first()
    if stored is not None and (stored.state == AssessmentState.APPROVED or not stored.is_current):
        raise ValidationError(locked_message(stored))


def locked_message(assessment: Assessment) -> str:
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
    user: User,
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
        raise ValidationError(locked_message(assessment))
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
        updated = save_if_current(existing, expected_version=expected_version, changes=changes)
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
