"""Writes to the plan's people, deputies, suppliers and the functions' needs for them.

Every write runs in a change context, so history records who acted and why. Checks
speak in names: a chain of deputies that loops is refused as
"Ann Admin → Bob Backup → Ann Admin".
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Unpack

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count

from bcp.history import change_context
from bcp.models import Plan
from inventory import graph as g
from inventory.need_services import NeedOptions, SupplierNeedOptions, User, need_create
from inventory.people import deputies_of
from inventory.people_models import (
    DEFAULT_ABSENCE_DAYS,
    DEFAULT_HANDOVER_HOURS,
    DEFAULT_RECALL_HOURS,
    Deputy,
    Person,
    PersonDependency,
    Role,
    Supplier,
    SupplierDependency,
    SupportHours,
)
from inventory.services.common import (
    Why,
    add_record,
    changing,
    current_values,
    edit_save,
    editable_values,
    order_links,
)

PERSON_FIELDS = (
    "name",
    "role",
    "contact",
    "absence_days_per_year",
    "handover_hours",
    "recall_hours",
    "notes",
)
SUPPLIER_FIELDS = (
    "name",
    "service",
    "contract_reference",
    "service_availability_percent",
    "contract_rto_hours",
    "contract_rpo_hours",
    "support_hours",
    "contact",
    "notes",
)
if TYPE_CHECKING:
    from bia.models import BusinessFunction

MAX_DEPUTIES = 10


def _number_error(value: object, label: str, *, low: float, high: float) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, int | float) or not math.isfinite(float(value)):
        return f"{label} must be a number."
    if not low <= float(value) <= high:
        return f"{label} must be between {low:g} and {high:g}; got {float(value):g}."
    return None


def person_value_errors(values: Mapping[str, object]) -> dict[str, str]:
    """Problems with one person's own values, worded for people."""
    errors: dict[str, str] = {}
    if not str(values.get("name") or "").strip():
        errors["name"] = "Give the person a name."
    for field, label, high in (
        ("absence_days_per_year", "Absence", 366.0),
        ("handover_hours", "Handover time", 8760.0),
        ("recall_hours", "Recall time", 8760.0),
    ):
        if values.get(field) is None:
            errors[field] = f"{label} is needed."
            continue
        message = _number_error(values.get(field), label, low=0.0, high=high)
        if message:
            errors[field] = message
    return errors


def supplier_value_errors(values: Mapping[str, object]) -> dict[str, str]:
    """Problems with one supplier's contract values, worded for people."""
    errors: dict[str, str] = {}
    if not str(values.get("name") or "").strip():
        errors["name"] = "Give the supplier a name."
    if not str(values.get("contract_reference") or "").strip():
        errors["contract_reference"] = "Name the contract (its number or title)."
    for field, label, high, required in (
        ("service_availability_percent", "Service availability", 100.0, True),
        ("contract_rto_hours", "Contractual RTO", 8760.0, True),
        ("contract_rpo_hours", "Contractual RPO", 8760.0, False),
    ):
        if values.get(field) is None and required:
            errors[field] = f"{label} is needed."
            continue
        message = _number_error(values.get(field), label, low=0.0, high=high)
        if message:
            errors[field] = message
    if values.get("support_hours") not in SupportHours.values:
        errors["support_hours"] = "Support hours are 24x7 or business."
    return errors


def named_values(
    values: Mapping[str, object], fields: Sequence[str], *, creating: bool
) -> dict[str, object]:
    """``values`` (only ``fields``; :func:`editable_values`) with the name as text without
    surrounding blanks: always on a create, when given on an update."""
    clean = editable_values(values, fields)
    if creating or "name" in clean:
        clean["name"] = str(clean.get("name") or "").strip()
    return clean


def check_named(
    errors: dict[str, str],
    plan: Plan,
    values: Mapping[str, object],
    record: Person | Supplier | Role | None,
    model: type[Person | Supplier | Role],
) -> None:
    """Raise ``errors`` with a clash of names with another record of the plan added, if any."""
    name = str(values.get("name") or "").strip()
    taken = model._default_manager.filter(plan=plan, name=name).exclude(
        pk=record.pk if record else 0
    )
    if name and taken.exists():
        noun = model._meta.verbose_name
        errors["name"] = f"A {noun} named “{name}” already exists in this plan."
    if errors:
        raise ValidationError(errors)


def _check_person(plan: Plan, values: dict[str, Any], person: Person | None) -> None:
    check_named(person_value_errors(values), plan, values, person, Person)


def _check_supplier(plan: Plan, values: dict[str, Any], supplier: Supplier | None) -> None:
    check_named(supplier_value_errors(values), plan, values, supplier, Supplier)


def deputy_loop(edges: Mapping[int, Sequence[int]], start: int) -> list[int] | None:
    """A chain of deputies from ``start`` back to a person already in it, or None."""
    cycle = g.find_cycle({str(k): [str(v) for v in vs] for k, vs in edges.items()}, str(start))
    return None if cycle is None else [int(pk) for pk in cycle]


def check_deputies(plan: Plan, person: Person, deputies: Sequence[Person]) -> None:
    """Refuse a deputy list that names the person, another plan's people, or makes a loop."""
    if len(deputies) > MAX_DEPUTIES:
        raise ValidationError({"deputies": f"At most {MAX_DEPUTIES} deputies per person."})
    for deputy in deputies:
        if deputy.plan_id != plan.pk:
            raise ValidationError({"deputies": f"“{deputy.name}” belongs to another plan."})
        if deputy.pk == person.pk:
            raise ValidationError({"deputies": f"“{person.name}” cannot deputise for themself."})
    if len({d.pk for d in deputies}) != len(deputies):
        raise ValidationError({"deputies": "Each deputy can be named once."})
    edges = deputies_of(plan)
    edges[person.pk] = [d.pk for d in deputies]
    loop = deputy_loop(edges, person.pk)
    if loop:
        names = dict(Person.objects.filter(plan=plan).values_list("pk", "name"))
        raise ValidationError(
            {
                "deputies": "These deputies would make a chain that loops: "
                + " → ".join(names[pk] for pk in loop)
                + ". A deputy stands in with their own deputies behind them, so someone "
                "cannot end up standing in for themself."
            }
        )


def set_deputies(person: Person, deputies: Sequence[Person]) -> None:
    """Make ``deputies`` the person's deputies in this order (inside a change context)."""

    def add(deputy_id: int, position: int) -> None:
        Deputy.objects.create(person=person, deputy_id=deputy_id, position=position)

    order_links(person.deputy_links, "deputy_id", [d.pk for d in deputies], add)


@transaction.atomic
def person_create(
    *,
    plan: Plan,
    user: User,
    values: Mapping[str, object],
    deputies: Sequence[Person] = (),
    **why: Unpack[Why],
) -> Person:
    clean = named_values(values, PERSON_FIELDS, creating=True)
    clean.setdefault("absence_days_per_year", DEFAULT_ABSENCE_DAYS)
    clean.setdefault("handover_hours", DEFAULT_HANDOVER_HOURS)
    clean.setdefault("recall_hours", DEFAULT_RECALL_HOURS)
    _check_person(plan, clean, None)
    return add_record(
        Person, plan, clean, user, why, deputies, _checked_deputies, otherwise="Person added"
    )


def _checked_deputies(person: Person, deputies: Sequence[Person]) -> None:
    # A new person's deputies are checked once the person has an id to loop back to.
    check_deputies(person.plan, person, deputies)
    set_deputies(person, deputies)


@transaction.atomic
def person_update(
    *,
    person: Person,
    user: User,
    expected_version: int | None,
    values: Mapping[str, object],
    deputies: Sequence[Person] | None = None,
    **why: Unpack[Why],
) -> Person:
    clean = named_values(values, PERSON_FIELDS, creating=False)
    _check_person(person.plan, {**current_values(person, PERSON_FIELDS), **clean}, person)
    if deputies is not None:
        check_deputies(person.plan, person, deputies)
    return edit_save(
        person,
        clean,
        expected_version,
        user,
        why,
        deputies,
        set_deputies,
        otherwise="Person changed",
    )


@transaction.atomic
def person_delete(*, person: Person, user: User, **why: Unpack[Why]) -> None:
    """Remove ``person`` with their deputy links and needs. Refused, naming the role, when
    a role they hold would keep fewer holders than it needs."""
    short = [
        role
        for role in Role.objects.filter(holder_links__person=person).annotate(
            holders=Count("holder_links")
        )
        if role.holders - 1 < role.holders_needed
    ]
    if short:
        raise ValidationError(
            "; ".join(
                f"“{person.name}” holds the role “{role.name}”, which needs "
                f"{role.holders_needed} holder{'s' if role.holders_needed != 1 else ''} "
                f"reachable and would keep {role.holders - 1}: give the role another holder "
                "or remove it first"
                for role in short
            )
            + "."
        )
    with changing(user, why, "Person removed"):
        person.delete()


@transaction.atomic
def supplier_create(
    *, plan: Plan, user: User, values: Mapping[str, object], **why: Unpack[Why]
) -> Supplier:
    clean = named_values(values, SUPPLIER_FIELDS, creating=True)
    clean.setdefault("support_hours", SupportHours.ALWAYS)
    _check_supplier(plan, clean, None)
    return add_record(Supplier, plan, clean, user, why, otherwise="Supplier added")


@transaction.atomic
def supplier_update(
    *,
    supplier: Supplier,
    user: User,
    expected_version: int | None,
    values: Mapping[str, object],
    **why: Unpack[Why],
) -> Supplier:
    clean = named_values(values, SUPPLIER_FIELDS, creating=False)
    _check_supplier(supplier.plan, {**current_values(supplier, SUPPLIER_FIELDS), **clean}, supplier)
    return edit_save(supplier, clean, expected_version, user, why, otherwise="Supplier changed")


@transaction.atomic
def supplier_delete(*, supplier: Supplier, user: User, **why: Unpack[Why]) -> None:
    with changing(user, why, "Supplier removed"):
        supplier.delete()


@transaction.atomic
def person_dependency_create(
    *, function: BusinessFunction, person: Person, user: User, **options: Unpack[NeedOptions]
) -> PersonDependency:
    """``function`` (a ``bia.BusinessFunction``) needs ``person`` or whoever deputises, to
    operate it (their absence stops it) or to recover it (their absence delays recovery);
    not given, a full need is to recover and a degraded one to operate."""
    return need_create(
        PersonDependency,
        function=function,
        target=person,
        user=user,
        added="Person needed",
        **options,
    )


@transaction.atomic
def supplier_dependency_create(
    *,
    function: BusinessFunction,
    supplier: Supplier,
    user: User,
    **options: Unpack[SupplierNeedOptions],
) -> SupplierDependency:
    """``function`` (a ``bia.BusinessFunction``) needs ``supplier``'s contracted service."""
    return need_create(
        SupplierDependency,
        function=function,
        target=supplier,
        user=user,
        added="Supplier needed",
        **options,
    )


@transaction.atomic
def person_dependency_delete(*, dependency: PersonDependency, user: User, reason: str = "") -> None:
    with change_context(user=user, reason=reason or "Person no longer needed"):
        dependency.delete()


@transaction.atomic
def supplier_dependency_delete(
    *, dependency: SupplierDependency, user: User, reason: str = ""
) -> None:
    with change_context(user=user, reason=reason or "Supplier no longer needed"):
        dependency.delete()
