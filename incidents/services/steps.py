"""Working the recovery steps of an incident's affected functions.

State changes are checked against the row as it is under a lock (``select_for_update``),
so two people completing the same step at once get one success and one clear message,
never two completions.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from bcp.history import change_context
from incidents.models import IncidentFunction, IncidentStep
from incidents.services.rules import (
    MAX_TEXT,
    actor_can_edit,
    already_done,
    can_work_function,
    locked_change,
    locked_row,
    require_open,
)


def _step_to_work(
    step: IncidentStep, user: User, *, done: str = "was already completed", then: str = ""
) -> IncidentStep:
    """The step as it is now, locked until the transaction ends (only the step's row),
    once its incident is open, ``user`` may work it and it is not completed yet (refused
    as "Step <n> ``done`` by <who> at <hh:mm>``then``.")."""
    current = locked_row(
        IncidentStep, step.pk, "incident_function__incident__plan", "incident_function__function"
    )
    require_open(current.incident_function.incident)
    if not can_work_function(user, current.incident_function):
        raise PermissionDenied(
            f"Only managers and the owner of “{current.incident_function.name}” work its steps."
        )
    if current.completed_at is not None:
        raise already_done(
            f"Step {current.position} {done}", current.completed_by, current.completed_at, then
        )
    return current


@transaction.atomic
def step_assign(*, step: IncidentStep, user: User, assignee: User | None) -> IncidentStep:
    current = _step_to_work(step, user, done="was completed", then="; it cannot be reassigned")
    if (
        assignee is not None
        and assignee.pk != user.pk
        and not actor_can_edit(current.incident_function.incident, user)
    ):
        raise PermissionDenied("Stakeholders can take a step themselves, not assign others.")
    return locked_change(
        current, {"assignee": assignee}, user=user, reason=f"Step {current.position} assigned"
    )


@transaction.atomic
def step_start(*, step: IncidentStep, user: User, now: dt.datetime | None = None) -> IncidentStep:
    current = _step_to_work(step, user)
    if current.started_at is not None:
        raise already_done(
            f"Step {current.position} was already started", current.started_by, current.started_at
        )
    changes = {"started_at": now or timezone.now(), "started_by": user}
    return _step_mark(current, user=user, changes=changes, reason="started")


@transaction.atomic
def step_complete(
    *, step: IncidentStep, user: User, now: dt.datetime | None = None
) -> IncidentStep:
    """Mark a step done; a second completion is refused with who completed it and when."""
    current = _step_to_work(step, user, then="; nothing was changed")
    changes = {"completed_at": now or timezone.now(), "completed_by": user}
    return _step_mark(current, user=user, changes=changes, reason="completed")


def _step_mark(
    current: IncidentStep, *, user: User, changes: dict[str, object], reason: str
) -> IncidentStep:
    """Save a start or completion on the locked step; whoever marks an unassigned step
    takes it on."""
    if current.assignee_id is None:
        changes = {**changes, "assignee": user}
    return locked_change(current, changes, user=user, reason=f"Step {current.position} {reason}")


@transaction.atomic
def step_add(
    *,
    incident_function: IncidentFunction,
    user: User,
    instruction: str,
    owner_label: str = "",
    expected_minutes: int | None = None,
) -> IncidentStep:
    """A step nobody planned for, added while the incident runs."""
    require_open(incident_function.incident)
    if not can_work_function(user, incident_function):
        raise PermissionDenied(
            f"Only managers and the owner of “{incident_function.name}” add steps to it."
        )
    if not instruction.strip():
        raise ValidationError({"instruction": "Say what has to be done."})
    last = incident_function.steps.order_by("-position").first()
    with change_context(user=user, reason="Step added during the incident"):
        return IncidentStep.objects.create(
            incident_function=incident_function,
            position=(last.position + 1) if last else 1,
            instruction=instruction.strip()[:MAX_TEXT],
            owner_label=owner_label.strip()[:200],
            expected_minutes=expected_minutes,
            added_during_incident=True,
        )
