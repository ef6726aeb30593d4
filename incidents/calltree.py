"""The call tree in action: one action emails everyone; each acknowledges without signing in.

Each email carries a link with a signed, expiring token (Django's ``TimestampSigner``):
it names the one notification it acknowledges, so it can neither be forged nor reused
for another person, and it stops working after ``INCIDENT_ACK_MAX_AGE_HOURS``. Opening
the link shows a page with a button; only pressing it (a POST) records the
acknowledgement, so mail scanners that open links acknowledge nothing.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from bcp.concurrency import save_locked
from bcp.history import change_context
from documents.selectors import call_tree
from incidents.models import Incident, IncidentElement, IncidentFunction, Kind, Notification
from incidents.services.rules import locked_change, locked_row

logger = logging.getLogger(__name__)

SALT = "incidents.acknowledge"
EXERCISE_MARK = "[EXERCISE]"


class AcknowledgeRefused(Exception):
    """The link cannot acknowledge anything; ``message`` says why in plain words."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def ack_max_age() -> dt.timedelta:
    return dt.timedelta(hours=settings.INCIDENT_ACK_MAX_AGE_HOURS)


def ack_token(notification: Notification, *, signer: signing.TimestampSigner | None = None) -> str:
    signer = signer or signing.TimestampSigner(salt=SALT)
    return signer.sign_object({"n": notification.pk, "i": notification.incident_id})


def ack_resolve(token: str) -> Notification:
    """The notification a token acknowledges; :class:`AcknowledgeRefused` otherwise."""
    if len(token) > 500:
        raise AcknowledgeRefused("This link is not one of ours: it has been altered.")
    signer = signing.TimestampSigner(salt=SALT)
    try:
        value = signer.unsign_object(token, max_age=ack_max_age())
    except signing.SignatureExpired:
        raise AcknowledgeRefused(
            f"This link has expired (links work for {settings.INCIDENT_ACK_MAX_AGE_HOURS} "
            "hours). Reply to the incident manager by phone instead."
        ) from None
    except signing.BadSignature:
        raise AcknowledgeRefused(
            "This link is not one of ours: it has been altered or cut short. Open the link "
            "from the email again, exactly as it was sent."
        ) from None
    if (
        not isinstance(value, dict)
        or not isinstance(value.get("n"), int)
        or not isinstance(value.get("i"), int)
    ):
        raise AcknowledgeRefused("This link is not one of ours: it has been altered.")
    notification = (
        Notification.objects.select_related("incident__plan")
        .filter(pk=value["n"], incident_id=value["i"])
        .first()
    )
    if notification is None:
        raise AcknowledgeRefused("This call-tree message no longer exists.")
    return notification


def _subject(incident: Incident) -> str:
    label = "Exercise" if incident.is_exercise else "Incident"
    prefix = f"{EXERCISE_MARK} " if incident.is_exercise else ""
    return f"{prefix}{label} on {incident.plan.name}: {incident.title} — please acknowledge"[:200]


@dataclass(frozen=True)
class _Summary:
    failed: list[str]
    down: list[str]
    degraded: list[str]


def _summary(incident: Incident) -> _Summary:
    """What every call-tree email says about the incident (read once for all of them)."""
    down = list(
        IncidentFunction.objects.filter(incident=incident, state_at_start="down").values_list(
            "name", flat=True
        )
    )
    degraded = list(
        IncidentFunction.objects.filter(incident=incident, state_at_start="degraded").values_list(
            "name", flat=True
        )
    )
    failed = list(IncidentElement.objects.filter(incident=incident).values_list("name", flat=True))
    return _Summary(failed=failed, down=down, degraded=degraded)


def _body(incident: Incident, summary: _Summary, notification: Notification, link: str) -> str:
    failed, down, degraded = summary.failed, summary.down, summary.degraded
    started = timezone.localtime(incident.started_at)
    lines = []
    if incident.is_exercise:
        lines += ["THIS IS AN EXERCISE. Nothing has really failed.", ""]
    lines += [
        f"{notification.contact_name},",
        "",
        f"{'An exercise' if incident.is_exercise else 'An incident'} was declared on the "
        f"continuity plan “{incident.plan.name}”: {incident.title}.",
        f"Started: {started:%Y-%m-%d %H:%M} ({timezone.get_current_timezone_name()}).",
        f"Failed: {', '.join(failed) or '—'}.",
        f"Stopped: {', '.join(down) or 'none'}.",
        f"Running degraded: {', '.join(degraded) or 'none'}.",
        "",
    ]
    if notification.responsibility:
        lines.append(f"Your part: {notification.responsibility}")
    if notification.caller_name:
        lines.append(f"In the call tree, {notification.caller_name} calls you.")
    lines += [
        "",
        "Please acknowledge that you have received this (no sign-in needed; the link works "
        f"for {settings.INCIDENT_ACK_MAX_AGE_HOURS} hours):",
        link,
        "",
    ]
    if incident.is_exercise:
        lines.append("THIS IS AN EXERCISE.")
    return "\n".join(lines)


def _absolute(path: str, site: str) -> str:
    base = site or getattr(settings, "SITE_URL", "") or ""
    return f"{base.rstrip('/')}{path}"


def ack_url(notification: Notification, *, site: str) -> str:
    path = reverse("incident_acknowledge", kwargs={"token": ack_token(notification)})
    return _absolute(path, site)


def calltree_start(*, incident: Incident, user: User, site: str = "") -> list[Notification]:
    """Copy the plan's call tree onto the incident and email everyone who has an address.

    ``site`` is the scheme and host the links should use (the requesting page's). The
    rows are committed first (so every link works the moment it arrives); then each email
    is sent outside any transaction — a slow mail server holds no lock — and its outcome
    recorded in a transaction of its own. A send that fails is recorded on that person's
    row (they are shown as "to chase"); the others are still sent. Refused when the
    incident is closed, the call tree was started already, or the plan has no call tree.
    """
    created = _calltree_copy(incident=incident, user=user)
    incident = Incident.objects.select_related("plan").get(pk=incident.pk)
    summary = _summary(incident)
    return [_send(incident, summary, n, site=site, user=user) for n in created]


def calltree_resend(*, incident: Incident, user: User, site: str = "") -> list[Notification]:
    """Email again everyone whose email could not be sent and who has not acknowledged.

    For a mail server that was down when the call tree started. Each send and its outcome
    are recorded as in :func:`calltree_start`; people without an address stay to be called.
    Refused when the incident is closed, the call tree was not started, or nobody waits.
    """
    current = Incident.objects.select_related("plan").get(pk=incident.pk)
    if not current.is_open:
        raise ValidationError("This incident is closed; nobody is emailed any more.")
    if current.call_tree_started_at is None:
        raise ValidationError("The call tree has not been started yet.")
    waiting = list(
        Notification.objects.filter(
            incident=current, sent_at__isnull=True, acknowledged_at__isnull=True
        )
        .exclude(email="")
        .order_by("order", "pk")
    )
    if not waiting:
        raise ValidationError(
            "Nobody is waiting for an email: everyone with an address was emailed or has "
            "acknowledged."
        )
    summary = _summary(current)
    return [_send(current, summary, n, site=site, user=user) for n in waiting]


@transaction.atomic
def _calltree_copy(*, incident: Incident, user: User) -> list[Notification]:

    current = Incident.objects.select_for_update().select_related("plan").get(pk=incident.pk)
    if not current.is_open:
        raise ValidationError("This incident is closed; the call tree cannot be started.")
    if current.call_tree_started_at is not None:
        who = current.call_tree_started_by
        raise ValidationError(
            f"The call tree was already started at "
            f"{timezone.localtime(current.call_tree_started_at):%H:%M}"
            f"{' by ' + (who.get_full_name() or who.get_username()) if who else ''}."
        )
    entries = call_tree(current.plan)
    if not entries:
        raise ValidationError(
            "This plan has no call tree yet: add people under Plan documents → Call tree."
        )
    now = timezone.now()
    created: list[Notification] = []
    with change_context(user=user, reason="Call tree started"):
        for order, (depth, entry) in enumerate(entries, start=1):
            contact = entry.contact
            created.append(
                Notification.objects.create(
                    incident=current,
                    order=order,
                    depth=depth,
                    contact_name=contact.name,
                    contact_role=contact.role,
                    email=contact.email,
                    phone=contact.phone,
                    caller_name=entry.parent.contact.name if entry.parent else "",
                    responsibility=entry.responsibility,
                )
            )
        save_locked(
            current,
            changes={"call_tree_started_at": now, "call_tree_started_by": user},
        )
    return created


def _send(
    incident: Incident, summary: _Summary, notification: Notification, *, site: str, user: User
) -> Notification:
    if not notification.email:
        return _record_send(
            notification,
            changes={"send_error": "No email address: call by phone."},
            user=user,
            reason="Call tree: no email address, call by phone",
        )
    link = ack_url(notification, site=site)
    try:
        body = _body(incident, summary, notification, link)
        send_mail(_subject(incident), body, None, [notification.email])
    except Exception as exc:  # any SMTP or network failure: record it, send the others
        logger.warning("Call-tree email to %s failed: %s", notification.email, exc)
        changes: dict[str, Any] = {"send_error": f"Email failed: {type(exc).__name__}"[:300]}
        reason = "Call tree: email failed"
    else:
        changes = {"sent_at": timezone.now(), "send_error": ""}
        reason = f"Call tree: emailed {notification.contact_name}"
    return _record_send(notification, changes=changes, user=user, reason=reason)


@transaction.atomic
def _record_send(
    notification: Notification, *, changes: dict[str, Any], user: User, reason: str
) -> Notification:
    return locked_change(notification, changes, user=user, reason=reason)


@transaction.atomic
def notification_acknowledge(
    *,
    notification: Notification,
    via: str,
    user: User | None = None,
    now: dt.datetime | None = None,
) -> tuple[Notification, bool]:
    """Record an acknowledgement; returns the row and whether this call recorded it.

    A second acknowledgement changes nothing (the first one stands). Refused on a closed
    incident.
    """
    current = locked_row(Notification, notification.pk, "incident")
    if not current.incident.is_open:
        raise AcknowledgeRefused(
            "This incident has been closed; there is nothing left to acknowledge."
        )
    if current.acknowledged_at is not None:
        return current, False
    with change_context(user=user, reason=f"{current.contact_name} acknowledged ({via})"):
        updated = save_locked(
            current,
            changes={"acknowledged_at": now or timezone.now(), "acknowledged_via": via[:200]},
        )
    assert isinstance(updated, Notification)
    return updated, True


def kind_label(kind: str) -> str:
    return "exercise" if kind == Kind.EXERCISE else "incident"
