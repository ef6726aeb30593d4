"""A manager creates a plan, adds a stakeholder, edits with a reason; an auditor only reads."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from bcp.models import Role
from tests.factories import MembershipFactory, PlanFactory, UserFactory, make_coordinator
from tests.helpers import browser_sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct-horse-battery"


def test_manager_creates_plan_adds_stakeholder_and_sees_reasoned_edit_in_history(
    page: Page, live_server: Any
) -> None:
    make_coordinator(UserFactory.create(username="maya", first_name="Maya", last_name="Manager"))
    UserFactory.create(username="sam", first_name="Sam", last_name="Stakeholder")
    base = live_server.url
    browser_sign_in(page, base, "maya", PASSWORD)
    page.get_by_role("link", name="New plan").click()
    page.get_by_label("Name").fill("Print service continuity")
    page.get_by_label("Organisation").fill("Northbridge College")
    page.get_by_role("button", name="Create plan").click()
    expect(page.get_by_role("heading", name="Print service continuity")).to_be_visible()

    page.get_by_role("link", name="Manage members").click()
    page.get_by_label("Username or email").fill("sam")
    page.get_by_label("Role").select_option("stakeholder")
    page.get_by_role("button", name="Add member").click()
    expect(page.locator("#member-table")).to_contain_text("Sam Stakeholder")

    page.get_by_role("link", name="Overview").click()
    page.get_by_role("link", name="Edit plan").click()
    page.get_by_label("Scope").fill("Printing at head office and the branch.")
    page.get_by_label("Reason for change").fill("Branch added after the workshop")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Plan saved.")).to_be_visible()

    page.get_by_role("link", name="History").click()
    history = page.locator("#history-table")
    expect(history).to_contain_text("Branch added after the workshop")
    expect(history).to_contain_text("Printing at head office and the branch.")


def test_auditor_finds_no_edit_controls(page: Page, live_server: Any) -> None:
    plan = PlanFactory.create(name="Audited plan")
    MembershipFactory.create(plan=plan, role=Role.MANAGER)
    MembershipFactory.create(plan=plan, role=Role.AUDITOR, user=UserFactory.create(username="alex"))
    base = live_server.url
    browser_sign_in(page, base, "alex", PASSWORD)
    page.get_by_role("link", name="Audited plan").click()
    expect(page.get_by_role("heading", name="Audited plan")).to_be_visible()
    for label in ("Edit plan", "Manage members", "Archive"):
        expect(page.get_by_text(label, exact=True)).to_have_count(0)
    page.get_by_role("link", name="Members", exact=True).click()
    expect(page.get_by_role("button", name="Add member")).to_have_count(0)
    expect(page.get_by_role("link", name="Change role")).to_have_count(0)
    page.get_by_role("link", name="History").click()
    expect(page.get_by_role("heading", name="Change history")).to_be_visible()
    expect(page.locator("form[method=post]:not([action$='/logout/'])")).to_have_count(0)
