"""Keyboard and screen-reader journeys axe cannot check: focus visible in the dark top bar,
a read-only impact grid scrolled by keyboard, a skip link past an editable grid, a save
that fails said on screen and out loud, required answers marked required."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import Page, Route, expect

from bcp.demo import DEMO_PASSWORD, demo_load
from bia.models import Assessment, AssessmentState, Workshop
from tests.browser.test_accessibility import publish_and_ask_for_signoff
from tests.helpers import browser_sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def tab_to(page: Page, selector: str, limit: int = 80) -> None:
    """Press Tab until the element matching ``selector`` has focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} not reached in {limit} Tab presses")


def test_keyboard_focus_on_the_plan_switcher_shows_a_ring(page: Page, live_server: Any) -> None:
    demo_load()
    browser_sign_in(page, live_server.url, "manager", DEMO_PASSWORD)
    switcher = page.locator("#plan-switcher")
    unfocused = switcher.evaluate("e => getComputedStyle(e).outlineStyle")
    tab_to(page, "#plan-switcher")
    ring = switcher.evaluate(
        "e => { const s = getComputedStyle(e); return [s.outlineStyle, s.outlineColor, "
        "parseFloat(s.outlineWidth)]; }"
    )
    assert unfocused == "none"
    assert ring[0] == "solid" and ring[1] == "rgb(255, 255, 255)" and ring[2] >= 2


def test_stakeholder_uses_the_bia_pages_by_keyboard_and_hears_a_failed_save(
    page: Page, live_server: Any
) -> None:
    demo = demo_load()
    plan = demo["plan"]
    submitted = Assessment.objects.get(plan=plan, state=AssessmentState.SUBMITTED)
    editable = Assessment.objects.filter(
        plan=plan, state=AssessmentState.IN_PROGRESS, function__owner=demo["users"]["stakeholder"]
    ).first()
    assert editable is not None
    base = live_server.url
    page.set_viewport_size({"width": 640, "height": 900})
    browser_sign_in(page, base, "stakeholder", DEMO_PASSWORD)

    # The submitted grid's levels are disabled, yet its scroll box takes focus and scrolls.
    page.goto(base + submitted.get_absolute_url())
    box = page.locator(".bia-grid-wrap .table-responsive").first
    expect(box).to_have_attribute("tabindex", "0")
    expect(box).to_have_attribute("role", "region")
    tab_to(page, ".bia-grid-wrap .table-responsive")
    before = box.evaluate("e => e.scrollLeft")
    for _ in range(5):
        page.keyboard.press("ArrowRight")
    page.wait_for_function(
        "([e, b]) => e.scrollLeft > b", arg=[box.element_handle(), before], timeout=5_000
    )

    # On an editable BIA: required answers are marked, and a skip link jumps the grid.
    page.goto(base + editable.get_absolute_url())
    starred = page.locator("form.bia-answer:has(.visually-hidden:text-is('(required)'))")
    assert starred.count() > 0
    for form in starred.all():
        field = form.locator("textarea, input.form-control, input[type=radio]").first
        expect(field).to_have_attribute("required", "")
    tab_to(page, "a[href^='#after-grid-']")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id").startswith("after-grid-")

    # A save that never reaches the server says so beside the cell and out loud.
    def drop(route: Route) -> None:
        route.abort("connectionfailed")

    page.route("**/answer/", drop)
    page.locator(".bia-cell label.bia-level-btn").first.click()
    status = page.locator(".bia-cell-status").first
    expect(status).to_contain_text("Not saved: the server could not be reached.")
    expect(page.locator("#announcer")).to_contain_text("Not saved")


def test_stakeholder_signs_off_and_moves_between_plans_by_keyboard_alone(
    page: Page, live_server: Any
) -> None:
    demo = demo_load()
    plan, users = demo["plan"], demo["users"]
    publish_and_ask_for_signoff(plan, users["manager"], users["stakeholder"])
    base = live_server.url
    browser_sign_in(page, base, "stakeholder", DEMO_PASSWORD)

    # The plan switcher opens with Enter and the arrow keys reach the plan.
    tab_to(page, "#plan-switcher")
    page.keyboard.press("Enter")
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.textContent").strip() == plan.name
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name=plan.name)).to_be_visible()

    # Documents → the sign-off asked of me → approve with a comment, never touching a mouse.
    tab_to(page, "#documents-menu")
    page.keyboard.press("Enter")
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.textContent").strip() == "Versions and sign-off"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    tab_to(page, "#awaiting-signoff a")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name=re.compile("^Sign-off:"))).to_be_visible()
    tab_to(page, "input[type=radio][value=approve]")
    page.keyboard.press("Space")
    tab_to(page, "textarea[name=comment]")
    page.keyboard.type("Read it through; approved.")
    tab_to(page, "#decision [type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator("#decision-record")).to_contain_text("Approved")
    expect(page.locator("#decision-record")).to_contain_text("Read it through; approved.")


def test_a_form_sent_back_with_an_error_puts_focus_on_the_field_and_names_the_error(
    page: Page, live_server: Any
) -> None:
    demo_load()
    browser_sign_in(page, live_server.url, "manager", DEMO_PASSWORD)
    page.get_by_role("link", name="Print service continuity").click()
    page.get_by_role("link", name="Members", exact=True).click()
    page.get_by_label("Username or email").fill("nobody-by-this-name")
    page.get_by_role("button", name="Add member").click()
    field = page.get_by_label("Username or email")
    expect(field).to_be_focused()
    expect(field).to_have_attribute("aria-invalid", "true")
    described_by = (field.get_attribute("aria-describedby") or "").split()
    error_ids = [i for i in described_by if i.endswith("_error")]
    assert len(error_ids) == 1
    expect(page.locator(f"[id='{error_ids[0]}']")).to_be_visible()
    assert page.locator(f"[id='{error_ids[0]}']").inner_text().strip()


def tab_count(page: Page, selector: str, limit: int = 120) -> int:
    """Press Tab until ``selector`` has focus; how many presses it took."""
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return presses
    raise AssertionError(f"{selector} not reached in {limit} Tab presses")


def test_manager_skips_each_workshop_grid_by_keyboard(page: Page, live_server: Any) -> None:
    demo = demo_load()
    workshop = Workshop.objects.filter(plan=demo["plan"]).first()
    assert workshop is not None
    page.set_viewport_size({"width": 640, "height": 900})
    browser_sign_in(page, live_server.url, "manager", DEMO_PASSWORD)
    page.goto(
        live_server.url
        + reverse("bia_workshop", kwargs={"plan_pk": workshop.plan_id, "workshop_pk": workshop.pk})
    )
    skips = page.locator("a[href^='#after-grid-']")
    grids = skips.count()
    assert grids >= 2
    stops_in_grids = page.evaluate(
        "() => [...document.querySelectorAll('.bia-grid-wrap .table-responsive')].map(box =>"
        " box.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea,"
        ' [tabindex]:not([tabindex="-1"])\').length).reduce((a, b) => a + b, 0)'
    )
    presses = 0
    for index in range(grids):
        target = skips.nth(index).get_attribute("href")
        assert target is not None
        presses += tab_count(page, f"a[href='{target}']")
        page.keyboard.press("Enter")
        assert "#" + page.evaluate("document.activeElement.id") == target
        # The next Tab stop lies after the grid, not inside it.
        page.keyboard.press("Tab")
        presses += 1
        assert page.evaluate("!document.activeElement.closest('.bia-grid')")
    # Skipping reaches past every grid in fewer presses than walking through them would.
    assert presses < stops_in_grids, (presses, stops_in_grids)

    # A read-only grid still scrolls by keyboard: its scroll box is a focusable region.
    for box in page.locator(".bia-grid-wrap .table-responsive").all():
        if box.evaluate("e => e.scrollWidth > e.clientWidth"):
            has_stop = box.evaluate(
                "e => e.tabIndex === 0 || !!e.querySelector('a[href], input:not([disabled]),"
                " button:not([disabled]), select:not([disabled])')"
            )
            assert has_stop
