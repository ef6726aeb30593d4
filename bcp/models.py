"""The planning programme: plans, their members and roles, and background jobs."""

from __future__ import annotations

import datetime
import uuid
from typing import TYPE_CHECKING, Any, Literal, overload

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone

from bcp.history import TrackedModel, tracked_history

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.db.models.expressions import Combinable


class Role(models.TextChoices):
    MANAGER = "manager", "Manager"
    STAKEHOLDER = "stakeholder", "Stakeholder"
    AUDITOR = "auditor", "Auditor"


# How often a plan is reviewed unless its managers choose otherwise, and the longest allowed.
DEFAULT_REVIEW_INTERVAL_MONTHS = 12
MAX_REVIEW_INTERVAL_MONTHS = 60


def months_after(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` later, or the month's last day when it has no such day."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return datetime.date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("every month has a 28th")


def default_next_review() -> datetime.date:
    return months_after(timezone.localdate(), DEFAULT_REVIEW_INTERVAL_MONTHS)


class Plan(TrackedModel):
    """One continuity programme: an organisation or a scope within one."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        ARCHIVED = "archived", "Archived"

    name = models.CharField(max_length=200)
    organisation = models.CharField(
        max_length=200, help_text="Organisation or part of it that this plan covers."
    )
    scope = models.TextField(blank=True, help_text="What is in and out of scope.")
    classification = models.CharField(
        max_length=60,
        default="Internal",
        help_text="Label printed on every page of the plan's documents.",
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ACTIVE)
    review_interval_months = models.PositiveSmallIntegerField(
        "review every (months)",
        default=DEFAULT_REVIEW_INTERVAL_MONTHS,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_REVIEW_INTERVAL_MONTHS)],
        help_text="How often the plan is reviewed as a whole, in months (1 to 60).",
    )
    next_review = models.DateField(
        "next review due",
        default=default_next_review,
        help_text="The date the next review of the whole plan is due.",
    )

    history = tracked_history()

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("plan_detail", kwargs={"plan_pk": self.pk})

    @property
    def is_archived(self) -> bool:
        return self.status == self.Status.ARCHIVED

    @property
    def review_overdue(self) -> bool:
        return self.next_review < timezone.localdate()


@overload
def named_person(
    *, optional: Literal[False] = False
) -> models.ForeignKey[User | Combinable, User]: ...
@overload
def named_person(
    *, optional: Literal[True]
) -> models.ForeignKey[User | Combinable | None, User | None]: ...
def named_person(
    *, optional: bool = False
) -> (
    models.ForeignKey[User | Combinable, User]
    | models.ForeignKey[User | Combinable | None, User | None]
):
    """A person a record names: who declared, started, approved or owns it.

    Nobody a record names can be deleted (deactivate the account instead), and people get
    no reverse accessor for it (``related_name="+"``): pages find records by record.
    """
    if optional:
        return models.ForeignKey(
            settings.AUTH_USER_MODEL,
            on_delete=models.PROTECT,
            null=True,
            blank=True,
            related_name="+",
        )
    return models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")


class NamedInPlan(TrackedModel):
    """Planning data known by its name: listed by plan, then name, and shown as its name.

    Each subclass declares its own ``plan`` foreign key (with its own related name) and
    its ``name``, so a reader of the subclass still sees every column it has; this
    declares only how such records are ordered and shown.
    """

    name: str

    class Meta:
        abstract = True
        ordering = ["plan", "name", "pk"]

    def __str__(self) -> str:
        return self.name


class UniquelyNamedInPlan(NamedInPlan):
    """A named record whose name is unique within its plan, so imports, exports and forms
    can refer to it by name alone (constraint ``unique_<model>_name_per_plan``)."""

    class Meta(NamedInPlan.Meta):
        abstract = True
        constraints = [
            models.UniqueConstraint(fields=["plan", "name"], name="unique_%(class)s_name_per_plan")
        ]


class Membership(TrackedModel):
    """A person's single role on one plan."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=Role.choices)

    history = tracked_history()

    class Meta:
        ordering = ["plan", "role", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "user"], name="one_role_per_plan_member")
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} of {self.plan}"


class Job(models.Model):
    """A unit of background work and its live status.

    Status lives here rather than in a Celery result backend so that pages can
    show progress with one query and a redelivered task can tell that its work
    is already done. Jobs are operational records, not planning data, so they
    are not part of change history.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        COULD_NOT_QUEUE = "could_not_queue", "Could not queue"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"

    ACTIVE_STATUSES = (Status.QUEUED, Status.RUNNING)
    FINISHED_STATUSES = (Status.SUCCEEDED, Status.FAILED)
    # Not finished: pages keep showing these, "could not queue" with its retry button.
    UNFINISHED_STATUSES = (Status.QUEUED, Status.RUNNING, Status.COULD_NOT_QUEUE)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=60, db_index=True)
    task_name = models.CharField(max_length=200)
    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="jobs", null=True, blank=True
    )
    parameters = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    progress = models.PositiveSmallIntegerField(default=0)
    message = models.CharField(max_length=300, blank=True)
    error = models.TextField(blank=True)
    result = models.JSONField(default=dict, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    claim_token = models.UUIDField(null=True, blank=True)
    claimed_by = models.CharField(max_length=200, blank=True)
    # The Celery worker (node name and main process id) whose process holds the claim;
    # its heartbeat tells the sweeper whether the claimant is still there.
    claimed_node = models.CharField(max_length=200, blank=True)
    claimed_node_pid = models.PositiveIntegerField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="jobs",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    queued_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["plan", "kind", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.pk} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in self.FINISHED_STATUSES

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE_STATUSES

    @property
    def is_stuck(self) -> bool:
        """Queued or running but going nowhere (see :func:`bcp.jobs.job_is_stuck`)."""
        from bcp.jobs import job_is_stuck  # bcp.jobs imports this module (Job)

        return self.is_active and job_is_stuck(self)

    def result_value(self, key: str, default: Any = None) -> Any:
        return (self.result or {}).get(key, default)


class WorkerHeartbeat(models.Model):
    """Last sign of life from each Celery worker, read by /health/."""

    hostname = models.CharField(max_length=200, unique=True)
    pid = models.PositiveIntegerField(default=0)
    last_seen = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.hostname} @ {self.last_seen:%Y-%m-%d %H:%M:%S}"
