"""What the inventory's record endpoints read and write: sites, components, groups, dependencies.

Records refer to each other by name, as in inventory as code (a component's ``site`` and
``runs_on``, a group's ``members``, a dependency's ``function`` and ``needs``). The
serializers check types, lengths and that every name exists in the plan; the services
check the rules (names taken, cycles, k-of-n) and save. ``version`` is what an update
started from (or send If-Match with the ETag).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from rest_framework import serializers

from bcp.concurrency import MAX_VERSION
from bcp.models import Plan
from bia.models import BusinessFunction
from inventory.fields import COMPONENT_API_COLUMNS, GROUP_COLUMNS, SITE_COLUMNS
from inventory.forms import no_such_names
from inventory.models import Component, Dependency, Need, RedundancyGroup, Site, Technique
from inventory.selectors import member_names, nodes_named, runs_on_names

Node = Component | RedundancyGroup
T = TypeVar("T")

MAX_TEXT = 10_000
MAX_LINKS = 1_000


def _name() -> serializers.CharField:
    return serializers.CharField(max_length=200)


def _version_field() -> serializers.IntegerField:
    return serializers.IntegerField(
        min_value=0,
        max_value=MAX_VERSION,
        required=False,
        help_text="On update: the version you started from (or send If-Match).",
    )


def resolve_named(
    plan: Plan | None,
    names: list[str],
    named: Callable[[Plan, list[str]], tuple[list[T], list[str]]],
    what: str,
    where: str = "",
) -> list[T]:
    """The records of ``plan`` that ``named`` finds by ``names``; unknown names are an error."""
    if plan is None:
        raise serializers.ValidationError("Names are looked up in a plan; none was given.")
    found, unknown = named(plan, names)
    if unknown:
        raise serializers.ValidationError(no_such_names(what, unknown, where))
    return found


def resolve_nodes(plan: Plan | None, names: list[str]) -> list[Node]:
    """Components or groups by exact name, in the order given; unknown names are an error."""
    return resolve_named(plan, names, nodes_named, "component or group")


RECORD_FIELDS = ("id", "version", "reason", "ticket")
"""What every record of the API carries besides its values: who it is and why it changes."""


class PlanRecordSerializer(serializers.ModelSerializer[Any]):
    """Model fields as the edit pages have them; names of other records looked up in the plan."""

    id = serializers.IntegerField(read_only=True)
    version = _version_field()
    reason = serializers.CharField(
        max_length=500,
        required=False,
        allow_blank=True,
        write_only=True,
        help_text="Why (history).",
    )
    ticket = serializers.CharField(
        max_length=64, required=False, allow_blank=True, write_only=True, help_text="Change ticket."
    )

    # Fields naming other records of the plan: field → (model, the name's field, required).
    scoped: dict[str, tuple[type[Any], str, bool]] = {}

    def __init__(self, *args: Any, plan: Plan | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.plan = plan
        for name, (model, slug, required) in self.scoped.items():
            self.fields[name] = serializers.SlugRelatedField(
                slug_field=slug,
                queryset=model._default_manager.filter(plan=plan),
                allow_null=not required,
                required=required,
            )

    def values(self, fields: tuple[str, ...]) -> dict[str, Any]:
        """The validated model values the service edits (only those sent, on a PATCH)."""
        data = self.validated_data
        return {name: data[name] for name in fields if name in data}

    def why(self) -> dict[str, str]:
        """The reason and ticket sent, as the services take them."""
        data = self.validated_data
        return {"reason": data.get("reason", ""), "ticket": data.get("ticket", "")}


class NamesField(serializers.ListField):
    """Names of linked records, read from the instance by ``names_of``; written as names."""

    def __init__(self, *, names_of: Callable[[Any], list[str]], **kwargs: Any) -> None:
        super().__init__(child=_name(), max_length=MAX_LINKS, **kwargs)
        self.names_of = names_of

    def get_attribute(self, instance: Any) -> list[str]:
        return self.names_of(instance)


class SiteSerializer(PlanRecordSerializer):
    scoped = {"parent": (Site, "name", False)}

    class Meta:
        model = Site
        fields = [*RECORD_FIELDS, *SITE_COLUMNS]
        validators: list[Any] = []
        extra_kwargs = {"description": {"max_length": MAX_TEXT}}


class ComponentSerializer(PlanRecordSerializer):
    scoped = {"site": (Site, "name", False)}
    runs_on = NamesField(
        names_of=runs_on_names,
        required=False,
        help_text="Components or groups it runs on, by name.",
    )

    class Meta:
        model = Component
        fields = [*RECORD_FIELDS, *COMPONENT_API_COLUMNS]
        validators: list[Any] = []
        extra_kwargs = {"notes": {"max_length": MAX_TEXT}}

    def validate_runs_on(self, names: list[str]) -> list[Node]:
        return resolve_nodes(self.plan, names)


class GroupSerializer(PlanRecordSerializer):
    scoped = {"technique": (Technique, "key", False)}
    members = NamesField(
        names_of=member_names,
        help_text="Member components or groups by name; for active/passive the first is active.",
    )

    class Meta:
        model = RedundancyGroup
        fields = [*RECORD_FIELDS, *GROUP_COLUMNS]
        validators: list[Any] = []
        extra_kwargs = {"notes": {"max_length": MAX_TEXT}}

    def validate_members(self, names: list[str]) -> list[Node]:
        return resolve_nodes(self.plan, names)


class DependencySerializer(PlanRecordSerializer):
    scoped = {"function": (BusinessFunction, "name", True)}
    needs = _name()
    need = serializers.ChoiceField(choices=Need.choices, default=Need.FULL)

    class Meta:
        model = Dependency
        fields = [*RECORD_FIELDS, "function", "needs", "need", "notes"]
        validators: list[Any] = []
        extra_kwargs = {"notes": {"max_length": MAX_TEXT}}

    def to_representation(self, instance: Any) -> dict[str, Any]:
        return {
            "id": instance.pk,
            "version": instance.version,
            "function": instance.function.name,
            "needs": str(instance.target),
            "need": instance.need,
            "notes": instance.notes,
        }

    def validate_needs(self, name: str) -> Node:
        return resolve_nodes(self.plan, [name])[0]


class DependencyChangeSerializer(serializers.Serializer[Any]):
    """An update of a dependency: how much the function needs its target, and notes."""

    version = _version_field()
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True)
    ticket = serializers.CharField(max_length=64, required=False, allow_blank=True)
    need = serializers.ChoiceField(choices=Need.choices, required=False)
    notes = serializers.CharField(max_length=MAX_TEXT, allow_blank=True, required=False)
