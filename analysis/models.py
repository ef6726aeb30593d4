"""Analysis settings, runs of the engine over a plan, and recorded incidents."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from bcp.history import TrackedModel, tracked_history
from bcp.models import Job, Plan, named_person


class YearConvention(models.TextChoices):
    GREGORIAN = "365.2425", "Gregorian mean year (365.2425 days)"
    CALENDAR = "365", "Calendar year (365 days)"
    JULIAN = "365.25", "Julian year (365.25 days)"


class Method(models.TextChoices):
    AUTO = "auto", "Exact, Monte Carlo only when exact is too costly"
    EXACT = "exact", "Exact (binary decision diagram)"
    MONTE_CARLO = "monte_carlo", "Monte Carlo simulation"


class BudgetPeriod(models.TextChoices):
    MONTH = "month", "Calendar month"
    QUARTER = "quarter", "Calendar quarter"
    YEAR = "year", "Calendar year"
    ROLLING_30 = "rolling_30d", "Rolling 30 days"
    ROLLING_28 = "rolling_28d", "Rolling 28 days"


class AnalysisSettings(TrackedModel):
    """How the plan's numbers are computed. Changes are part of change history."""

    plan = models.OneToOneField(Plan, on_delete=models.CASCADE, related_name="analysis_settings")
    year_convention = models.CharField(
        max_length=10, choices=YearConvention.choices, default=YearConvention.GREGORIAN
    )
    method = models.CharField(max_length=20, choices=Method.choices, default=Method.AUTO)
    monte_carlo_samples = models.PositiveIntegerField(default=200_000)
    monte_carlo_seed = models.PositiveIntegerField(default=20_260_101)
    rto_margin_percent = models.FloatField(
        default=10.0,
        help_text="Safety margin kept between the recommended RTO and the MTPD, in % of MTPD.",
    )
    expected_incidents_per_year = models.FloatField(
        default=1.0,
        help_text="Disruptions a year the availability requirement should absorb at full RTO.",
    )
    budget_period = models.CharField(
        max_length=20, choices=BudgetPeriod.choices, default=BudgetPeriod.MONTH
    )

    history = tracked_history()

    class Meta:
        verbose_name = "analysis settings"
        verbose_name_plural = "analysis settings"

    def __str__(self) -> str:
        return f"Analysis settings of {self.plan}"

    @property
    def year_days(self) -> float:
        return float(self.year_convention)


class AgreedObjective(TrackedModel):
    """Recovery objectives a manager agreed for one function, with the reason.

    Gaps are measured against an agreed figure instead of the one derived from the BIA
    (each figure on its own: an agreed RTO with a derived RPO is fine), and pages show
    both side by side. Empty figures fall back to the derived ones.
    """

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="agreed_objectives")
    function = models.OneToOneField(
        "bia.BusinessFunction", on_delete=models.CASCADE, related_name="agreed_objective"
    )
    rto_hours = models.FloatField("agreed RTO (hours)", null=True, blank=True)
    rpo_hours = models.FloatField("agreed RPO (hours)", null=True, blank=True)
    availability_percent = models.FloatField("agreed availability (%)", null=True, blank=True)
    reason = models.TextField(help_text="Why this figure was agreed, and with whom.")
    agreed_by = named_person()
    agreed_at = models.DateTimeField()

    history = tracked_history()

    class Meta:
        ordering = ["plan", "function"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rto_hours__isnull=True) | models.Q(rto_hours__gt=0),
                name="agreed_rto_positive",
            ),
            models.CheckConstraint(
                condition=models.Q(rpo_hours__isnull=True) | models.Q(rpo_hours__gte=0),
                name="agreed_rpo_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(availability_percent__isnull=True)
                | (models.Q(availability_percent__gt=0) & models.Q(availability_percent__lt=100)),
                name="agreed_availability_between_0_and_100",
            ),
        ]

    def __str__(self) -> str:
        return f"Agreed objectives of {self.function}"


class AnalysisRun(models.Model):
    """One execution of the engine over a plan (or one function of it).

    Results are derived data, reproducible from the recorded inputs hash, so runs are
    not part of change history; the settings and inputs that produced them are.
    ``results`` holds the plan-level part of ``analysis.results.PlanResults`` (everything
    but ``functions``); each function's entry is a ``FunctionResultRow`` of its own, so no
    value grows with the plan past what one column may hold (PostgreSQL refuses a jsonb
    value over 256 MB, which a single document of 2,000 functions' results passes) and a
    function's page reads its own row only. ``analysis.selectors.stored_results`` puts the
    two back together.
    """

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="analysis_runs")
    function = models.ForeignKey(
        "bia.BusinessFunction",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="analysis_runs",
        help_text="Set when only this function was recomputed.",
    )
    job = models.OneToOneField(Job, on_delete=models.PROTECT, related_name="analysis_run")
    inputs_hash = models.CharField(max_length=64, blank=True)
    inputs_watermark = models.JSONField(
        default=dict,
        blank=True,
        help_text="Newest history id of each input table when the run read its inputs.",
    )
    results = models.JSONField(default=dict, blank=True)
    timings = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["plan", "-created_at"])]

    def __str__(self) -> str:
        scope = self.function.name if self.function is not None else "whole plan"
        return f"Analysis of {self.plan} ({scope}) {self.created_at:%Y-%m-%d %H:%M}"


class FunctionResultRow(models.Model):
    """One function's entry of a run's results (``analysis.results.FunctionResult``),
    at its place in the run's list of functions. Derived data, not history: kept with
    its run and deleted with it. ``function_pk`` is the entry's own ``pk`` (no foreign
    key: a run's results keep naming a function deleted since)."""

    run = models.ForeignKey(AnalysisRun, on_delete=models.CASCADE, related_name="function_rows")
    position = models.PositiveIntegerField()
    function_pk = models.IntegerField(null=True, blank=True)
    entry = models.JSONField()

    class Meta:
        ordering = ["run", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["run", "position"], name="analysis_function_result_once_per_place"
            )
        ]
        indexes = [models.Index(fields=["run", "function_pk"])]

    def __str__(self) -> str:
        return f"Function {self.function_pk} in run {self.run_id}"


class Incident(TrackedModel):
    """A recorded outage, maintenance window or exercise: it spends downtime budget and
    gives actual recovery figures to compare with the objectives."""

    class Kind(models.TextChoices):
        INCIDENT = "incident", "Unplanned incident"
        MAINTENANCE = "maintenance", "Planned maintenance"
        EXERCISE = "exercise", "Exercise or test"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="incidents")
    function = models.ForeignKey(
        "bia.BusinessFunction", on_delete=models.CASCADE, related_name="incidents"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.INCIDENT)
    title = models.CharField(max_length=200)
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField()
    data_lost_minutes = models.FloatField(
        null=True, blank=True, help_text="Work that had to be redone, in minutes of data."
    )
    counts_against_budget = models.BooleanField(
        default=True, help_text="Exercises in a test environment usually do not."
    )
    notes = models.TextField(blank=True)

    history = tracked_history()

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ended_at__gte=models.F("started_at")),
                name="incident_ends_after_it_starts",
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.started_at:%Y-%m-%d})"

    @property
    def duration_seconds(self) -> float:
        return (self.ended_at - self.started_at).total_seconds()


class AnalysisChunk(models.Model):
    """One chunk of a whole-plan run fanned out over workers: its functions and, once a
    worker computed them, their outcomes (``analysis.results.FunctionOutcome``).

    Keyed by run and index, so however often a chunk's message is delivered its outcomes
    are stored once: a worker claims it with a conditional update (a token, like a job's
    claim) and only the holder of the claim can store it. Derived data, not history.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting"
        RUNNING = "running", "Being computed"
        DONE = "done", "Computed"

    run = models.ForeignKey(AnalysisRun, on_delete=models.CASCADE, related_name="chunks")
    index = models.PositiveIntegerField()
    function_keys = models.JSONField(default=list)
    inputs_hash = models.CharField(max_length=64)
    rank_remedies = models.BooleanField(default=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    claim_token = models.UUIDField(null=True, blank=True)
    claimed_by = models.CharField(max_length=200, blank=True)
    claimed_node = models.CharField(max_length=200, blank=True)
    claimed_node_pid = models.IntegerField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    outcomes = models.JSONField(default=list, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["run", "index"]
        constraints = [
            models.UniqueConstraint(fields=["run", "index"], name="analysis_chunk_once_per_run")
        ]

    def __str__(self) -> str:
        return f"Chunk {self.index} of run {self.run_id}"
