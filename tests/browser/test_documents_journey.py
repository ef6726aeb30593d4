"""Publish, sign off in a second browser, approve; then an edit marks the version superseded."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from bcp.models import Role
from tests.documents.factories import ContactFactory
from tests.factories import MembershipFactory, PlanFactory, UserFactory
from tests.helpers import WORKER_MARKS, browser_sign_in

pytestmark = [pytest.mark.browser, *WORKER_MARKS]
PASSWORD = "correct-horse-battery"


def test_manager_publishes_stakeholder_approves_and_an_edit_supersedes_it(
    page: Page, browser: Browser, live_server: Any, celery_worker_process: Any
) -> None:
    plan = PlanFactory.create(name="Print service continuity")
    MembershipFactory.create(
        plan=plan,
        role=Role.MANAGER,
        user=UserFactory.create(username="maya", first_name="Maya", last_name="Manager"),
    )
    MembershipFactory.create(
        plan=plan,
        role=Role.STAKEHOLDER,
        user=UserFactory.create(username="sam", first_name="Sam", last_name="Stakeholder"),
    )
    ContactFactory.create(plan=plan, name="Priya Print", phone="0102")
    base = live_server.url
    documents = f"{base}/plans/{plan.pk}/documents/"

    browser_sign_in(page, base, "maya", PASSWORD)
    # The sign-off policy names who must approve; the cover prints them.
    page.goto(f"{documents}settings/")
    page.get_by_label("The people named below").check()
    page.get_by_label("Sam Stakeholder").check()
    page.get_by_label("Reason for change").fill("Sam approves for student services")
    page.get_by_role("button", name="Save settings").click()
    page.goto(documents)
    expect(page.get_by_text("Must approve: Sam Stakeholder")).to_be_visible()
    page.get_by_label("What changed in this version").fill("First issue")
    # A first version of a bare plan has open items; publishing them needs a reason.
    expect(page.locator("#publish-checklist")).to_contain_text("No call tree is recorded")
    page.get_by_label("Why publish with the open items?").fill("First draft for the steering group")
    page.locator("#publish-button").click()
    expect(page.get_by_text("Publishing has started")).to_be_visible()
    # The page polls the render job and reloads itself when the worker is done.
    expect(page.locator("#version-table .version-status")).to_have_text(
        "Published", timeout=120_000
    )
    page.get_by_role("link", name="v1").click()
    document_hash = page.locator("#document-sha256").inner_text()
    assert len(document_hash) == 64
    page.get_by_label("Sam Stakeholder").check()
    due = timezone.localdate() + dt.timedelta(days=7)
    page.get_by_label("Due date").fill(due.isoformat())
    page.get_by_role("button", name="Request sign-off").click()
    expect(page.get_by_text("Sign-off requested from 1 person.")).to_be_visible()
    expect(page.locator("#signoff-table")).to_contain_text("Awaiting decision")

    stakeholder_context = browser.new_context(viewport={"width": 390, "height": 844})
    other = stakeholder_context.new_page()
    browser_sign_in(other, base, "sam", PASSWORD)
    other.goto(documents)
    other.locator("#awaiting-signoff a").first.click()
    expect(other.locator("#document-sha256")).to_have_text(document_hash)
    download_link = other.get_by_role("link", name="Download the document")
    expect(download_link).to_be_visible()
    other.get_by_label("Approve this version").check()
    other.get_by_label("Comment").fill("Matches what student services agreed.")
    other.get_by_role("button", name="Record my decision").click()
    expect(other.locator("#decision-record")).to_contain_text("Approved")
    expect(other.locator("#decision-record")).to_contain_text(document_hash)
    stakeholder_context.close()

    page.reload()
    expect(page.locator("#version-facts .version-status")).to_have_text("Approved")
    expect(page.locator("#signoff-table")).to_contain_text("Matches what student services agreed.")

    page.goto(f"{documents}contacts/")
    page.get_by_role("link", name="Edit").first.click()
    page.get_by_label("Phone", exact=True).fill("+44 20 7946 0999")
    page.get_by_label("Reason for change").fill("New mobile number")
    page.get_by_role("button", name="Save").click()
    page.goto(documents)
    expect(page.locator("#version-table")).to_contain_text("Superseded by changes")
    expect(page.locator("#plan-superseded")).to_be_visible()
