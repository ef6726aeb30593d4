"""The plan's people and suppliers as import values, keyed by name (six queries).

Part of :func:`inventory.exchange.state.load_state`; lists of names are sorted, except
deputies, which keep the order they are asked in.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from bcp.models import Plan
from bia.models import BusinessFunction
from inventory.exchange.fields import (
    NAME_LISTS,
    PERSON_COLUMNS,
    ROLE_COLUMNS,
    SUPPLIER_COLUMNS,
)
from inventory.people import how_needed
from inventory.people_models import (
    Deputy,
    Need,
    NeededTo,
    Person,
    PersonDependency,
    Role,
    RoleDependency,
    RoleHolder,
    Supplier,
    SupplierDependency,
)

# Where a need is listed: by need (full / degraded) for needs to operate, apart for
# needs to recover.
NEED_COLUMN: dict[str, str] = {
    Need.FULL: "needed_by",
    Need.DEGRADED: "needed_when_degraded",
    NeededTo.RECOVER: "needed_to_recover",
}


def _plain(columns: tuple[Any, ...]) -> list[str]:
    return [c.name for c in columns if c.name not in NAME_LISTS]


def _table(
    model: type[Person | Role | Supplier],
    plan: Plan,
    columns: tuple[Any, ...],
    lists: tuple[str, ...],
) -> tuple[dict[int, str], dict[str, dict[str, Any]]]:
    """``model``'s records of ``plan`` as ``{name: values}`` with ``lists`` empty, and
    their names by id."""
    names: dict[int, str] = {}
    table: dict[str, dict[str, Any]] = {}
    for row in model._default_manager.filter(plan=plan).values("pk", *_plain(columns)):
        names[row.pop("pk")] = row["name"]
        table[row["name"]] = {**row, **{column: [] for column in lists}}
    return names, table


def _add_needs(
    table: dict[str, dict[str, Any]],
    names: dict[int, str],
    rows: Iterable[tuple[int, int, str, str]],
    function_names: dict[int, str],
) -> None:
    """List each need ``(function id, target id, need, needed to)`` of ``rows`` under its
    target in ``table``, then sort every list of needs."""
    for function_id, target_id, need, needed_to in rows:
        column = NEED_COLUMN[how_needed(need, needed_to)]
        table[names[target_id]][column].append(function_names[function_id])
    for values in table.values():
        for column in NEED_COLUMN.values():
            if column in values:
                values[column].sort()


def load_people_state(plan: Plan, function_names: dict[int, str]) -> dict[str, dict[str, Any]]:
    """``{"people": …, "roles": …, "suppliers": …}``, each ``{name: values}``, for ``plan``."""
    needs = tuple(NEED_COLUMN.values())
    person_names, people = _table(Person, plan, PERSON_COLUMNS, ("deputies", *needs))
    supplier_names, suppliers = _table(Supplier, plan, SUPPLIER_COLUMNS, needs[:2])
    role_names, roles = _table(Role, plan, ROLE_COLUMNS, ("holders", *needs))
    deputies = Deputy.objects.filter(person__plan=plan).order_by("person_id", "position", "pk")
    holders = RoleHolder.objects.filter(role__plan=plan).order_by("role_id", "position", "pk")
    for table, names, column, links in (
        (people, person_names, "deputies", deputies.values_list("person_id", "deputy_id")),
        (roles, role_names, "holders", holders.values_list("role_id", "person_id")),
    ):
        for owner_id, person_id in links:
            table[names[owner_id]][column].append(person_names[person_id])
    for table, names, model, target in (
        (people, person_names, PersonDependency, "person_id"),
        (suppliers, supplier_names, SupplierDependency, "supplier_id"),
        (roles, role_names, RoleDependency, "role_id"),
    ):
        # A supplier is needed to operate only: its need stands in for "needed to".
        needed_to = "need" if model is SupplierDependency else "needed_to"
        rows = model._default_manager.filter(plan=plan).values_list(
            "function_id", target, "need", needed_to
        )
        _add_needs(table, names, rows, function_names)
    return {"people": people, "roles": roles, "suppliers": suppliers}


def export_people(plan: Plan) -> dict[str, list[dict[str, Any]]]:
    """The ``people`` and ``suppliers`` sections of an export, ordered by name."""
    function_names = dict(BusinessFunction.objects.filter(plan=plan).values_list("pk", "name"))
    state = load_people_state(plan, function_names)
    order = {
        "people": [c.name for c in PERSON_COLUMNS],
        "roles": [c.name for c in ROLE_COLUMNS],
        "suppliers": [c.name for c in SUPPLIER_COLUMNS],
    }
    return {
        section: [
            {column: rows[name][column] for column in order[section]} for name in sorted(rows)
        ]
        for section, rows in state.items()
    }
