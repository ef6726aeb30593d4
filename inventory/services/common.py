"""What every inventory write shares: the editable values, names and link checks.

Validation happens before anything is saved and speaks in names: a cycle is spelled
out as "App server 1 → SAN → App server 1", never as ids. People, supplier and role
services take their values through :func:`editable_values` and :func:`current_values`
too, so every record kind refuses an unknown field the same way.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from typing import TypedDict, TypeVar

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import models

from bcp.concurrency import check_editable, save_if_current, save_locked
from bcp.history import change_context
from bcp.models import Plan
from inventory import graph as g
from inventory.models import Component, Dependency, RedundancyGroup, Site
from inventory.people_models import Deputy, Person, Role, RoleHolder, Supplier
from review.services import review_check_request

Node = Component | RedundancyGroup
M = TypeVar("M", bound=models.Model)
L = TypeVar("L")
P = TypeVar("P", Site, Component, RedundancyGroup, Person, Role, Supplier)

RecordValues = Mapping[str, object]
"""A record's values by field name; the names are those of ``inventory.fields``
(``SITE_FIELDS``, ``COMPONENT_FIELDS``, ...), which :func:`editable_values` enforces."""


class Why(TypedDict, total=False):
    """Why a record changes, as its history records it: the user's reason and ticket, and
    the import batch the change belongs to (every write service takes these by keyword)."""

    reason: str
    ticket: str
    batch: uuid.UUID | None


def changing(user: object, why: Why, otherwise: str = "") -> AbstractContextManager[object]:
    """The change context of a write: ``why``'s reason (``otherwise`` when none is given),
    ticket and batch."""
    return change_context(
        user=user,
        reason=why.get("reason") or otherwise,
        ticket=why.get("ticket", ""),
        batch=why.get("batch"),
    )


def add_record(
    model: type[P],
    plan: Plan,
    values: dict[str, object],
    user: object,
    why: Why,
    links: L | None = None,
    set_links: Callable[[P, L], object] | None = None,
    *,
    otherwise: str,
) -> P:
    """A new record of ``plan`` with ``values`` in the change context of ``why`` (reason
    ``otherwise`` when none is given), then, when ``links`` are given, ``set_links`` of it
    and them."""
    with changing(user, why, otherwise):
        record = model._default_manager.create(plan=plan, **values)
        if links is not None and set_links is not None:
            set_links(record, links)
    return record


def order_links(
    links: models.Manager[Deputy] | models.Manager[RoleHolder],
    target: str,
    wanted: list[int],
    add: Callable[[int, int], object],
) -> None:
    """Make ``links`` (each with a ``position``) lead to the ids ``wanted`` in this order,
    inside a change context: the others go, a missing one is ``add(id, position)``, a
    kept one moves to its new position. ``target`` names the links' field of that id."""
    for link in list(links.all()):
        if getattr(link, target) not in wanted:
            link.delete()
    current = {getattr(link, target): link for link in links.all()}
    for position, pk in enumerate(wanted):
        kept = current.get(pk)
        if kept is None:
            add(pk, position)
        elif kept.position != position:
            save_locked(kept, changes={"position": position})


def edit_save(
    record: M,
    changes: dict[str, object],
    expected_version: int | None,
    user: object,
    why: Why,
    links: L | None = None,
    set_links: Callable[[M, L], object] | None = None,
    *,
    otherwise: str = "",
) -> M:
    """A user's edit of ``record``: ``changes`` saved if it is still at ``expected_version``
    (:func:`bcp.concurrency.save_if_current`) in the change context of ``why`` (reason
    ``otherwise`` when none is given), then, when ``links`` are given, ``set_links`` of the
    saved copy and them."""
    with changing(user, why, otherwise):
        updated = save_if_current(record, expected_version=expected_version, changes=changes)
        assert isinstance(updated, type(record))
        if links is not None and set_links is not None:
            set_links(updated, links)
    return updated


def editable_values(values: RecordValues, allowed: Sequence[str]) -> dict[str, object]:
    """A copy of ``values``, refused (ValueError) when it names a field not in ``allowed``."""
    check_editable(values, allowed)
    return dict(values)


def current_values(instance: models.Model, fields: Sequence[str]) -> dict[str, object]:
    """The instance's present value of each of ``fields``."""
    return {name: getattr(instance, name) for name in fields}


def text(values: RecordValues, field: str) -> str:
    """``values[field]`` without surrounding blanks; "" when missing or not text."""
    value = values.get(field, "")
    return value.strip() if isinstance(value, str) else ""


def strip_name(values: dict[str, object]) -> None:
    """Store the name as people meant it: without surrounding blanks (only when given)."""
    if "name" in values:
        values["name"] = text(values, "name")


def inputs_changed(plan: Plan, user: User) -> None:
    """The analysis inputs of ``plan`` changed: check which functions' figures moved."""
    review_check_request(plan=plan, user=user)


def input_delete(
    record: Component | RedundancyGroup | Dependency, user: User, why: Why, otherwise: str
) -> None:
    """Remove a record the analysis reads, in the change context of ``why`` (reason
    ``otherwise`` when none is given), then check which functions' figures moved."""
    with changing(user, why, otherwise):
        record.delete()
    inputs_changed(record.plan, user)


def node_key(node: Node) -> str:
    return g.component_key(node.pk) if isinstance(node, Component) else g.group_key(node.pk)


def name_taken(plan: Plan, name: str, *, exclude: Node | None = None) -> str | None:
    """Components and groups share names, so a reference by name is never ambiguous."""
    components = Component.objects.filter(plan=plan, name=name)
    groups = RedundancyGroup.objects.filter(plan=plan, name=name)
    if isinstance(exclude, Component):
        components = components.exclude(pk=exclude.pk)
    if isinstance(exclude, RedundancyGroup):
        groups = groups.exclude(pk=exclude.pk)
    if components.exists():
        return f"A component named “{name}” already exists in this plan."
    if groups.exists():
        return f"A redundancy group named “{name}” already exists in this plan."
    return None


def node_name_error(plan: Plan, values: RecordValues, node: Node | None, noun: str) -> str | None:
    """Why a component or group (``noun``) cannot have the name in ``values``, or None."""
    name = text(values, "name")
    if not name:
        return f"Give the {noun} a name."
    return name_taken(plan, name, exclude=node)


def check_links(
    plan: Plan, node: Node | None, targets: Sequence[Node], field: str, *, itself: str
) -> None:
    """Refuse the links in ``field`` from ``node`` (None while it is being created) to
    ``targets`` when one is another plan's record, ``node`` itself (``itself`` says why,
    after its name: "“SAN” cannot run on itself.") or closes a dependency cycle."""
    for target in targets:
        if target.plan_id != plan.pk:
            raise ValidationError({field: f"“{target}” belongs to another plan."})
    if node is None:
        return
    key = node_key(node)
    if any(node_key(target) == key for target in targets):
        raise ValidationError({field: f"“{node}” {itself}"})
    _check_no_cycle(plan, key, [node_key(target) for target in targets], field)


def _check_no_cycle(plan: Plan, key: str, new_edges: list[str], field: str) -> None:
    plan_graph = g.load_plan_graph(plan)
    plan_graph.edges[key] = new_edges
    cycle = g.find_cycle(plan_graph.edges, start=key)
    if cycle:
        raise ValidationError(
            {
                field: "This would make a dependency cycle: "
                + g.describe_cycle(cycle, plan_graph.names)
            }
        )
