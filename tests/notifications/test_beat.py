"""Celery beat, with its schedule in the database, drives a real worker: a plan's review
reminder reaches its manager once however often beat fires."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.utils import timezone
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from bcp.models import Plan, Role
from notifications.models import Kind, Notification, ReviewReminder
from tests.conftest import ROOT, _database_url_for_worker, stop_process
from tests.factories import MembershipFactory, PlanFactory

pytestmark = pytest.mark.django_db(transaction=True)

TASK_NAME = "review reminders every 2 s (test)"


@contextlib.contextmanager
def beat_process(log_path: Path) -> Iterator[subprocess.Popen[bytes]]:
    """A real ``celery beat`` process on the database scheduler, against the test database."""
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "DATABASE_URL": _database_url_for_worker(),
            "PYTHONPATH": str(ROOT),
            "CELERY_QUEUE": settings.CELERY_TASK_DEFAULT_QUEUE,
        }
    )
    celery = shutil.which("celery", path=str(Path(sys.executable).parent)) or "celery"
    with log_path.open("ab") as log:
        process = subprocess.Popen(
            [
                celery,
                "-A",
                "config",
                "beat",
                "--loglevel=INFO",
                "--scheduler",
                "django_celery_beat.schedulers:DatabaseScheduler",
                "--max-interval",
                "1",
                "--pidfile=",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        yield process
    finally:
        stop_process(process)


def _wait_for(condition: Any, *, seconds: float, log: Path) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.5)
    raise AssertionError(f"Timed out; beat log:\n{log.read_text()}")


def _sends(log: Path) -> int:
    return log.read_text().count(f"Sending due task {TASK_NAME}")


def test_beat_and_a_worker_deliver_a_due_review_reminder_once(
    celery_worker_process: Any, tmp_path: Path
) -> None:
    plan = PlanFactory.create(name="Print service", next_review=timezone.localdate())
    manager = MembershipFactory.create(plan=plan, role=Role.MANAGER).user
    PeriodicTask.objects.all().delete()
    every_2s, _ = IntervalSchedule.objects.get_or_create(every=2, period="seconds")
    PeriodicTask.objects.create(
        name=TASK_NAME, task="notifications.tasks.send_review_reminders", interval=every_2s
    )
    reminders = Notification.objects.filter(recipient=manager, kind=Kind.REVIEW_DUE)
    log = tmp_path / "beat.log"
    with beat_process(log):
        _wait_for(reminders.exists, seconds=90, log=log)
        _wait_for(lambda: _sends(log) >= 4, seconds=60, log=log)
        time.sleep(3)  # the worker runs what beat sent last
    (reminder,) = reminders
    assert reminder.plan == plan and reminder.title == "Review of Print service is due today"
    assert ReviewReminder.objects.filter(plan=plan).count() == 1
    assert Plan.objects.get(pk=plan.pk).next_review == timezone.localdate()
