"""Messages to a plan's managers when something waits for them.

A service that changes state calls :func:`managers_notify` inside its transaction.
Each manager gets an inbox entry of their own (notifications app) and, unless they
chose the daily digest or the inbox only for that kind, an email that leaves only once
the transaction commits, so a rolled-back change never tells anyone anything. No one
sees another's address; the person who acted is not told about their own action.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser

from bcp.models import Plan, Role
from notifications.models import Kind
from notifications.services import plan_members_notify


@dataclass(frozen=True)
class Notice:
    """One message about one plan: what happened, in words, and where to act on it."""

    plan_pk: int
    plan_name: str
    subject: str
    body: str
    path: str
    kind: Kind

    def __post_init__(self) -> None:
        if not self.subject.strip() or "\n" in self.subject:
            raise ValueError("A notice's subject is one non-empty line.")
        if not self.path.startswith("/"):
            raise ValueError("A notice links to a path on this site.")
        Kind(self.kind)


def managers_notify(
    *, plan: Plan, notice: Notice, actor: AbstractBaseUser | None = None, site: str = ""
) -> None:
    """Send ``notice`` to each of ``plan``'s managers except ``actor``."""

    if notice.plan_pk != plan.pk:
        raise ValueError("The notice is about another plan.")
    plan_members_notify(
        plan=plan,
        roles=[Role.MANAGER],
        kind=notice.kind,
        title=notice.subject,
        body=notice.body,
        link=notice.path,
        actor=actor,
        site=site,
    )
