"""While an incident runs: the log, failed elements recovered, functions restored.

A recovered element makes the engine re-assess which functions are running again.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from analysis.inputs import load_inputs
from bcp.history import change_context
from incidents.impact import elements, plan_impact
from incidents.models import FunctionState, Incident, IncidentElement, IncidentFunction, LogEntry
from incidents.services.rules import (
    CLOCK_TOLERANCE,
    MAX_TEXT,
    already_done,
    locked_change,
    locked_row,
    require_open,
)


@transaction.atomic
def log_add(
    *, incident: Incident, user: User, kind: str, text: str, now: dt.datetime | None = None
) -> LogEntry:
    require_open(incident)
    if kind not in LogEntry.Kind.values:
        raise ValidationError({"kind": "Choose note, decision or status update."})
    if not text.strip():
        raise ValidationError({"text": "Write something to log."})
    with change_context(user=user, reason=f"Incident log: {LogEntry.Kind(kind).label}"):
        return LogEntry.objects.create(
            incident=incident,
            kind=kind,
            text=text.strip()[:MAX_TEXT],
            author=user,
            at=now or timezone.now(),
        )


@dataclass(frozen=True)
class Reassessment:
    """Functions whose state the engine changed, and failed elements it could not use."""

    changed: list[IncidentFunction]
    left_out: list[str]


@transaction.atomic
def incident_reassess(
    *, incident: Incident, user: User, now: dt.datetime | None = None
) -> Reassessment:
    """Ask the engine again with the elements still failed; record each function's state.

    A function the engine finds running again gets ``back_at`` (the first time). A failed
    element that has since been removed from the inventory cannot be evaluated: it is
    left out and named in ``left_out`` so the page can say so.
    """
    now = now or timezone.now()
    inputs = load_inputs(incident.plan)
    known = {e.key for e in elements(inputs.topology)}
    still = IncidentElement.objects.filter(incident=incident, recovered_at__isnull=True)
    left_out = [e.name for e in still if e.key not in known]
    impact = plan_impact(incident.plan, [e.key for e in still if e.key in known], inputs=inputs)
    changed: list[IncidentFunction] = []
    by_function = {f.function_id: f for f in impact.functions}
    for entry in IncidentFunction.objects.select_for_update().filter(incident=incident):
        current = by_function.get(entry.function_id)
        state = current.state if current is not None else FunctionState.UP
        because = list(current.because) if current is not None else []
        if state == entry.state and because == entry.because:
            continue
        changes: dict[str, object] = {"state": state, "because": because}
        if state == FunctionState.UP and entry.back_at is None:
            changes["back_at"] = now
        reason = f"Engine re-assessed: {entry.name} {state}"
        changed.append(locked_change(entry, changes, user=user, reason=reason))
    return Reassessment(changed=changed, left_out=left_out)


@transaction.atomic
def element_recover(
    *, element: IncidentElement, user: User, now: dt.datetime | None = None
) -> Reassessment:
    """Mark one failed element recovered and re-assess which functions are back."""
    current = locked_row(IncidentElement, element.pk, "incident__plan")
    require_open(current.incident)
    if current.recovered_at is not None:
        raise already_done(
            f"{current.name} was already marked recovered",
            current.recovered_by,
            current.recovered_at,
        )
    now = now or timezone.now()
    changes = {"recovered_at": now, "recovered_by": user}
    locked_change(current, changes, user=user, reason=f"{current.name} recovered")
    return incident_reassess(incident=current.incident, user=user, now=now)


@transaction.atomic
def function_restore(
    *,
    incident_function: IncidentFunction,
    user: User,
    restored_at: dt.datetime,
    data_lost_minutes: float | None,
    now: dt.datetime | None = None,
) -> IncidentFunction:
    """Record when a function was back in service and how much data it lost (RTA, RPA)."""
    current = locked_row(IncidentFunction, incident_function.pk, "incident")
    require_open(current.incident)
    now = now or timezone.now()
    errors: dict[str, str] = {}
    if restored_at < current.incident.started_at:
        errors["restored_at"] = "A function cannot be restored before the incident started."
    elif restored_at > now + CLOCK_TOLERANCE:
        errors["restored_at"] = "The restoration time cannot be in the future."
    if data_lost_minutes is not None and data_lost_minutes < 0:
        errors["data_lost_minutes"] = "Data lost is zero or more minutes."
    if errors:
        raise ValidationError(errors)
    restored = {
        "restored_at": restored_at,
        "restored_by": user,
        "data_lost_minutes": data_lost_minutes,
    }
    return locked_change(current, restored, user=user, reason=f"{current.name} restored")
