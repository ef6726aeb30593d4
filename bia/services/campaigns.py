"""BIA campaigns: sending a round of assessments and reminding owners.

Each write runs inside ``change_context`` so history names who and why.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone

from bcp.concurrency import save_locked
from bcp.history import change_context
from bcp.models import Plan
from bia import notices
from bia.models import (
    EDITABLE_STATES,
    Assessment,
    BusinessFunction,
    Campaign,
    QuestionnaireTemplate,
)
from bia.services.assessments import assessment_start_next
from bia.services.scales import impact_scales_ensure


def _absolute(base_url: str, path: str) -> str:
    return base_url.rstrip("/") + path


def _send_invitation(
    *, owner: User, assessments: list[Assessment], subject: str, intro: str, base_url: str
) -> None:
    lines = [f"Hello {owner.get_full_name() or owner.get_username()},", "", intro, ""]
    for a in assessments:
        due = f" (due {a.due_date:%d %b %Y})" if a.due_date else ""
        lines.append(f"- {a.function.name}{due}: {_absolute(base_url, a.get_absolute_url())}")
    lines += ["", "Thank you.", "Continuity"]
    EmailMessage(
        subject=subject,
        body="\n".join(lines),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[owner.email],
    ).send()


@transaction.atomic
def campaign_send(
    *,
    plan: Plan,
    user: User,
    name: str,
    template: QuestionnaireTemplate,
    due_date: datetime.date,
    functions: Iterable[BusinessFunction],
    message: str = "",
    base_url: str = "",
    notify: bool = True,
    reason: str = "",
) -> Campaign:
    """Start a BIA round: one new assessment per function, and an email to each owner."""
    chosen = list(functions)
    if not chosen:
        raise ValidationError({"functions": "Choose at least one function."})
    ownerless = [f.name for f in chosen if f.owner_id is None]
    if ownerless:
        raise ValidationError(
            {"functions": f"Give these functions an owner first: {', '.join(ownerless)}."}
        )
    if template.plan_id != plan.pk:
        raise ValidationError({"template": "Choose a questionnaire of this plan."})
    if due_date < timezone.localdate():
        raise ValidationError({"due_date": "The due date is in the past."})
    impact_scales_ensure(plan=plan, user=user)
    with change_context(user=user, reason=reason or f"BIA campaign “{name}” sent"):
        campaign = Campaign.objects.create(
            plan=plan,
            name=name.strip(),
            template=template,
            due_date=due_date,
            message=message,
            created_by=user if getattr(user, "is_authenticated", False) else None,
        )
        per_owner: dict[int, list[Assessment]] = {}
        owners: dict[int, User] = {}
        for function in chosen:
            assessment = assessment_start_next(
                function=function, template=template, campaign=campaign, due_date=due_date
            )
            owner = function.owner
            assert owner is not None  # ownerless functions were refused above
            per_owner.setdefault(owner.pk, []).append(assessment)
            owners[owner.pk] = owner
    intro = message.strip() or (
        f"Please answer the business impact analysis for the functions you own by "
        f"{due_date:%d %b %Y}."
    )
    for owner_id, assessments in per_owner.items():
        if notify:
            notices.assigned_notify(
                plan=plan,
                owner=owners[owner_id],
                assessments=assessments,
                campaign_name=campaign.name,
                intro=intro,
                site=base_url,
            )
    return campaign


@transaction.atomic
def assessment_remind(*, assessments: Iterable[Assessment], user: User, base_url: str = "") -> int:
    """Email each owner a reminder for their unfinished BIAs; returns how many were reminded."""
    pending = [
        a
        for a in assessments
        if a.state in EDITABLE_STATES and a.is_current and a.function.owner is not None
    ]
    per_owner: dict[int, list[Assessment]] = {}
    with change_context(user=user, reason="Reminder sent"):
        for a in pending:
            save_locked(a, changes={"reminded_at": timezone.now()})
            owner_id = a.function.owner_id
            assert owner_id is not None  # only BIAs of owned functions are pending
            per_owner.setdefault(owner_id, []).append(a)
    for items in per_owner.values():
        owner = items[0].function.owner
        if owner is not None and owner.email:
            _send_invitation(
                owner=owner,
                assessments=items,
                subject=f"[{items[0].plan.name}] Reminder: business impact analysis",
                intro="A reminder: these business impact analyses still need your answers.",
                base_url=base_url,
            )
    return len(pending)
