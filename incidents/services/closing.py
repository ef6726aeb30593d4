"""Closing an incident: follow-up actions, then the close with its consequences.

A closed incident charges its downtime to the budgets (an exercise moves the exercise
schedules on instead) and queues its after-action report.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from analysis.services import incident_record
from bcp.concurrency import save_if_current
from bcp.history import change_context
from bcp.models import Membership
from incidents.exercises import schedules_after_exercise
from incidents.models import FollowUpAction, FunctionState, Incident, IncidentFunction, Kind
from incidents.reports import report_request
from incidents.services.rules import MAX_TEXT, kind_label, locked_change, require_open


@transaction.atomic
def action_add(
    *, incident: Incident, user: User, description: str, owner: User, due_on: dt.date
) -> FollowUpAction:
    if not description.strip():
        raise ValidationError({"description": "Say what has to change."})

    if not Membership.objects.filter(plan=incident.plan, user=owner).exists():
        raise ValidationError({"owner": "The owner must be a member of this plan."})
    with change_context(user=user, reason="Follow-up action recorded"):
        return FollowUpAction.objects.create(
            incident=incident,
            description=description.strip()[:MAX_TEXT],
            owner=owner,
            due_on=due_on,
        )


@transaction.atomic
def incident_close(
    *,
    incident: Incident,
    user: User,
    expected_version: int | None,
    summary: str,
    lessons: str,
    now: dt.datetime | None = None,
    render_report: bool = True,
) -> Incident:
    """Close the incident once every affected function has a restoration time.

    A real incident's downtime (start → restoration of each function that was down) is
    charged to the downtime budgets through the analysis app; an exercise's is not, and
    an exercise moves the exercised functions' schedules on. Refused, changing nothing,
    while any function is not yet restored. The final after-action report is queued for
    the worker unless ``render_report`` is false (demo data, which leaves no work queued).
    """
    current = Incident.objects.select_for_update().get(pk=incident.pk)
    require_open(current)
    now = now or timezone.now()
    functions = list(IncidentFunction.objects.filter(incident=current).select_related("function"))
    pending = [f.name for f in functions if f.restored_at is None]
    if pending:
        raise ValidationError(
            "Record when each function was restored before closing; not yet restored: "
            + ", ".join(pending)
            + "."
        )
    label = kind_label(current.kind)
    with change_context(user=user, reason=f"{label} closed"):
        closed = save_if_current(
            current,
            expected_version=expected_version,
            changes={
                "status": Incident.Status.CLOSED,
                "closed_at": now,
                "closed_by": user,
                "summary": summary.strip()[: MAX_TEXT * 4],
                "lessons": lessons.strip()[: MAX_TEXT * 4],
            },
        )
    assert isinstance(closed, Incident)
    if closed.kind == Kind.INCIDENT:
        closed = _charge_budgets(closed, functions, user=user)
    else:
        schedules_after_exercise(incident=closed, user=user, functions=functions)
    if render_report:
        report_request(incident=closed, user=user)
    return closed


def _charge_budgets(
    incident: Incident, functions: list[IncidentFunction], *, user: User
) -> Incident:
    """One analysis incident record per function that was down, so budgets spend it."""

    for entry in functions:
        if entry.state_at_start != FunctionState.DOWN or entry.restored_at is None:
            continue
        incident_record(
            plan=incident.plan,
            user=user,
            reason=f"Downtime of incident #{incident.pk} charged",
            function=entry.function,
            kind="incident",
            title=incident.title[:200],
            started_at=incident.started_at,
            ended_at=max(entry.restored_at, incident.started_at),
            data_lost_minutes=entry.data_lost_minutes,
            counts_against_budget=True,
            notes=f"Recorded from incident #{incident.pk}: {', '.join(entry.because_at_start)}",
        )
    return locked_change(
        incident, {"budget_charged": True}, user=user, reason="Downtime charged to the budgets"
    )
