"""Two facilitators run one workshop in two browsers; the slower edit meets a conflict."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from bcp.models import Role
from bia.models import ActionItem, Answer, Assessment, Workshop
from bia.services.functions import function_create
from bia.services.questionnaires import template_create_default
from bia.services.scales import impact_scales_ensure
from tests.factories import PlanFactory, plan_member
from tests.helpers import signed_in_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct-horse-battery"


def test_workshop_with_two_browsers_autosaves_and_shows_the_conflict(
    browser: Browser, live_server: Any
) -> None:
    plan = PlanFactory.create(name="Print service continuity")
    maya = plan_member(plan, "maya", "Maya Manager", Role.MANAGER)
    plan_member(plan, "mo", "Mo Cofacilitator", Role.MANAGER)
    sam = plan_member(plan, "sam", "Sam Stakeholder", Role.STAKEHOLDER)
    impact_scales_ensure(plan=plan, user=maya)
    template_create_default(plan=plan, user=maya)
    for name in ("Branch printing", "Staff printing"):
        function_create(plan=plan, user=maya, name=name, owner=sam)
    base = live_server.url

    a = signed_in_page(browser, base, "maya", PASSWORD)
    a.goto(f"{base}/plans/{plan.pk}/bia/workshops/")
    a.get_by_role("link", name="New workshop").click()
    a.get_by_label("Title").fill("Branch printing workshop")
    a.get_by_label(re.compile("Branch printing")).check()
    a.get_by_label(re.compile("Staff printing")).check()
    a.get_by_role("button", name="Start workshop").click()
    expect(a.get_by_role("heading", name="Branch printing workshop")).to_be_visible()
    workshop = Workshop.objects.get(title="Branch printing workshop")
    branch = Assessment.objects.get(function__name="Branch printing", is_current=True)
    cell = f"cell-operational-4-{branch.pk}"

    b = signed_in_page(browser, base, "mo", PASSWORD)
    b.goto(f"{base}/plans/{plan.pk}/bia/workshops/{workshop.pk}/")
    expect(b.locator(f"#{cell}")).to_be_visible()

    # Both pages are open; Maya scores a cell, then Mo scores the same cell from his stale page.
    a.locator(f"label[for={cell}-2]").click()
    expect(a.locator(f"#status-{cell}")).to_contain_text("saved")
    b.locator(f"label[for={cell}-3]").click()
    conflict = b.locator(f"#{cell} [role=alert]")
    expect(conflict).to_contain_text("Changed by Maya Manager")
    expect(conflict).to_contain_text("theirs 2")
    expect(conflict).to_contain_text("yours 3")
    expect(b.locator(f"#{cell}-2")).to_be_checked()
    assert Answer.objects.get(assessment=branch, cell="operational@4").value == 2
    b.get_by_role("button", name="Use 3").click()
    expect(b.locator(f"#status-{cell}")).to_contain_text("saved")
    expect(b.locator(f"#{cell}-3")).to_be_checked()
    answer = Answer.objects.get(assessment=branch, cell="operational@4")
    assert answer.value == 3 and answer.source_workshop_id == workshop.pk

    # Keyboard works on the projector screen too: focus a level, arrow to the next one.
    a.locator(f"#cell-financial-1-{branch.pk}-0").focus()
    a.keyboard.press("Space")
    a.keyboard.press("ArrowRight")
    expect(a.locator(f"#status-cell-financial-1-{branch.pk}")).to_contain_text("saved")
    expect(a.locator(f"#level-help-{branch.pk}")).to_contain_text("Financial after 1 h — level 1")

    # Notes: Maya types first; Mo's edit of the same notes is refused with both texts.
    a.get_by_label("Notes").fill("The branch link drops about once a month.")
    expect(a.locator("#wstatus-notes")).to_contain_text("Saved")
    b.get_by_label("Decisions").fill("Protect the site server with a second VM host.")
    expect(b.locator("#wstatus-decisions")).to_contain_text("Saved")
    b.get_by_label("Notes").fill("Link is stable since the new router.")
    notes_conflict = b.locator("#wstatus-notes [role=alert]")
    expect(notes_conflict).to_contain_text("changed by Maya Manager")
    expect(notes_conflict).to_contain_text("The branch link drops about once a month.")
    expect(notes_conflict).to_contain_text("Link is stable since the new router.")
    b.get_by_role("button", name="Keep theirs").click()
    expect(b.get_by_label("Notes")).to_have_value("The branch link drops about once a month.")
    workshop.refresh_from_db()
    assert workshop.notes == "The branch link drops about once a month."
    assert workshop.decisions == "Protect the site server with a second VM host."

    # An action item with an owner and a due date, entered from the keyboard.
    a.get_by_label("Action", exact=True).fill("Order a second VM host")
    a.get_by_label("Owner").select_option(label="Sam Stakeholder")
    a.get_by_label("Due").fill("2030-01-31")
    a.get_by_label("Due").press("Enter")
    expect(a.locator("#action-table")).to_contain_text("Order a second VM host")
    expect(a.locator("#action-table")).to_contain_text("Sam Stakeholder")
    action = ActionItem.objects.get(workshop=workshop)
    assert action.owner == sam and str(action.due_date) == "2030-01-31"
    a.context.close()
    b.context.close()
