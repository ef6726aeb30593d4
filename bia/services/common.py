"""Small helpers shared by the BIA write services."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import models

from bcp.concurrency import save_if_current
from bcp.history import change_context

M = TypeVar("M", bound=models.Model)


def check_text(text: str, *, field: str | None = None) -> str:
    """Refuse NUL characters, which PostgreSQL cannot store in text columns."""
    if "\x00" in (text or ""):
        message = "The text contains a NUL character, which cannot be stored; remove it."
        raise ValidationError({field: message} if field else message)
    return text


def cell_key(category_key: str, hours: float) -> str:
    """The identifier of one impact-grid cell, stable while the horizon exists."""
    return f"{category_key}@{hours:g}"


def record_add(record: M, *, user: User, reason: str, ticket: str = "") -> M:
    """Save the new ``record`` once its fields pass the model's checks; history names
    ``user`` and ``reason``."""
    with change_context(user=user, reason=reason, ticket=ticket):
        record.full_clean()
        record.save()
    return record


def record_edit(
    record: M,
    *,
    user: User,
    expected_version: int | None,
    changes: Mapping[str, object],
    reason: str,
    ticket: str = "",
) -> M:
    """A user's edit of ``record``, saved only if it is still at ``expected_version``
    (else :class:`bcp.concurrency.EditConflict`); history names ``user`` and ``reason``."""
    with change_context(user=user, reason=reason, ticket=ticket):
        updated = save_if_current(record, expected_version=expected_version, changes=dict(changes))
    assert isinstance(updated, type(record))
    return updated
