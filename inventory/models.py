"""What the plan's business functions run on: sites, components, redundancy and dependencies.

The shape mirrors the analysis engine's topology (``analysis.engine.topology``):

* a :class:`Site` is a failure domain and may sit inside another (rack → room → building);
* a :class:`Component` is something that fails on its own; it may run on other components
  or on redundancy groups (:class:`RunsOn`);
* a :class:`RedundancyGroup` is up while ``k`` of its members are up; members are
  components or other groups (:class:`GroupMember`), the first one is the active member
  of an active/passive pair;
* a :class:`Dependency` says which components or groups a business function needs.

Components and groups share one namespace of names per plan, so imports, exports and
forms can refer to either by name alone. Availability is stored as a percentage, as
people write it; the engine gets a fraction.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.urls import reverse

from bcp.history import TrackedModel, tracked_history
from bcp.models import NamedInPlan, Plan, UniquelyNamedInPlan

# People and suppliers live in their own module; importing them here registers them.
# Need is declared there once for every kind of dependency, these included.
from inventory.people_models import (
    Deputy,
    Need,
    Person,
    PersonDependency,
    Supplier,
    SupplierDependency,
    SupportHours,
)


class SiteKind(models.TextChoices):
    DATA_CENTRE = "data_centre", "Data centre"
    BUILDING = "building", "Building"
    ROOM = "room", "Room"
    RACK = "rack", "Rack"
    CLOUD_REGION = "cloud_region", "Cloud region"
    CLOUD_ZONE = "cloud_zone", "Cloud availability zone"
    BRANCH = "branch", "Branch"
    OTHER = "other", "Other"


class ComponentKind(models.TextChoices):
    SERVER = "server", "Server"
    VM = "vm", "Virtual machine"
    APPLICATION = "application", "Application"
    DATABASE = "database", "Database"
    STORAGE = "storage", "Storage / SAN"
    NETWORK = "network", "Network"
    LOAD_BALANCER = "load_balancer", "Load balancer"
    PRINT_PROVIDER = "print_provider", "Print provider"
    PRINTER = "printer", "Printer / MFD"
    SAAS = "saas", "SaaS"
    POWER = "power", "Power"
    OTHER = "other", "Other"


class Replication(models.TextChoices):
    NONE = "none", "None"
    ASYNC = "async", "Asynchronous (with lag)"
    SYNC = "sync", "Synchronous"


class GroupMode(models.TextChoices):
    ACTIVE_ACTIVE = "active_active", "Active/active (k of n)"
    ACTIVE_PASSIVE = "active_passive", "Active/passive (failover)"


class Level(models.IntegerChoices):
    """Cost class and complexity, as the engine's technique catalogue rates them."""

    VERY_LOW = 1, "1 — very low"
    LOW = 2, "2 — low"
    MEDIUM = 3, "3 — medium"
    HIGH = 4, "4 — high"
    VERY_HIGH = 5, "5 — very high"


class Site(UniquelyNamedInPlan):
    """A failure domain: everything in it can be lost together (fire, power, network)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="sites")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=SiteKind.choices, default=SiteKind.BUILDING)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        help_text="The site this one sits in, e.g. the room a rack stands in.",
    )
    availability_percent = models.FloatField(
        "availability (%)",
        null=True,
        blank=True,
        help_text="How often the site itself is usable; leave empty to treat it as always up.",
    )
    availability_source = models.CharField(max_length=200, blank=True)
    restore_hours = models.FloatField(
        null=True, blank=True, help_text="Time to rebuild or re-enter the site after its loss."
    )
    description = models.TextField(blank=True)

    history = tracked_history()

    def get_absolute_url(self) -> str:
        return reverse(
            "inventory_site_detail", kwargs={"plan_pk": self.plan_id, "site_pk": self.pk}
        )


class Technique(NamedInPlan):
    """An HA technique in the plan's catalogue, with what it typically achieves.

    Applying one to a component or group copies its figures as a starting point; the
    copy is then edited like any other value.
    """

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="techniques")
    key = models.SlugField(max_length=60)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    group_mode = models.CharField(
        max_length=20,
        choices=GroupMode.choices,
        blank=True,
        help_text="For redundancy techniques: the kind of group it builds.",
    )
    failover_seconds = models.FloatField("typical failover (s)", null=True, blank=True)
    restore_hours = models.FloatField("typical restore (h)", null=True, blank=True)
    data_loss_seconds = models.FloatField(
        "typical data loss (s)",
        null=True,
        blank=True,
        help_text="0 for none; empty when the technique does not protect data.",
    )
    backup_interval_hours = models.FloatField(null=True, blank=True)
    replication = models.CharField(max_length=10, choices=Replication.choices, blank=True)
    replication_lag_seconds = models.FloatField(null=True, blank=True)
    cost_class = models.PositiveSmallIntegerField(choices=Level.choices, default=Level.MEDIUM)
    complexity = models.PositiveSmallIntegerField(choices=Level.choices, default=Level.MEDIUM)

    history = tracked_history()

    class Meta(NamedInPlan.Meta):
        constraints = [
            models.UniqueConstraint(fields=["plan", "key"], name="unique_technique_key_per_plan")
        ]


class Component(UniquelyNamedInPlan):
    """Something that can fail on its own: a server, a SAN, a link, a database, a printer."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="components")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=ComponentKind.choices)
    owner = models.CharField(max_length=200, blank=True, help_text="Team or person responsible.")
    site = models.ForeignKey(
        Site, on_delete=models.PROTECT, null=True, blank=True, related_name="components"
    )
    availability_percent = models.FloatField("availability (%)", null=True, blank=True)
    mtbf_hours = models.FloatField("MTBF (h)", null=True, blank=True)
    mttr_hours = models.FloatField("MTTR (h)", null=True, blank=True)
    availability_source = models.CharField(
        max_length=200, blank=True, help_text="Where the figure comes from, e.g. vendor datasheet."
    )
    holds_data = models.BooleanField(
        default=False, help_text="Its data matters for the recovery point objective."
    )
    failover_seconds = models.FloatField("failover time (s)", null=True, blank=True)
    restore_hours = models.FloatField("restore time (h)", null=True, blank=True)
    backup_interval_hours = models.FloatField("backup interval (h)", null=True, blank=True)
    replication = models.CharField(
        max_length=10, choices=Replication.choices, default=Replication.NONE
    )
    replication_lag_seconds = models.FloatField("replication lag (s)", null=True, blank=True)
    technique = models.ForeignKey(
        Technique,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="components",
        help_text="HA technique last applied to pre-fill the recovery figures.",
    )
    cost_per_year = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    notes = models.TextField(blank=True)

    history = tracked_history()

    class Meta(UniquelyNamedInPlan.Meta):
        indexes = [
            models.Index(fields=["plan", "kind", "name"]),
            models.Index(fields=["plan", "site", "name"]),
        ]

    def get_absolute_url(self) -> str:
        return reverse(
            "inventory_component_detail",
            kwargs={"plan_pk": self.plan_id, "component_pk": self.pk},
        )

    @property
    def node_key(self) -> str:
        return f"component:{self.pk}"


class RedundancyGroup(NamedInPlan):
    """Members that stand in for each other: up while at least ``k`` of them are up."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="redundancy_groups")
    name = models.CharField(max_length=200)
    mode = models.CharField(max_length=20, choices=GroupMode.choices)
    k = models.PositiveIntegerField(
        "members needed (k)", default=1, help_text="How many members must be up."
    )
    failover_seconds = models.FloatField("failover time (s)", default=0.0)
    technique = models.ForeignKey(
        Technique,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="groups",
    )
    notes = models.TextField(blank=True)

    history = tracked_history()

    class Meta(NamedInPlan.Meta):
        # Unique by name as UniquelyNamedInPlan's are, under the constraint name it was made with.
        constraints = [
            models.UniqueConstraint(fields=["plan", "name"], name="unique_group_name_per_plan")
        ]

    def get_absolute_url(self) -> str:
        return reverse(
            "inventory_group_detail", kwargs={"plan_pk": self.plan_id, "group_pk": self.pk}
        )

    @property
    def node_key(self) -> str:
        return f"group:{self.pk}"


def _the_one(
    component: Component | None, group: RedundancyGroup | None
) -> Component | RedundancyGroup:
    """The one of a link's two targets that is set (a check constraint keeps it to one)."""
    target = component or group
    assert target is not None
    return target


def _one_target(prefix: str) -> Q:
    component = Q(**{f"{prefix}component__isnull": False})
    group = Q(**{f"{prefix}group__isnull": False})
    return (component & ~group) | (group & ~component)


class RunsOn(TrackedModel):
    """``component`` runs on ``on_component`` or on ``on_group`` (exactly one)."""

    component = models.ForeignKey(Component, on_delete=models.CASCADE, related_name="runs_on_links")
    on_component = models.ForeignKey(
        Component, on_delete=models.CASCADE, null=True, blank=True, related_name="carries_links"
    )
    on_group = models.ForeignKey(
        RedundancyGroup,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="carries_links",
    )

    history = tracked_history()

    class Meta:
        ordering = ["component", "pk"]
        constraints = [
            models.CheckConstraint(condition=_one_target("on_"), name="runs_on_one_target"),
            models.UniqueConstraint(
                fields=["component", "on_component"], name="unique_runs_on_component"
            ),
            models.UniqueConstraint(fields=["component", "on_group"], name="unique_runs_on_group"),
        ]

    def __str__(self) -> str:
        return f"{self.component} runs on {self.target}"

    @property
    def target(self) -> Component | RedundancyGroup:
        return _the_one(self.on_component, self.on_group)


class GroupMember(TrackedModel):
    """One member of a redundancy group: a component or a nested group."""

    group = models.ForeignKey(RedundancyGroup, on_delete=models.CASCADE, related_name="members")
    position = models.PositiveIntegerField(
        default=0, help_text="Order in the group; the first is the active member."
    )
    component = models.ForeignKey(
        Component, on_delete=models.CASCADE, null=True, blank=True, related_name="memberships"
    )
    member_group = models.ForeignKey(
        RedundancyGroup,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="memberships",
    )

    history = tracked_history()

    class Meta:
        ordering = ["group", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(component__isnull=False) & Q(member_group__isnull=True))
                | (Q(component__isnull=True) & Q(member_group__isnull=False)),
                name="group_member_one_target",
            ),
            models.UniqueConstraint(fields=["group", "component"], name="unique_member_component"),
            models.UniqueConstraint(fields=["group", "member_group"], name="unique_member_group"),
        ]

    def __str__(self) -> str:
        return f"{self.target} in {self.group}"

    @property
    def target(self) -> Component | RedundancyGroup:
        return _the_one(self.component, self.member_group)


class Dependency(TrackedModel):
    """A business function needs a component or a redundancy group."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="dependencies")
    function = models.ForeignKey(
        "bia.BusinessFunction", on_delete=models.CASCADE, related_name="dependencies"
    )
    component = models.ForeignKey(
        Component, on_delete=models.CASCADE, null=True, blank=True, related_name="dependencies"
    )
    group = models.ForeignKey(
        RedundancyGroup,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="dependencies",
    )
    need = models.CharField(max_length=10, choices=Need.choices, default=Need.FULL)
    notes = models.CharField(max_length=300, blank=True)

    history = tracked_history()

    class Meta:
        ordering = ["function", "pk"]
        verbose_name_plural = "dependencies"
        constraints = [
            models.CheckConstraint(condition=_one_target(""), name="dependency_one_target"),
            models.UniqueConstraint(
                fields=["function", "component"], name="unique_dependency_component"
            ),
            models.UniqueConstraint(fields=["function", "group"], name="unique_dependency_group"),
        ]

    def __str__(self) -> str:
        return f"{self.function} needs {self.target}"

    @property
    def target(self) -> Component | RedundancyGroup:
        return _the_one(self.component, self.group)


__all__ = [
    "Component",
    "Dependency",
    "Deputy",
    "GroupMember",
    "Need",
    "Person",
    "PersonDependency",
    "RedundancyGroup",
    "RunsOn",
    "Site",
    "Supplier",
    "SupplierDependency",
    "SupportHours",
    "Technique",
]
