"""From declaration to after-action report: two people working steps at once on one live
page, the call tree acknowledged by email through a real SMTP server, a stakeholder on a
375 px phone, and the final report rendered by a real worker."""

from __future__ import annotations

import io
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, expect
from pypdf import PdfReader

from incidents.models import AfterActionReport, Incident
from tests.conftest import PlanPeople
from tests.factories import TEST_PASSWORD
from tests.helpers import WORKER_MARKS, browser_sign_in
from tests.incidents.factories import print_estate
from tests.incidents.smtp import running_smtp_server

pytestmark = [pytest.mark.browser, *WORKER_MARKS]
# The live page polls every 5 s; a change made in another browser shows within two polls.
LIVE = 12_000


def test_declare_work_the_steps_together_acknowledge_by_email_and_close_with_a_report(
    page: Page,
    browser: Browser,
    live_server: Any,
    celery_worker_process: Any,
    people: PlanPeople,
    settings: Any,
) -> None:
    estate = print_estate(people)
    base = live_server.url
    with running_smtp_server(settings) as mailbox:
        # The manager says what failed and sees the blast radius before declaring.
        browser_sign_in(page, base, "maya", TEST_PASSWORD)
        page.goto(f"{base}/plans/{estate.plan.pk}/incidents/declare/")
        page.get_by_label("Title").fill("SAN controller failure")
        page.get_by_label("What has failed").select_option(label="SAN")
        page.get_by_role("button", name="Show what is affected").click()
        expect(page.locator("#impact-down")).to_contain_text("Head office printing")
        expect(page.locator("#impact-degraded")).to_contain_text("Branch printing")
        assert not Incident.objects.exists()
        page.get_by_role("button", name="Declare incident").click()
        expect(page.locator("#incident-title")).to_have_text("SAN controller failure")
        incident = Incident.objects.get()

        # One action starts the call tree; Priya acknowledges from her phone, signed out.
        page.get_by_role("button", name="Start the call tree").click()
        expect(page.get_by_text("Call tree started: 2 of 3 people emailed")).to_be_visible()
        link = mailbox.ack_link("priya@example.org")
        assert urlsplit(link).netloc == urlsplit(base).netloc
        phone = browser.new_context(viewport={"width": 375, "height": 740})
        priya = phone.new_page()
        priya.goto(link)
        priya.get_by_role("button", name="I have received this").click()
        expect(priya.locator("#ack-done")).to_contain_text("your acknowledgement was recorded")
        phone.close()

        # Sam, the function's owner, works on a 375 px phone while the manager works too.
        sam_context = browser.new_context(viewport={"width": 375, "height": 812})
        sam = sam_context.new_page()
        browser_sign_in(sam, base, "sam", TEST_PASSWORD)
        sam.goto(f"{base}{incident.get_absolute_url()}")
        width = sam.evaluate("document.documentElement.scrollWidth")
        assert width <= 375, f"the live page is {width} px wide on a 375 px phone"
        steps = incident.functions.get(name="Head office printing").steps.order_by("position")
        first, second = steps[0], steps[1]
        sam.locator(f"#step-{first.pk}").get_by_role("button", name="Start").click()
        page.locator(f"#step-{second.pk}").get_by_role("button", name="Start").click()
        # Each sees the other's step move without reloading.
        expect(page.locator(f"#step-{first.pk} .step-status")).to_contain_text(
            "Started by", timeout=LIVE
        )
        expect(sam.locator(f"#step-{second.pk} .step-status")).to_contain_text(
            "Started by", timeout=LIVE
        )
        sam.locator(f"#step-{first.pk}").get_by_role("button", name="Complete").click()
        page.locator(f"#step-{second.pk}").get_by_role("button", name="Complete").click()
        expect(sam.locator(f"#step-{second.pk}")).to_have_attribute(
            "data-status", "done", timeout=LIVE
        )
        expect(page.locator("#call-tree")).to_contain_text("1 acknowledged, 2 to chase")

        # The SAN comes back: the engine says printing runs again, on every open page.
        page.locator("#failed-elements").get_by_role("button", name="Mark recovered").click()
        expect(
            page.get_by_text("Running again: Branch printing, Head office printing")
        ).to_be_visible()
        expect(sam.locator(".function-card").first).to_have_attribute(
            "data-state", "up", timeout=LIVE
        )
        sam_context.close()

        # Restore, record an action, close; the worker renders the final report.
        page.get_by_role("link", name="Restore and close…").click()
        for card in page.locator(".restore-card").all():
            card.get_by_role("button", name="Record").click()
        expect(page.locator(".restored-line")).to_have_count(2)
        action = "Keep a spare SAN controller on site."
        page.get_by_role("textbox", name="Follow-up action").fill(action)
        manager = people.manager
        page.get_by_label("Owner").select_option(label=f"{manager.get_full_name()} (maya)")
        page.get_by_label("Due on").fill("2030-01-31")
        page.get_by_role("button", name="Add action").click()
        page.get_by_label("Summary").fill("A SAN controller failed and was replaced.")
        page.get_by_label("Lessons learned").fill("Spare parts on site save hours.")
        page.get_by_role("button", name="Close the incident").click()
        expect(page.locator("#incident-status")).to_contain_text("Closed")
        download = page.get_by_role("link", name="Download the report")
        expect(download).to_be_visible(timeout=120_000)
        report = AfterActionReport.objects.get(incident=incident, draft=False)
        response = page.request.get(
            f"{base}/plans/{estate.plan.pk}/incidents/{incident.pk}/reports/{report.pk}/download/"
        )
        text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.body())).pages)
        assert "Actual against objective" in text
        assert "Head office printing" in text and "Keep a spare SAN controller on site." in text
        assert "DRAFT" not in text
