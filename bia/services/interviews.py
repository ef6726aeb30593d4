"""Writes of interviews held with function owners.

Each write runs inside ``change_context`` so history names who and why.
"""

from __future__ import annotations

import datetime
from typing import TypedDict, Unpack

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction

from bcp.concurrency import check_editable
from bcp.models import Plan
from bia.models import BusinessFunction, Interview
from bia.services.common import record_add, record_edit

INTERVIEW_EDITABLE_FIELDS = ("function", "interviewee", "interviewer", "held_at", "notes")


class InterviewChanges(TypedDict, total=False):
    """The editable fields of an interview, as ``interview_update`` takes them."""

    function: BusinessFunction
    interviewee: str
    interviewer: User | None
    held_at: datetime.datetime
    notes: str


@transaction.atomic
def interview_create(
    *,
    plan: Plan,
    user: User,
    function: BusinessFunction,
    interviewee: str,
    held_at: datetime.datetime,
    notes: str = "",
    interviewer: User | None = None,
    reason: str = "",
) -> Interview:
    if function.plan_id != plan.pk:
        raise ValidationError({"function": "Choose a function of this plan."})
    interview = Interview(
        plan=plan,
        function=function,
        interviewee=interviewee.strip(),
        interviewer=interviewer or user,
        held_at=held_at,
        notes=notes,
    )
    return record_add(
        interview, user=user, reason=reason or f"Interview with {interviewee} recorded"
    )


@transaction.atomic
def interview_update(
    *,
    interview: Interview,
    user: User,
    expected_version: int | None,
    reason: str = "",
    ticket: str = "",
    **changes: Unpack[InterviewChanges],
) -> Interview:
    check_editable(changes, INTERVIEW_EDITABLE_FIELDS)
    return record_edit(
        interview,
        user=user,
        expected_version=expected_version,
        changes=changes,
        reason=reason or "Interview edited",
        ticket=ticket,
    )
