"""Applying the ``people`` and ``suppliers`` sections of a checked import.

Runs inside :func:`inventory.exchange.applying.inventory_import_apply`'s transaction and
change context. A name that exists is updated (only the columns given), a new one is
created. ``deputies`` replaces the person's deputies in the order given; ``needed_by``,
``needed_when_degraded`` and (for people) ``needed_to_recover``, when any is given,
replace which functions need the row (a list not given keeps its stored names).
"""

from __future__ import annotations

from typing import Any, TypeVar

from bcp.concurrency import save_if_current
from bcp.models import Plan
from bia.models import BusinessFunction
from inventory.exchange.fields import NAME_LISTS
from inventory.exchange.records import Record
from inventory.exchange.state import NEW_DEFAULTS, same
from inventory.people import RECOVER, row_how
from inventory.people_models import (
    Need,
    NeededTo,
    Person,
    PersonDependency,
    Role,
    RoleDependency,
    Supplier,
    SupplierDependency,
)
from inventory.people_services import set_deputies
from inventory.role_services import set_holders

M = TypeVar("M", Person, Role, Supplier)
N = TypeVar("N", PersonDependency, RoleDependency, SupplierDependency)
# How a function needs the row (need, or "recover") → the list that names it, in the
# order a name found in two lists is settled (the checks refuse that anyway).
COLUMNS = {
    RECOVER: "needed_to_recover",
    Need.DEGRADED: "needed_when_degraded",
    Need.FULL: "needed_by",
}


def _upserted(model: type[M], plan: Plan, section: str, record: Record, named: dict[str, M]) -> M:
    """The record's person, role or supplier in ``named``: its values saved, or created
    with the section's defaults when new."""
    if record.key in named:
        _save(named[record.key], _plain(record.values))
    else:
        values = _plain({**NEW_DEFAULTS[section], **record.values})
        named[record.key] = model._default_manager.create(plan=plan, **values)
    return named[record.key]


def _plain(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if k not in NAME_LISTS}


def _save(instance: Person | Role | Supplier, changes: dict[str, Any]) -> None:
    real = {k: v for k, v in changes.items() if not same(getattr(instance, k), v)}
    if real:
        save_if_current(instance, expected_version=instance.version, changes=real)


def _changes(model: type[N], how: str) -> dict[str, str]:
    """The values of a ``model`` row for a need ``how``; a supplier has no "needed to"."""
    if model is SupplierDependency:
        return {"need": how}
    if how == RECOVER:
        return {"need": Need.FULL, "needed_to": NeededTo.RECOVER}
    return {"need": how, "needed_to": NeededTo.OPERATE}


def _wanted(record: Record, stored: dict[str, str]) -> dict[str, str] | None:
    """Function name → how the record asks it to need the row, or None when it names no
    list of needs."""
    given = record.values
    if not any(column in given for column in COLUMNS.values()):
        return None
    wanted: dict[str, str] = {}
    for how, column in COLUMNS.items():
        names = given.get(column, [n for n, had in stored.items() if had == how])
        wanted.update({name: how for name in names})
    return wanted


def _sync_needs(
    plan: Plan,
    functions: dict[str, BusinessFunction],
    record: Record,
    model: type[N],
    field: str,
    target: Person | Role | Supplier,
) -> None:
    """Make the needs of ``target`` (``model``'s rows naming it by ``field``) what the
    record's lists of needs say, when it gives any."""
    rows = list(model._default_manager.filter(**{field: target}).select_related("function"))
    wanted = _wanted(record, {row.function.name: row_how(row) for row in rows})
    if wanted is None:
        return
    have = {row.function.name: row for row in rows}
    for name, row in have.items():
        if name not in wanted:
            row.delete()
        elif row_how(row) != wanted[name]:
            changes = _changes(model, wanted[name])
            save_if_current(row, expected_version=row.version, changes=changes)
    for name, how in wanted.items():
        if name not in have:
            model._default_manager.create(
                plan=plan, function=functions[name], **{field: target}, **_changes(model, how)
            )


def apply_people(plan: Plan, records: dict[str, list[Record]]) -> None:
    """Write the people and suppliers of an import (already checked)."""
    people_records = records.get("people", [])
    role_records = records.get("roles", [])
    supplier_records = records.get("suppliers", [])
    if not people_records and not role_records and not supplier_records:
        return
    functions = {f.name: f for f in BusinessFunction.objects.filter(plan=plan)}
    people = {p.name: p for p in Person.objects.filter(plan=plan)}
    for record in people_records:
        _upserted(Person, plan, "people", record, people)
    for record in people_records:
        person = people[record.key]
        if "deputies" in record.values:
            set_deputies(person, [people[name] for name in record.values["deputies"]])
        _sync_needs(plan, functions, record, PersonDependency, "person", person)
    _apply_roles(plan, role_records, people, functions)
    suppliers = {s.name: s for s in Supplier.objects.filter(plan=plan)}
    for record in supplier_records:
        supplier = _upserted(Supplier, plan, "suppliers", record, suppliers)
        _sync_needs(plan, functions, record, SupplierDependency, "supplier", supplier)


def _apply_roles(
    plan: Plan,
    records: list[Record],
    people: dict[str, Person],
    functions: dict[str, BusinessFunction],
) -> None:
    """Write the roles of an import: holders in the order given, then who needs them."""
    roles = {r.name: r for r in Role.objects.filter(plan=plan)}
    for record in records:
        role = _upserted(Role, plan, "roles", record, roles)
        if "holders" in record.values:
            set_holders(role, [people[name] for name in record.values["holders"]])
        _sync_needs(plan, functions, record, RoleDependency, "role", role)
