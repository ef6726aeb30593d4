"""Optimistic locking: a save that starts from an out-of-date version is refused.

Every editable record carries ``version``. A form submits the version it was
rendered with; :func:`save_if_current` re-reads the row under a lock and, if
someone else saved in between, raises :class:`EditConflict` with who changed
it, when, and a field-by-field diff so the user can choose. Nothing is
overwritten silently and nothing typed is lost.

There is no way around the check from outside: an edit that does not say which
version it started from (missing, empty or malformed — scripts and integrations
often leave it out) is a conflict too, never a blind overwrite. Writes the
services make on their own account (state transitions under the row lock,
reminders, imports that compare values themselves) use :func:`save_locked`.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import models

from bcp.history import TrackedModel


@dataclass(frozen=True)
class FieldDifference:
    field: str
    label: str
    theirs: Any
    yours: Any


class EditConflict(Exception):
    def __init__(
        self,
        *,
        instance: models.Model,
        changed_by: str,
        changed_at: datetime | None,
        differences: list[FieldDifference],
        current_version: int,
        missing_version: bool = False,
    ) -> None:
        self.instance = instance
        self.changed_by = changed_by
        self.changed_at = changed_at
        self.differences = differences
        self.current_version = current_version
        self.missing_version = missing_version
        when = f"{changed_at:%Y-%m-%d %H:%M:%S %Z}" if changed_at else "an unknown time"
        if missing_version:
            message = (
                "your change did not say which version of this record it started from "
                f"(last changed by {changed_by} at {when})."
            )
        else:
            message = f"This record was changed by {changed_by} at {when}."
        super().__init__(message)


def _last_change(instance: models.Model) -> tuple[str, datetime | None]:
    history = getattr(instance, "history", None)
    if history is None:
        return "another user", getattr(instance, "updated_at", None)
    record = history.select_related("history_user").order_by("-history_id").first()
    if record is None:
        return "another user", None
    user = record.history_user
    name = (user.get_full_name() or user.get_username()) if user else "the system"
    return name, record.history_date


def keep_input_after_conflict(form: Any, exc: EditConflict) -> None:
    """Keep everything the user typed in ``form`` and move its hidden version forward.

    The page then shows the conflict next to the user's values; saving again is a
    deliberate overwrite of the version they have now seen.
    """
    data = form.data.copy()
    data["version"] = str(exc.current_version)
    form.data = data


def parse_version(value: object) -> int | None:
    """The version a form or an API call sent, or None when it is missing or malformed.

    None is not "skip the check": :func:`save_if_current` treats it as a conflict.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 0 <= value <= MAX_VERSION else None
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not text.isascii() or not text.isdigit() or len(text) > len(str(MAX_VERSION)):
        return None
    number = int(text)
    return number if number <= MAX_VERSION else None


# Versions live in a positive integer column; anything larger was never issued.
MAX_VERSION = 2**31 - 1


def check_editable(changes: Mapping[str, object], editable: Collection[str]) -> None:
    """Refuse, as a programming error, a change to a field the service does not edit."""
    unknown = set(changes) - set(editable)
    if unknown:
        raise ValueError(f"Not editable: {', '.join(sorted(unknown))}")


def save_if_current(
    instance: models.Model, *, expected_version: int | None, changes: dict[str, Any]
) -> models.Model:
    """Apply ``changes`` to the row behind ``instance`` if it is still at ``expected_version``.

    Must run inside a transaction (services are ``@transaction.atomic``).
    1. Lock and re-read the row, so two concurrent saves serialise here.
    2. Compare versions; on mismatch — or when ``expected_version`` is None because
       the caller sent no usable version — raise :class:`EditConflict` listing the
       fields where the stored value differs from what this user submitted.
    3. Otherwise apply the changes, bump the version and save (history records it).
    """
    model = type(instance)
    current = _locked(instance)
    current_version = current.version
    if expected_version is None or expected_version != current_version:
        differences = []
        for name, yours in changes.items():
            theirs = getattr(current, name)
            if theirs != yours:
                label = str(getattr(model._meta.get_field(name), "verbose_name", name))
                differences.append(FieldDifference(name, label, theirs, yours))
        changed_by, changed_at = _last_change(current)
        raise EditConflict(
            instance=current,
            changed_by=changed_by,
            changed_at=changed_at,
            differences=differences,
            current_version=current_version,
            missing_version=expected_version is None,
        )
    return _apply(current, changes)


def save_locked(instance: models.Model, *, changes: dict[str, Any]) -> models.Model:
    """Apply ``changes`` the service decided on itself, under the row lock, bumping the version.

    For writes that are not a user's edit of a form they saw: state transitions the
    service has already checked, reminders, import rows compared value by value.
    Every user edit goes through :func:`save_if_current` instead.
    """
    return _apply(_locked(instance), changes)


def _locked(instance: models.Model) -> TrackedModel:
    """The row behind ``instance``, locked. Only tracked models carry a version to lock on."""
    current = type(instance)._default_manager.select_for_update().get(pk=instance.pk)
    if not isinstance(current, TrackedModel):
        raise TypeError(f"{type(instance).__name__} is not a TrackedModel: it has no version")
    return current


def _apply(current: TrackedModel, changes: dict[str, Any]) -> models.Model:
    for name, value in changes.items():
        setattr(current, name, value)
    current.version += 1
    current.save()
    return current
