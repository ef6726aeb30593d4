"""Writes: send a notification, read it, choose how to hear about each kind."""

from __future__ import annotations

import datetime
import functools
import logging
from collections.abc import Iterable, Mapping
from typing import NotRequired, TypedDict, Unpack

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.utils import timezone

from bcp.models import Membership, Plan, Role
from notifications.models import (
    BODY_MAX,
    DEFAULT_DELIVERY,
    LINK_MAX,
    TITLE_MAX,
    Delivery,
    DigestSetting,
    Kind,
    Notification,
    NotificationPreference,
)

logger = logging.getLogger(__name__)


def absolute_link(path: str, site: str = "") -> str:
    """A link that works in an email: the acting request's site, else SITE_URL if set."""
    base = site or getattr(settings, "SITE_URL", "") or ""
    return f"{base.rstrip('/')}{path}"


def email_address(user: AbstractBaseUser) -> str:
    return str(getattr(user, user.get_email_field_name(), "") or "")


def delivery_for(user: AbstractBaseUser, kind: Kind) -> Delivery:
    """How ``user`` chose to hear about ``kind``: email now unless they chose otherwise."""
    chosen = (
        NotificationPreference.objects.filter(user_id=user.pk, kind=kind)
        .values_list("delivery", flat=True)
        .first()
    )
    return Delivery(chosen) if chosen else DEFAULT_DELIVERY


class Message(TypedDict):
    """What a notification says, the same for every recipient it is sent to.

    ``link`` is a path on this site; ``site`` (the acting request's scheme and host)
    makes the emailed link absolute, else SITE_URL does.
    """

    kind: Kind
    title: str
    body: str
    link: str
    site: NotRequired[str]


def _validate(*, title: str, body: str, link: str) -> None:
    if not title.strip() or "\n" in title or len(title) > TITLE_MAX:
        raise ValidationError(f"A notification's title is one line of 1 to {TITLE_MAX} characters.")
    if len(body) > BODY_MAX:
        raise ValidationError(f"A notification's body is at most {BODY_MAX} characters.")
    if not link.startswith("/") or link.startswith("//") or len(link) > LINK_MAX:
        raise ValidationError("A notification links to a path on this site.")


@transaction.atomic
def notification_send(
    *, recipient: AbstractBaseUser, plan: Plan | None = None, **message: Unpack[Message]
) -> Notification:
    """Put ``message`` in ``recipient``'s inbox; email it once the transaction commits,
    unless they chose the daily digest or the inbox only for this kind."""
    kind = Kind(message["kind"])
    title, body, link = message["title"], message["body"], message["link"]
    _validate(title=title, body=body, link=link)
    delivery = delivery_for(recipient, kind)
    notification = Notification.objects.create(
        recipient_id=recipient.pk,
        kind=kind,
        plan=plan,
        title=title,
        body=body,
        link=link,
        delivery=delivery,
    )
    if delivery == Delivery.EMAIL and email_address(recipient) and recipient.is_active:
        site = message.get("site", "")
        transaction.on_commit(functools.partial(_email_now, notification.pk, site))
    return notification


def _email_now(notification_pk: int, site: str) -> None:
    notification = (
        Notification.objects.select_related("recipient", "plan")
        .filter(pk=notification_pk, emailed_at__isnull=True)
        .first()
    )
    if notification is None:
        return
    subject = notification.title
    if notification.plan is not None:
        subject = f"[{notification.plan.name}] {subject}"
    text = f"{notification.body}\n\nOpen: {absolute_link(notification.link, site)}\n"
    with get_connection() as connection:
        EmailMessage(
            subject, text, None, [email_address(notification.recipient)], connection=connection
        ).send()
    Notification.objects.filter(pk=notification_pk).update(emailed_at=timezone.now())


@transaction.atomic
def plan_members_notify(
    *,
    plan: Plan,
    roles: Iterable[Role],
    actor: AbstractBaseUser | None = None,
    **message: Unpack[Message],
) -> list[Notification]:
    """Send ``message`` to each member of ``plan`` in ``roles``, except ``actor``."""
    memberships = (
        Membership.objects.filter(plan=plan, role__in=list(roles))
        .select_related("user")
        .order_by("user_id")
    )
    if actor is not None:
        memberships = memberships.exclude(user_id=actor.pk)
    return [
        notification_send(recipient=m.user, plan=plan, **message)
        for m in memberships
        if m.user.is_active
    ]


@transaction.atomic
def notification_mark_read(*, user: AbstractBaseUser, notification_pk: int) -> int:
    """Mark one of ``user``'s own notifications read; 0 if it is not theirs or already read."""
    return Notification.objects.filter(
        pk=notification_pk, recipient_id=user.pk, read_at__isnull=True
    ).update(read_at=timezone.now())


@transaction.atomic
def notifications_mark_all_read(*, user: AbstractBaseUser) -> int:
    return Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True).update(
        read_at=timezone.now()
    )


@transaction.atomic
def notification_preferences_set(
    *,
    user: AbstractBaseUser,
    deliveries: Mapping[Kind, Delivery],
    digest_time: datetime.time,
) -> None:
    """Store how ``user`` hears about each kind, and when their digest leaves.

    Every kind must be given; "inbox only" for all of them is allowed (the inbox
    keeps every message).
    """
    missing = set(Kind) - set(deliveries)
    if missing:
        raise ValidationError(f"Choose how to hear about: {', '.join(sorted(missing))}.")
    for kind, delivery in deliveries.items():
        NotificationPreference.objects.update_or_create(
            user_id=user.pk, kind=Kind(kind), defaults={"delivery": Delivery(delivery)}
        )
    DigestSetting.objects.update_or_create(user_id=user.pk, defaults={"digest_time": digest_time})
