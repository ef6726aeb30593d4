"""Writes of business functions and their dependencies.

Each write runs inside ``change_context`` so history names who and why.
"""

from __future__ import annotations

from typing import TypedDict, Unpack

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction

from bcp.concurrency import check_editable
from bcp.history import change_context
from bcp.models import Plan
from bia.models import BusinessFunction, DependencyKind, FunctionDependency
from bia.services.common import record_add, record_edit

FUNCTION_EDITABLE_FIELDS = (
    "name",
    "description",
    "owner",
    "criticality",
    "peak_periods",
    "workaround",
    "workaround_hours",
)


class FunctionChanges(TypedDict, total=False):
    """The editable fields of a business function, as ``function_update`` takes them."""

    name: str
    description: str
    owner: User | None
    criticality: str
    peak_periods: str
    workaround: str
    workaround_hours: float | None


def _check_function_fields(plan: Plan, data: FunctionChanges, exclude_pk: int | None) -> None:
    name = data.get("name")
    if name is not None:
        clash = BusinessFunction.objects.filter(plan=plan, name__iexact=name.strip())
        if exclude_pk:
            clash = clash.exclude(pk=exclude_pk)
        if clash.exists():
            raise ValidationError({"name": f"The plan already has a function called “{name}”."})
    hours = data.get("workaround_hours")
    if hours is not None and hours < 0:
        raise ValidationError({"workaround_hours": "A duration cannot be negative."})


@transaction.atomic
def function_create(
    *,
    plan: Plan,
    user: User,
    name: str,
    description: str = "",
    owner: User | None = None,
    criticality: str = "medium",
    peak_periods: str = "",
    workaround: str = "",
    workaround_hours: float | None = None,
    reason: str = "",
    ticket: str = "",
) -> BusinessFunction:
    data: FunctionChanges = {"name": name, "workaround_hours": workaround_hours}
    _check_function_fields(plan, data, None)
    function = BusinessFunction(
        plan=plan,
        name=name.strip(),
        description=description,
        owner=owner,
        criticality=criticality,
        peak_periods=peak_periods,
        workaround=workaround,
        workaround_hours=workaround_hours,
    )
    return record_add(
        function, user=user, reason=reason or f"Function “{name}” added", ticket=ticket
    )


@transaction.atomic
def function_update(
    *,
    function: BusinessFunction,
    user: User,
    expected_version: int | None,
    reason: str = "",
    ticket: str = "",
    **changes: Unpack[FunctionChanges],
) -> BusinessFunction:
    check_editable(changes, FUNCTION_EDITABLE_FIELDS)
    _check_function_fields(function.plan, changes, function.pk)
    return record_edit(
        function,
        user=user,
        expected_version=expected_version,
        changes=changes,
        reason=reason or f"Function “{function.name}” edited",
        ticket=ticket,
    )


@transaction.atomic
def dependency_add(
    *,
    function: BusinessFunction,
    user: User,
    kind: str,
    depends_on: BusinessFunction | None = None,
    name: str = "",
    notes: str = "",
    reason: str = "",
) -> FunctionDependency:
    if kind == DependencyKind.FUNCTION:
        if depends_on is None:
            raise ValidationError({"depends_on": "Choose the function it depends on."})
        if depends_on.pk == function.pk:
            raise ValidationError({"depends_on": "A function cannot depend on itself."})
        if depends_on.plan_id != function.plan_id:
            raise ValidationError({"depends_on": "Choose a function of this plan."})
        name = ""
    else:
        depends_on = None
        if not name.strip():
            raise ValidationError({"name": "Name the supplier, person or skill."})
    dependency = FunctionDependency(
        function=function, kind=kind, depends_on=depends_on, name=name.strip(), notes=notes
    )
    return record_add(
        dependency, user=user, reason=reason or f"Dependency of “{function.name}” added"
    )


@transaction.atomic
def dependency_remove(*, dependency: FunctionDependency, user: User, reason: str = "") -> None:
    with change_context(
        user=user, reason=reason or f"Dependency of “{dependency.function.name}” removed"
    ):
        dependency.delete()
