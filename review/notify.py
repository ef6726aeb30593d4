"""Telling a function's owner that a review waits for them."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction

from bcp.notifications import absolute_link
from review.models import ReviewTask


def review_task_notify(task: ReviewTask, *, message: str, opened: bool) -> None:
    """Email the owner once the change commits (nothing is sent for a rolled-back one)."""
    owner = task.owner
    if owner is None or not owner.email:
        return
    function = task.function.name
    title = (
        f"Please confirm the BIA of {function}"
        if opened
        else f"Another change for the BIA of {function}"
    )
    body = f"{message}\n\nConfirm or revise: {absolute_link(task.get_absolute_url(), '')}\n"
    subject = f"[{task.plan.name}] {title}"
    address = owner.email
    sender = getattr(settings, "DEFAULT_FROM_EMAIL", None)
    transaction.on_commit(lambda: EmailMessage(subject, body, sender, [address]).send())
