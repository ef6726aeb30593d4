"""The plan in action: incidents and exercises, worked against the clock.

An :class:`Incident` (or an exercise, which is the same record with ``kind`` exercise)
says what failed (:class:`IncidentElement`), which business functions that stopped or
degraded (:class:`IncidentFunction`, with the objectives they are measured against),
the recovery steps worked for each (:class:`IncidentStep`), the log, the call tree's
notifications and acknowledgements (:class:`Notification`), and, once closed, the
follow-up actions and the after-action report.

What was true at declaration is frozen on the records (element and function names, the
objectives, the call tree), so a later inventory or BIA edit does not rewrite what
happened. Every model is tracked: each step change, acknowledgement and note is part of
the hash-chained history with who and when.
"""

from __future__ import annotations

from django.db import models
from django.urls import reverse

from bcp.history import TrackedModel, tracked_history
from bcp.models import Job, Plan, UniquelyNamedInPlan, named_person


class Kind(models.TextChoices):
    INCIDENT = "incident", "Incident"
    EXERCISE = "exercise", "Exercise"


class FunctionState(models.TextChoices):
    DOWN = "down", "Down"
    DEGRADED = "degraded", "Degraded"
    UP = "up", "Running"


class ElementKind(models.TextChoices):
    SITE = "site", "Site"
    COMPONENT = "component", "Component"
    GROUP = "group", "Redundancy group"


def _one_of(*names: str) -> models.Q:
    """Exactly one of the given nullable foreign keys is set."""
    options = []
    for chosen in names:
        q = models.Q(**{f"{chosen}__isnull": False})
        for other in names:
            if other != chosen:
                q &= models.Q(**{f"{other}__isnull": True})
        options.append(q)
    combined = options[0]
    for q in options[1:]:
        combined |= q
    return combined


class Scenario(UniquelyNamedInPlan):
    """A saved set of failures to declare in one go, e.g. "lose the head office SAN"."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="incident_scenarios")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)

    history = tracked_history()


class ScenarioElement(TrackedModel):
    """One element a scenario fails: a site, a component or a redundancy group."""

    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="elements")
    site = models.ForeignKey(
        "inventory.Site", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    component = models.ForeignKey(
        "inventory.Component", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    group = models.ForeignKey(
        "inventory.RedundancyGroup",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )

    history = tracked_history()

    class Meta:
        ordering = ["scenario", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=_one_of("site", "component", "group"), name="scenario_element_one_target"
            )
        ]

    def __str__(self) -> str:
        return str(self.site or self.component or self.group)


class Incident(TrackedModel):
    """A declared incident or a run exercise on a plan."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="declared_incidents")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.INCIDENT)
    title = models.CharField(max_length=200)
    started_at = models.DateTimeField(help_text="When the disruption began (or the exercise).")
    declared_by = named_person()
    scenario_name = models.CharField(
        max_length=200, blank=True, help_text="The saved scenario declared, if one."
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    call_tree_started_at = models.DateTimeField(null=True, blank=True)
    call_tree_started_by = named_person(optional=True)
    summary = models.TextField(blank=True, help_text="What happened, in a few sentences.")
    lessons = models.TextField(blank=True, help_text="Lessons learned.")
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = named_person(optional=True)
    budget_charged = models.BooleanField(
        default=False, help_text="Set when the downtime was charged to the downtime budgets."
    )

    history = tracked_history()

    class Meta:
        ordering = ["plan", "-started_at", "-pk"]
        indexes = [models.Index(fields=["plan", "status", "-started_at"])]

    def __str__(self) -> str:
        prefix = "[EXERCISE] " if self.is_exercise else ""
        return f"{prefix}{self.title}"

    def get_absolute_url(self) -> str:
        return reverse("incident_detail", kwargs={"plan_pk": self.plan_id, "incident_pk": self.pk})

    @property
    def is_exercise(self) -> bool:
        return self.kind == Kind.EXERCISE

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class IncidentElement(TrackedModel):
    """A failed site, component or group, as named at declaration, and when it came back."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="elements")
    key = models.CharField(max_length=40, help_text="The element's engine id, e.g. component:12.")
    kind = models.CharField(max_length=20, choices=ElementKind.choices)
    name = models.CharField(max_length=200)
    recovered_at = models.DateTimeField(null=True, blank=True)
    recovered_by = named_person(optional=True)

    history = tracked_history()

    class Meta:
        ordering = ["incident", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["incident", "key"], name="one_element_per_incident")
        ]

    def __str__(self) -> str:
        return self.name


class IncidentFunction(TrackedModel):
    """A business function the failures stopped or degraded, measured against its objectives.

    ``state`` is the engine's latest verdict (re-evaluated as elements recover);
    ``back_at`` is when the engine first found it running again. ``restored_at`` and
    ``data_lost_minutes`` are what people record (``restored_by`` who recorded them): the
    recovery time and recovery point actually achieved.
    """

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="functions")
    function = models.ForeignKey(
        "bia.BusinessFunction", on_delete=models.CASCADE, related_name="incident_impacts"
    )
    name = models.CharField(max_length=200)
    state_at_start = models.CharField(max_length=20, choices=FunctionState.choices)
    because_at_start = models.JSONField(default=list, blank=True)
    state = models.CharField(max_length=20, choices=FunctionState.choices)
    because = models.JSONField(default=list, blank=True)
    rto_hours = models.FloatField(null=True, blank=True)
    mtpd_hours = models.FloatField(null=True, blank=True)
    rpo_hours = models.FloatField(null=True, blank=True)
    back_at = models.DateTimeField(null=True, blank=True)
    restored_at = models.DateTimeField(null=True, blank=True)
    restored_by = named_person(optional=True)
    data_lost_minutes = models.FloatField(null=True, blank=True)

    history = tracked_history()

    class Meta:
        ordering = ["incident", "name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["incident", "function"], name="one_entry_per_function_and_incident"
            )
        ]

    def __str__(self) -> str:
        return self.name


class IncidentStep(TrackedModel):
    """One recovery step worked during the incident: copied from the runbook, or added."""

    incident_function = models.ForeignKey(
        IncidentFunction, on_delete=models.CASCADE, related_name="steps"
    )
    position = models.PositiveIntegerField()
    instruction = models.TextField()
    owner_label = models.CharField(
        max_length=200, blank=True, help_text="Person or role the runbook names."
    )
    expected_minutes = models.PositiveIntegerField(null=True, blank=True)
    procedure_title = models.CharField(max_length=200, blank=True)
    added_during_incident = models.BooleanField(default=False)
    assignee = named_person(optional=True)
    started_at = models.DateTimeField(null=True, blank=True)
    started_by = named_person(optional=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = named_person(optional=True)

    history = tracked_history()

    class Meta:
        ordering = ["incident_function", "position", "pk"]

    def __str__(self) -> str:
        return f"{self.position}. {self.instruction[:60]}"

    @property
    def status(self) -> str:
        if self.completed_at is not None:
            return "done"
        if self.started_at is not None:
            return "started"
        return "to do"

    @property
    def actual_minutes(self) -> float | None:
        if self.started_at is None or self.completed_at is None:
            return None
        return (self.completed_at - self.started_at).total_seconds() / 60.0

    @property
    def overran(self) -> bool:
        actual = self.actual_minutes
        return (
            actual is not None
            and self.expected_minutes is not None
            and actual > self.expected_minutes
        )


class LogEntry(TrackedModel):
    """A note, decision or status update in the incident log."""

    class Kind(models.TextChoices):
        NOTE = "note", "Note"
        DECISION = "decision", "Decision"
        STATUS = "status", "Status update"

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="log")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.NOTE)
    text = models.TextField()
    author = named_person()
    at = models.DateTimeField()

    history = tracked_history()

    class Meta:
        ordering = ["incident", "at", "pk"]
        verbose_name_plural = "log entries"

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.text[:60]}"


class Notification(TrackedModel):
    """One person of the call tree told about the incident, and whether they acknowledged.

    The contact's details are copied when the call tree starts, so the record shows who
    was called even if the contact list changes later.
    """

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="notifications")
    order = models.PositiveIntegerField(help_text="Position in the call tree, top down.")
    depth = models.PositiveIntegerField(default=0)
    contact_name = models.CharField(max_length=200)
    contact_role = models.CharField(max_length=200, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=60, blank=True)
    caller_name = models.CharField(max_length=200, blank=True)
    responsibility = models.CharField(max_length=300, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    send_error = models.CharField(max_length=300, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_via = models.CharField(max_length=200, blank=True)

    history = tracked_history()

    class Meta:
        ordering = ["incident", "order", "pk"]

    def __str__(self) -> str:
        return self.contact_name


class FollowUpAction(TrackedModel):
    """Something to change after the incident, with an owner and a due date."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="actions")
    description = models.TextField()
    owner = named_person()
    due_on = models.DateField()

    history = tracked_history()

    class Meta:
        ordering = ["incident", "due_on", "pk"]

    def __str__(self) -> str:
        return self.description[:80]


class AfterActionReport(TrackedModel):
    """A rendered after-action report; a draft until the incident is closed."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="reports")
    job = models.OneToOneField(Job, on_delete=models.PROTECT, related_name="after_action_report")
    draft = models.BooleanField(default=True)
    pdf = models.FileField(upload_to="incidents/reports/", blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    page_count = models.PositiveIntegerField(null=True, blank=True)
    rendered_at = models.DateTimeField(null=True, blank=True)

    history = tracked_history()

    class Meta:
        ordering = ["incident", "-created_at", "-pk"]

    def __str__(self) -> str:
        return f"After-action report of {self.incident}{' (draft)' if self.draft else ''}"


class ExerciseSchedule(TrackedModel):
    """How often a function's recovery is exercised, and when the next exercise is due."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="exercise_schedules")
    function = models.OneToOneField(
        "bia.BusinessFunction", on_delete=models.CASCADE, related_name="exercise_schedule"
    )
    interval_days = models.PositiveIntegerField(
        help_text="Days between exercises; the default follows the function's criticality."
    )
    next_due = models.DateField()
    reminded_on = models.DateField(null=True, blank=True)

    history = tracked_history()

    class Meta:
        ordering = ["plan", "next_due", "pk"]

    def __str__(self) -> str:
        return f"Exercise schedule of {self.function}"
