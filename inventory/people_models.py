"""People and suppliers a business function needs, as the analysis engine sees them.

* a :class:`Person` is a key person (or the holder of a key role). They are away
  ``absence_days_per_year`` days a year (holidays, training, sickness), so their
  availability is ``1 − absence days / days in the year``; with nobody to stand in, their
  work waits ``recall_hours`` (recall from leave or bring in someone else).
* a :class:`Deputy` names who stands in for a person, in order; handing over takes the
  person's ``handover_hours``. A deputy stands in with their own deputies behind them,
  so a chain of deputies must not loop (the services refuse one and name the loop).
* a :class:`Supplier` holds the contract for a service bought in: its service
  availability, contractual RTO and RPO and support hours. Outside business-hours
  support the restore clock stops, so the achievable restore time is the contractual RTO
  counted from the worst moment (see :mod:`inventory.people`).
* :class:`PersonDependency` and :class:`SupplierDependency` say a business function
  needs a person (or role) or a supplier, fully or only for degraded service.

How these become engine elements is described in :mod:`inventory.people`.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.urls import reverse

from bcp.history import TrackedModel, tracked_history
from bcp.models import Plan, UniquelyNamedInPlan

DEFAULT_ABSENCE_DAYS = 30.0
DEFAULT_HANDOVER_HOURS = 4.0
DEFAULT_RECALL_HOURS = 72.0


class SupportHours(models.TextChoices):
    ALWAYS = "24x7", "24×7"
    BUSINESS = "business", "Business hours (Mon–Fri 08:00–18:00)"


class Need(models.TextChoices):
    """How a business function needs what it depends on: a component or group, a person,
    a role or a supplier."""

    FULL = "full", "Needed fully"
    DEGRADED = "degraded", "Needed only for degraded service"


class Person(UniquelyNamedInPlan):
    """A key person, or the holder of a key role, whose absence can stop a function."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="people")
    name = models.CharField(max_length=200)
    role = models.CharField(
        max_length=200, blank=True, help_text="The role they hold, e.g. print administrator."
    )
    contact = models.CharField(max_length=200, blank=True)
    absence_days_per_year = models.FloatField(
        "absence (days a year)",
        default=DEFAULT_ABSENCE_DAYS,
        help_text="Planned and unplanned absence: holidays, training, sickness.",
    )
    handover_hours = models.FloatField(
        "handover to a deputy (h)",
        default=DEFAULT_HANDOVER_HOURS,
        help_text="Time for a deputy to take over this person's work.",
    )
    recall_hours = models.FloatField(
        "recall or replace (h)",
        default=DEFAULT_RECALL_HOURS,
        help_text="Time to get the work done when nobody stands in: recall them or bring "
        "in someone else.",
    )
    notes = models.TextField(blank=True)

    history = tracked_history()

    class Meta(UniquelyNamedInPlan.Meta):
        verbose_name_plural = "people"

    def __str__(self) -> str:
        return f"{self.name} ({self.role})" if self.role else self.name

    def get_absolute_url(self) -> str:
        return reverse(
            "inventory_person_detail", kwargs={"plan_pk": self.plan_id, "person_pk": self.pk}
        )


class Deputy(TrackedModel):
    """``deputy`` stands in for ``person``; the lowest ``position`` is asked first."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="deputy_links")
    deputy = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="deputy_for_links")
    position = models.PositiveIntegerField(default=0)

    history = tracked_history()

    class Meta:
        ordering = ["person", "position", "pk"]
        verbose_name_plural = "deputies"
        constraints = [
            models.UniqueConstraint(fields=["person", "deputy"], name="unique_deputy"),
            models.CheckConstraint(condition=~Q(person=F("deputy")), name="deputy_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.deputy} stands in for {self.person}"


class Supplier(UniquelyNamedInPlan):
    """A supplier and the contract the plan relies on (one contract per supplier)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="suppliers")
    name = models.CharField(max_length=200)
    service = models.CharField(
        max_length=200, blank=True, help_text="What they provide, e.g. managed printing."
    )
    contract_reference = models.CharField(
        max_length=100, help_text="The contract's number or title, as the gap list names it."
    )
    service_availability_percent = models.FloatField(
        "service availability (%)", help_text="The availability the contract commits to."
    )
    contract_rto_hours = models.FloatField(
        "contractual RTO (h)", help_text="Restore time the contract commits to."
    )
    contract_rpo_hours = models.FloatField(
        "contractual RPO (h)",
        null=True,
        blank=True,
        help_text="Data loss the contract allows; empty when they hold none of your data.",
    )
    support_hours = models.CharField(
        max_length=10, choices=SupportHours.choices, default=SupportHours.ALWAYS
    )
    contact = models.CharField(max_length=200, blank=True)
    notes = models.TextField(blank=True)

    history = tracked_history()

    def __str__(self) -> str:
        return f"{self.name} (contract {self.contract_reference})"

    def get_absolute_url(self) -> str:
        return reverse(
            "inventory_supplier_detail", kwargs={"plan_pk": self.plan_id, "supplier_pk": self.pk}
        )


class NeededTo(models.TextChoices):
    """How a function needs a person or role: to keep running, or to be recovered."""

    OPERATE = "operate", "To operate (their absence stops the function)"
    RECOVER = "recover", "To recover (their absence delays recovery)"


class PersonDependency(TrackedModel):
    """A business function needs a person (or the role they hold), to operate or to
    recover it: only a need to operate enters the function's availability; a need to
    recover adds the time to reach someone who can act to its achievable RTO."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="person_dependencies")
    function = models.ForeignKey(
        "bia.BusinessFunction", on_delete=models.CASCADE, related_name="person_dependencies"
    )
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="dependencies")
    need = models.CharField(max_length=10, choices=Need.choices, default=Need.FULL)
    needed_to = models.CharField(max_length=10, choices=NeededTo.choices, default=NeededTo.RECOVER)
    notes = models.CharField(max_length=300, blank=True)

    history = tracked_history()

    class Meta:
        ordering = ["function", "pk"]
        verbose_name_plural = "person dependencies"
        constraints = [
            models.UniqueConstraint(fields=["function", "person"], name="unique_person_dependency")
        ]

    def __str__(self) -> str:
        return f"{self.function} needs {self.person}"


class SupplierDependency(TrackedModel):
    """A business function needs a supplier's contracted service."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="supplier_dependencies")
    function = models.ForeignKey(
        "bia.BusinessFunction", on_delete=models.CASCADE, related_name="supplier_dependencies"
    )
    supplier = models.ForeignKey(Supplier, on_delete=models.CASCADE, related_name="dependencies")
    need = models.CharField(max_length=10, choices=Need.choices, default=Need.FULL)
    notes = models.CharField(max_length=300, blank=True)

    history = tracked_history()

    class Meta:
        ordering = ["function", "pk"]
        verbose_name_plural = "supplier dependencies"
        constraints = [
            models.UniqueConstraint(
                fields=["function", "supplier"], name="unique_supplier_dependency"
            )
        ]

    def __str__(self) -> str:
        return f"{self.function} needs {self.supplier}"


class Role(UniquelyNamedInPlan):
    """A role held by several people: enough holders (``holders_needed``) must be
    reachable. To the engine it is a k-of-n cover group of its holders."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="key_roles")
    name = models.CharField(max_length=200)
    holders_needed = models.PositiveIntegerField(
        "holders needed",
        default=1,
        help_text="How many of its holders must be reachable for the role to be covered.",
    )
    notes = models.TextField(blank=True)

    history = tracked_history()

    def __str__(self) -> str:
        return f"{self.name} (role)"

    def get_absolute_url(self) -> str:
        return reverse(
            "inventory_role_detail", kwargs={"plan_pk": self.plan_id, "role_pk": self.pk}
        )


class RoleHolder(TrackedModel):
    """``person`` holds ``role``; ``position`` keeps the order they are listed in."""

    role = models.ForeignKey(Role, on_delete=models.CASCADE, related_name="holder_links")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="role_links")
    position = models.PositiveIntegerField(default=0)

    history = tracked_history()

    class Meta:
        ordering = ["role", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["role", "person"], name="unique_role_holder")
        ]

    def __str__(self) -> str:
        return f"{self.person} holds {self.role}"


class RoleDependency(TrackedModel):
    """A business function needs a role (enough of its holders), to operate or recover."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="role_dependencies")
    function = models.ForeignKey(
        "bia.BusinessFunction", on_delete=models.CASCADE, related_name="role_dependencies"
    )
    role = models.ForeignKey(Role, on_delete=models.CASCADE, related_name="dependencies")
    need = models.CharField(max_length=10, choices=Need.choices, default=Need.FULL)
    needed_to = models.CharField(max_length=10, choices=NeededTo.choices, default=NeededTo.RECOVER)
    notes = models.CharField(max_length=300, blank=True)

    history = tracked_history()

    class Meta:
        ordering = ["function", "pk"]
        verbose_name_plural = "role dependencies"
        constraints = [
            models.UniqueConstraint(fields=["function", "role"], name="unique_role_dependency")
        ]

    def __str__(self) -> str:
        return f"{self.function} needs {self.role}"
