"""Writes to plans and memberships. Every function records who acted and why."""

from __future__ import annotations

import datetime
from typing import TypedDict, Unpack

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, User
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from bcp.concurrency import check_editable, save_if_current, save_locked
from bcp.history import change_context
from bcp.models import (
    DEFAULT_REVIEW_INTERVAL_MONTHS,
    MAX_REVIEW_INTERVAL_MONTHS,
    Membership,
    Plan,
    Role,
    months_after,
)

PLAN_EDITABLE_FIELDS = (
    "name",
    "organisation",
    "scope",
    "classification",
    "review_interval_months",
    "next_review",
)


class PlanChanges(TypedDict, total=False):
    """The plan's editable fields (:data:`PLAN_EDITABLE_FIELDS`), as the plan form gives them."""

    name: str
    organisation: str
    scope: str
    classification: str
    review_interval_months: int
    next_review: datetime.date


def check_review_schedule(*, interval_months: int, next_review: datetime.date | None) -> None:
    """A review interval of 1 to 60 months; a review date being set must not be past.

    ``next_review`` is None when the date is not being changed (an overdue plan stays
    editable without moving its date).
    """
    errors: dict[str, str] = {}
    if not 1 <= interval_months <= MAX_REVIEW_INTERVAL_MONTHS:
        errors["review_interval_months"] = (
            f"Review the plan every 1 to {MAX_REVIEW_INTERVAL_MONTHS} months."
        )
    if next_review is not None and next_review < timezone.localdate():
        errors["next_review"] = f"{next_review:%d %b %Y} has passed: choose today or a later date."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def plan_create(
    *,
    user: User,
    name: str,
    organisation: str,
    scope: str = "",
    classification: str = "Internal",
    review_interval_months: int = DEFAULT_REVIEW_INTERVAL_MONTHS,
    next_review: datetime.date | None = None,
    reason: str = "",
    ticket: str = "",
) -> Plan:
    """Create a plan and make its creator the first manager.

    Without ``next_review`` the first review falls one interval from today.
    """
    check_review_schedule(interval_months=review_interval_months, next_review=next_review)
    with change_context(user=user, reason=reason or "Plan created", ticket=ticket):
        plan = Plan(
            name=name,
            organisation=organisation,
            scope=scope,
            classification=classification,
            review_interval_months=review_interval_months,
            next_review=next_review or months_after(timezone.localdate(), review_interval_months),
        )
        plan.full_clean()
        plan.save()
        Membership.objects.create(plan=plan, user=user, role=Role.MANAGER)
    return plan


@transaction.atomic
def plan_update(
    *,
    plan: Plan,
    user: User,
    expected_version: int | None,
    reason: str = "",
    ticket: str = "",
    **changes: Unpack[PlanChanges],
) -> Plan:
    check_editable(changes, PLAN_EDITABLE_FIELDS)
    check_review_schedule(
        interval_months=changes.get("review_interval_months", plan.review_interval_months),
        next_review=changes["next_review"]
        if changes.get("next_review", plan.next_review) != plan.next_review
        else None,
    )
    with change_context(user=user, reason=reason, ticket=ticket):
        updated = save_if_current(plan, expected_version=expected_version, changes=dict(changes))
    assert isinstance(updated, Plan)
    return updated


@transaction.atomic
def plan_archive(*, plan: Plan, user: User, reason: str = "") -> Plan:
    return _plan_status_set(plan, Plan.Status.ARCHIVED, user=user, reason=reason or "Plan archived")


@transaction.atomic
def plan_restore(*, plan: Plan, user: User, reason: str = "") -> Plan:
    reason = reason or "Plan restored from archive"
    return _plan_status_set(plan, Plan.Status.ACTIVE, user=user, reason=reason)


def _plan_status_set(plan: Plan, status: Plan.Status, *, user: User, reason: str) -> Plan:
    with change_context(user=user, reason=reason):
        updated = save_locked(plan, changes={"status": status})
    assert isinstance(updated, Plan)
    return updated


@transaction.atomic
def membership_add(
    *, plan: Plan, user: User, member: User, role: str, reason: str = "", ticket: str = ""
) -> Membership:
    if Membership.objects.filter(plan=plan, user=member).exists():
        raise ValidationError({"user": f"{member} is already a member of this plan."})
    with change_context(user=user, reason=reason or f"Added as {role}", ticket=ticket):
        return Membership.objects.create(plan=plan, user=member, role=role)


def membership_write_rule(instance: models.Model) -> None:
    """On every write path: a membership written as a non-manager must leave a manager."""
    assert isinstance(instance, Membership)  # registered for memberships only (bcp.apps)
    if instance.role != Role.MANAGER:
        stored = Membership.objects.filter(pk=instance.pk).first()
        if stored is not None:
            _ensure_a_manager_remains(stored.plan, stored)


def _ensure_a_manager_remains(plan: Plan, leaving: Membership) -> None:
    others = Membership.objects.filter(plan=plan, role=Role.MANAGER).exclude(pk=leaving.pk)
    if leaving.role == Role.MANAGER and not others.exists():
        raise ValidationError("A plan must keep at least one manager.")


@transaction.atomic
def membership_change_role(
    *,
    membership: Membership,
    user: User,
    role: str,
    expected_version: int | None,
    reason: str = "",
    ticket: str = "",
) -> Membership:
    if role != Role.MANAGER:
        _ensure_a_manager_remains(membership.plan, membership)
    with change_context(user=user, reason=reason or f"Role changed to {role}", ticket=ticket):
        updated = save_if_current(
            membership, expected_version=expected_version, changes={"role": role}
        )
    assert isinstance(updated, Membership)
    return updated


@transaction.atomic
def membership_remove(
    *, membership: Membership, user: User, reason: str = "", ticket: str = ""
) -> None:
    _ensure_a_manager_remains(membership.plan, membership)
    with change_context(user=user, reason=reason or "Removed from plan", ticket=ticket):
        membership.delete()


@transaction.atomic
def user_create(
    *,
    username: str,
    email: str,
    first_name: str = "",
    last_name: str = "",
    password: str | None = None,
    is_staff: bool = False,
) -> AbstractBaseUser:
    """Create a login. Without a password the user sets one via the reset email."""
    user_model = get_user_model()
    user = user_model(username=username, email=email, first_name=first_name, last_name=last_name)
    user.is_staff = is_staff
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean()
    user.save()
    return user
