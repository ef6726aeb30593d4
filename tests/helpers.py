"""Helpers shared by tests that drive a real worker or a real browser.

Kept as plain functions (not fixtures) because the tests call them with their own
arguments mid-test; one place means one waiting rule and one sign-in path for every app.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

from playwright.sync_api import Page, expect

from bcp.models import Job

T = TypeVar("T")


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


def browser_sign_in(page: Page, base: str, username: str, password: str) -> None:
    """Sign in through the real form and wait for the plan list a signed-in person lands on."""
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Continuity plans")).to_be_visible()


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
