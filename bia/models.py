"""Business functions and their impact analysis."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse

from bcp.history import TrackedModel, tracked_history
from bcp.models import Plan


class Criticality(models.TextChoices):
    CRITICAL = "critical", "Critical"
    HIGH = "high", "High"
    MEDIUM = "medium", "Medium"
    LOW = "low", "Low"


class BusinessFunction(TrackedModel):
    """A business process the plan protects (e.g. "Student printing")."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="functions")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_functions",
        help_text="The stakeholder who answers the BIA for this function.",
    )
    criticality = models.CharField(
        max_length=20, choices=Criticality.choices, default=Criticality.MEDIUM
    )
    peak_periods = models.TextField(
        blank=True, help_text="When disruption hurts most, e.g. month-end, term start."
    )
    workaround = models.TextField(
        blank=True, help_text="Manual procedure that keeps the function going."
    )
    workaround_hours = models.FloatField(
        null=True, blank=True, help_text="How long the workaround can hold, in hours."
    )

    history = tracked_history()

    class Meta:
        ordering = ["plan", "name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "name"], name="unique_function_name_per_plan")
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("function_detail", kwargs={"plan_pk": self.plan_id, "function_pk": self.pk})


class DependencyKind(models.TextChoices):
    FUNCTION = "function", "Another business function"
    SUPPLIER = "supplier", "Supplier"
    STAFF = "staff", "Key staff or skill"


class FunctionDependency(TrackedModel):
    """What a function needs besides IT: another function, a supplier, or key people."""

    function = models.ForeignKey(BusinessFunction, on_delete=models.CASCADE, related_name="needs")
    kind = models.CharField(max_length=20, choices=DependencyKind.choices)
    depends_on = models.ForeignKey(
        BusinessFunction,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="needed_by",
        help_text="For a dependency on another function.",
    )
    name = models.CharField(
        max_length=200, blank=True, help_text="Supplier, person or skill (not for functions)."
    )
    notes = models.CharField(max_length=500, blank=True)

    history = tracked_history()

    class Meta:
        ordering = ["function", "kind", "name", "pk"]

    def __str__(self) -> str:
        target = self.depends_on.name if self.depends_on_id and self.depends_on else self.name
        return f"{self.function} needs {target}"

    @property
    def target_name(self) -> str:
        return self.depends_on.name if self.depends_on is not None else self.name


def default_horizons() -> list[float]:
    # 1 h, 4 h, 1 d, 3 d, 1 w, 2 w, 1 mo (30 d).
    return [1.0, 4.0, 24.0, 72.0, 168.0, 336.0, 720.0]


class ImpactSettings(TrackedModel):
    """A plan's impact time horizons and the level at which impact becomes intolerable."""

    plan = models.OneToOneField(Plan, on_delete=models.CASCADE, related_name="impact_settings")
    horizons_hours = models.JSONField(
        default=default_horizons, help_text="Time horizons in hours, strictly increasing."
    )
    threshold = models.PositiveSmallIntegerField(
        default=3,
        help_text="Severity (0–4) at which impact is no longer tolerable; sets the MTPD.",
    )
    peak_uplift = models.PositiveSmallIntegerField(
        default=1,
        help_text="Levels added to impacts of functions with peak periods (scored at peak).",
    )
    currency = models.CharField(max_length=3, default="GBP")

    history = tracked_history()

    class Meta:
        verbose_name_plural = "impact settings"

    def __str__(self) -> str:
        return f"Impact settings of {self.plan}"


class ImpactCategory(TrackedModel):
    """One impact category (financial, operational, …) with its 0–4 scale in words."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="impact_categories")
    key = models.SlugField(max_length=40, help_text="Stable identifier used in answers.")
    name = models.CharField(max_length=100)
    is_financial = models.BooleanField(
        default=False, help_text="Levels also carry currency amounts."
    )
    order = models.PositiveSmallIntegerField(default=0)
    level_descriptions = models.JSONField(
        default=list, help_text="Five descriptions, for levels 0 to 4."
    )
    level_amounts = models.JSONField(
        default=list, blank=True, help_text="Financial only: the loss at which each level starts."
    )

    history = tracked_history()

    class Meta:
        ordering = ["plan", "order", "pk"]
        verbose_name_plural = "impact categories"
        constraints = [
            models.UniqueConstraint(fields=["plan", "key"], name="unique_impact_category_key")
        ]

    def __str__(self) -> str:
        return self.name


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
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    history = tracked_history()

    class Meta:
        ordering = ["plan", "-due_date", "-pk"]

    def __str__(self) -> str:
        return self.name


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
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
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


class Interview(TrackedModel):
    """A conversation with someone who knows a function; answers may cite it."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="bia_interviews")
    function = models.ForeignKey(
        BusinessFunction, on_delete=models.CASCADE, related_name="interviews"
    )
    interviewee = models.CharField(max_length=200, help_text="Name and role.")
    interviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    held_at = models.DateTimeField()
    notes = models.TextField(blank=True)

    history = tracked_history()

    class Meta:
        ordering = ["plan", "-held_at", "-pk"]

    def __str__(self) -> str:
        return f"Interview with {self.interviewee} on {self.held_at:%Y-%m-%d}"


class Workshop(TrackedModel):
    """A facilitated BIA meeting covering one or more functions."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="bia_workshops")
    title = models.CharField(max_length=200)
    held_on = models.DateField()
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
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
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    due_date = models.DateField(null=True, blank=True)
    done = models.BooleanField(default=False)

    history = tracked_history()

    class Meta:
        ordering = ["workshop", "done", "due_date", "pk"]

    def __str__(self) -> str:
        return self.text


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
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

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
