"""Periodic writes, run by Celery beat: daily digests and plan-review reminders.

Each is safe to run as often as beat likes: a digest leaves at most once a day per
person (at or after their chosen time), and each review reminder once per plan per
review date and stage (:class:`notifications.models.ReviewReminder`).
"""

from __future__ import annotations

import datetime
import logging

from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from bcp.models import Plan, Role
from notifications.models import (
    DEFAULT_DIGEST_TIME,
    Delivery,
    DigestSetting,
    Kind,
    Notification,
    ReviewReminder,
)
from notifications.services import absolute_link, email_address, plan_members_notify

logger = logging.getLogger(__name__)

# The first reminder goes this many days before a plan's review is due; the second on
# the due date (or the first run after it, when the review is already overdue).
REVIEW_REMINDER_DAYS_BEFORE = 14
# A digest lists at most this many messages by title; the rest are counted.
DIGEST_LISTED_MAX = 100


def _digest_text(items: list[Notification], site: str) -> str:
    lines = [f"{len(items)} new message{'s' if len(items) != 1 else ''} in Continuity:", ""]
    for n in items[:DIGEST_LISTED_MAX]:
        where = f"[{n.plan.name}] " if n.plan is not None else ""
        lines += [f"- {where}{n.title}", f"  {absolute_link(n.link, site)}"]
    if len(items) > DIGEST_LISTED_MAX:
        lines.append(f"… and {len(items) - DIGEST_LISTED_MAX} more in your inbox.")
    lines += ["", f"Inbox: {absolute_link(reverse('inbox'), site)}"]
    return "\n".join(lines)


@transaction.atomic
def digest_send(*, user_pk: int, now: datetime.datetime, site: str = "") -> int:
    """Email one person's waiting digest messages if their time has come today;
    return how many messages it carried (0: not yet, already sent, or nothing waits)."""
    setting, _ = DigestSetting.objects.select_for_update().get_or_create(
        user_id=user_pk, defaults={"digest_time": DEFAULT_DIGEST_TIME}
    )
    local = timezone.localtime(now)
    if setting.last_sent_on == local.date() or local.time() < setting.digest_time:
        return 0
    items = list(
        Notification.objects.filter(
            recipient_id=user_pk, delivery=Delivery.DIGEST, emailed_at__isnull=True
        )
        .select_related("plan", "recipient")
        .order_by("created", "pk")
    )
    if not items:
        return 0
    address = email_address(items[0].recipient)
    if address and items[0].recipient.is_active:
        subject = f"Continuity digest: {len(items)} new message{'s' if len(items) != 1 else ''}"
        EmailMessage(subject, _digest_text(items, site), None, [address]).send()
    Notification.objects.filter(pk__in=[n.pk for n in items]).update(emailed_at=now)
    setting.last_sent_on = local.date()
    setting.save(update_fields=["last_sent_on"])
    return len(items)


def digests_send(*, now: datetime.datetime | None = None, site: str = "") -> int:
    """Send every digest that is due; return how many emails left."""
    now = now or timezone.now()
    waiting = (
        Notification.objects.filter(delivery=Delivery.DIGEST, emailed_at__isnull=True)
        .values_list("recipient_id", flat=True)
        .distinct()
    )
    sent = 0
    for user_pk in sorted(set(waiting)):
        try:
            sent += 1 if digest_send(user_pk=user_pk, now=now, site=site) else 0
        except Exception:
            logger.exception("Could not send the digest of user %s", user_pk)
    return sent


def _review_words(plan: Plan, stage: ReviewReminder.Stage, today: datetime.date) -> tuple[str, str]:
    due = f"{plan.next_review:%d %b %Y}"
    if stage == ReviewReminder.Stage.BEFORE:
        days = (plan.next_review - today).days
        return (
            f"Review of {plan.name} due in {days} day{'s' if days != 1 else ''}",
            f"The plan “{plan.name}” is due for its review on {due}. Check that it still "
            f"holds, then record the review and the next date on the plan's settings.",
        )
    if plan.next_review == today:
        title = f"Review of {plan.name} is due today"
    else:
        title = f"Review of {plan.name} is overdue (due {due})"
    return (
        title,
        f"The plan “{plan.name}” was due for its review on {due}. Review it and set the "
        f"next review date on the plan's settings.",
    )


@transaction.atomic
def review_reminder_send(*, plan: Plan, today: datetime.date) -> bool:
    """Remind ``plan``'s managers of its review if this stage was not reminded yet."""
    if plan.next_review > today + datetime.timedelta(days=REVIEW_REMINDER_DAYS_BEFORE):
        return False
    stage = ReviewReminder.Stage.DUE if plan.next_review <= today else ReviewReminder.Stage.BEFORE
    try:
        with transaction.atomic():
            ReviewReminder.objects.create(plan=plan, due=plan.next_review, stage=stage)
    except IntegrityError:
        return False  # this stage of this review period was reminded already
    title, body = _review_words(plan, stage, today)
    plan_members_notify(
        plan=plan,
        roles=[Role.MANAGER],
        kind=Kind.REVIEW_DUE,
        title=title[:200],
        body=body,
        link=reverse("plan_detail", kwargs={"plan_pk": plan.pk}),
    )
    return True


def review_reminders_send(*, today: datetime.date | None = None) -> int:
    """Remind managers of every active plan whose review is near or past; return how many."""
    today = today or timezone.localdate()
    horizon = today + datetime.timedelta(days=REVIEW_REMINDER_DAYS_BEFORE)
    plans = Plan.objects.filter(status=Plan.Status.ACTIVE, next_review__lte=horizon).order_by("pk")
    sent = 0
    for plan in plans:
        try:
            sent += review_reminder_send(plan=plan, today=today)
        except Exception:
            logger.exception("Could not send the review reminder of plan %s", plan.pk)
    return sent
