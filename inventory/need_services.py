"""A business function's need of a key person, a role or a supplier, checked alike.

A need is full or degraded; a person or role is needed to operate or to recover, and
recovering is all or nothing. Suppliers share the need check (no "needed to").
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, TypedDict, TypeVar

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError

from bcp.history import change_context
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

if TYPE_CHECKING:
    from bia.models import BusinessFunction

# Pages pass ``request.user``; the plan decorators have already refused anonymous visitors.
User = AbstractBaseUser | AnonymousUser


# The field of a need's model that names what is needed.
_FIELD: dict[type[Person | Role | Supplier], str] = {
    Person: "person",
    Role: "role",
    Supplier: "supplier",
}


def check_need(need: str) -> None:
    """A need is full or degraded (people, roles and suppliers alike)."""
    if need not in Need.values:
        raise ValidationError({"need": "Need is full or degraded."})


def default_needed_to(need: str) -> str:
    """New needs are to recover, except a need only in degraded service: that one can
    only be to operate."""
    return NeededTo.OPERATE if need == Need.DEGRADED else NeededTo.RECOVER


def check_needed_to(needed_to: str, need: str) -> None:
    """A person or role is needed to operate or to recover; recovering is all or nothing."""
    if needed_to not in NeededTo.values:
        raise ValidationError({"needed_to": "Needed to is operate or recover."})
    if needed_to == NeededTo.RECOVER and need != Need.FULL:
        raise ValidationError(
            {
                "need": "A need to recover is not split into full or degraded service: "
                "choose “Needed fully”, or “to operate” for a need only in degraded service."
            }
        )


class SupplierNeedOptions(TypedDict, total=False):
    """How a function needs a supplier, and why (the defaults of :func:`need_create`)."""

    need: str
    notes: str
    reason: str
    batch: uuid.UUID | None


class NeedOptions(SupplierNeedOptions, total=False):
    """How a function needs a person or role, and why: a supplier's options and what the
    person or role is needed to do."""

    needed_to: str | None


N = TypeVar("N", PersonDependency, RoleDependency, SupplierDependency)


def need_create(
    model: type[N],
    *,
    function: BusinessFunction,
    target: Person | Role | Supplier,
    user: User,
    added: str,
    need: str = Need.FULL,
    needed_to: str | None = None,
    notes: str = "",
    reason: str = "",
    batch: uuid.UUID | None = None,
) -> N:
    """A need of a person, a role or a supplier (named by the model's own field for it),
    checked alike: same plan, a known need, not needed twice; ``added`` is the reason
    history records when none is given. A person or role is also needed to operate or to
    recover: not given, to recover for a full need and to operate for a degraded one. A
    supplier is needed for its contracted service only, with no "needed to"."""
    field = _FIELD[type(target)]
    if target.plan_id != function.plan_id:
        raise ValidationError({field: f"“{target.name}” belongs to another plan."})
    check_need(need)
    how: dict[str, str] = {}
    if not isinstance(target, Supplier):
        how["needed_to"] = needed_to or default_needed_to(need)
        check_needed_to(how["needed_to"], need)
    if model._default_manager.filter(function=function, **{field: target}).exists():
        raise ValidationError({field: f"“{function}” already needs “{target.name}”."})
    with change_context(user=user, reason=reason or added, batch=batch):
        return model._default_manager.create(
            plan_id=function.plan_id,
            function=function,
            need=need,
            notes=notes,
            **how,
            **{field: target},
        )
