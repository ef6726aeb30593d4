"""Writes to a plan's components and what each runs on."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Unpack

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction

from bcp.models import Plan
from inventory import graph as g
from inventory.fields import COMPONENT_FIELDS
from inventory.models import Component, RunsOn, Site
from inventory.services.common import (
    Node,
    RecordValues,
    Why,
    add_record,
    check_links,
    current_values,
    edit_save,
    editable_values,
    input_delete,
    inputs_changed,
    node_key,
    node_name_error,
    strip_name,
    text,
)
from inventory.validation import component_value_errors


def _check_component(
    plan: Plan, values: RecordValues, component: Component | None, runs_on: Sequence[Node] | None
) -> None:
    errors = component_value_errors(values)
    name_error = node_name_error(plan, values, component, "component")
    if name_error:
        errors["name"] = name_error
    site = values.get("site")
    if isinstance(site, Site) and site.plan_id != plan.pk:
        errors["site"] = "That site belongs to another plan."
    if errors:
        raise ValidationError(errors)
    if runs_on is not None:
        check_links(plan, component, runs_on, "runs_on", itself="cannot run on itself.")


def set_runs_on(component: Component, runs_on: Sequence[Node]) -> None:
    wanted = {node_key(t): t for t in runs_on}
    for link in list(component.runs_on_links.all()):
        key = g.target_key(link.on_component_id, link.on_group_id)
        if key in wanted:
            del wanted[key]
        else:
            link.delete()
    for target in wanted.values():
        if isinstance(target, Component):
            RunsOn.objects.create(component=component, on_component=target)
        else:
            RunsOn.objects.create(component=component, on_group=target)


@transaction.atomic
def component_create(
    *,
    plan: Plan,
    user: User,
    values: RecordValues,
    runs_on: Sequence[Node] = (),
    **why: Unpack[Why],
) -> Component:
    clean = editable_values(values, COMPONENT_FIELDS)
    clean["name"] = text(clean, "name")
    _check_component(plan, clean, None, runs_on)
    component = add_record(
        Component, plan, clean, user, why, runs_on, set_runs_on, otherwise="Component added"
    )
    inputs_changed(plan, user)
    return component


@transaction.atomic
def component_update(
    *,
    component: Component,
    user: User,
    expected_version: int | None,
    values: RecordValues,
    runs_on: Sequence[Node] | None = None,
    **why: Unpack[Why],
) -> Component:
    clean = editable_values(values, COMPONENT_FIELDS)
    strip_name(clean)
    merged = {**current_values(component, COMPONENT_FIELDS), **clean}
    _check_component(component.plan, merged, component, runs_on)
    updated = edit_save(component, clean, expected_version, user, why, runs_on, set_runs_on)
    inputs_changed(updated.plan, user)
    return updated


@transaction.atomic
def component_delete(*, component: Component, user: User, **why: Unpack[Why]) -> None:
    input_delete(component, user, why, "Component removed")
