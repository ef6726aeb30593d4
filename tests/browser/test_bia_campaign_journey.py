"""A manager sends a BIA to three functions; the owner answers by keyboard; the manager approves."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from bcp.models import Role
from bia.models import Answer, Assessment, AssessmentState, ImpactSettings
from bia.services.common import cell_key
from bia.services.functions import function_create
from bia.services.questionnaires import template_create_default
from bia.services.scales import impact_scales_ensure, impact_settings_update
from tests.factories import PlanFactory, plan_member
from tests.helpers import signed_in_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct-horse-battery"

# Levels per category at 1 h, 4 h and 1 d: operational reaches the threshold (3) at 1 d.
LEVELS = {
    "financial": (0, 1, 2),
    "operational": (1, 2, 3),
    "legal": (0, 0, 1),
    "reputational": (0, 1, 2),
    "customer": (1, 2, 2),
    "safety": (0, 0, 0),
}


def _plan_with_three_functions() -> Any:
    plan = PlanFactory.create(name="Print service continuity")
    maya = plan_member(plan, "maya", "Maya Manager", Role.MANAGER)
    sam = plan_member(plan, "sam", "Sam Stakeholder", Role.STAKEHOLDER)
    settings = impact_scales_ensure(plan=plan, user=maya)
    impact_settings_update(
        impact_settings=settings,
        user=maya,
        expected_version=settings.version,
        horizons_hours=[1, 4, 24],
        threshold=3,
        peak_uplift=1,
        currency="GBP",
        reason="Three horizons keep the journey short",
    )
    template_create_default(plan=plan, user=maya)
    for name in ("Student printing", "Secure print release", "Branch printing"):
        function_create(plan=plan, user=maya, name=name, owner=sam)
    return plan


def test_campaign_keyboard_answers_submission_and_approval(
    browser: Browser, live_server: Any
) -> None:
    plan = _plan_with_three_functions()
    base = live_server.url
    page = signed_in_page(browser, base, "maya", PASSWORD)
    page.goto(f"{base}/plans/{plan.pk}/bia/")
    page.get_by_role("link", name="Send a BIA campaign").click()
    page.get_by_label("Name").fill("Spring BIA round")
    for name in ("Student printing", "Secure print release", "Branch printing"):
        page.get_by_label(re.compile(name)).check()
    page.get_by_role("button", name="Send to owners").click()
    status = page.locator("#campaign-status")
    expect(status.locator("tbody tr")).to_have_count(3)
    expect(status).to_contain_text("Not started")

    sam = signed_in_page(browser, base, "sam", PASSWORD)
    sam.goto(f"{base}/plans/{plan.pk}/bia/mine/")
    expect(sam.locator("#my-bias a")).to_have_count(3)
    sam.get_by_role("link", name=re.compile("Student printing")).click()
    expect(sam.get_by_role("heading", name="BIA: Student printing")).to_be_visible()
    assessment = Assessment.objects.get(function__name="Student printing", is_current=True)
    pk = assessment.pk

    sam.get_by_label(re.compile("What does this function deliver")).fill("Coursework printing")
    sam.keyboard.press("Tab")
    expect(sam.locator("#status-purpose")).to_contain_text("Saved")

    # The impact grid, by keyboard only: Space picks level 0, arrows raise it, Tab moves on.
    sam.locator(f"#cell-financial-1-{pk}-0").focus()
    expect(sam.locator(f"#level-help-{pk}")).to_contain_text("Financial after 1 h — level 0")
    for levels in LEVELS.values():
        for level in levels:
            sam.keyboard.press("Space")
            for _ in range(level):
                sam.keyboard.press("ArrowRight")
            sam.keyboard.press("Tab")
    expect(sam.locator(f"#status-cell-safety-24-{pk}")).to_contain_text("saved")
    expect(sam.locator(f"#cell-operational-24-{pk}-3")).to_be_checked()
    expect(sam.get_by_test_id("derived-mtpd")).to_have_text("1 d")
    expect(sam.locator(f"#derived-{pk}")).to_contain_text("'Operational' impact reaches level 3")

    sam.get_by_label(re.compile("How much recent work could be lost")).fill("4 h")
    sam.get_by_label(re.compile("least you could accept")).fill("50")
    sam.get_by_label(re.compile("Which IT services")).fill("Print server\nFind-Me release")
    sam.get_by_label(re.compile("Which IT services")).press("Tab")
    expect(sam.locator("#status-it_services")).to_contain_text("Saved")
    expect(sam.get_by_test_id("derived-rpo")).to_have_text("4 h")
    sam.get_by_role("button", name="Submit for review").click()
    expect(sam.get_by_text("submitted for review")).to_be_visible()
    expect(sam.locator("#bia-state")).to_have_text("Submitted")

    grid = {
        a.cell: a.value
        for a in Answer.objects.filter(assessment_id=pk, question__key="impact_grid")
    }
    assert grid == {
        cell_key(category, hours): level
        for category, levels in LEVELS.items()
        for hours, level in zip((1, 4, 24), levels, strict=True)
    }

    page.reload()
    row = page.locator("#campaign-status tr", has_text="Student printing")
    expect(row).to_contain_text("Submitted")
    row.get_by_role("link", name="Review").click()
    page.get_by_role("button", name="Approve").click()
    expect(page.get_by_text("approved; its answers are now locked")).to_be_visible()
    assert Assessment.objects.get(pk=pk).state == AssessmentState.APPROVED
    assert ImpactSettings.objects.get(plan=plan).horizons_hours == [1, 4, 24]
    page.context.close()
    sam.context.close()
