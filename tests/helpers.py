"""Helpers shared by tests that drive a real worker or a real browser.

Kept as plain functions (not fixtures) because the tests call them with their own
arguments mid-test; one place means one waiting rule and one sign-in path for every app.
"""

from __future__ import annotations

import contextlib
import re
import subprocess
import sys
import time
import typing
from collections.abc import Callable, Iterable
from html import unescape
from typing import TypeVar
from urllib.parse import urldefrag, urlparse

import pytest
from django.db import transaction
from django.http import StreamingHttpResponse
from django.http.response import HttpResponseBase
from playwright.sync_api import Browser, Page, expect

from analysis.models import AnalysisRun
from analysis.results import PlanResults
from analysis.selectors import run_results
from bcp.models import Job
from tests.conftest import ROOT

T = TypeVar("T")
Test = TypeVar("Test", bound=Callable[..., object])


# The marks of a test that a real Celery worker serves: it runs with the worker tests
# (``-m worker``) on committed rows, because the worker is another process and sees only
# what is committed. A module whose every test needs a worker sets
# ``pytestmark = [*WORKER_MARKS]``; a single test takes ``@on_worker``.
WORKER_MARKS = (pytest.mark.worker, pytest.mark.django_db(transaction=True))


def on_worker(test: Test) -> Test:
    """Mark one test that a real Celery worker serves (:data:`WORKER_MARKS`)."""
    for mark in WORKER_MARKS:
        test = mark(test)
    return test


def _finished(job: Job) -> bool:
    return job.is_finished


def job_wait(
    job: Job,
    timeout: float = 120,
    *,
    until: Callable[[Job], bool] = _finished,
    what: str = "",
) -> Job:
    """Poll the job's row until ``until`` holds (by default: a worker has finished it,
    succeeded or failed), and return the refreshed job.

    Raises AssertionError naming ``what``, the last status and message when ``timeout``
    seconds pass, so a stuck worker fails the test with the reason instead of hanging it.
    Example: ``job_wait(job, 60, until=lambda j: j.progress >= 10, what="start")``.
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if until(job):
            return job
        time.sleep(0.2)
    raise AssertionError(
        f"{what or job.kind}: job stayed {job.status} ({job.message}) after {timeout:.0f} s"
    )


def sign_in_at(page: Page, base: str, username: str, password: str) -> None:
    """Open the real sign-in form and send it, leaving the page where it answers: the
    caller checks what follows (a plan list, a second-factor step, an error)."""
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def browser_sign_in(page: Page, base: str, username: str, password: str) -> None:
    """Sign in through the real form and wait for the plan list a signed-in person lands on."""
    sign_in_at(page, base, username, password)
    expect(page.get_by_role("heading", name="Continuity plans")).to_be_visible()


def signed_in_page(browser: Browser, base: str, username: str, password: str) -> Page:
    """A page in a browser context of its own (its own cookies), signed in as ``username``;
    close it with ``page.context.close()``."""
    page = browser.new_context().new_page()
    browser_sign_in(page, base, username, password)
    return page


def downloaded(response: HttpResponseBase) -> bytes:
    """The whole body of a file download (a streamed response, as Django's FileResponse is)."""
    assert isinstance(response, StreamingHttpResponse), type(response)
    return b"".join(typing.cast(Iterable[bytes], response.streaming_content))


def wait_until(found: Callable[[], T | None], what: str, seconds: float = 90) -> T:
    """Call ``found`` every half second until it returns something truthy, and return that.

    For what a worker or a page produces in its own time (a task, a note, a row). Raises
    AssertionError naming ``what`` when ``seconds`` pass without it.
    """
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = found()
        if value:
            return value
        time.sleep(0.5)
    raise AssertionError(f"Waited {seconds:.0f} s for {what}")


def local_links(html: str, attribute: re.Pattern[str]) -> list[str]:
    """The addresses on this site that ``attribute`` (a pattern whose group is the
    address) finds in a page, unescaped and without fragments; outside ones are left out."""
    found = []
    for raw in attribute.findall(html):
        url = urldefrag(unescape(raw))[0]
        parsed = urlparse(url)
        if parsed.scheme or parsed.netloc or not url.startswith("/"):
            continue
        found.append(url)
    return found


def rolled_back(work: Callable[[], object]) -> None:
    """Run ``work`` in a transaction that then fails, as a change whose later step raises:
    what it wrote is undone and what it left to run after the commit never runs."""
    with contextlib.suppress(RuntimeError), transaction.atomic():
        work()
        raise RuntimeError("the change failed")


def manage(
    env: dict[str, str], *args: str, timeout: float | None = None
) -> subprocess.CompletedProcess[str]:
    """``python manage.py <args>`` in a process of its own with ``env``, as an operator runs
    it: the settings are read afresh; the exit status and output are the caller's to check."""
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def stored_plan_results(run: AnalysisRun) -> PlanResults:
    """A finished run's stored results, put back together and checked; fails the test
    when they cannot be read."""
    read = run_results(run)
    assert read.results is not None, read.problem
    return read.results
