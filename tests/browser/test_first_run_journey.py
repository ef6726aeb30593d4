"""A newcomer's first run, from an empty database to a published draft, on a desk and a phone.

Nothing is made behind the browser's back: the person signs in, creates a plan from the
standard starting point, and follows the overview's checklist link by link — three
business functions, a BIA workshop (the impact grid by keyboard, Enter moving from cell
to cell), the inventory and what each function needs from spreadsheets, the analysis and
a published draft. At 375 px every page is checked for sideways scrolling and the
plan's sections are reached through the folded menu. Screenshots of each step go to
``FIRST_RUN_SCREENSHOTS`` when set (else the test's temporary folder) to be looked at.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import FilePayload, Page, expect

from bia.models import Assessment, AssessmentState
from documents.models import PlanVersion
from inventory.models import Dependency
from tests.factories import UserFactory, make_coordinator
from tests.helpers import WORKER_MARKS, sign_in_at

pytestmark = [pytest.mark.browser, *WORKER_MARKS]
PASSWORD = "correct-horse-battery"

FUNCTIONS = {"Customer orders": "critical", "Payroll": "high", "Email": "medium"}
# Financial impact over the seven standard horizons (1 h … 1 mo); other categories stay 0.
FINANCIAL = (0, 1, 1, 2, 3, 3, 4)
COMPONENTS = b"""name,kind,availability_percent,holds_data
Web server,server,99.9,no
Order database,database,99.95,yes
Mail server,server,99.5,yes
Payroll database,database,99.9,yes
"""
NEEDS = b"""function,needs,need
Customer orders,Web server,full
Customer orders,Order database,full
Email,Mail server,full
Payroll,Payroll database,full
Payroll,Mail server,degraded
"""


class Journey:
    """The person at the browser, at one width, keeping screenshots of what they saw."""

    def __init__(self, page: Page, base: str, width: int, shots: Path) -> None:
        self.page, self.base, self.width, self.shots = page, base, width, shots
        self.count = 0

    @property
    def narrow(self) -> bool:
        return self.width < 768

    def look(self, name: str) -> None:
        """Screenshot the page; on a phone, also check nothing makes the page scroll sideways."""
        self.page.wait_for_load_state("networkidle")
        self.count += 1
        self.page.screenshot(
            path=str(self.shots / f"{self.width}-{self.count:02d}-{name}.png"), full_page=True
        )
        if self.narrow:
            overflow = self.page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 0, f"{name}: the page scrolls sideways by {overflow} px"

    def section(self, name: str) -> None:
        """Open one of the plan's sections from the menu under the top bar."""
        if self.narrow:
            menu = self.page.locator("#plan-sections")
            expect(menu).to_be_hidden()
            self.page.locator(".plan-nav-toggle").click()
            expect(menu).to_be_visible()
        self.page.locator("#plan-sections").get_by_role("link", name=name, exact=True).click()

    def step_link(self, step: str, link: str | re.Pattern[str]) -> None:
        self.page.locator(f"#step-{step}").get_by_role("link", name=link).click()

    def expect_done(self, step: str) -> None:
        expect(self.page.locator(f"#step-{step}")).to_have_attribute("data-done", "true")

    def upload(self, name: str, content: bytes, holds: str) -> None:
        payload: FilePayload = {"name": name, "mimeType": "text/csv", "buffer": content}
        self.page.locator("input[type=file]").set_input_files(files=[payload])
        self.page.get_by_label("The spreadsheet holds").select_option(holds)
        self.page.get_by_role("button", name="Check file").click()
        expect(self.page.locator("#import-clean")).to_be_visible(timeout=60_000)
        self.look(f"import-{holds}-preview")
        self.page.get_by_role("button", name="Apply import").click()
        expect(self.page.locator("#import-done")).to_contain_text(
            re.compile(r"Imported\. \d+ created"), timeout=60_000
        )


def _grid_by_keyboard(page: Page, assessment: Assessment) -> None:
    """Every cell of one impact grid: Space picks 0, arrows raise it, Enter goes on."""
    grid = page.locator(f"#status-cell-financial-1-{assessment.pk}").locator(
        "xpath=ancestor::table[contains(@class, 'bia-grid')]"
    )
    cells = grid.locator(".bia-levels")
    count = cells.count()
    assert count == 6 * len(FINANCIAL)
    cells.first.locator("input").first.focus()
    for index in range(count):
        level = FINANCIAL[index] if index < len(FINANCIAL) else 0
        page.keyboard.press("Space")
        for _ in range(level):
            page.keyboard.press("ArrowRight")
        if index + 1 < count:
            page.keyboard.press("Enter")
            # Enter moved the focus to the next cell, not off the grid or to a submit.
            expect(cells.nth(index + 1).locator("input").first).to_be_focused()
    expect(grid.locator(".bia-cell-status", has_text="saved")).to_have_count(count, timeout=90_000)


@pytest.mark.parametrize("width", [1280, 375])
def test_a_newcomer_gets_from_an_empty_database_to_a_published_draft(
    page: Page,
    live_server: Any,
    celery_worker_process: Any,
    tmp_path: Path,
    width: int,
) -> None:
    make_coordinator(UserFactory.create(username="nina", first_name="Nina", last_name="Newcomer"))
    shots = Path(os.environ.get("FIRST_RUN_SCREENSHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": width, "height": 900})
    me = Journey(page, live_server.url, width, shots)

    sign_in_at(page, me.base, "nina", PASSWORD)
    expect(page.get_by_text("You are not a member of any plan yet")).to_be_visible()
    me.look("no-plans")

    # A new plan from the standard starting point.
    page.get_by_role("link", name="New plan").first.click()
    page.get_by_label("Name").fill("Acme IT continuity")
    page.get_by_label("Organisation").fill("Acme Ltd")
    expect(page.get_by_label(re.compile("The standard starting point"))).to_be_checked()
    me.look("new-plan")
    page.get_by_role("button", name="Create plan").click()
    expect(page.get_by_text(re.compile("It has impact scales"))).to_be_visible()
    expect(page.locator("#first-run-progress")).to_have_text("0 of 6 steps done")
    me.look("overview-empty")

    # 1. Three business functions, each owned.
    for name, criticality in FUNCTIONS.items():
        me.step_link("functions", "Add a function")
        page.get_by_label("Name").fill(name)
        page.get_by_label("Owner").select_option(label="Nina Newcomer")
        page.get_by_label("Criticality").select_option(criticality)
        page.get_by_role("button", name="Add function").click()
        expect(page.get_by_text(f"Function “{name}” added.")).to_be_visible()
        me.section("Overview")
    me.expect_done("functions")
    expect(page.locator("#step-functions")).to_contain_text("3 functions, each with an owner.")

    # 2. A BIA workshop for all three: the grid by keyboard, then the rest of each BIA.
    me.step_link("bia", "Run a workshop")
    page.get_by_label("Title").fill("First BIA workshop")
    for name in FUNCTIONS:
        page.get_by_label(re.compile(re.escape(name))).check()
    me.look("workshop-new")
    page.get_by_role("button", name="Start workshop").click()
    expect(page.get_by_role("heading", name="First BIA workshop")).to_be_visible()
    assessments = {
        a.function.name: a
        for a in Assessment.objects.filter(
            function__plan__name="Acme IT continuity"
        ).select_related("function")
    }
    for name in FUNCTIONS:
        _grid_by_keyboard(page, assessments[name])
    me.look("workshop-grid")
    workshop = page.url
    for name in FUNCTIONS:
        page.goto(workshop)
        page.locator(f"#fn-{assessments[name].function_id}").get_by_role(
            "link", name=re.compile("full BIA")
        ).click()
        expect(page.get_by_role("heading", name=f"BIA: {name}")).to_be_visible()
        page.get_by_label(re.compile("What does this function deliver")).fill("Keeps Acme going")
        page.get_by_label(re.compile("How much recent work could be lost")).fill("4 h")
        page.get_by_label(re.compile("least you could accept")).fill("50")
        services = page.get_by_label(re.compile("Which IT services"))
        services.fill("The order system\nEmail")
        services.press("Tab")
        for key in ("purpose", "data_loss", "minimum_service", "it_services"):
            expect(page.locator(f"#status-{key}")).to_contain_text("Saved")
        page.get_by_role("button", name="Submit for review").click()
        expect(page.locator("#bia-state")).to_have_text("Submitted")
    me.look("bia-submitted")
    me.section("Overview")
    me.expect_done("bia")

    # 3. The inventory from a spreadsheet; 4. what each function needs, from another.
    me.step_link("inventory", "Import a spreadsheet or inventory-as-code file")
    me.upload("components.csv", COMPONENTS, "components")
    me.section("Overview")
    me.expect_done("inventory")
    me.step_link("needs", "Import dependencies from a spreadsheet")
    me.upload("needs.csv", NEEDS, "dependencies")
    assert Dependency.objects.filter(function__plan__name="Acme IT continuity").count() == 5
    me.section("Overview")
    me.expect_done("needs")
    me.look("overview-four-done")

    # 5. The first analysis of the plan.
    me.step_link("analysis", "Analysis")
    page.get_by_role("button", name="Run analysis").click()
    # The page follows the job and shows the results when the worker is done.
    expect(page.get_by_text("3 of 3 functions assessed")).to_be_visible(timeout=120_000)
    heatmap = page.locator("table.heatmap")
    expect(heatmap).to_contain_text("Customer orders")
    expect(page.locator("#spof-none")).to_have_count(0)
    me.look("analysis")
    me.section("Overview")
    me.expect_done("analysis")

    # 6. A published draft, with its open items said out loud.
    me.step_link("publish", "Plan documents")
    page.get_by_label("What changed in this version").fill("First draft for review")
    reason = page.get_by_label("Why publish with the open items?")
    if reason.count():
        reason.fill("A first draft to walk through with the function owners")
    page.locator("#publish-button").click()
    expect(page.get_by_text("Publishing has started")).to_be_visible()
    expect(page.locator("#version-table .version-status")).to_have_text(
        "Published", timeout=120_000
    )
    me.look("published")
    me.section("Overview")
    # Done: the checklist makes way for the plan itself.
    expect(page.locator("#first-run")).to_have_count(0)
    me.look("overview-done")

    assert set(Assessment.objects.values_list("state", flat=True)) == {AssessmentState.SUBMITTED}
    assert PlanVersion.objects.filter(plan__name="Acme IT continuity").count() == 1
