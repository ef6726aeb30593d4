"""Plan documents: the plan data only this app owns, published versions and sign-off.

Two kinds of records live here:

* planning data the PDF needs and no other app captures — contacts, the call
  tree, vendors, recovery procedures with their steps, and exercises;
* the published record — :class:`PlanVersion` (a frozen snapshot of every input,
  its PDF and PDF/A artifacts and their sha256) and :class:`SignOffRequest`
  (a named stakeholder's decision on exactly one of those PDFs).

Everything is tracked in change history, so an approval is itself part of the
audit trail.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse

from bcp.history import TrackedModel, tracked_history
from bcp.models import Job, NamedInPlan, Plan


class Contact(NamedInPlan):
    """Someone to call during an incident: staff, on-call engineers, external parties."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(max_length=200)
    role = models.CharField(
        max_length=200, blank=True, help_text="What they do in a disruption, e.g. 'Print admin'."
    )
    organisation = models.CharField(max_length=200, blank=True)
    phone = models.CharField(max_length=60, blank=True)
    alternate_phone = models.CharField(max_length=60, blank=True)
    email = models.EmailField(blank=True)
    notes = models.TextField(blank=True)

    history = tracked_history()


class CallTreeEntry(TrackedModel):
    """One branch of the call tree: who calls this contact, in what order, and why."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="call_tree")
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="call_tree_entries")
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
        help_text="Who calls this person. Empty for the first person called.",
    )
    position = models.PositiveIntegerField(
        default=1, help_text="Order among the people the same caller phones."
    )
    responsibility = models.CharField(
        max_length=300, blank=True, help_text="What this person does once reached."
    )

    history = tracked_history()

    class Meta:
        ordering = ["plan", "position", "pk"]
        verbose_name = "call tree entry"
        verbose_name_plural = "call tree entries"

    def __str__(self) -> str:
        return f"{self.contact}"


class Vendor(NamedInPlan):
    """A supplier whose support the recovery relies on."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="vendors")
    name = models.CharField(max_length=200)
    service = models.CharField(max_length=300, help_text="What they supply or support.")
    contract_reference = models.CharField(max_length=100, blank=True)
    support_phone = models.CharField(max_length=60, blank=True)
    support_email = models.EmailField(blank=True)
    support_hours = models.CharField(
        max_length=100, blank=True, help_text="e.g. 24×7, Mon–Fri 8–18"
    )
    response_time = models.CharField(
        max_length=100, blank=True, help_text="Contracted response or replacement time."
    )
    notes = models.TextField(blank=True)

    history = tracked_history()


class Phase(models.TextChoices):
    RECOVERY = "recovery", "Recovery"
    RECONSTITUTION = "reconstitution", "Reconstitution"


class RecoveryProcedure(TrackedModel):
    """An ordered runbook for bringing one business function (or the whole plan) back."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="procedures")
    function = models.ForeignKey(
        "bia.BusinessFunction",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="procedures",
        help_text="The business function this runbook restores. Empty for plan-wide steps.",
    )
    phase = models.CharField(max_length=20, choices=Phase.choices, default=Phase.RECOVERY)
    title = models.CharField(max_length=200)
    position = models.PositiveIntegerField(default=1, help_text="Order within its function.")
    summary = models.TextField(blank=True, help_text="Trigger, preconditions and goal.")

    history = tracked_history()

    class Meta:
        ordering = ["plan", "phase", "position", "pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse(
            "procedure_detail", kwargs={"plan_pk": self.plan_id, "procedure_pk": self.pk}
        )


class ProcedureStep(TrackedModel):
    """One step of a runbook, with who does it and how long it should take."""

    procedure = models.ForeignKey(RecoveryProcedure, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveIntegerField(default=1)
    instruction = models.TextField()
    owner = models.CharField(max_length=200, help_text="Person or role who carries it out.")
    expected_minutes = models.PositiveIntegerField(
        help_text="Expected duration in minutes; summed against the function's RTO."
    )

    history = tracked_history()

    class Meta:
        ordering = ["procedure", "position", "pk"]

    def __str__(self) -> str:
        return f"{self.position}. {self.instruction[:60]}"


class Exercise(TrackedModel):
    """A scheduled test of the plan and, once held, what happened."""

    class Kind(models.TextChoices):
        TABLETOP = "tabletop", "Tabletop"
        WALKTHROUGH = "walkthrough", "Walk-through"
        SIMULATION = "simulation", "Simulation"
        FAILOVER = "failover", "Live failover test"
        FULL = "full", "Full interruption"

    class Outcome(models.TextChoices):
        PLANNED = "planned", "Planned"
        PASSED = "passed", "Passed"
        PASSED_WITH_FINDINGS = "findings", "Passed with findings"
        FAILED = "failed", "Failed"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="exercises")
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.TABLETOP)
    function = models.ForeignKey(
        "bia.BusinessFunction",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="exercises",
        help_text="Function whose recovery was exercised, if one.",
    )
    scheduled_for = models.DateField()
    scope = models.TextField(blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, default=Outcome.PLANNED)
    held_on = models.DateField(null=True, blank=True)
    objective_minutes = models.PositiveIntegerField(
        null=True, blank=True, help_text="Recovery time objective tested against, in minutes."
    )
    actual_minutes = models.PositiveIntegerField(
        null=True, blank=True, help_text="Recovery time actually achieved, in minutes."
    )
    findings = models.TextField(blank=True)

    history = tracked_history()

    class Meta:
        ordering = ["plan", "scheduled_for", "pk"]

    def __str__(self) -> str:
        return self.title


class ApproverPolicy(models.TextChoices):
    FUNCTION_OWNERS = "function_owners", "Every business function's owner"
    NAMED = "named", "The people named below"


class PaperSize(models.TextChoices):
    A4 = "a4", "A4"
    LETTER = "letter", "US Letter"


class DocumentSettings(TrackedModel):
    """How the plan's documents are made: who must approve them, and the paper size."""

    plan = models.OneToOneField(Plan, on_delete=models.CASCADE, related_name="document_settings")
    approver_policy = models.CharField(
        "who must approve",
        max_length=20,
        choices=ApproverPolicy.choices,
        default=ApproverPolicy.FUNCTION_OWNERS,
        help_text="A version is approved only when every one of them has approved it.",
    )
    paper_size = models.CharField(max_length=10, choices=PaperSize.choices, default=PaperSize.A4)

    history = tracked_history()

    class Meta:
        verbose_name = "document settings"
        verbose_name_plural = "document settings"

    def __str__(self) -> str:
        return f"Document settings of {self.plan}"


class NamedApprover(TrackedModel):
    """A person who must approve every version while the policy names people."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="named_approvers")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="approver_of"
    )

    history = tracked_history()

    class Meta:
        ordering = ["plan", "user__last_name", "user__first_name", "user__username", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "user"], name="one_named_approver_per_plan")
        ]

    def __str__(self) -> str:
        return str(self.user.get_full_name() or self.user.get_username())


class PlanVersion(TrackedModel):
    """A published plan: frozen inputs, the PDFs rendered from them, and their hashes.

    The worker freezes the snapshot, numbers the version and renders its PDFs; they
    and their hashes are written once and never changed afterwards; only ``status``
    moves on as sign-off proceeds. The snapshot is excluded from change history because it
    is immutable and hashed already; copying megabytes into every status
    change's history row would add nothing.
    """

    class Status(models.TextChoices):
        RENDERING = "rendering", "Rendering"
        PUBLISHED = "published", "Published"
        IN_REVIEW = "in_review", "Awaiting sign-off"
        APPROVED = "approved", "Approved"
        RETURNED = "returned", "Returned to draft"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.RENDERING)
    note = models.TextField(blank=True, help_text="What changed and why, in the publisher's words.")
    snapshot = models.JSONField(default=dict)
    snapshot_sha256 = models.CharField(max_length=64, db_index=True)
    pdf = models.FileField(upload_to="documents/versions/", blank=True)
    pdf_sha256 = models.CharField(max_length=64, blank=True, db_index=True)
    pdfa = models.FileField(upload_to="documents/versions/", blank=True)
    pdfa_sha256 = models.CharField(max_length=64, blank=True, db_index=True)
    page_count = models.PositiveIntegerField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="published_versions"
    )
    published_at = models.DateTimeField()
    rendered_at = models.DateTimeField(null=True, blank=True)
    publish_job = models.OneToOneField(
        Job,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="plan_version",
        help_text="The job that froze and rendered this version; a redelivery finds it here.",
    )
    approvers = models.JSONField(
        default=list,
        blank=True,
        help_text="Ids of the people who must approve, as the sign-off policy named them "
        "when the version was frozen.",
    )
    limitations_reason = models.TextField(
        blank=True, help_text="Why it was published with open checklist items."
    )
    history_seq = models.PositiveBigIntegerField(
        null=True,
        blank=True,
        help_text="The history chain's newest entry when the data was frozen; the next "
        "version's change appendix starts after it.",
    )

    history = tracked_history(excluded_fields=["snapshot"])

    class Meta:
        ordering = ["plan", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="one_version_number_per_plan")
        ]

    def __str__(self) -> str:
        return f"{self.plan} v{self.number}"

    def get_absolute_url(self) -> str:
        return reverse("version_detail", kwargs={"plan_pk": self.plan_id, "version_pk": self.pk})

    @property
    def is_rendered(self) -> bool:
        return bool(self.pdf_sha256)


class SignOffRequest(TrackedModel):
    """A named stakeholder's approval or rejection of one published PDF."""

    class Status(models.TextChoices):
        PENDING = "pending", "Awaiting decision"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"
        CLOSED = "closed", "Closed without decision"

    # Not "version": TrackedModel's version is the optimistic-lock counter.
    plan_version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="signoffs")
    stakeholder = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="signoff_requests"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="signoffs_requested"
    )
    due_date = models.DateField()
    message = models.TextField(blank=True, help_text="Note from the requester.")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    comment = models.TextField(blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    document_sha256 = models.CharField(
        max_length=64, blank=True, help_text="sha256 of the PDF as it was when decided."
    )
    reminded_at = models.DateTimeField(null=True, blank=True)

    history = tracked_history()

    class Meta:
        ordering = ["plan_version", "stakeholder__username", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan_version", "stakeholder"],
                name="one_signoff_per_stakeholder_and_version",
            )
        ]

    def __str__(self) -> str:
        return f"{self.stakeholder} on {self.plan_version}"

    def get_absolute_url(self) -> str:
        return reverse(
            "signoff_detail",
            kwargs={"plan_pk": self.plan_version.plan_id, "signoff_pk": self.pk},
        )

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING
