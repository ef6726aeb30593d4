"""The top bar's unread count, the inbox and the notification choices, in Chromium with
axe-core's WCAG 2.1 AA rules."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from bcp.models import Role
from notifications.models import Kind
from notifications.services import notification_send
from tests.browser.test_accessibility import WCAG_TAGS, axe_source, describe, settle
from tests.factories import PlanFactory, plan_member
from tests.helpers import browser_sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct-horse-battery"


def _violations(page: Page, name: str) -> list[tuple[str, int, dict[str, Any]]]:
    found = []
    for width in (1280, 640):
        page.set_viewport_size({"width": width, "height": 900})
        settle(page)
        result = page.evaluate(
            """tags => axe.run(document, {runOnly: {type: 'tag', values: tags},
                resultTypes: ['violations']}).then(r => r.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => ({target: n.target.join(' '),
                summary: n.failureSummary}))})))""",
            WCAG_TAGS,
        )
        found += [(name, width, v) for v in result]
    page.set_viewport_size({"width": 1280, "height": 900})
    return found


def test_the_unread_count_is_announced_read_and_cleared_and_the_pages_pass_axe(
    browser: Browser, live_server: Any, tmp_path: Path
) -> None:
    shots = Path(os.environ.get("INBOX_SCREENSHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    plan = PlanFactory.create(name="Print service continuity")
    sam = plan_member(plan, "sam", "Sam Stakeholder", Role.STAKEHOLDER)
    for title in ("Please sign off Print service continuity v2", "BIA of Printing approved"):
        notification_send(
            recipient=sam,
            kind=Kind.SIGNOFF_REQUESTED,
            title=title,
            body="…",
            link="/plans/",
            plan=plan,
        )
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script(path=str(axe_source()))
    page = context.new_page()
    base = live_server.url
    browser_sign_in(page, base, "sam", PASSWORD)

    expect(page.get_by_role("link", name="Inbox 2 unread")).to_be_visible()
    page.screenshot(path=str(shots / "home.png"), full_page=True)
    found = _violations(page, "plan list")

    page.get_by_role("link", name="Inbox 2 unread").click()
    expect(page.locator("#inbox-list li")).to_have_count(2)
    page.screenshot(path=str(shots / "inbox.png"), full_page=True)
    found += _violations(page, "inbox")
    page.locator("#inbox-list li").first.get_by_role("button").click()
    expect(page.get_by_role("link", name="Inbox 1 unread")).to_be_visible()
    page.get_by_role("button", name="Mark all read").click()
    expect(
        page.get_by_role("link", name=re.compile(r"^Inbox\s*,\s*nothing unread$"))
    ).to_be_visible()

    page.goto(f"{base}/inbox/preferences/")
    page.get_by_label("Daily digest at").fill("25:00")
    page.get_by_role("button", name="Save choices").click()
    expect(page.get_by_text("Enter a time of day between 00:00 and 23:59")).to_be_visible()
    page.screenshot(path=str(shots / "preferences-error.png"), full_page=True)
    found += _violations(page, "preferences with an error")
    context.close()
    assert not found, "\n" + describe(found)
