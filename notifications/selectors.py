"""Reads: a person's inbox, their unread count and how they chose to hear about each kind."""

from __future__ import annotations

import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet

from notifications.models import (
    DEFAULT_DELIVERY,
    DEFAULT_DIGEST_TIME,
    Delivery,
    DigestSetting,
    Kind,
    Notification,
    NotificationPreference,
)

INBOX_PAGE_SIZE = 50


def inbox(user: AbstractBaseUser, *, unread_only: bool = False) -> QuerySet[Notification]:
    found = Notification.objects.filter(recipient_id=user.pk).select_related("plan")
    if unread_only:
        found = found.filter(read_at__isnull=True)
    return found.order_by("-created", "-pk")


def unread_count(user: AbstractBaseUser) -> int:
    return Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True).count()


def deliveries_for(user: AbstractBaseUser) -> dict[Kind, Delivery]:
    """Every kind with how ``user`` hears about it (email now where they chose nothing)."""
    chosen = dict(
        NotificationPreference.objects.filter(user_id=user.pk).values_list("kind", "delivery")
    )
    return {kind: Delivery(chosen.get(kind, DEFAULT_DELIVERY)) for kind in Kind}


def digest_time_for(user: AbstractBaseUser) -> datetime.time:
    found = DigestSetting.objects.filter(user_id=user.pk).values_list("digest_time", flat=True)
    return found.first() or DEFAULT_DIGEST_TIME


def hears_nothing_by_email(deliveries: dict[Kind, Delivery]) -> bool:
    return all(d == Delivery.INBOX for d in deliveries.values())
