"""Reads of continuous review: open tasks per plan and per person."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet

from bcp.models import Plan
from bcp.selectors import counts_per_plan
from notifications.waiting import SOURCE_LIMIT, WaitingItem
from review.models import ReviewTask


def plan_tasks(plan: Plan) -> QuerySet[ReviewTask]:
    """The plan's review tasks, open ones first, newest first."""
    return (
        ReviewTask.objects.filter(plan=plan)
        .select_related("function", "owner", "confirmed_by")
        .order_by("-status", "-updated_at", "-pk")
    )


def open_tasks_for(user: AbstractBaseUser) -> QuerySet[ReviewTask]:
    """Reviews waiting for ``user`` as a function's owner, on plans they are a member of."""
    return (
        ReviewTask.objects.filter(
            owner_id=user.pk,
            status=ReviewTask.Status.OPEN,
            plan__memberships__user_id=user.pk,
            plan__status=Plan.Status.ACTIVE,
        )
        .select_related("plan", "function")
        .order_by("created_at", "pk")
    )


def open_task_counts(plan_ids: Iterable[int]) -> dict[int, int]:
    """Open review tasks per plan, one query whatever the number of plans."""
    return counts_per_plan(ReviewTask.objects.filter(status=ReviewTask.Status.OPEN), plan_ids)


def waiting_reviews(user: AbstractBaseUser) -> list[WaitingItem]:
    """The owner's open review tasks for the home page's "What's waiting for me"."""

    return [
        WaitingItem(
            title=f"Confirm the BIA of {task.function.name} still holds",
            plan_name=task.plan.name,
            link=task.get_absolute_url(),
            note=f"{len(task.changes)} change{'s' if len(task.changes) != 1 else ''}",
        )
        for task in open_tasks_for(user)[:SOURCE_LIMIT]
    ]
