"""What people are told: an inbox entry per message, and how each person wants to hear.

Notifications are personal messages, not plan data: they are not part of the plan's
change history (the changes they tell about are).
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone


class Kind(models.TextChoices):
    """Every kind of message; people choose how they hear about each one."""

    BIA_ASSIGNED = "bia_assigned", "A BIA is assigned to me"
    BIA_SUBMITTED = "bia_submitted", "A BIA is submitted for review"
    BIA_RETURNED = "bia_returned", "A BIA is returned with a comment"
    BIA_APPROVED = "bia_approved", "A BIA is approved"
    SIGNOFF_REQUESTED = "signoff_requested", "My signature is requested"
    SIGNOFF_DECIDED = "signoff_decided", "A sign-off is decided"
    REVIEW_DUE = "review_due", "A plan's review is due"
    REVIEW_TASK = "review_task", "A review task is opened for me"
    INCIDENT_DECLARED = "incident_declared", "An incident or exercise is declared"


class Delivery(models.TextChoices):
    EMAIL = "email", "Email now"
    DIGEST = "digest", "Daily digest"
    INBOX = "inbox", "Inbox only"


# Without a choice of their own, people are emailed as things happen.
DEFAULT_DELIVERY = Delivery.EMAIL
DEFAULT_DIGEST_TIME = datetime.time(8, 0)
TITLE_MAX = 200
BODY_MAX = 4000
LINK_MAX = 500


class Notification(models.Model):
    """One message in one person's inbox."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=30, choices=Kind.choices)
    plan = models.ForeignKey(
        "bcp.Plan",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
    )
    title = models.CharField(max_length=TITLE_MAX)
    body = models.TextField(max_length=BODY_MAX)
    link = models.CharField(max_length=LINK_MAX)
    created = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    # How the recipient chose to hear about this kind when it was sent, and when the
    # email (now, or in a digest) left; None while a digest still has to carry it.
    delivery = models.CharField(max_length=10, choices=Delivery.choices)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "-created"], name="notification_inbox"),
            models.Index(
                fields=["recipient"],
                condition=models.Q(read_at__isnull=True),
                name="notification_unread",
            ),
            models.Index(
                fields=["delivery", "recipient"],
                condition=models.Q(emailed_at__isnull=True),
                name="notification_digest_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.title}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class NotificationPreference(models.Model):
    """How one person hears about one kind of message."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preferences",
    )
    kind = models.CharField(max_length=30, choices=Kind.choices)
    delivery = models.CharField(max_length=10, choices=Delivery.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="one_preference_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.kind} → {self.delivery}"


class DigestSetting(models.Model):
    """When one person's daily digest leaves (in the site's time zone)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digest_setting"
    )
    digest_time = models.TimeField(
        "daily digest at",
        default=DEFAULT_DIGEST_TIME,
        help_text="The time of day your digest is emailed (24-hour clock, e.g. 08:00).",
    )
    last_sent_on = models.DateField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.user}: digest at {self.digest_time:%H:%M}"


class ReviewReminder(models.Model):
    """A plan-review reminder that went out: each stage once per plan per review date."""

    class Stage(models.TextChoices):
        BEFORE = "before", "Due soon"
        DUE = "due", "Due or overdue"

    plan = models.ForeignKey("bcp.Plan", on_delete=models.CASCADE, related_name="+")
    due = models.DateField()
    stage = models.CharField(max_length=10, choices=Stage.choices)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "due", "stage"], name="one_review_reminder_per_stage"
            )
        ]

    def __str__(self) -> str:
        return f"{self.plan_id} {self.due} {self.stage}"
