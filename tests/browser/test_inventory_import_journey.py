"""A manager imports a CSV with two bad rows, fixes them, imports, and opens the diagram."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import FilePayload, Page, expect

from bcp.models import Role
from inventory.models import Component
from tests.factories import PlanFactory, plan_member
from tests.helpers import browser_sign_in
from tests.inventory.factories import FunctionFactory, SiteFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct-horse-battery"

BAD = b"""name,kind,site,runs_on,availability_percent,mtbf_hours,mttr_hours,availability_source
Head office SAN,storage,Rack A1,,,87600,12,vendor datasheet
App server 1,server,Rack A1,Head office SAN,120,,,estimate
App server 2,toaster,Rack A1,Head office SAN,99.9,,,estimate
"""
FIXED = BAD.replace(b",120,", b",99.9,").replace(b"toaster", b"server")


def _upload(page: Page, content: bytes) -> None:
    payload: FilePayload = {"name": "components.csv", "mimeType": "text/csv", "buffer": content}
    page.locator("input[type=file]").set_input_files(files=[payload])
    page.get_by_role("button", name="Check file").click()


def test_manager_fixes_bad_rows_imports_and_sees_the_diagram(
    page: Page, live_server: Any, celery_worker_process: Any
) -> None:
    plan = PlanFactory.create(name="Print service continuity")
    plan_member(plan, "maya", "Maya Manager", Role.MANAGER)
    SiteFactory.create(plan=plan, name="Rack A1")
    function = FunctionFactory.create(plan=plan, name="Printing at head office")
    base = live_server.url

    browser_sign_in(page, base, "maya", PASSWORD)

    page.goto(f"{base}/plans/{plan.pk}/inventory/")
    page.get_by_role("link", name="Import").first.click()
    _upload(page, BAD)

    problems = page.locator("#import-problems")
    expect(page.locator("#import-problems-summary")).to_contain_text("Nothing was imported")
    expect(problems).to_contain_text("row 3")
    expect(problems).to_contain_text("availability_percent")
    expect(problems).to_contain_text("between 0 and 100")
    expect(problems).to_contain_text("row 4")
    expect(problems).to_contain_text("“toaster” is not one of")
    assert not Component.objects.filter(plan=plan).exists()

    _upload(page, FIXED)
    expect(page.locator("#import-clean")).to_be_visible()
    expect(page.locator("#import-counts")).to_contain_text("3 to create")
    page.get_by_role("button", name="Apply import").click()
    expect(page.locator("#import-done")).to_contain_text("3 created")
    assert Component.objects.filter(plan=plan).count() == 3

    page.get_by_role("link", name="Go to the inventory").click()
    page.get_by_role("link", name="Printing at head office").click()
    expect(page.locator("#diagram-empty")).to_contain_text("nothing to draw")
    page.get_by_label("Needs").fill("App server 1")
    page.get_by_role("button", name="Add dependency").click()
    expect(page.locator("#dependency-table")).to_contain_text("App server 1")
    diagram = page.locator(".inventory-diagram-frame svg")
    expect(diagram).to_be_visible()
    expect(diagram).to_contain_text("SPOF · Head office SAN")
    expect(page.locator("#spof-list")).to_contain_text("Head office SAN")
    assert function.dependencies.count() == 1
