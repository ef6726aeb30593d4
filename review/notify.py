"""Telling a function's owner that a review waits for them: their inbox, and email unless
they chose the daily digest or the inbox only for review tasks."""

from __future__ import annotations

from notifications.models import BODY_MAX, TITLE_MAX, Kind
from notifications.services import notification_send
from review.models import ReviewTask


def review_task_notify(task: ReviewTask, *, message: str, opened: bool) -> None:
    owner = task.owner
    if owner is None:
        return
    function = task.function.name
    title = (
        f"Please confirm the BIA of {function} still holds"
        if opened
        else f"Another change for the BIA of {function}"
    )
    body = message if len(message) <= BODY_MAX else message[: BODY_MAX - 1] + "…"
    notification_send(
        recipient=owner,
        kind=Kind.REVIEW_TASK,
        title=title[:TITLE_MAX],
        body=body,
        link=task.get_absolute_url(),
        plan=task.plan,
    )
