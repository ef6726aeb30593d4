"""Campaigns that send BIAs to function owners."""

from __future__ import annotations

from django.db import models

from bcp.history import TrackedModel, tracked_history
from bcp.models import Plan, named_person
from bia.models.questionnaires import QuestionnaireTemplate


class Campaign(TrackedModel):
    """A BIA round sent to many function owners at once, with a due date."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="bia_campaigns")
    name = models.CharField(max_length=200)
    template = models.ForeignKey(
        QuestionnaireTemplate, on_delete=models.PROTECT, related_name="campaigns"
    )
    due_date = models.DateField()
    message = models.TextField(blank=True, help_text="Sent to every owner with the invitation.")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    created_by = named_person(optional=True)

    history = tracked_history()

    class Meta:
        ordering = ["plan", "-due_date", "-pk"]

    def __str__(self) -> str:
        return self.name
