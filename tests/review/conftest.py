"""A small plan for review tests: one function owned by the stakeholder, on one SAN."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from bcp.models import Job, Plan
from bia.models import BusinessFunction
from bia.services.functions import function_create
from inventory.models import Component
from inventory.services.components import component_create
from inventory.services.dependencies import dependency_create
from review.models import ReviewTask
from review.services import REVIEW_CHECK_KIND, review_check_execute, review_check_request
from tests.conftest import PlanPeople
from tests.factories import component_edit


@dataclass
class SanPlan:
    people: PlanPeople
    function: BusinessFunction
    san: Component

    @property
    def plan(self) -> Plan:
        return self.people.plan


def run_check(plan: Plan, user: Any) -> dict[str, Any]:
    """Run the waiting check as the worker would (asking for one if none waits)."""
    job = Job.objects.filter(
        plan=plan, kind=REVIEW_CHECK_KIND, status=Job.Status.QUEUED
    ).first() or review_check_request(plan=plan, user=user)
    assert job is not None
    result = review_check_execute(job=job, progress=lambda percent, message: None)
    Job.objects.filter(pk=job.pk).update(status=Job.Status.SUCCEEDED, finished_at=timezone.now())
    return result


def set_san(san: Component, user: User, **values: object) -> Component:
    """``user`` edits the SAN as a saved form would, for a new support contract."""
    return component_edit(san.plan, san.name, user, reason="New SAN support contract", **values)


def storage_add(
    plan: Plan, user: Any, name: str, *, availability_percent: float, restore_hours: float
) -> Component:
    return component_create(
        plan=plan,
        user=user,
        values={
            "name": name,
            "kind": "storage",
            "availability_percent": availability_percent,
            "restore_hours": restore_hours,
        },
    )


def task_opened(san_plan: SanPlan) -> ReviewTask:
    """The manager moves the SAN's restore time from 12 h to a day; the check opens the
    function owner's review task, which this returns."""
    set_san(san_plan.san, san_plan.people.manager, restore_hours=24.0)
    run_check(san_plan.plan, san_plan.people.manager)
    return ReviewTask.objects.get(function=san_plan.function)


@pytest.fixture
def san_plan(people: PlanPeople) -> SanPlan:
    manager = people.manager
    function = function_create(
        plan=people.plan, user=manager, name="Student printing", owner=people.stakeholder
    )
    san = storage_add(
        people.plan, manager, "Head office SAN", availability_percent=99.9, restore_hours=12.0
    )
    dependency_create(function=function, target=san, user=manager)
    run_check(people.plan, manager)  # the figures as they are before any change
    return SanPlan(people, function, san)
