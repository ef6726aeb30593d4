"""Business functions and what they depend on."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse

from bcp.history import TrackedModel, tracked_history
from bcp.models import NamedInPlan, Plan


class Criticality(models.TextChoices):
    CRITICAL = "critical", "Critical"
    HIGH = "high", "High"
    MEDIUM = "medium", "Medium"
    LOW = "low", "Low"


class BusinessFunction(NamedInPlan):
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

    class Meta(NamedInPlan.Meta):
        # Unique by name as UniquelyNamedInPlan's are, under the constraint name it was made with.
        constraints = [
            models.UniqueConstraint(fields=["plan", "name"], name="unique_function_name_per_plan")
        ]

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
