"""Continuous review: the manager changes the SAN's restore time in the inventory, the real
worker finds the change moved the figures of the function on it and opens a review task
for its owner, who is told by email and in the app, confirms with one click, and the
portfolio follows."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from bcp.models import Job
from bia.services.functions import function_create
from inventory.services.components import component_create
from inventory.services.dependencies import dependency_create
from notifications.models import Notification
from review.models import FunctionFigures, ReviewTask
from review.services import REVIEW_CHECK_KIND
from tests.conftest import PlanPeople
from tests.factories import TEST_PASSWORD
from tests.helpers import WORKER_MARKS, browser_sign_in, signed_in_page, wait_until

pytestmark = [pytest.mark.browser, *WORKER_MARKS]


def _checks_done(plan_pk: int) -> bool:
    return not Job.objects.filter(
        plan_id=plan_pk, kind=REVIEW_CHECK_KIND, status__in=Job.UNFINISHED_STATUSES
    ).exists()


def test_a_san_change_reaches_the_owner_who_confirms_and_the_portfolio_follows(
    page: Page,
    browser: Browser,
    live_server: Any,
    celery_worker_process: Any,
    people: PlanPeople,
) -> None:
    plan, maya, sam = people.plan, people.manager, people.stakeholder
    function = function_create(plan=plan, user=maya, name="Student printing", owner=sam)
    san = component_create(
        plan=plan,
        user=maya,
        values={
            "name": "Head office SAN",
            "kind": "storage",
            "availability_percent": 99.9,
            "restore_hours": 12.0,
        },
    )
    dependency_create(function=function, target=san, user=maya)
    # The worker checks the figures as they are now: the starting point for the change.
    wait_until(
        lambda: _checks_done(plan.pk) and FunctionFigures.objects.filter(function=function),
        "the first check of the figures",
    )
    assert not ReviewTask.objects.exists()
    base = live_server.url

    # The manager changes the SAN's restore time in the inventory.
    browser_sign_in(page, base, maya.username, TEST_PASSWORD)
    page.goto(f"{base}/plans/{plan.pk}/inventory/components/{san.pk}/edit/")
    page.get_by_label("Restore time (hours)").fill("24")
    page.get_by_label("Reason for change").fill("Cheaper SAN support contract")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="Head office SAN")).to_be_visible()

    # The worker re-runs the engine, finds the achievable RTO moved and asks the owner.
    task = wait_until(
        lambda: ReviewTask.objects.filter(function=function, status="open").first(),
        "a review task for the function's owner",
    )
    assert task.owner_id == sam.pk
    note = wait_until(
        lambda: Notification.objects.filter(
            recipient_id=sam.pk, kind="review_task", emailed_at__isnull=False
        ).first(),
        "the owner's notification, emailed",
    )
    assert "The Head office SAN's restore time changed from 12 h to 1 d" in note.body
    assert note.link == task.get_absolute_url()

    # The portfolio shows the review waiting.
    page.goto(f"{base}/portfolio/")
    expect(page.locator(f'tr[data-plan="{plan.pk}"] .figure-reviews')).to_contain_text("1 waiting")

    # The owner finds it on the plan's overview, reads the change and confirms.
    owner = signed_in_page(browser, base, sam.username, TEST_PASSWORD)
    owner.goto(f"{base}/plans/{plan.pk}/")
    owner.locator("#member-todos").get_by_role(
        "link", name="Confirm the BIA of Student printing still holds"
    ).click()
    expect(owner.locator("#review-changes")).to_contain_text(
        "The Head office SAN's restore time changed from 12 h to 1 d (achievable RTO 12 h → 1 d)"
    )
    owner.get_by_role("button", name="Confirm: my BIA still holds").click()
    expect(owner.get_by_text("Confirmed: the BIA of Student printing still holds.")).to_be_visible()
    task.refresh_from_db()
    assert task.status == "confirmed" and task.confirmed_by_id == sam.pk

    # The portfolio follows.
    page.goto(f"{base}/portfolio/")
    expect(page.locator(f'tr[data-plan="{plan.pk}"] .figure-reviews')).to_contain_text(
        "None waiting"
    )
