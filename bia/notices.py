"""What a BIA's people are told: the owner when a BIA is assigned, returned or approved.

Each call puts an inbox entry in place (notifications app), emailed unless the person
chose the daily digest or the inbox only; nothing leaves before the change commits.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.contrib.auth.models import AbstractBaseUser

from bcp.models import Plan
from bia.models import Assessment
from notifications.models import Kind
from notifications.services import absolute_link, notification_send

# An invitation lists at most this many BIAs by name (the inbox entry stays bounded).
LISTED_MAX = 30


def _name(user: AbstractBaseUser | None) -> str:
    if user is None:
        return "Someone"
    full = getattr(user, "get_full_name", lambda: "")()
    return str(full or user.get_username())


def assigned_notify(
    *,
    plan: Plan,
    owner: AbstractBaseUser,
    assessments: Sequence[Assessment],
    campaign_name: str,
    intro: str,
    site: str,
) -> None:
    """Invite ``owner`` to answer ``assessments`` (one message, every link in it)."""
    lines = [f"Hello {_name(owner)},", "", intro, ""]
    for a in assessments[:LISTED_MAX]:
        due = f" (due {a.due_date:%d %b %Y})" if a.due_date else ""
        lines.append(f"- {a.function.name}{due}: {absolute_link(a.get_absolute_url(), site)}")
    if len(assessments) > LISTED_MAX:
        lines.append(f"… and {len(assessments) - LISTED_MAX} more.")
    lines += ["", "Thank you.", "Continuity"]
    notification_send(
        recipient=owner,
        kind=Kind.BIA_ASSIGNED,
        title=f"Business impact analysis: {campaign_name}"[:200],
        body="\n".join(lines)[:4000],
        link=assessments[0].get_absolute_url(),
        plan=plan,
        site=site,
    )


def decided_notify(*, assessment: Assessment, user: AbstractBaseUser, kind: Kind) -> None:
    """Tell the function's owner that their BIA was approved or returned (not if they did it)."""
    owner = assessment.function.owner
    if owner is None or owner.pk == user.pk:
        return
    function = assessment.function.name
    if kind == Kind.BIA_APPROVED:
        title = f"BIA of {function} approved"
        body = f"{_name(user)} approved the business impact analysis of “{function}”."
    elif kind == Kind.BIA_RETURNED:
        title = f"BIA of {function} returned to you"
        body = (
            f"{_name(user)} returned the business impact analysis of “{function}” "
            f"with this comment:\n\n{assessment.return_comment}\n\nPlease revise and submit again."
        )
    else:
        raise ValueError(f"A BIA decision is approved or returned, not {kind}.")
    notification_send(
        recipient=owner,
        kind=kind,
        title=title[:200],
        body=body[:4000],
        link=assessment.get_absolute_url(),
        plan=assessment.plan,
    )
