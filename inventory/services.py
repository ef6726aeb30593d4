"""Writes to the inventory. Every function records who acted and why.

Validation happens here, before anything is saved, and speaks in names: a cycle is
spelled out as "App server 1 → SAN → App server 1", never as ids.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError

from bcp.concurrency import save_if_current, save_locked
from bcp.history import change_context
from bcp.models import Plan
from inventory import graph as g
from inventory.fields import COMPONENT_FIELDS, GROUP_FIELDS, SITE_FIELDS, TECHNIQUE_FIELDS
from inventory.models import (
    Component,
    Dependency,
    GroupMember,
    GroupMode,
    Need,
    RedundancyGroup,
    RunsOn,
    Site,
    Technique,
)
from inventory.techniques import default_techniques
from inventory.validation import component_value_errors, group_value_errors, site_value_errors

Node = Component | RedundancyGroup


def editable_values(values: Mapping[str, Any], allowed: Sequence[str]) -> dict[str, Any]:
    """A copy of ``values``, refused (ValueError) when it names a field not in ``allowed``."""
    unknown = set(values) - set(allowed)
    if unknown:
        raise ValueError(f"Not editable: {', '.join(sorted(unknown))}")
    return dict(values)


def _inputs_changed(plan: Plan, user: Any) -> None:
    """The analysis inputs of ``plan`` changed: check which functions' figures moved."""
    from review.services import review_check_request

    review_check_request(plan=plan, user=user)


def node_key(node: Node) -> str:
    return g.component_key(node.pk) if isinstance(node, Component) else g.group_key(node.pk)


def _name_taken(plan: Plan, name: str, *, exclude: Node | None = None) -> str | None:
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


def _check_targets(plan: Plan, targets: Sequence[Node], field: str) -> None:
    for target in targets:
        if target.plan_id != plan.pk:
            raise ValidationError({field: f"“{target}” belongs to another plan."})


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


# --- sites -------------------------------------------------------------------


def _check_site(plan: Plan, values: dict[str, Any], site: Site | None) -> None:
    errors = site_value_errors(values)
    name = values.get("name", "").strip()
    if not name:
        errors["name"] = "Give the site a name."
    elif Site.objects.filter(plan=plan, name=name).exclude(pk=site.pk if site else 0).exists():
        errors["name"] = f"A site named “{name}” already exists in this plan."
    parent = values.get("parent")
    if parent is not None:
        if parent.plan_id != plan.pk:
            errors["parent"] = "That site belongs to another plan."
        elif site is not None:
            chain = [site.name]
            current: Site | None = parent
            while current is not None:
                chain.append(current.name)
                if current.pk == site.pk:
                    errors["parent"] = "Sites cannot contain each other: " + " → ".join(chain)
                    break
                current = current.parent
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def site_create(
    *,
    plan: Plan,
    user: Any,
    values: dict[str, Any],
    reason: str = "",
    ticket: str = "",
    batch: uuid.UUID | None = None,
) -> Site:
    values = editable_values(dict(values), SITE_FIELDS)
    values["name"] = values.get("name", "").strip()
    _check_site(plan, values, None)
    with change_context(user=user, reason=reason or "Site added", ticket=ticket, batch=batch):
        return Site.objects.create(plan=plan, **values)


@transaction.atomic
def site_update(
    *,
    site: Site,
    user: Any,
    expected_version: int | None,
    values: dict[str, Any],
    reason: str = "",
    ticket: str = "",
    batch: uuid.UUID | None = None,
) -> Site:
    values = editable_values(dict(values), SITE_FIELDS)
    if "name" in values:
        values["name"] = values["name"].strip()
    _check_site(site.plan, {**current_values(site, SITE_FIELDS), **values}, site)
    with change_context(user=user, reason=reason, ticket=ticket, batch=batch):
        updated = save_if_current(site, expected_version=expected_version, changes=values)
    assert isinstance(updated, Site)
    _inputs_changed(updated.plan, user)
    return updated


@transaction.atomic
def site_delete(*, site: Site, user: Any, reason: str = "", ticket: str = "") -> None:
    try:
        with change_context(user=user, reason=reason or "Site removed", ticket=ticket):
            site.delete()
        _inputs_changed(site.plan, user)
    except ProtectedError as exc:
        names = sorted(str(obj) for obj in exc.protected_objects)[:5]
        raise ValidationError(
            f"“{site}” still holds {', '.join(names)}; move or remove them first."
        ) from None


def current_values(instance: Any, fields: Sequence[str]) -> dict[str, Any]:
    """The instance's present value of each of ``fields``."""
    return {name: getattr(instance, name) for name in fields}


# --- components --------------------------------------------------------------


def _check_component(
    plan: Plan, values: dict[str, Any], component: Component | None, runs_on: Sequence[Node] | None
) -> None:
    errors = component_value_errors(values)
    name = values.get("name", "").strip()
    if not name:
        errors["name"] = "Give the component a name."
    else:
        taken = _name_taken(plan, name, exclude=component)
        if taken:
            errors["name"] = taken
    site = values.get("site")
    if site is not None and site.plan_id != plan.pk:
        errors["site"] = "That site belongs to another plan."
    if errors:
        raise ValidationError(errors)
    if runs_on is not None:
        _check_targets(plan, runs_on, "runs_on")
        if component is not None and any(
            isinstance(t, Component) and t.pk == component.pk for t in runs_on
        ):
            raise ValidationError({"runs_on": f"“{component}” cannot run on itself."})
        if component is not None:
            _check_no_cycle(
                plan, g.component_key(component.pk), [node_key(t) for t in runs_on], "runs_on"
            )


def set_runs_on(component: Component, runs_on: Sequence[Node]) -> None:
    wanted = {node_key(t): t for t in runs_on}
    for link in list(component.runs_on_links.all()):
        key = g.component_key(link.on_component_id) if link.on_component_id else None
        key = key or g.group_key(link.on_group_id or 0)
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
    user: Any,
    values: dict[str, Any],
    runs_on: Sequence[Node] = (),
    reason: str = "",
    ticket: str = "",
    batch: uuid.UUID | None = None,
) -> Component:
    values = editable_values(dict(values), COMPONENT_FIELDS)
    values["name"] = values.get("name", "").strip()
    _check_component(plan, values, None, runs_on)
    with change_context(user=user, reason=reason or "Component added", ticket=ticket, batch=batch):
        component = Component.objects.create(plan=plan, **values)
        set_runs_on(component, runs_on)
    _inputs_changed(plan, user)
    return component


@transaction.atomic
def component_update(
    *,
    component: Component,
    user: Any,
    expected_version: int | None,
    values: dict[str, Any],
    runs_on: Sequence[Node] | None = None,
    reason: str = "",
    ticket: str = "",
    batch: uuid.UUID | None = None,
) -> Component:
    values = editable_values(dict(values), COMPONENT_FIELDS)
    if "name" in values:
        values["name"] = values["name"].strip()
    merged = {**current_values(component, COMPONENT_FIELDS), **values}
    _check_component(component.plan, merged, component, runs_on)
    with change_context(user=user, reason=reason, ticket=ticket, batch=batch):
        updated = save_if_current(component, expected_version=expected_version, changes=values)
        assert isinstance(updated, Component)
        if runs_on is not None:
            set_runs_on(updated, runs_on)
    _inputs_changed(updated.plan, user)
    return updated


@transaction.atomic
def component_delete(
    *, component: Component, user: Any, reason: str = "", ticket: str = ""
) -> None:
    with change_context(user=user, reason=reason or "Component removed", ticket=ticket):
        component.delete()
    _inputs_changed(component.plan, user)


# --- redundancy groups -------------------------------------------------------


def _check_group(
    plan: Plan, values: dict[str, Any], group: RedundancyGroup | None, members: Sequence[Node]
) -> None:
    errors = group_value_errors(values, len(members))
    name = values.get("name", "").strip()
    if not name:
        errors["name"] = "Give the group a name."
    else:
        taken = _name_taken(plan, name, exclude=group)
        if taken:
            errors["name"] = taken
    if errors:
        raise ValidationError(errors)
    _check_targets(plan, members, "members")
    if group is not None:
        if any(isinstance(m, RedundancyGroup) and m.pk == group.pk for m in members):
            raise ValidationError({"members": f"“{group}” cannot be a member of itself."})
        _check_no_cycle(plan, g.group_key(group.pk), [node_key(m) for m in members], "members")


def set_members(group: RedundancyGroup, members: Sequence[Node]) -> None:
    existing: dict[str, GroupMember] = {}
    for member in list(group.members.all()):
        key = (
            g.component_key(member.component_id)
            if member.component_id
            else g.group_key(member.member_group_id or 0)
        )
        existing[key] = member
    wanted = [node_key(m) for m in members]
    for key, member in existing.items():
        if key not in wanted:
            member.delete()
    for position, target in enumerate(members):
        key = node_key(target)
        if key in existing:
            if existing[key].position != position:
                save_locked(existing[key], changes={"position": position})
        elif isinstance(target, Component):
            GroupMember.objects.create(group=group, component=target, position=position)
        else:
            GroupMember.objects.create(group=group, member_group=target, position=position)


@transaction.atomic
def group_create(
    *,
    plan: Plan,
    user: Any,
    values: dict[str, Any],
    members: Sequence[Node],
    reason: str = "",
    ticket: str = "",
    batch: uuid.UUID | None = None,
) -> RedundancyGroup:
    values = editable_values(dict(values), GROUP_FIELDS)
    values["name"] = values.get("name", "").strip()
    _check_group(plan, values, None, members)
    with change_context(
        user=user, reason=reason or "Redundancy group added", ticket=ticket, batch=batch
    ):
        group = RedundancyGroup.objects.create(plan=plan, **values)
        set_members(group, members)
    _inputs_changed(plan, user)
    return group


@transaction.atomic
def group_update(
    *,
    group: RedundancyGroup,
    user: Any,
    expected_version: int | None,
    values: dict[str, Any],
    members: Sequence[Node] | None = None,
    reason: str = "",
    ticket: str = "",
    batch: uuid.UUID | None = None,
) -> RedundancyGroup:
    values = editable_values(dict(values), GROUP_FIELDS)
    if "name" in values:
        values["name"] = values["name"].strip()
    current_members = [m.target for m in group.members.select_related("component", "member_group")]
    _check_group(
        group.plan,
        {**current_values(group, GROUP_FIELDS), **values},
        group,
        current_members if members is None else members,
    )
    with change_context(user=user, reason=reason, ticket=ticket, batch=batch):
        updated = save_if_current(group, expected_version=expected_version, changes=values)
        assert isinstance(updated, RedundancyGroup)
        if members is not None:
            set_members(updated, members)
    _inputs_changed(updated.plan, user)
    return updated


@transaction.atomic
def group_delete(*, group: RedundancyGroup, user: Any, reason: str = "", ticket: str = "") -> None:
    with change_context(user=user, reason=reason or "Redundancy group removed", ticket=ticket):
        group.delete()
    _inputs_changed(group.plan, user)


# --- dependencies ------------------------------------------------------------


@transaction.atomic
def dependency_create(
    *,
    function: Any,
    target: Node,
    user: Any,
    need: str = Need.FULL,
    notes: str = "",
    reason: str = "",
    ticket: str = "",
    batch: uuid.UUID | None = None,
) -> Dependency:
    if target.plan_id != function.plan_id:
        raise ValidationError({"target": f"“{target}” belongs to another plan."})
    if need not in Need.values:
        raise ValidationError({"need": "Need is full or degraded."})
    existing = Dependency.objects.filter(function=function)
    if isinstance(target, Component):
        existing = existing.filter(component=target)
    else:
        existing = existing.filter(group=target)
    if existing.exists():
        raise ValidationError({"target": f"“{function}” already depends on “{target}”."})
    _inputs_changed(function.plan, user)
    with change_context(user=user, reason=reason or "Dependency added", ticket=ticket, batch=batch):
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
    user: Any,
    expected_version: int | None,
    need: str,
    notes: str = "",
    reason: str = "",
    ticket: str = "",
    batch: uuid.UUID | None = None,
) -> Dependency:
    if need not in Need.values:
        raise ValidationError({"need": "Need is full or degraded."})
    with change_context(user=user, reason=reason, ticket=ticket, batch=batch):
        updated = save_if_current(
            dependency, expected_version=expected_version, changes={"need": need, "notes": notes}
        )
    assert isinstance(updated, Dependency)
    _inputs_changed(updated.plan, user)
    return updated


@transaction.atomic
def dependency_delete(
    *, dependency: Dependency, user: Any, reason: str = "", ticket: str = ""
) -> None:
    with change_context(user=user, reason=reason or "Dependency removed", ticket=ticket):
        dependency.delete()
    _inputs_changed(dependency.plan, user)


# --- HA techniques -----------------------------------------------------------


@transaction.atomic
def technique_catalogue_seed(*, plan: Plan, user: Any, reason: str = "") -> int:
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
def technique_catalogue_copy(*, source: Plan, target: Plan, user: Any) -> int:
    """Add ``source``'s techniques that ``target`` does not have yet (by key), with their
    figures as ``source`` has edited them; return how many."""
    have = set(Technique.objects.filter(plan=target).values_list("key", flat=True))
    added = 0
    with change_context(user=user, reason=f"HA techniques copied from “{source.name}”"):
        for technique in Technique.objects.filter(plan=source).order_by("key"):
            if technique.key in have:
                continue
            Technique.objects.create(
                plan=target, **{name: getattr(technique, name) for name in TECHNIQUE_FIELDS}
            )
            added += 1
    return added


def _check_technique(plan: Plan, values: dict[str, Any], technique: Technique | None) -> None:
    errors: dict[str, str] = {}
    if not values.get("name", "").strip():
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
    for field in (
        "failover_seconds",
        "restore_hours",
        "data_loss_seconds",
        "replication_lag_seconds",
    ):
        value = values.get(field)
        if value is not None and value < 0:
            errors[field] = "Cannot be negative."
    interval = values.get("backup_interval_hours")
    if interval is not None and interval <= 0:
        errors["backup_interval_hours"] = "Backup interval must be greater than 0."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def technique_create(
    *, plan: Plan, user: Any, values: dict[str, Any], reason: str = "", ticket: str = ""
) -> Technique:
    values = editable_values(dict(values), TECHNIQUE_FIELDS)
    _check_technique(plan, values, None)
    with change_context(user=user, reason=reason or "HA technique added", ticket=ticket):
        return Technique.objects.create(plan=plan, **values)


@transaction.atomic
def technique_update(
    *,
    technique: Technique,
    user: Any,
    expected_version: int | None,
    values: dict[str, Any],
    reason: str = "",
    ticket: str = "",
) -> Technique:
    values = editable_values(dict(values), TECHNIQUE_FIELDS)
    _check_technique(
        technique.plan, {**current_values(technique, TECHNIQUE_FIELDS), **values}, technique
    )
    with change_context(user=user, reason=reason, ticket=ticket):
        updated = save_if_current(technique, expected_version=expected_version, changes=values)
    assert isinstance(updated, Technique)
    return updated


@transaction.atomic
def technique_delete(*, technique: Technique, user: Any, reason: str = "") -> None:
    try:
        with change_context(user=user, reason=reason or "HA technique removed"):
            technique.delete()
    except ProtectedError:
        raise ValidationError(
            f"“{technique}” is applied to components or groups; it stays in the catalogue."
        ) from None


def technique_prefill(technique: Technique, target: Node) -> dict[str, Any]:
    """The values applying ``technique`` to ``target`` would set (nothing saved)."""
    changes: dict[str, Any] = {"technique": technique}
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
    user: Any,
    expected_version: int | None,
    reason: str = "",
    ticket: str = "",
) -> Node:
    """Pre-fill ``target``'s recovery capability from ``technique`` (then edit as usual)."""
    if technique.plan_id != target.plan_id:
        raise ValidationError("That technique belongs to another plan.")
    changes = technique_prefill(technique, target)
    why = reason or f"Applied HA technique “{technique.name}”"
    if isinstance(target, Component):
        return component_update(
            component=target,
            user=user,
            expected_version=expected_version,
            values=changes,
            reason=why,
            ticket=ticket,
        )
    return group_update(
        group=target,
        user=user,
        expected_version=expected_version,
        values=changes,
        reason=why,
        ticket=ticket,
    )
