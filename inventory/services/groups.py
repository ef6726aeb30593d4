"""Writes to a plan's redundancy groups and their ordered members."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Unpack

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction

from bcp.concurrency import save_locked
from bcp.models import Plan
from inventory import graph as g
from inventory.fields import GROUP_FIELDS
from inventory.models import Component, GroupMember, RedundancyGroup
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
from inventory.validation import group_value_errors


def _check_group(
    plan: Plan, values: RecordValues, group: RedundancyGroup | None, members: Sequence[Node]
) -> None:
    errors = group_value_errors(values, len(members))
    name_error = node_name_error(plan, values, group, "group")
    if name_error:
        errors["name"] = name_error
    if errors:
        raise ValidationError(errors)
    check_links(plan, group, members, "members", itself="cannot be a member of itself.")


def set_members(group: RedundancyGroup, members: Sequence[Node]) -> None:
    existing: dict[str, GroupMember] = {}
    for member in list(group.members.all()):
        existing[g.target_key(member.component_id, member.member_group_id)] = member
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
    *, plan: Plan, user: User, values: RecordValues, members: Sequence[Node], **why: Unpack[Why]
) -> RedundancyGroup:
    clean = editable_values(values, GROUP_FIELDS)
    clean["name"] = text(clean, "name")
    _check_group(plan, clean, None, members)
    group = add_record(
        RedundancyGroup,
        plan,
        clean,
        user,
        why,
        members,
        set_members,
        otherwise="Redundancy group added",
    )
    inputs_changed(plan, user)
    return group


@transaction.atomic
def group_update(
    *,
    group: RedundancyGroup,
    user: User,
    expected_version: int | None,
    values: RecordValues,
    members: Sequence[Node] | None = None,
    **why: Unpack[Why],
) -> RedundancyGroup:
    clean = editable_values(values, GROUP_FIELDS)
    strip_name(clean)
    current_members = [m.target for m in group.members.select_related("component", "member_group")]
    _check_group(
        group.plan,
        {**current_values(group, GROUP_FIELDS), **clean},
        group,
        current_members if members is None else members,
    )
    updated = edit_save(group, clean, expected_version, user, why, members, set_members)
    inputs_changed(updated.plan, user)
    return updated


@transaction.atomic
def group_delete(*, group: RedundancyGroup, user: User, **why: Unpack[Why]) -> None:
    input_delete(group, user, why, "Redundancy group removed")
