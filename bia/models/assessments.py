"""Assessments of a function (a BIA and its revisions) and their answers."""

from __future__ import annotations

from django.db import models
from django.urls import reverse

from bcp.history import TrackedModel, tracked_history
from bcp.models import Plan, named_person
from bia.models.campaigns import Campaign
from bia.models.functions import BusinessFunction
from bia.models.interviews import Interview
from bia.models.questionnaires import Question, QuestionnaireTemplate
from bia.models.workshops import Workshop


class AssessmentState(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    SUBMITTED = "submitted", "Submitted"
    APPROVED = "approved", "Approved"
    RETURNED = "returned", "Returned"


EDITABLE_STATES = (
    AssessmentState.NOT_STARTED,
    AssessmentState.IN_PROGRESS,
    AssessmentState.RETURNED,
)


class Assessment(TrackedModel):
    """One revision of one function's BIA: the answers its owner gave to one template revision."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="bia_assessments")
    function = models.ForeignKey(
        BusinessFunction, on_delete=models.CASCADE, related_name="assessments"
    )
    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, null=True, blank=True, related_name="assessments"
    )
    template = models.ForeignKey(
        QuestionnaireTemplate, on_delete=models.PROTECT, related_name="assessments"
    )
    revision = models.PositiveIntegerField(default=1)
    previous = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    is_current = models.BooleanField(default=True)
    state = models.CharField(
        max_length=20, choices=AssessmentState.choices, default=AssessmentState.NOT_STARTED
    )
    due_date = models.DateField(null=True, blank=True)
    return_comment = models.TextField(blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = named_person(optional=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = named_person(optional=True)
    reminded_at = models.DateTimeField(null=True, blank=True)

    history = tracked_history()

    class Meta:
        ordering = ["function", "-revision"]
        constraints = [
            models.UniqueConstraint(
                fields=["function", "revision"], name="unique_assessment_revision"
            )
        ]

    def __str__(self) -> str:
        return f"BIA of {self.function} (rev. {self.revision})"

    def get_absolute_url(self) -> str:
        return reverse("bia_assessment", kwargs={"plan_pk": self.plan_id, "assessment_pk": self.pk})

    @property
    def is_editable(self) -> bool:
        return self.state in EDITABLE_STATES


class Answer(TrackedModel):
    """One answer (or one impact-grid cell) of an assessment, with where it came from."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    cell = models.CharField(
        max_length=80, blank=True, default="", help_text="'<category>@<hours>' for grid cells."
    )
    value = models.JSONField(null=True, blank=True)
    source_interview = models.ForeignKey(
        Interview, on_delete=models.PROTECT, null=True, blank=True, related_name="answers"
    )
    source_workshop = models.ForeignKey(
        Workshop, on_delete=models.PROTECT, null=True, blank=True, related_name="answers"
    )
    answered_by = named_person(optional=True)

    history = tracked_history()

    class Meta:
        ordering = ["assessment", "question", "cell"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "question", "cell"], name="unique_answer_per_cell"
            )
        ]

    def __str__(self) -> str:
        return f"{self.question.key}{'[' + self.cell + ']' if self.cell else ''} = {self.value!r}"
