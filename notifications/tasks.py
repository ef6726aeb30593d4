"""Celery tasks run by beat (schedule rows in the database, see notifications.schedule)."""

from __future__ import annotations

import logging

from celery import shared_task

from notifications.periodic import digests_send, review_reminders_send

logger = logging.getLogger(__name__)


@shared_task(
    name="notifications.tasks.send_digests", soft_time_limit=240, time_limit=300, ignore_result=True
)
def send_digests() -> int:

    sent = digests_send()
    logger.info("Daily digests: %s sent", sent)
    return sent


@shared_task(
    name="notifications.tasks.send_review_reminders",
    soft_time_limit=240,
    time_limit=300,
    ignore_result=True,
)
def send_review_reminders() -> int:

    sent = review_reminders_send()
    logger.info("Plan review reminders: %s sent", sent)
    return sent
