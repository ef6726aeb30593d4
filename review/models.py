"""Continuous review: a function's figures as last checked, and review tasks for owners.

A change to the inputs of the analysis (a BIA answer, a component, a dependency) is
checked by re-running the engine for every function of the plan; a function whose
required or achievable figures moved gets a review task for its owner.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse

from bcp.history import TrackedModel, tracked_history
from bcp.models import Plan, named_person


class FunctionFigures(models.Model):
    """The required and achievable figures of one function when they were last checked.

    Derived data, reproducible from the inputs as of ``watermark`` (the newest history id
    of each input table, as :func:`analysis.inputs.input_watermark` reads it), so it is
    not part of change history.
    """

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="function_figures")
    function = models.OneToOneField(
        "bia.BusinessFunction", on_delete=models.CASCADE, related_name="checked_figures"
    )
    figures = models.JSONField(default=dict)
    watermark = models.JSONField(default=dict)
    checked_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Figures of {self.function} checked {self.checked_at:%Y-%m-%d %H:%M}"


class ReviewTask(TrackedModel):
    """A function's owner is asked to confirm their BIA still holds after a change.

    One open task per function: later changes are added to the open one.
    """

    class Status(models.TextChoices):
        OPEN = "open", "Waiting for the owner"
        CONFIRMED = "confirmed", "Confirmed: the BIA still holds"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="review_tasks")
    function = models.ForeignKey(
        "bia.BusinessFunction", on_delete=models.CASCADE, related_name="review_tasks"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="review_tasks",
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    changes = models.JSONField(
        default=list, help_text="Each change that moved the figures, in words, oldest first."
    )
    confirmed_by = named_person(optional=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    history = tracked_history()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["function"],
                condition=models.Q(status="open"),
                name="one_open_review_task_per_function",
            )
        ]
        indexes = [
            models.Index(fields=["plan", "status"]),
            models.Index(fields=["owner", "status"]),
        ]

    def __str__(self) -> str:
        return f"Review of {self.function}"

    def get_absolute_url(self) -> str:
        return reverse("review_task", kwargs={"plan_pk": self.plan_id, "task_pk": self.pk})

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN
