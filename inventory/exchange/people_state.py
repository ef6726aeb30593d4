"""The plan's people and suppliers as import values, keyed by name (six queries).

Part of :func:`inventory.exchange.state.load_state`; lists of names are sorted, except
deputies, which keep the order they are asked in.
"""

from __future__ import annotations

from typing import Any

from bcp.models import Plan
from inventory.exchange.fields import PERSON_COLUMNS, ROLE_COLUMNS, SUPPLIER_COLUMNS
from inventory.people_models import (
    Deputy,
    NeededTo,
    NeedKind,
    Person,
    PersonDependency,
    Role,
    RoleDependency,
    RoleHolder,
    Supplier,
    SupplierDependency,
)

LISTS = ("deputies", "holders", "needed_by", "needed_when_degraded", "needed_to_recover")
# Where a need is listed: by need (full / degraded) for needs to operate, apart for
# needs to recover.
NEED_COLUMN: dict[str, str] = {
    NeedKind.FULL: "needed_by",
    NeedKind.DEGRADED: "needed_when_degraded",
    NeededTo.RECOVER: "needed_to_recover",
}


def _plain(columns: tuple[Any, ...]) -> list[str]:
    return [c.name for c in columns if c.name not in LISTS]


def load_people_state(plan: Plan, function_names: dict[int, str]) -> dict[str, dict[str, Any]]:
    """``{"people": …, "roles": …, "suppliers": …}``, each ``{name: values}``, for ``plan``."""
    person_names: dict[int, str] = {}
    people: dict[str, dict[str, Any]] = {}
    for row in Person.objects.filter(plan=plan).values("pk", *_plain(PERSON_COLUMNS)):
        person_names[row.pop("pk")] = row["name"]
        people[row["name"]] = {
            **row,
            "deputies": [],
            "needed_by": [],
            "needed_when_degraded": [],
            "needed_to_recover": [],
        }
    for person_id, deputy_id in (
        Deputy.objects.filter(person__plan=plan)
        .order_by("person_id", "position", "pk")
        .values_list("person_id", "deputy_id")
    ):
        people[person_names[person_id]]["deputies"].append(person_names[deputy_id])
    supplier_names: dict[int, str] = {}
    suppliers: dict[str, dict[str, Any]] = {}
    for row in Supplier.objects.filter(plan=plan).values("pk", *_plain(SUPPLIER_COLUMNS)):
        supplier_names[row.pop("pk")] = row["name"]
        suppliers[row["name"]] = {**row, "needed_by": [], "needed_when_degraded": []}
    needs = [
        (people, person_names, row)
        for row in PersonDependency.objects.filter(plan=plan).values_list(
            "function_id", "person_id", "need", "needed_to"
        )
    ]
    needs += [
        (suppliers, supplier_names, row)
        for row in SupplierDependency.objects.filter(plan=plan).values_list(
            "function_id", "supplier_id", "need", "need"
        )
    ]
    for table, names, (function_id, target_id, need, needed_to) in needs:
        column = NEED_COLUMN[NeededTo.RECOVER if needed_to == NeededTo.RECOVER else need]
        table[names[target_id]][column].append(function_names[function_id])
    for table in (people, suppliers):
        for values in table.values():
            for column in NEED_COLUMN.values():
                if column in values:
                    values[column].sort()
    role_names: dict[int, str] = {}
    roles: dict[str, dict[str, Any]] = {}
    for row in Role.objects.filter(plan=plan).values("pk", *_plain(ROLE_COLUMNS)):
        role_names[row.pop("pk")] = row["name"]
        roles[row["name"]] = {
            **row,
            "holders": [],
            "needed_by": [],
            "needed_when_degraded": [],
            "needed_to_recover": [],
        }
    for role_id, person_id in (
        RoleHolder.objects.filter(role__plan=plan)
        .order_by("role_id", "position", "pk")
        .values_list("role_id", "person_id")
    ):
        roles[role_names[role_id]]["holders"].append(person_names[person_id])
    for function_id, role_id, need, needed_to in RoleDependency.objects.filter(
        plan=plan
    ).values_list("function_id", "role_id", "need", "needed_to"):
        column = NEED_COLUMN[NeededTo.RECOVER if needed_to == NeededTo.RECOVER else need]
        roles[role_names[role_id]][column].append(function_names[function_id])
    for values in roles.values():
        for column in NEED_COLUMN.values():
            values[column].sort()
    return {"people": people, "roles": roles, "suppliers": suppliers}


def export_people(plan: Plan) -> dict[str, list[dict[str, Any]]]:
    """The ``people`` and ``suppliers`` sections of an export, ordered by name."""
    from bia.models import BusinessFunction

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
