"""A staff member's first sign-in: password, scan the QR code, type the app's code, keep the
recovery codes; the next sign-in asks for a code from the same app."""

from __future__ import annotations

import time
from typing import Any

import pyotp
import pytest
from playwright.sync_api import Page, expect

from tests.factories import TEST_PASSWORD, UserFactory
from tests.helpers import sign_in_at

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_member_enrols_by_qr_code_then_needs_the_apps_code_to_sign_in(
    page: Page, live_server: Any
) -> None:
    UserFactory.create(username="stella", first_name="Stella", last_name="Staff", is_staff=True)
    base = live_server.url
    sign_in_at(page, base, "stella", TEST_PASSWORD)
    expect(page.get_by_role("heading", name="Set up a second factor")).to_be_visible()
    expect(page.locator("#mfa-qr svg")).to_be_visible()
    app = pyotp.TOTP(page.locator("#mfa-secret").inner_text().replace(" ", ""))
    page.get_by_label("Code from the app").fill(app.at(time.time() - 30))
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", name="Second factor set up")).to_be_visible()
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    page.get_by_role("link", name="I have kept them").click()
    expect(page.get_by_role("heading", name="Continuity plans")).to_be_visible()

    page.locator("#user-menu").click()
    page.get_by_role("button", name="Sign out").click()
    sign_in_at(page, base, "stella", TEST_PASSWORD)
    expect(page.get_by_role("heading", name="Second step")).to_be_visible()
    page.get_by_label("Code").fill(app.now())
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Continuity plans")).to_be_visible()
    page.goto(f"{base}/accounts/second-factor/")
    expect(page.locator("#mfa-status")).to_contain_text("10 of 10")
    page.screenshot(path="/tmp/identity/mfa-status.png", full_page=True)
