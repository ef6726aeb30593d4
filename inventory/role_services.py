"""Writes to the plan's roles (held by several people) and the functions' needs for them.

A role is covered while ``holders_needed`` of its holders are reachable; a holder with
deputies is reachable through them (see :mod:`inventory.people`). Checks speak in names:
"“Print service desk” needs 2 holders reachable but has 1".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Unpack

from django.core.exceptions import ValidationError
from django.db import transaction

from bcp.history import change_context
from bcp.models import Plan
from inventory.need_services import NeedOptions, User, need_create
from inventory.people_models import Person, Role, RoleDependency, RoleHolder
from inventory.people_services import check_named, named_values
from inventory.services.common import (
    Why,
    add_record,
    changing,
    current_values,
    edit_save,
    order_links,
)

if TYPE_CHECKING:
    from bia.models import BusinessFunction

ROLE_FIELDS = ("name", "holders_needed", "notes")
MAX_HOLDERS = 50


def role_value_errors(values: Mapping[str, object], holders: int | None) -> dict[str, str]:
    """Problems with a role's own values and its number of holders, worded for people."""
    errors: dict[str, str] = {}
    name = str(values.get("name") or "").strip()
    if not name:
        errors["name"] = "Give the role a name."
    needed = values.get("holders_needed")
    if isinstance(needed, bool) or not isinstance(needed, int) or not 1 <= needed <= MAX_HOLDERS:
        errors["holders_needed"] = f"Holders needed is a whole number from 1 to {MAX_HOLDERS}."
    elif holders is not None and needed > holders:
        errors["holders"] = (
            f"“{name}” needs {needed} holder{'s' if needed != 1 else ''} reachable but has "
            f"{holders}: name more holders or lower the number needed."
        )
    return errors


def check_holders(plan: Plan, holders: Sequence[Person]) -> None:
    """Holders are people of this plan, each named once, at most ``MAX_HOLDERS``."""
    if len(holders) > MAX_HOLDERS:
        raise ValidationError({"holders": f"At most {MAX_HOLDERS} holders per role."})
    for person in holders:
        if person.plan_id != plan.pk:
            raise ValidationError({"holders": f"“{person.name}” belongs to another plan."})
    if len({p.pk for p in holders}) != len(holders):
        raise ValidationError({"holders": "Each holder can be named once."})


def _check_role(plan: Plan, values: dict[str, Any], role: Role | None, holders: int) -> None:
    check_named(role_value_errors(values, holders), plan, values, role, Role)


def set_holders(role: Role, holders: Sequence[Person]) -> None:
    """Make ``holders`` the role's holders in this order (inside a change context)."""

    def add(person_id: int, position: int) -> None:
        RoleHolder.objects.create(role=role, person_id=person_id, position=position)

    order_links(role.holder_links, "person_id", [p.pk for p in holders], add)


@transaction.atomic
def role_create(
    *,
    plan: Plan,
    user: User,
    values: Mapping[str, object],
    holders: Sequence[Person] = (),
    **why: Unpack[Why],
) -> Role:
    clean = named_values(values, ROLE_FIELDS, creating=True)
    clean.setdefault("holders_needed", 1)
    check_holders(plan, holders)
    _check_role(plan, clean, None, len(holders))
    return add_record(Role, plan, clean, user, why, holders, set_holders, otherwise="Role added")


@transaction.atomic
def role_update(
    *,
    role: Role,
    user: User,
    expected_version: int | None,
    values: Mapping[str, object],
    holders: Sequence[Person] | None = None,
    **why: Unpack[Why],
) -> Role:
    clean = named_values(values, ROLE_FIELDS, creating=False)
    if holders is not None:
        check_holders(role.plan, holders)
    count = len(holders) if holders is not None else role.holder_links.count()
    _check_role(role.plan, {**current_values(role, ROLE_FIELDS), **clean}, role, count)
    return edit_save(
        role, clean, expected_version, user, why, holders, set_holders, otherwise="Role changed"
    )


@transaction.atomic
def role_delete(*, role: Role, user: User, **why: Unpack[Why]) -> None:
    with changing(user, why, "Role removed"):
        role.delete()


@transaction.atomic
def role_dependency_create(
    *, function: BusinessFunction, role: Role, user: User, **options: Unpack[NeedOptions]
) -> RoleDependency:
    """``function`` (a ``bia.BusinessFunction``) needs enough holders of ``role``, to
    operate it or to recover it."""
    return need_create(
        RoleDependency, function=function, target=role, user=user, added="Role needed", **options
    )


@transaction.atomic
def role_dependency_delete(*, dependency: RoleDependency, user: User, reason: str = "") -> None:
    with change_context(user=user, reason=reason or "Role no longer needed"):
        dependency.delete()
