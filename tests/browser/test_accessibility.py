"""WCAG 2.1 AA on the demo plan: axe-core's A and AA rules on each page as each role, at
1280 px and 640 px wide, and no sideways page scrolling at 320 px.

axe-core comes from the npm registry, pinned in package-lock.json and installed by
scripts/setup.sh (``npm ci``). The browser runs it through Playwright's init script, which
the page's Content Security Policy does not govern, so the policy served to users stays
``script-src 'self'``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from bcp.demo import DEMO_PASSWORD, demo_load
from bcp.jobs import run_job
from bcp.models import Job
from bia.models import (
    Assessment,
    AssessmentState,
    BusinessFunction,
    Campaign,
    QuestionnaireTemplate,
    Workshop,
)
from incidents.models import Incident
from inventory.models import Component

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
WIDTHS = (1280, 640)
NARROW = 320
ROLES = ("manager", "stakeholder", "auditor")


@dataclass(frozen=True)
class DemoPages:
    """Where each page of the representative list lives, and who may open it."""

    urls: dict[str, str]
    by_role: dict[str, tuple[str, ...]]


def axe_source() -> Path:
    if not AXE.exists():
        pytest.fail(
            f"axe-core is missing at {AXE}: run scripts/setup.sh (it runs `npm ci`).",
            pytrace=False,
        )
    return AXE


def publish_and_ask_for_signoff(plan: Any, manager: Any, stakeholder: Any) -> int:
    """A published demo version awaiting the stakeholder's decision; returns the sign-off id."""
    from documents.publishing import version_publish, version_publish_run
    from documents.signoff import signoff_request

    job = version_publish(
        plan=plan, user=manager, note="First issue", limitations_reason="Demo open items."
    )
    outcome = run_job(
        str(job.pk), lambda job, progress: version_publish_run(job=job, progress=progress)
    )
    assert outcome == "succeeded", Job.objects.get(pk=job.pk).error
    from documents.models import PlanVersion

    version = PlanVersion.objects.get(publish_job=job)
    (signoff,) = signoff_request(
        version=version,
        user=manager,
        stakeholders=[stakeholder],
        due_date=timezone.localdate() + dt.timedelta(days=7),
    )
    return signoff.pk


def verify_history(plan: Any, auditor: Any) -> None:
    """A finished verification, so the verify page shows its result and the chain head."""
    from audit.tasks import HISTORY_VERIFY_KIND, HISTORY_VERIFY_TASK, history_verify

    job = Job.objects.create(
        kind=HISTORY_VERIFY_KIND,
        task_name=HISTORY_VERIFY_TASK,
        plan=plan,
        created_by=auditor,
        parameters={"checkpoints": []},
    )
    assert history_verify(str(job.pk)) == "succeeded", Job.objects.get(pk=job.pk).error


def demo_pages() -> DemoPages:
    demo = demo_load()
    plan, users = demo["plan"], demo["users"]
    signoff_pk = publish_and_ask_for_signoff(plan, users["manager"], users["stakeholder"])
    verify_history(plan, users["auditor"])
    submitted = Assessment.objects.filter(plan=plan, state=AssessmentState.SUBMITTED).first()
    editable = Assessment.objects.filter(plan=plan, state=AssessmentState.IN_PROGRESS).first()
    assert submitted is not None and editable is not None
    function = BusinessFunction.objects.filter(plan=plan).order_by("name").first()
    component = Component.objects.filter(plan=plan).order_by("name").first()
    incident = Incident.objects.filter(plan=plan).first()
    questionnaire = QuestionnaireTemplate.objects.filter(plan=plan).first()
    workshop = Workshop.objects.filter(plan=plan).first()
    campaign = Campaign.objects.filter(plan=plan).first()
    assert function and component and incident and questionnaire and workshop and campaign
    p = {"plan_pk": plan.pk}
    urls = {
        "plan list": reverse("plan_list"),
        "overview": reverse("plan_detail", kwargs=p),
        "BIA list": reverse("bia_function_list", kwargs=p),
        "submitted BIA grid": reverse(
            "bia_assessment", kwargs={**p, "assessment_pk": submitted.pk}
        ),
        "BIA in progress": reverse("bia_assessment", kwargs={**p, "assessment_pk": editable.pk}),
        "questionnaire": reverse(
            "bia_template_detail", kwargs={**p, "template_pk": questionnaire.pk}
        ),
        "campaign": reverse("bia_campaign_detail", kwargs={**p, "campaign_pk": campaign.pk}),
        "workshop": reverse("bia_workshop", kwargs={**p, "workshop_pk": workshop.pk}),
        "members": reverse("member_list", kwargs=p),
        "inventory": reverse("inventory_overview", kwargs=p),
        "function's dependencies": reverse(
            "inventory_function_detail", kwargs={**p, "function_pk": function.pk}
        ),
        "component": reverse(
            "inventory_component_detail", kwargs={**p, "component_pk": component.pk}
        ),
        "analysis": reverse("analysis_dashboard", kwargs=p),
        "function analysis": reverse("analysis_function", kwargs={**p, "function_pk": function.pk}),
        "documents": reverse("documents_home", kwargs=p),
        "sign-off": reverse("signoff_detail", kwargs={**p, "signoff_pk": signoff_pk}),
        "audit timeline": reverse("audit_timeline", kwargs=p),
        "verify history": reverse("audit_verify", kwargs=p),
        "incidents": reverse("incident_list", kwargs=p),
        "incident": reverse("incident_detail", kwargs={**p, "incident_pk": incident.pk}),
    }
    # The sign-off page is the stakeholder's own; stakeholders see neither the audit pages
    # nor the campaign and workshop a manager runs.
    everyone = tuple(name for name in urls if name != "sign-off")
    audit = ("audit timeline", "verify history", "campaign", "workshop")
    return DemoPages(
        urls=urls,
        by_role={
            "manager": everyone,
            "stakeholder": (*(n for n in everyone if n not in audit), "sign-off"),
            "auditor": everyone,
        },
    )


def login(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Continuity plans")).to_be_visible()


def settle(page: Page) -> None:
    """Let the page's resize handlers and layout run before checking it."""
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")


def axe_violations(page: Page) -> list[dict[str, Any]]:
    result: dict[str, Any] = page.evaluate(
        """tags => axe.run(document, {
            runOnly: {type: 'tag', values: tags},
            resultTypes: ['violations'],
        }).then(r => ({
            rules: r.violations.length + r.passes.length + r.incomplete.length
                + r.inapplicable.length,
            violations: r.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => ({target: n.target.join(' '), summary: n.failureSummary})),
            })),
        }))""",
        WCAG_TAGS,
    )
    return list(result["violations"])


def sideways_overflow(page: Page) -> int:
    return int(
        page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    )


def describe(found: list[tuple[str, int, dict[str, Any]]]) -> str:
    """Each violated rule once, each failing element once, with the pages it failed on."""
    where_by_node: dict[tuple[str, str, str], list[str]] = {}
    for where, width, violation in found:
        rule = f"{violation['id']} ({violation['impact']}): {violation['help']}"
        for node in violation["nodes"]:
            reason = node["summary"].splitlines()[-1].strip()
            key = (rule, node["target"], reason)
            where_by_node.setdefault(key, []).append(f"{where} at {width} px")
    lines: list[str] = []
    for (rule, target, reason), pages in sorted(where_by_node.items()):
        lines.append(f"{rule}\n    {target}: {reason}\n        on {', '.join(pages)}")
    return "\n".join(lines)


@pytest.mark.parametrize("role", ROLES)
def test_every_page_of_the_demo_plan_passes_wcag_21_aa_for(
    role: str, browser: Browser, live_server: Any
) -> None:
    axe = axe_source()
    pages = demo_pages()
    context = browser.new_context(viewport={"width": WIDTHS[0], "height": 900})
    context.add_init_script(path=str(axe))
    page = context.new_page()
    base = live_server.url
    login(page, base, role)
    found: list[tuple[str, int, dict[str, Any]]] = []
    overflowing: list[str] = []
    for name in pages.by_role[role]:
        page.set_viewport_size({"width": WIDTHS[0], "height": 900})
        response = page.goto(base + pages.urls[name])
        assert response is not None and response.status == 200, (name, response)
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            settle(page)
            found += [(name, width, v) for v in axe_violations(page)]
        page.set_viewport_size({"width": NARROW, "height": 900})
        settle(page)
        overflow = sideways_overflow(page)
        if overflow > 0:
            overflowing.append(f"{name} scrolls sideways by {overflow} px at {NARROW} px")
    context.close()
    assert not found and not overflowing, "\n" + describe(found) + "\n" + "\n".join(overflowing)
