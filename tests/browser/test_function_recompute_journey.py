"""A manager recomputes one function from its analysis page: the real worker runs it and
the page shows the new figures in place, without a reload."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from analysis.models import AnalysisRun
from bcp.demo import DEMO_PASSWORD, demo_load
from tests.analysis.conftest import printing_function
from tests.factories import component_edit
from tests.helpers import WORKER_MARKS, browser_sign_in, stored_plan_results

pytestmark = [pytest.mark.browser, *WORKER_MARKS]


def test_a_recomputed_function_shows_its_new_figures_without_a_reload(
    page: Page, live_server: Any, celery_worker_process: Any
) -> None:
    demo = demo_load()
    plan, manager = demo["plan"], demo["users"]["manager"]
    function = printing_function(plan)
    url = reverse("analysis_function", kwargs={"plan_pk": plan.pk, "function_pk": function.pk})
    browser_sign_in(page, live_server.url, manager.username, DEMO_PASSWORD)
    page.goto(live_server.url + url)
    figures = page.locator("#figures-now")
    before = figures.inner_text()

    # The inventory changes underneath: the print database's availability drops.
    component_edit(
        plan,
        "Print database",
        manager,
        reason="Measured over the last quarter",
        availability_percent=95.0,
    )

    # A marker in the page survives only if the page is not reloaded.
    page.evaluate("window.notReloaded = true")
    page.get_by_role("button", name="Recompute this function").click()
    expect(page.locator("#analysis-job")).to_contain_text(
        "Analysis of this function finished", timeout=120_000
    )
    expect(figures).not_to_have_text(before)
    assert page.evaluate("window.notReloaded === true")
    run = AnalysisRun.objects.filter(plan=plan, function=function).latest("created_at")
    assert [entry["pk"] for entry in stored_plan_results(run)["functions"]] == [function.pk]
