"""BIA assessment life cycle: submit, approve, return, and new revisions.

Each write runs inside ``change_context`` so history names who and why.
"""

from __future__ import annotations

import datetime

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from bcp.concurrency import save_locked
from bcp.history import change_context
from bcp.models import Plan
from bcp.notifications import Notice, managers_notify
from bia.models import (
    Answer,
    Assessment,
    AssessmentState,
    BusinessFunction,
    Campaign,
    Question,
    QuestionnaireTemplate,
)
from bia.notices import decided_notify
from bia.services.answers import locked_message, missing_required
from bia.services.common import check_text
from notifications.models import Kind
from review.services import review_check_request


class MissingAnswers(ValidationError):
    """A submission lacks answers to required questions; ``questions`` names them."""

    def __init__(self, questions: list[Question]) -> None:
        self.questions = questions
        names = "; ".join(f"“{q.text}”" for q in questions)
        super().__init__(f"Answer these required questions before submitting: {names}.")


def _locked_assessment(assessment: Assessment) -> Assessment:
    """Re-read under the row lock: a state transition is decided on the stored state."""
    return Assessment.objects.select_for_update().get(pk=assessment.pk)


@transaction.atomic
def assessment_submit(*, assessment: Assessment, user: User, site: str = "") -> Assessment:
    """Submit for review. A transition checked on the locked row, so it needs no version:
    a BIA that was meanwhile submitted, approved or superseded is refused by its state.

    The plan's managers are emailed once the submission commits (``site`` makes the
    link absolute)."""
    assessment = _locked_assessment(assessment)
    if not assessment.is_editable or not assessment.is_current:
        raise ValidationError(locked_message(assessment))
    missing = missing_required(assessment)
    if missing:
        raise MissingAnswers(missing)
    changes = {
        "state": AssessmentState.SUBMITTED,
        "submitted_at": timezone.now(),
        "submitted_by": user,
        "return_comment": "",
    }
    updated = _assessment_move(
        assessment, user=user, reason="BIA submitted for review", changes=changes
    )
    _notify_submitted(updated, user=user, site=site)
    _inputs_changed(updated.plan, user)
    return updated


def _assessment_move(
    assessment: Assessment, *, user: User, reason: str, changes: dict[str, object]
) -> Assessment:
    """Move a BIA along its review (the service decides, so no version check), in history
    under ``user`` and ``reason``."""
    with change_context(user=user, reason=reason):
        updated = save_locked(assessment, changes=changes)
    assert isinstance(updated, Assessment)
    return updated


def _inputs_changed(plan: Plan, user: User) -> None:
    """Reviewed answers feed the analysis: check which functions' figures moved."""
    review_check_request(plan=plan, user=user)


def _notify_submitted(assessment: Assessment, *, user: User, site: str) -> None:
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
def assessment_approve(*, assessment: Assessment, user: User, reason: str = "") -> Assessment:
    assessment = _locked_assessment(assessment)
    if assessment.state != AssessmentState.SUBMITTED:
        raise ValidationError("Only a submitted BIA can be approved.")
    changes = {
        "state": AssessmentState.APPROVED,
        "approved_at": timezone.now(),
        "approved_by": user,
    }
    updated = _assessment_move(
        assessment, user=user, reason=reason or "BIA approved", changes=changes
    )
    _inputs_changed(updated.plan, user)
    decided_notify(assessment=updated, user=user, kind=Kind.BIA_APPROVED)
    return updated


@transaction.atomic
def assessment_return(*, assessment: Assessment, user: User, comment: str) -> Assessment:
    assessment = _locked_assessment(assessment)
    if assessment.state != AssessmentState.SUBMITTED:
        raise ValidationError("Only a submitted BIA can be returned.")
    if not check_text(comment, field="comment").strip():
        raise ValidationError({"comment": "Say what needs to change, for the owner."})
    updated = _assessment_move(
        assessment,
        user=user,
        reason=f"BIA returned: {comment.strip()[:200]}",
        changes={"state": AssessmentState.RETURNED, "return_comment": comment.strip()},
    )
    decided_notify(assessment=updated, user=user, kind=Kind.BIA_RETURNED)
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


def assessment_start_next(
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
def assessment_revise(*, assessment: Assessment, user: User, reason: str = "") -> Assessment:
    """Open a new revision of an approved BIA; the approved one stays as it was, in history."""
    check_text(reason, field="reason")
    if not assessment.is_current:
        raise ValidationError("Only the current revision can be revised.")
    if assessment.state != AssessmentState.APPROVED:
        raise ValidationError("Only an approved BIA needs a new revision; this one is editable.")
    with change_context(user=user, reason=reason or "New BIA revision started"):
        return assessment_start_next(
            function=assessment.function,
            template=assessment.template,
            campaign=assessment.campaign,
            due_date=assessment.due_date,
        )
