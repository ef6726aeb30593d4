"""Rules every incident write shares: who may work a function, and that closed is final.

Who may do what is decided in the services, not in templates: managers (the plan's *edit*
capability) declare, close, edit, mark elements recovered and work any step;
stakeholders work the steps of the functions they own (see :func:`can_work_function`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TypeVar

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from bcp.concurrency import save_locked
from bcp.history import change_context
from bcp.permissions import Capability, membership_for, plan_capabilities
from incidents.models import Incident, IncidentFunction, IncidentStep, Kind

# A start a little ahead of the server's clock is a clock difference, not the future.
CLOCK_TOLERANCE = dt.timedelta(minutes=2)
MAX_TEXT = 4_000

R = TypeVar("R", bound=models.Model)


def kind_label(kind: str) -> str:
    return "Exercise" if kind == Kind.EXERCISE else "Incident"


def actor_can_edit(incident: Incident, user: User) -> bool:
    membership = membership_for(user, incident.plan)
    return Capability.EDIT in plan_capabilities(membership, incident.plan)


def can_work_function(
    user: User | None,
    incident_function: IncidentFunction,
    *,
    capabilities: frozenset[Capability] | None = None,
) -> bool:
    """Managers work every step; a stakeholder works the steps of functions they own.

    Pass the user's ``capabilities`` on the plan when checking many functions at once;
    with them, ``user`` may be None (a report read with the *view* capability alone).
    """

    if capabilities is None:
        plan = incident_function.incident.plan
        capabilities = plan_capabilities(membership_for(user, plan), plan)
    if Capability.EDIT in capabilities:
        return True
    return (
        Capability.ANSWER in capabilities
        and incident_function.function.owner_id is not None
        and incident_function.function.owner_id == getattr(user, "pk", None)
    )


def locked_row(model: type[R], pk: int, *related: str) -> R:
    """The row of ``model`` as it is now, with ``related`` read along, locked until the
    transaction ends (only this row, not those read along)."""
    rows = model._default_manager.select_for_update(of=("self",))
    return rows.select_related(*related).get(pk=pk)


def locked_change(record: R, changes: Mapping[str, object], *, user: User, reason: str) -> R:
    """Save ``changes`` the service decided on under the row lock, in history as ``user``'s
    with ``reason``; the row as saved."""
    with change_context(user=user, reason=reason):
        updated = save_locked(record, changes=dict(changes))
    # save_locked re-reads the row through the record's own model.
    assert isinstance(updated, type(record))
    return updated


def require_open(incident: Incident) -> None:
    if not incident.is_open:
        raise ValidationError(
            f"This {kind_label(incident.kind).lower()} was closed on "
            f"{timezone.localtime(incident.closed_at):%Y-%m-%d %H:%M}; nothing more can be "
            "changed."
        )


def already_done(
    what: str, by: User | None, at: dt.datetime | None, then: str = ""
) -> ValidationError:
    """The refusal of something done before, saying who did it and when: ``what`` is the
    sentence's start ("Step 2 was already completed"), ``then`` its optional ending."""
    who = "someone" if by is None else str(by.get_full_name() or by.get_username())
    when = f"{timezone.localtime(at):%H:%M}" if at else ""
    return ValidationError(f"{what} by {who} at {when}{then}.")


def closed_incident_write_rule(instance: models.Model) -> None:
    """A closed incident is evidence: neither it nor its records may be changed afterwards.

    Registered for every incident model (see ``IncidentsConfig.ready``), so restoring an
    earlier version from the audit trail is refused as the services refuse edits. The
    incident's status is read as stored, not as the instance would write it.
    """
    if isinstance(instance, Incident):
        incident_id: int | None = instance.pk
    elif isinstance(instance, IncidentStep):
        incident_id = (
            IncidentFunction.objects.filter(pk=instance.incident_function_id)
            .values_list("incident_id", flat=True)
            .first()
        )
    else:
        incident_id = getattr(instance, "incident_id", None)
    if incident_id is None:
        return
    status = Incident.objects.filter(pk=incident_id).values_list("status", flat=True).first()
    if status == Incident.Status.CLOSED:
        raise ValidationError(
            "This incident is closed; its records are evidence and cannot be changed."
        )
