"""Inventory rows for audit tests, created through change contexts like a service would."""

from __future__ import annotations

from typing import Any, TypeVar

from bcp.history import change_context
from bcp.models import Plan
from inventory.models import Component, Site

Row = TypeVar("Row", Site, Component)


def site(plan: Plan, user: Any, name: str = "Head office data centre", **extra: Any) -> Site:
    with change_context(user=user, reason="Site recorded"):
        return Site.objects.create(plan=plan, name=name, **extra)


def component(plan: Plan, user: Any, name: str = "Print server A", **extra: Any) -> Component:
    extra.setdefault("kind", Component._meta.get_field("kind").choices[0][0])  # type: ignore[index]
    with change_context(user=user, reason="Component recorded"):
        return Component.objects.create(plan=plan, name=name, **extra)


def changed(row: Row, user: Any, reason: str, ticket: str = "", **changes: Any) -> Row:
    """Save ``changes`` to ``row`` as one recorded change, without a version check."""
    with change_context(user=user, reason=reason, ticket=ticket):
        for name, value in changes.items():
            setattr(row, name, value)
        row.save()
    return row
