"""Emails to a plan's managers when something waits for them, sent after the change commits.

A service that changes state calls :func:`managers_notify` inside its transaction; the
email leaves only once the transaction commits, so a rolled-back change never tells
anyone anything. Each manager with an email address gets a message of their own (no
one sees another's address); the person who acted is not told about their own action.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction

from bcp.models import Membership, Plan, Role


@dataclass(frozen=True)
class Notice:
    """One message about one plan: what happened, in words, and where to act on it."""

    plan_pk: int
    plan_name: str
    subject: str
    body: str
    path: str

    def __post_init__(self) -> None:
        if not self.subject.strip() or "\n" in self.subject:
            raise ValueError("A notice's subject is one non-empty line.")
        if not self.path.startswith("/"):
            raise ValueError("A notice links to a path on this site.")


def absolute_link(path: str, site: str) -> str:
    """A link that works in an email: the acting request's site, else SITE_URL if set."""
    base = site or getattr(settings, "SITE_URL", "") or ""
    return f"{base.rstrip('/')}{path}"


def _manager_addresses(plan_pk: int, *, except_user_pk: int | None) -> list[str]:
    managers = Membership.objects.filter(plan_id=plan_pk, role=Role.MANAGER).exclude(user__email="")
    if except_user_pk is not None:
        managers = managers.exclude(user_id=except_user_pk)
    return sorted(set(managers.values_list("user__email", flat=True)))


def _send(notice: Notice, *, site: str, except_user_pk: int | None) -> int:
    recipients = _manager_addresses(notice.plan_pk, except_user_pk=except_user_pk)
    if not recipients:
        return 0
    body = f"{notice.body}\n\nOpen: {absolute_link(notice.path, site)}\n"
    subject = f"[{notice.plan_name}] {notice.subject}"
    with get_connection() as connection:
        return sum(
            EmailMessage(subject, body, None, [address], connection=connection).send()
            for address in recipients
        )


def managers_notify(*, plan: Plan, notice: Notice, actor: Any = None, site: str = "") -> None:
    """Email ``notice`` to ``plan``'s managers once the current transaction commits."""
    if notice.plan_pk != plan.pk:
        raise ValueError("The notice is about another plan.")
    transaction.on_commit(
        functools.partial(_send, notice, site=site, except_user_pk=getattr(actor, "pk", None))
    )
