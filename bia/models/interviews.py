"""Interviews held with the people who run a function."""

from __future__ import annotations

from django.db import models

from bcp.history import TrackedModel, tracked_history
from bcp.models import Plan, named_person
from bia.models.functions import BusinessFunction


class Interview(TrackedModel):
    """A conversation with someone who knows a function; answers may cite it."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="bia_interviews")
    function = models.ForeignKey(
        BusinessFunction, on_delete=models.CASCADE, related_name="interviews"
    )
    interviewee = models.CharField(max_length=200, help_text="Name and role.")
    interviewer = named_person()
    held_at = models.DateTimeField()
    notes = models.TextField(blank=True)

    history = tracked_history()

    class Meta:
        ordering = ["plan", "-held_at", "-pk"]

    def __str__(self) -> str:
        return f"Interview with {self.interviewee} on {self.held_at:%Y-%m-%d}"
