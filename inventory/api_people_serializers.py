"""What the people and supplier endpoints read and write, by name as in inventory as code.

A person's ``deputies`` name other people of the plan, asked in the order given; a need
names its business function and its person or supplier. The fields are the ones the
people and supplier services edit (:data:`inventory.people_services.PERSON_FIELDS`,
:data:`~inventory.people_services.SUPPLIER_FIELDS`); the services check the rules (names
taken, value ranges, deputy loops) and save.
"""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from bcp.models import Plan
from bia.models import BusinessFunction
from inventory.api_serializers import MAX_TEXT, NamesField, PlanRecordSerializer, resolve_named
from inventory.people_models import (
    Need,
    Person,
    PersonDependency,
    Supplier,
    SupplierDependency,
)
from inventory.people_services import PERSON_FIELDS, SUPPLIER_FIELDS
from inventory.selectors import deputy_names, people_named

RECORD = ["id", "version", "reason", "ticket"]


def resolve_people(plan: Plan | None, names: list[str]) -> list[Person]:
    """People of ``plan`` by exact name, in the order given; unknown names are an error."""
    return resolve_named(plan, names, people_named, "person", " in the plan")


class PersonSerializer(PlanRecordSerializer):
    deputies = NamesField(
        names_of=deputy_names,
        required=False,
        help_text="People who stand in for this person, by name, asked in this order.",
    )

    class Meta:
        model = Person
        fields = [*RECORD, *PERSON_FIELDS, "deputies"]
        validators: list[Any] = []
        extra_kwargs = {"notes": {"max_length": MAX_TEXT}}

    def validate_deputies(self, names: list[str]) -> list[Person]:
        return resolve_people(self.plan, names)


class SupplierSerializer(PlanRecordSerializer):
    class Meta:
        model = Supplier
        fields = [*RECORD, *SUPPLIER_FIELDS]
        validators: list[Any] = []
        extra_kwargs = {"notes": {"max_length": MAX_TEXT}}


class _NeedSerializer(PlanRecordSerializer):
    """A business function's need of a person or supplier, by names."""

    need = serializers.ChoiceField(
        choices=Need.choices,
        default=Need.FULL,
        help_text="full (needed fully) or degraded (needed only for degraded service).",
    )
    target = ""  # the field naming the person or supplier

    def to_representation(self, instance: Any) -> dict[str, Any]:
        return {
            "id": instance.pk,
            "version": instance.version,
            "function": instance.function.name,
            self.target: getattr(instance, self.target).name,
            "need": instance.need,
            "notes": instance.notes,
        }


class PersonNeedSerializer(_NeedSerializer):
    scoped = {"function": (BusinessFunction, "name", True), "person": (Person, "name", True)}
    target = "person"

    class Meta:
        model = PersonDependency
        fields = [*RECORD, "function", "person", "need", "notes"]
        validators: list[Any] = []


class SupplierNeedSerializer(_NeedSerializer):
    scoped = {"function": (BusinessFunction, "name", True), "supplier": (Supplier, "name", True)}
    target = "supplier"

    class Meta:
        model = SupplierDependency
        fields = [*RECORD, "function", "supplier", "need", "notes"]
        validators: list[Any] = []
