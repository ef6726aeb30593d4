"""BIA questionnaires: revisions of a template, its sections and questions."""

from __future__ import annotations

import uuid

from django.db import models

from bcp.history import TrackedModel, tracked_history
from bcp.models import Plan


class QuestionType(models.TextChoices):
    TEXT = "text", "Text"
    SINGLE = "single", "Single choice"
    MULTIPLE = "multiple", "Multiple choice"
    NUMBER = "number", "Number"
    DURATION = "duration", "Duration"
    YES_NO = "yesno", "Yes / no"
    IMPACT_GRID = "impact_grid", "Impact over time (categories × horizons)"


class QuestionRole(models.TextChoices):
    """What an answer means to the analysis, independent of how the question is worded."""

    NONE = "", "—"
    IMPACT_GRID = "impact_grid", "Impact over time"
    MTPD = "mtpd", "Stated maximum tolerable period of disruption"
    DATA_LOSS = "data_loss", "Data-loss tolerance"
    MINIMUM_SERVICE = "minimum_service", "Minimum service level (%)"
    WORK_RECOVERY = "work_recovery", "Work recovery time"
    PEAK_PERIODS = "peak_periods", "Peak periods"
    WORKAROUND = "workaround", "Workaround procedure"
    WORKAROUND_HOURS = "workaround_hours", "How long the workaround holds"
    IT_SERVICES = "it_services", "IT services used"
    DEPENDENCIES = "dependencies", "Dependencies"


class QuestionnaireTemplate(TrackedModel):
    """One revision of a questionnaire. Revisions of one template share ``family``.

    Editing never changes a revision that answers may point at: it writes a new
    revision and marks the old one as no longer latest.
    """

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="bia_templates")
    family = models.UUIDField(default=uuid.uuid4, db_index=True)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    revision = models.PositiveIntegerField(default=1)
    is_latest = models.BooleanField(default=True)
    previous = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    change_note = models.CharField(max_length=300, blank=True)

    history = tracked_history()

    class Meta:
        ordering = ["plan", "name", "-revision"]
        constraints = [
            models.UniqueConstraint(fields=["family", "revision"], name="unique_template_revision")
        ]

    def __str__(self) -> str:
        return f"{self.name} (rev. {self.revision})"


class QuestionnaireSection(TrackedModel):
    template = models.ForeignKey(
        QuestionnaireTemplate, on_delete=models.CASCADE, related_name="sections"
    )
    title = models.CharField(max_length=200)
    help = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    history = tracked_history()

    class Meta:
        ordering = ["template", "order", "pk"]

    def __str__(self) -> str:
        return self.title


class Question(TrackedModel):
    section = models.ForeignKey(
        QuestionnaireSection, on_delete=models.CASCADE, related_name="questions"
    )
    key = models.SlugField(max_length=60, help_text="Stable across revisions of the template.")
    text = models.CharField(max_length=500)
    help = models.TextField(blank=True)
    qtype = models.CharField("type", max_length=20, choices=QuestionType.choices)
    role = models.CharField(max_length=30, choices=QuestionRole.choices, blank=True, default="")
    required = models.BooleanField(default=False)
    choices = models.JSONField(default=list, blank=True, help_text="For choice questions.")
    minimum = models.FloatField(null=True, blank=True)
    maximum = models.FloatField(null=True, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    history = tracked_history()

    class Meta:
        ordering = ["section", "order", "pk"]

    def __str__(self) -> str:
        return self.text
