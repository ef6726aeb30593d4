"""Writes to what a plan's business functions depend on (components or groups)."""

from __future__ import annotations

from typing import Unpack

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction

from bia.models import BusinessFunction
from inventory.models import Component, Dependency, Need, RedundancyGroup
from inventory.need_services import check_need
from inventory.services.common import Node, Why, changing, edit_save, input_delete, inputs_changed


@transaction.atomic
def dependency_create(
    *,
    function: BusinessFunction,
    target: Node,
    user: User,
    need: str = Need.FULL,
    notes: str = "",
    **why: Unpack[Why],
) -> Dependency:
    if target.plan_id != function.plan_id:
        raise ValidationError({"target": f"“{target}” belongs to another plan."})
    check_need(need)
    existing = Dependency.objects.filter(function=function)
    if isinstance(target, Component):
        existing = existing.filter(component=target)
    else:
        existing = existing.filter(group=target)
    if existing.exists():
        raise ValidationError({"target": f"“{function}” already depends on “{target}”."})
    inputs_changed(function.plan, user)
    with changing(user, why, "Dependency added"):
        return Dependency.objects.create(
            plan_id=function.plan_id,
            function=function,
            component=target if isinstance(target, Component) else None,
            group=target if isinstance(target, RedundancyGroup) else None,
            need=need,
            notes=notes,
        )


@transaction.atomic
def dependency_update(
    *,
    dependency: Dependency,
    user: User,
    expected_version: int | None,
    need: str,
    notes: str = "",
    **why: Unpack[Why],
) -> Dependency:
    check_need(need)
    updated = edit_save(dependency, {"need": need, "notes": notes}, expected_version, user, why)
    inputs_changed(updated.plan, user)
    return updated


@transaction.atomic
def dependency_delete(*, dependency: Dependency, user: User, **why: Unpack[Why]) -> None:
    input_delete(dependency, user, why, "Dependency removed")
