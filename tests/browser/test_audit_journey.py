"""On the demo plan: an auditor filters, compares and exports history without any edit
control; a manager rolls back an inventory change, and the auditor sees the rollback."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from bcp.demo import DEMO_PASSWORD, demo_load
from inventory.models import Component
from inventory.services.components import component_update
from tests.helpers import browser_sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def logout(page: Page) -> None:
    page.locator("#user-menu").click()
    page.get_by_role("button", name="Sign out").click()


def expect_no_edit_controls(page: Page) -> None:
    # Verifying and making a report only read history, so their forms are not edit controls.
    expect(
        page.locator(
            "form[method=post]:not([action$='/logout/']):not(#verify-form):not(#report-form)"
        )
    ).to_have_count(0)
    expect(page.get_by_role("link", name="Restore…")).to_have_count(0)
    expect(page.get_by_text("Restore the older version")).to_have_count(0)


def test_auditor_reviews_history_and_sees_a_managers_rollback(
    page: Page, live_server: Any, celery_worker_process: Any
) -> None:
    demo = demo_load()
    plan, manager = demo["plan"], demo["users"]["manager"]
    component = Component.objects.filter(plan=plan).order_by("name").first()
    assert component is not None
    original_owner = component.owner
    component_update(
        component=component,
        user=manager,
        expected_version=component.version,
        values={"owner": "Facilities team"},
        reason="Handed to facilities after the reorganisation",
        ticket="CHG-2041",
    )
    base = live_server.url
    today = timezone.localdate().isoformat()

    # The auditor narrows the plan's history to the manager's changes today.
    browser_sign_in(page, base, "auditor", DEMO_PASSWORD)
    page.get_by_role("link", name=plan.name).click()
    page.get_by_role("link", name="Audit trail").click()
    expect(page.get_by_role("heading", name="Audit trail")).to_be_visible()
    expect_no_edit_controls(page)
    page.get_by_label("Changed by").select_option(label="Maya Manager (manager)")
    page.get_by_label("From", exact=True).fill(today)
    page.get_by_label("To", exact=True).fill(today)
    page.get_by_role("button", name="Filter").click()
    history = page.locator("#history-table")
    expect(history).to_contain_text("Handed to facilities after the reorganisation")
    expect(history).to_contain_text("CHG-2041")
    assert set(history.locator("tbody tr td:nth-child(2)").all_inner_texts()) == {"Maya Manager"}
    expect_no_edit_controls(page)

    # A field-by-field comparison of the change.
    change = history.locator("tbody tr", has_text="Handed to facilities")
    change.get_by_role("link", name="Compare").click()
    expect(page.get_by_role("heading", name="Compare versions")).to_be_visible()
    diff = page.locator("#diff-table")
    expect(diff.locator("tr.table-warning")).to_have_count(1)
    expect(diff.locator("tr.table-warning")).to_contain_text("Facilities team")
    expect_no_edit_controls(page)
    page.go_back()

    # The filtered history as CSV evidence.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="CSV").click()
    text = Path(download_info.value.path()).read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:3] == ["entry", "date (UTC)", "user"]
    assert rows[-1][0] == "# chain head at export"
    assert {row[2] for row in rows[1:-1]} == {"Maya Manager"}
    assert "Handed to facilities after the reorganisation" in {row[8] for row in rows[1:-1]}

    for link in ("Plan as of a date", "Verify history"):
        page.get_by_role("link", name=link).click()
        expect_no_edit_controls(page)
    page.get_by_role("button", name="Verify now").click()
    expect(page.locator("#verify-result")).to_contain_text(
        "History intact up to entry", timeout=60_000
    )
    logout(page)

    # The manager restores the component's previous owner after previewing the change.
    browser_sign_in(page, base, "manager", DEMO_PASSWORD)
    page.get_by_role("link", name=plan.name).click()
    page.get_by_role("link", name="Audit trail").click()
    page.get_by_label("Ticket").fill("CHG-2041")
    page.get_by_role("button", name="Filter").click()
    page.get_by_role("link", name=component.name).first.click()
    expect(page.get_by_role("heading", name=f"“{component.name}”")).to_be_visible()
    page.locator("#history-table tbody tr").nth(1).get_by_role("link", name="Restore…").click()
    preview = page.locator("#rollback-preview")
    expect(preview).to_contain_text("Facilities team")
    page.get_by_label("Reason for change").fill("Reorganisation postponed")
    page.get_by_role("button", name="Restore this version").click()
    expect(page.get_by_text("The restore is recorded.")).to_be_visible()
    assert Component.objects.get(pk=component.pk).owner == original_owner
    logout(page)

    # The auditor sees the rollback as its own entry, naming the version it restored.
    browser_sign_in(page, base, "auditor", DEMO_PASSWORD)
    page.get_by_role("link", name=plan.name).click()
    page.get_by_role("link", name="Audit trail").click()
    first_row = page.locator("#history-table tbody tr").first
    expect(first_row).to_contain_text("Rolled back to version 1")
    expect(first_row).to_contain_text("Reorganisation postponed")
    expect(first_row).to_contain_text("Maya Manager")
    expect_no_edit_controls(page)
