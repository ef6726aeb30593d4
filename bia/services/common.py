"""Small helpers shared by the BIA write services."""

from __future__ import annotations

from django.core.exceptions import ValidationError


def check_text(text: str, *, field: str | None = None) -> str:
    """Refuse NUL characters, which PostgreSQL cannot store in text columns."""
    if "\x00" in (text or ""):
        message = "The text contains a NUL character, which cannot be stored; remove it."
        raise ValidationError({field: message} if field else message)
    return text


def cell_key(category_key: str, hours: float) -> str:
    """The identifier of one impact-grid cell, stable while the horizon exists."""
    return f"{category_key}@{hours:g}"
