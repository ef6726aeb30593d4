"""BIA workshops, the functions they cover and the actions they agree."""

from __future__ import annotations

from django.db import models

from bcp.history import TrackedModel, tracked_history
from bcp.models import Plan, named_person
from bia.models.functions import BusinessFunction


class Workshop(TrackedModel):
    """A facilitated BIA meeting covering one or more functions."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="bia_workshops")
    title = models.CharField(max_length=200)
    held_on = models.DateField()
    facilitator = named_person()
    attendees = models.TextField(blank=True)
    notes = models.TextField(blank=True)
    decisions = models.TextField(blank=True)

    history = tracked_history()

    class Meta:
        ordering = ["plan", "-held_on", "-pk"]

    def __str__(self) -> str:
        return f"Workshop “{self.title}” on {self.held_on:%Y-%m-%d}"


class WorkshopFunction(TrackedModel):
    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="covered")
    function = models.ForeignKey(
        BusinessFunction, on_delete=models.CASCADE, related_name="workshop_links"
    )

    history = tracked_history()

    class Meta:
        ordering = ["workshop", "function__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["workshop", "function"], name="unique_workshop_function"
            )
        ]

    def __str__(self) -> str:
        return f"{self.workshop} covers {self.function}"


class ActionItem(TrackedModel):
    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="actions")
    text = models.CharField(max_length=500)
    owner = named_person(optional=True)
    due_date = models.DateField(null=True, blank=True)
    done = models.BooleanField(default=False)

    history = tracked_history()

    class Meta:
        ordering = ["workshop", "done", "due_date", "pk"]

    def __str__(self) -> str:
        return self.text
