"""WCAG 2.1 AA on the demo plan: axe-core's A and AA rules on each page as each role, at
1280 px and 640 px wide, and no sideways page scrolling at 320 px.

axe-core comes from the npm registry, pinned in package-lock.json and installed by
scripts/setup.sh (``npm ci``). The browser runs it through Playwright's init script, which
the page's Content Security Policy does not govern, so the policy served to users stays
``script-src 'self'``.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext, Page, expect

from bcp.demo import DEMO_PASSWORD, demo_load
from bcp.jobs import run_job
from bcp.models import Job
from bia.models import Assessment, AssessmentState
from tests.browser import site_map
from tests.browser.site_map import Demo
from tests.factories import component_edit
from tests.helpers import browser_sign_in, sign_in_at

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
WIDTHS = (1280, 640)
NARROW = 320
ROLES = ("manager", "stakeholder", "auditor")


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


def review_figures(plan: Any, manager: Any) -> None:
    """Run the review check now, as the worker would after a change to the inputs."""
    from review.services import REVIEW_CHECK_KIND, REVIEW_CHECK_TASK, review_check_execute

    Job.objects.filter(plan=plan, kind=REVIEW_CHECK_KIND, status=Job.Status.QUEUED).delete()
    job = Job.objects.create(
        kind=REVIEW_CHECK_KIND, task_name=REVIEW_CHECK_TASK, plan=plan, created_by=manager
    )
    outcome = run_job(
        str(job.pk), lambda job, progress: review_check_execute(job=job, progress=progress)
    )
    assert outcome == "succeeded", Job.objects.get(pk=job.pk).error


def open_review_task(plan: Any, manager: Any) -> int:
    """The manager lowers the head office network's availability; the check that follows
    asks the owners of the functions it moved to review them. Returns one task's id."""
    from review.models import ReviewTask

    review_figures(plan, manager)  # the figures as the demo left them: the baseline
    component_edit(
        plan,
        "Core network, head office",
        manager,
        reason="Monitoring for 2026 counts the switch outages",
        availability_percent=99.0,
    )
    review_figures(plan, manager)
    task = ReviewTask.objects.filter(plan=plan, status="open").order_by("pk").first()
    assert task is not None, "the availability change opened no review task"
    return task.pk


BAD_IMPORT = b"""name,kind,site,runs_on,availability_percent,mtbf_hours,mttr_hours,\
availability_source
Scan gateway,server,Rack Z9,,99.9,,,estimate
Scan relay,toaster,,,120,,,estimate
"""


def checked_import(plan: Any, manager: Any) -> str:
    """A components file with problems, uploaded and checked as the manager; its token."""
    from inventory.exchange.queue import inventory_import_upload
    from inventory.tasks import inventory_import_check

    upload = inventory_import_upload(
        plan=plan,
        user=manager,
        name="components.csv",
        data=BAD_IMPORT,
        section="components",
        reason="",
        ticket="",
    )
    assert inventory_import_check(upload.check_job) == "succeeded"
    return str(upload.token)


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


def demo_records() -> Demo:
    """The demo plan with a version awaiting sign-off, a verified history and an empty plan."""
    from bcp.services import plan_create
    from documents.models import SignOffRequest

    demo = demo_load()
    plan, users = demo["plan"], demo["users"]
    signoff_pk = publish_and_ask_for_signoff(plan, users["manager"], users["stakeholder"])
    verify_history(plan, users["auditor"])
    review_task_pk = open_review_task(plan, users["manager"])
    import_token = checked_import(plan, users["manager"])
    submitted = Assessment.objects.filter(plan=plan, state=AssessmentState.SUBMITTED).first()
    editable = Assessment.objects.filter(plan=plan, state=AssessmentState.IN_PROGRESS).first()
    assert submitted is not None and editable is not None
    empty = plan_create(user=users["manager"], name="Empty plan", organisation="Northbridge")
    return Demo(
        plan=plan,
        empty_plan=empty,
        signoff_pk=signoff_pk,
        version_pk=SignOffRequest.objects.get(pk=signoff_pk).plan_version_id,
        submitted_pk=submitted.pk,
        editable_pk=editable.pk,
        review_task_pk=review_task_pk,
        import_token=import_token,
    )


class Pass:
    """One browser context (one signed-in person) running axe and the reflow check."""

    def __init__(self, browser: Browser, base: str, label: str) -> None:
        self.base = base
        self.label = label
        self.context: BrowserContext = browser.new_context(
            viewport={"width": WIDTHS[0], "height": 900}
        )
        self.context.add_init_script(path=str(axe_source()))
        self.page = self.context.new_page()
        self.found: list[tuple[str, int, dict[str, Any]]] = []
        self.overflowing: list[str] = []
        self.unexplained: list[str] = []  # forms sent back without focus on a named error
        self.checked: list[str] = []
        self.started = time.monotonic()

    def open(self, url: str) -> int:
        self.page.set_viewport_size({"width": WIDTHS[0], "height": 900})
        response = self.page.goto(self.base + url)
        assert response is not None, url
        return response.status

    def sign_in(self, username: str, password: str) -> None:
        """Send the sign-in form at the first width; the caller checks where it leads."""
        self.page.set_viewport_size({"width": WIDTHS[0], "height": 900})
        sign_in_at(self.page, self.base, username, password)

    def check(self, where: str, widths: tuple[int, ...] = WIDTHS) -> None:
        """axe at each width, then no sideways scrolling at 320 px, on the page as it is."""
        where = f"{where} ({self.label})"
        for width in widths:
            self.page.set_viewport_size({"width": width, "height": 900})
            settle(self.page)
            self.found += [(where, width, v) for v in axe_violations(self.page)]
        self.page.set_viewport_size({"width": NARROW, "height": 900})
        settle(self.page)
        overflow = sideways_overflow(self.page)
        if overflow > 0:
            self.overflowing.append(f"{where} scrolls sideways by {overflow} px at {NARROW} px")
        self.checked.append(where)

    def close(self) -> Pass:
        self.context.close()
        seconds = time.monotonic() - self.started
        print(f"{self.label}: {len(self.checked)} pages checked in {seconds:.0f} s")
        return self


def assert_clean(runs: list[Pass]) -> None:
    found = [item for run in runs for item in run.found]
    overflowing = [line for run in runs for line in run.overflowing + run.unexplained]
    assert not found and not overflowing, "\n" + describe(found) + "\n" + "\n".join(overflowing)


FIRST_REQUIRED_FORM = """[...document.querySelectorAll('main form')].find(
    f => f.method === 'post' && f.querySelector('[required]'))"""
SUBMIT_EMPTY = (
    """() => {
    const form = """
    + FIRST_REQUIRED_FORM
    + """;
    for (const field of form.querySelectorAll('[required]')) {
        if (field.type === 'checkbox' || field.type === 'radio') field.checked = false;
        else field.value = '';
    }
    form.noValidate = true;
    form.requestSubmit();
}"""
)
ERROR_SHOWN = (
    "[aria-invalid=true], .errorlist, .invalid-feedback, main [role=alert], main .alert-danger"
)


FOCUS_ON_FIRST_ERROR = """() => {
    const field = document.activeElement;
    if (!field || field === document.body) return 'focus stayed on the page, not a field';
    if (field.getAttribute('aria-invalid') !== 'true')
        return `focus is on ${field.tagName} ${field.name || field.id}, not a field in error`;
    const named = (field.getAttribute('aria-describedby') || '').split(/\\s+/)
        .map(id => document.getElementById(id)).filter(Boolean)
        .map(e => e.textContent.trim()).join(' ');
    return named ? '' : `${field.name || field.id} is in error but names no message`;
}"""


def submit_empty(run: Pass, name: str) -> bool:
    """Send the page's first form with a required field back empty; False if it has none.
    When the page comes back whole, focus must be on a field in error that names its
    message (``aria-describedby``)."""
    page = run.page
    kind = page.evaluate(
        f"""() => {{ const f = {FIRST_REQUIRED_FORM};
        return !f ? '' : f.closest('[hx-post], [hx-put], [hx-boost=true]') ? 'htmx' : 'page'; }}"""
    )
    if not kind:
        return False
    if kind == "page":
        with page.expect_navigation():
            page.evaluate(SUBMIT_EMPTY)
    else:
        with page.expect_response(lambda r: r.request.method == "POST") as sent:
            page.evaluate(SUBMIT_EMPTY)
        assert sent.value.status < 500, (page.url, sent.value.status)
        page.wait_for_function("() => !document.querySelector('.htmx-request, .htmx-settling')")
    expect(page.locator(ERROR_SHOWN).first).to_be_attached()
    if kind == "page":
        problem = page.evaluate(FOCUS_ON_FIRST_ERROR)
        if problem:
            run.unexplained.append(f"{page.url}: {problem}")
    return True


def role_pass(browser: Browser, base: str, role: str, demo: Demo) -> Pass:
    """Every page in tests/browser/site_map.py the role may open; the rest must answer 403.
    The manager also sends back each page's first form with a required field, empty."""
    urls = {
        **site_map.plan_urls(demo),
        "bia_assessment (in progress)": reverse(
            "bia_assessment", kwargs={"plan_pk": demo.plan.pk, "assessment_pk": demo.editable_pk}
        ),
        **site_map.plain_urls(site_map.SIGNED_IN_PAGES),
    }
    run = Pass(browser, base, role)
    browser_sign_in(run.page, base, role, DEMO_PASSWORD)
    forbidden: list[str] = []
    forms: list[str] = []
    for name, url in urls.items():
        status = run.open(url)
        if status == 403:
            if not forbidden:
                run.check("the 403 page")
            forbidden.append(name)
            continue
        assert status == 200, (role, name, url, status)
        run.check(name)
        if role == "manager" and submit_empty(run, name):
            forms.append(name)
            run.check(f"{name} sent back with errors", (WIDTHS[0],))
    if role == "manager":
        assert forbidden == ["user_list"], forbidden  # staff only: see the second-factor test
        assert len(forms) >= 30, forms
    assert len(run.checked) > len(urls) // 3, (role, forbidden)
    return run.close()


def states_pass(browser: Browser, base: str, demo: Demo) -> Pass:
    """As the manager: a failed job, an edit conflict, the 404 page and every page of an
    empty plan; axe at 1280 px, reflow at 320 px."""
    from documents.publishing import draft_export

    manager = demo.plan.memberships.get(role="manager").user
    failed = draft_export(plan=demo.plan, user=manager)

    def breaks(job: Job, progress: Any) -> dict[str, Any]:
        raise RuntimeError("The font cache could not be written: disk full.")

    assert run_job(str(failed.pk), breaks) == "failed"
    run = Pass(browser, base, "manager, other states")
    browser_sign_in(run.page, base, "manager", DEMO_PASSWORD)
    one = (WIDTHS[0],)

    run.open(reverse("documents_home", kwargs={"plan_pk": demo.plan.pk}))
    expect(run.page.get_by_text("The font cache could not be written")).to_be_visible()
    run.check("documents with a failed job", one)

    # An edit conflict: the same form open twice, saved in one, then in the other.
    edit = reverse("plan_edit", kwargs={"plan_pk": demo.plan.pk})
    other = run.context.new_page()
    other.goto(base + edit)
    run.open(edit)
    other.get_by_label("Organisation").fill("Northbridge College of Art")
    other.locator("main form [type=submit]").first.click()
    other.wait_for_load_state()
    other.close()
    run.page.get_by_label("Organisation").fill("Northbridge Art College")
    run.page.locator("main form [type=submit]").first.click()
    expect(run.page.locator("#edit-conflict")).to_be_visible()
    run.check("plan settings after an edit conflict", one)

    # The need form has no field that is empty by itself: it asks for a person or a
    # supplier, and the answer is tied to the first of the two and takes focus.
    function = site_map.plan_pages()["inventory_function_need_add"](demo)["function_pk"]
    run.open(
        reverse(
            "inventory_function_need_add",
            kwargs={"plan_pk": demo.plan.pk, "function_pk": function},
        )
    )
    run.page.get_by_role("button", name="Add need").click()
    person = run.page.get_by_label("Key person needed")
    expect(person).to_be_focused()
    expect(person).to_have_attribute("aria-invalid", "true")
    expect(person).to_have_accessible_description(re.compile("Choose one person, role or"))
    run.check("a function's need sent back without a person or supplier", one)

    assert run.open(f"/plans/{demo.plan.pk}/no-such-page/") == 404
    run.check("the 404 page", one)

    empty = site_map.plan_urls(demo, plan=demo.empty_plan)
    for name, kwargs in site_map.plan_pages().items():
        if kwargs(demo):
            continue  # a record's page: an empty plan has no records
        assert run.open(empty[name]) == 200, name
        run.check(f"{name} of an empty plan", one)
    return run.close()


def test_every_page_of_the_demo_plan_passes_wcag_21_aa_as_each_role_and_in_other_states(
    browser: Browser, live_server: Any
) -> None:
    """One demo for all: each role's pages at 1280 and 640 px, then the manager's states."""
    demo = demo_records()
    runs = [role_pass(browser, live_server.url, role, demo) for role in ROLES]
    runs.append(states_pass(browser, live_server.url, demo))
    assert_clean(runs)


def test_signed_out_and_second_factor_pages_pass_wcag_21_aa(
    browser: Browser, live_server: Any
) -> None:
    """Sign-in (and its error), password reset, an acknowledge link that is not valid, then
    a staff member's first sign-in: second-factor setup, recovery codes, the staff pages,
    and the code step of the next sign-in."""
    import pyotp

    demo_load()
    run = Pass(browser, live_server.url, "signed out, then staff")
    for name, url in site_map.plain_urls(site_map.SIGNED_OUT_PAGES).items():
        assert run.open(url) in (200, 400), name
        run.check(f"{name} (signed out)")

    run.sign_in("manager", "not-the-password")
    expect(run.page.locator(ERROR_SHOWN).first).to_be_attached()
    run.check("sign-in with a wrong password")

    run.sign_in("admin", DEMO_PASSWORD)
    expect(run.page.get_by_role("heading", name="Set up a second factor")).to_be_visible()
    run.check("second-factor setup on first sign-in")
    app = pyotp.TOTP(run.page.locator("#mfa-secret").inner_text().replace(" ", ""))
    run.page.get_by_label("Code from the app").fill("000000")
    run.page.get_by_role("button", name="Confirm").click()
    expect(run.page.locator(ERROR_SHOWN).first).to_be_attached()
    run.check("second-factor setup with a wrong code")
    run.page.get_by_label("Code from the app").fill(app.at(time.time() - 30))
    run.page.get_by_role("button", name="Confirm").click()
    expect(run.page.get_by_role("heading", name="Second factor set up")).to_be_visible()
    run.check("recovery codes")
    for name, url in site_map.plain_urls(site_map.SIGNED_IN_PAGES).items():
        assert run.open(url) == 200, name
        run.check(f"{name} (staff)")

    run.page.set_viewport_size({"width": WIDTHS[0], "height": 900})  # the menu, not collapsed
    run.page.locator("#user-menu").click()
    run.page.get_by_role("button", name="Sign out").click()
    run.sign_in("admin", DEMO_PASSWORD)
    expect(run.page.get_by_role("heading", name="Second step")).to_be_visible()
    run.check("the code step of signing in")
    run.page.get_by_label("Code").fill("000000")
    run.page.get_by_role("button", name="Sign in").click()
    expect(run.page.locator(ERROR_SHOWN).first).to_be_attached()
    run.check("the code step with a wrong code")
    assert_clean([run.close()])
