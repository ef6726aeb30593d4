"""Writes to a plan's catalogue of HA techniques, and applying one to a component or group."""

from __future__ import annotations

from decimal import Decimal
from typing import Unpack

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError

from bcp.concurrency import save_if_current
from bcp.history import change_context
from bcp.models import Plan
from inventory.fields import TECHNIQUE_FIELDS
from inventory.models import Component, GroupMode, Technique
from inventory.services.common import (
    Node,
    RecordValues,
    Why,
    current_values,
    editable_values,
    text,
)
from inventory.services.components import component_update
from inventory.services.groups import group_update
from inventory.techniques import default_techniques

_NOT_NEGATIVE = (
    "failover_seconds",
    "restore_hours",
    "data_loss_seconds",
    "replication_lag_seconds",
)


@transaction.atomic
def technique_catalogue_seed(*, plan: Plan, user: User, reason: str = "") -> int:
    """Add the standard techniques the plan does not have yet (by key); return how many."""
    have = set(Technique.objects.filter(plan=plan).values_list("key", flat=True))
    added = 0
    with change_context(user=user, reason=reason or "Standard HA techniques added"):
        for row in default_techniques():
            if row["key"] in have:
                continue
            Technique.objects.create(plan=plan, **row)
            added += 1
    return added


@transaction.atomic
def technique_catalogue_copy(*, source: Plan, target: Plan, user: User) -> int:
    """Add ``source``'s techniques that ``target`` does not have yet (by key), with their
    figures as ``source`` has edited them; return how many."""
    have = set(Technique.objects.filter(plan=target).values_list("key", flat=True))
    added = 0
    with change_context(user=user, reason=f"HA techniques copied from “{source.name}”"):
        for technique in Technique.objects.filter(plan=source).order_by("key"):
            if technique.key in have:
                continue
            Technique.objects.create(plan=target, **current_values(technique, TECHNIQUE_FIELDS))
            added += 1
    return added


def _number(values: RecordValues, field: str) -> float | None:
    """``values[field]`` as a number, None when missing (forms and the API give numbers)."""
    value = values.get(field)
    return float(value) if isinstance(value, int | float | Decimal) else None


def _check_technique(plan: Plan, values: RecordValues, technique: Technique | None) -> None:
    errors: dict[str, str] = {}
    if not text(values, "name"):
        errors["name"] = "Give the technique a name."
    key = values.get("key", "")
    if not key:
        errors["key"] = "Give the technique a short key."
    elif (
        Technique.objects.filter(plan=plan, key=key)
        .exclude(pk=technique.pk if technique else 0)
        .exists()
    ):
        errors["key"] = f"A technique with key “{key}” already exists."
    for field in _NOT_NEGATIVE:
        value = _number(values, field)
        if value is not None and value < 0:
            errors[field] = "Cannot be negative."
    interval = _number(values, "backup_interval_hours")
    if interval is not None and interval <= 0:
        errors["backup_interval_hours"] = "Backup interval must be greater than 0."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def technique_create(
    *, plan: Plan, user: User, values: RecordValues, reason: str = "", ticket: str = ""
) -> Technique:
    clean = editable_values(values, TECHNIQUE_FIELDS)
    _check_technique(plan, clean, None)
    with change_context(user=user, reason=reason or "HA technique added", ticket=ticket):
        return Technique.objects.create(plan=plan, **clean)


@transaction.atomic
def technique_update(
    *,
    technique: Technique,
    user: User,
    expected_version: int | None,
    values: RecordValues,
    reason: str = "",
    ticket: str = "",
) -> Technique:
    clean = editable_values(values, TECHNIQUE_FIELDS)
    _check_technique(
        technique.plan, {**current_values(technique, TECHNIQUE_FIELDS), **clean}, technique
    )
    with change_context(user=user, reason=reason, ticket=ticket):
        updated = save_if_current(technique, expected_version=expected_version, changes=clean)
    assert isinstance(updated, Technique)
    return updated


@transaction.atomic
def technique_delete(*, technique: Technique, user: User, reason: str = "") -> None:
    try:
        with change_context(user=user, reason=reason or "HA technique removed"):
            technique.delete()
    except ProtectedError:
        raise ValidationError(
            f"“{technique}” is applied to components or groups; it stays in the catalogue."
        ) from None


def technique_prefill(technique: Technique, target: Node) -> dict[str, object]:
    """The values applying ``technique`` to ``target`` would set (nothing saved)."""
    changes: dict[str, object] = {"technique": technique}
    if isinstance(target, Component):
        for field in ("failover_seconds", "restore_hours", "backup_interval_hours"):
            value = getattr(technique, field)
            if value is not None:
                changes[field] = value
        if technique.replication:
            changes["replication"] = technique.replication
            changes["replication_lag_seconds"] = technique.replication_lag_seconds
        return changes
    if technique.group_mode:
        changes["mode"] = technique.group_mode
        if technique.group_mode == GroupMode.ACTIVE_PASSIVE:
            changes["k"] = 1
    if technique.failover_seconds is not None:
        changes["failover_seconds"] = technique.failover_seconds
    return changes


@transaction.atomic
def technique_apply(
    *,
    technique: Technique,
    target: Node,
    user: User,
    expected_version: int | None,
    **why: Unpack[Why],
) -> Node:
    """Pre-fill ``target``'s recovery capability from ``technique`` (then edit as usual)."""
    if technique.plan_id != target.plan_id:
        raise ValidationError("That technique belongs to another plan.")
    changes = technique_prefill(technique, target)
    why["reason"] = why.get("reason") or f"Applied HA technique “{technique.name}”"
    if isinstance(target, Component):
        return component_update(
            component=target, user=user, expected_version=expected_version, values=changes, **why
        )
    return group_update(
        group=target, user=user, expected_version=expected_version, values=changes, **why
    )
