"""The plan overview as the plan's dashboard: what changed since the published version,
the next deadlines, and what each member still has to do.

Reads only, each part in a fixed number of queries for the plan.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.urls import reverse

from bcp.models import Membership, Plan
from bia.models import EDITABLE_STATES, Assessment, AssessmentState, Campaign
from documents.changes import ChangeSummary, change_summary, latest_data_change
from documents.models import Exercise, PlanVersion, SignOffRequest
from incidents.models import ExerciseSchedule
from review.models import ReviewTask

# How many deadlines the overview lists (the pages they link to have the rest).
DEADLINES_SHOWN = 8


@dataclass(frozen=True)
class Deadline:
    day: datetime.date
    what: str
    url: str
    # The page behind it is for managers and auditors (a stakeholder sees the words only).
    for_overseers: bool = False

    def overdue(self, today: datetime.date) -> bool:
        return self.day < today


@dataclass(frozen=True)
class Todo:
    """One thing a member has to do; its link is followed by that member, or by a manager
    or auditor (another stakeholder may not open someone else's BIA or sign-off)."""

    text: str
    url: str
    due: datetime.date | None = None


@dataclass
class MemberTodos:
    membership: Membership
    todos: list[Todo] = field(default_factory=list)


@dataclass(frozen=True)
class PublishedChanges:
    """What changed since the newest version (``summary`` None: nothing published)."""

    number: int | None
    summary: ChangeSummary | None


def _url(name: str, plan: Plan, **kwargs: int) -> str:
    return reverse(name, kwargs={"plan_pk": plan.pk, **kwargs})


def changes_since_published(plan: Plan) -> PublishedChanges:
    """The change summary (counts per kind, a few spelled out) since the newest version."""

    version = (
        PlanVersion.objects.filter(plan=plan)
        .exclude(history_seq=None)
        .order_by("-number")
        .only("number", "history_seq", "published_at")
        .first()
    )
    if version is None or version.history_seq is None:
        return PublishedChanges(None, None)
    latest = latest_data_change(plan)
    if latest is None or latest <= version.history_seq:
        return PublishedChanges(version.number, None)
    summary = change_summary(
        plan,
        since_seq=version.history_seq,
        until_seq=latest,
        previous_number=version.number,
        since=f"{version.published_at:%Y-%m-%d}",
    )
    return PublishedChanges(version.number, summary)


def deadlines(plan: Plan, *, today: datetime.date) -> list[Deadline]:
    """The plan's next dates, soonest first: its review, open BIA campaigns, pending
    sign-offs, scheduled exercises (overdue ones included, since they are still to do)."""

    found = [
        Deadline(
            plan.next_review, "Review of the whole plan", plan.get_absolute_url() + "#plan-review"
        )
    ]
    for campaign in Campaign.objects.filter(plan=plan, status=Campaign.Status.OPEN).order_by(
        "due_date"
    )[:DEADLINES_SHOWN]:
        found.append(
            Deadline(
                campaign.due_date,
                f"BIA campaign “{campaign.name}” closes",
                _url("bia_campaign_detail", plan, campaign_pk=campaign.pk),
                for_overseers=True,
            )
        )
    for request in (
        SignOffRequest.objects.filter(plan_version__plan=plan, status=SignOffRequest.Status.PENDING)
        .select_related("plan_version", "stakeholder")
        .order_by("due_date")[:DEADLINES_SHOWN]
    ):
        who = request.stakeholder.get_full_name() or request.stakeholder.get_username()
        found.append(
            Deadline(
                request.due_date,
                f"Sign-off of version {request.plan_version.number} by {who}",
                _url("version_detail", plan, version_pk=request.plan_version_id),
            )
        )
    for schedule in (
        ExerciseSchedule.objects.filter(plan=plan)
        .select_related("function")
        .order_by("next_due")[:DEADLINES_SHOWN]
    ):
        found.append(
            Deadline(
                schedule.next_due,
                f"Recovery exercise of {schedule.function.name}",
                _url("exercise_schedule", plan),
            )
        )
    for exercise in Exercise.objects.filter(
        plan=plan, outcome=Exercise.Outcome.PLANNED, scheduled_for__gte=today
    ).order_by("scheduled_for")[:DEADLINES_SHOWN]:
        found.append(
            Deadline(
                exercise.scheduled_for, f"Exercise “{exercise.title}”", _url("exercise_list", plan)
            )
        )
    return sorted(found, key=lambda d: (d.day, d.what))[:DEADLINES_SHOWN]


def member_todos(plan: Plan, members: list[Membership]) -> list[MemberTodos]:
    """What each member still has to do on the plan: BIAs to answer, submitted BIAs to
    approve (managers), sign-offs to decide and reviews to confirm."""

    by_user = {m.user_id: MemberTodos(m) for m in members}
    for assessment in Assessment.objects.filter(
        plan=plan, is_current=True, state__in=EDITABLE_STATES, function__owner__isnull=False
    ).select_related("function"):
        owner = by_user.get(assessment.function.owner_id or 0)
        if owner is not None:
            verb = "Revise" if assessment.state == AssessmentState.RETURNED else "Answer"
            owner.todos.append(
                Todo(
                    f"{verb} the BIA of {assessment.function.name}",
                    _url("bia_assessment", plan, assessment_pk=assessment.pk),
                    assessment.due_date,
                )
            )
    submitted = Assessment.objects.filter(
        plan=plan, is_current=True, state=AssessmentState.SUBMITTED
    ).count()
    for request in SignOffRequest.objects.filter(
        plan_version__plan=plan, status=SignOffRequest.Status.PENDING
    ).select_related("plan_version"):
        who = by_user.get(request.stakeholder_id)
        if who is not None:
            who.todos.append(
                Todo(
                    f"Decide the sign-off of version {request.plan_version.number}",
                    _url("signoff_detail", plan, signoff_pk=request.pk),
                    request.due_date,
                )
            )
    for task in ReviewTask.objects.filter(plan=plan, status=ReviewTask.Status.OPEN).select_related(
        "function"
    ):
        who = by_user.get(task.owner_id or 0)
        if who is not None:
            who.todos.append(
                Todo(
                    f"Confirm the BIA of {task.function.name} still holds", task.get_absolute_url()
                )
            )
    if submitted:
        plural = "s" if submitted > 1 else ""
        for entry in by_user.values():
            if entry.membership.role == "manager":
                entry.todos.append(
                    Todo(
                        f"Approve or return {submitted} submitted BIA{plural}",
                        _url("bia_campaign_list", plan),
                    )
                )
    return list(by_user.values())
