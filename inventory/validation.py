"""Checks on inventory values, worded for people: names and units, never ids.

Forms, services and imports share these, so a bad value reads the same wherever it is
typed. Each function returns ``{field: message}`` (empty when the values are fine).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from inventory.models import ComponentKind, GroupMode, Replication, SiteKind


def _number(value: Any) -> float | None:
    if value is None or value == "":
        return None
    if isinstance(value, Decimal):
        return float(value)
    return float(value)


def _finite(errors: dict[str, str], field: str, value: float | None) -> bool:
    if value is not None and not math.isfinite(value):
        errors[field] = "Must be a finite number."
        return False
    return value is not None


def _non_negative(errors: dict[str, str], field: str, value: Any, label: str) -> None:
    number = _number(value)
    if _finite(errors, field, number) and number is not None and number < 0:
        errors[field] = f"{label} cannot be negative; got {number:g}."


def _positive(errors: dict[str, str], field: str, value: Any, label: str) -> None:
    number = _number(value)
    if _finite(errors, field, number) and number is not None and number <= 0:
        errors[field] = f"{label} must be greater than 0; got {number:g}."


def availability_error(value: Any) -> str | None:
    number = _number(value)
    if number is None:
        return None
    if not math.isfinite(number) or not 0.0 <= number <= 100.0:
        return f"Availability is a percentage between 0 and 100; got {number:g}."
    return None


def component_value_errors(values: Mapping[str, Any]) -> dict[str, str]:
    """Problems with one component's own values (not its links)."""
    errors: dict[str, str] = {}
    if values.get("kind") not in ComponentKind.values:
        errors["kind"] = "Choose a kind: " + ", ".join(ComponentKind.values) + "."
    if values.get("replication", "none") not in Replication.values:
        errors["replication"] = "Replication is none, async or sync."
    message = availability_error(values.get("availability_percent"))
    if message:
        errors["availability_percent"] = message
    _positive(errors, "mtbf_hours", values.get("mtbf_hours"), "MTBF")
    _positive(errors, "mttr_hours", values.get("mttr_hours"), "MTTR")
    has_availability = _number(values.get("availability_percent")) is not None
    mtbf = _number(values.get("mtbf_hours"))
    mttr = _number(values.get("mttr_hours"))
    if not has_availability:
        if mtbf is None and mttr is None:
            errors.setdefault(
                "availability_percent", "Give an availability (%) or both MTBF and MTTR."
            )
        elif mtbf is None:
            errors.setdefault("mtbf_hours", "Give the MTBF too: MTTR alone does not say how often.")
        elif mttr is None:
            errors.setdefault("mttr_hours", "Give the MTTR too: MTBF alone does not say how long.")
    _non_negative(errors, "failover_seconds", values.get("failover_seconds"), "Failover time")
    _non_negative(errors, "restore_hours", values.get("restore_hours"), "Restore time")
    _positive(
        errors, "backup_interval_hours", values.get("backup_interval_hours"), "Backup interval"
    )
    _non_negative(
        errors, "replication_lag_seconds", values.get("replication_lag_seconds"), "Replication lag"
    )
    _non_negative(errors, "cost_per_year", values.get("cost_per_year"), "Cost per year")
    return errors


def site_value_errors(values: Mapping[str, Any]) -> dict[str, str]:
    errors: dict[str, str] = {}
    if values.get("kind") not in SiteKind.values:
        errors["kind"] = "Choose a kind: " + ", ".join(SiteKind.values) + "."
    message = availability_error(values.get("availability_percent"))
    if message:
        errors["availability_percent"] = message
    _non_negative(errors, "restore_hours", values.get("restore_hours"), "Restore time")
    return errors


def group_value_errors(values: Mapping[str, Any], member_count: int) -> dict[str, str]:
    errors: dict[str, str] = {}
    mode = values.get("mode")
    if mode not in GroupMode.values:
        errors["mode"] = "Mode is active_active or active_passive."
    k = values.get("k")
    if not isinstance(k, int) or isinstance(k, bool) or k < 1:
        errors["k"] = "Members needed (k) is a whole number, at least 1."
    elif mode == GroupMode.ACTIVE_PASSIVE and k != 1:
        errors["k"] = "An active/passive group is up while one member is up, so k must be 1."
    elif k > member_count:
        errors["k"] = (
            f"The group needs {k} members up but has only {member_count}; it could never be up."
        )
    _non_negative(errors, "failover_seconds", values.get("failover_seconds"), "Failover time")
    return errors
