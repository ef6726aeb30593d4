"""The periodic work Continuity schedules on Celery beat, kept as rows in the database.

django-celery-beat reads these rows (PeriodicTask with an IntervalSchedule), so an
operator can see, pause or retime each job in the admin without a deploy or a cron
entry. :func:`periodic_tasks_ensure` creates or updates them by name; the data
migration and ``manage.py setup_periodic_tasks`` both call it. Times an operator
changed are left alone unless ``reset`` is asked for.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.apps import apps as django_apps


@dataclass(frozen=True)
class Periodic:
    name: str
    task: str
    every_minutes: int
    description: str


SCHEDULE: tuple[Periodic, ...] = (
    Periodic(
        name="Daily digests",
        task="notifications.tasks.send_digests",
        every_minutes=15,
        description="Emails each person's daily digest at or after the time they chose.",
    ),
    Periodic(
        name="Plan review reminders",
        task="notifications.tasks.send_review_reminders",
        every_minutes=60,
        description="Reminds managers 14 days before a plan's review and when it is due.",
    ),
    Periodic(
        name="Overdue sign-off reminders",
        task="documents.tasks.signoff_reminders",
        every_minutes=60,
        description="Reminds approvers whose signature is overdue, at most once a day.",
    ),
    Periodic(
        name="Recovery exercise reminders",
        task="incidents.tasks.exercise_reminders",
        every_minutes=24 * 60,
        description="Reminds owners and managers of exercises due, at most once a week.",
    ),
)


def periodic_tasks_ensure(apps: Any = None, *, reset: bool = False) -> int:
    """Create the schedule rows that are missing; return how many were created.

    ``apps`` is a migration's app registry (historical models), or None for the
    running project's models.
    """
    registry = apps if apps is not None else django_apps
    IntervalSchedule = registry.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = registry.get_model("django_celery_beat", "PeriodicTask")
    created = 0
    for item in SCHEDULE:
        interval, _ = IntervalSchedule.objects.get_or_create(
            every=item.every_minutes, period="minutes"
        )
        task = PeriodicTask.objects.filter(name=item.name).first()
        if task is None:
            PeriodicTask.objects.create(
                name=item.name,
                task=item.task,
                interval=interval,
                description=item.description,
                enabled=True,
            )
            created += 1
        elif reset:
            task.task, task.interval, task.crontab = item.task, interval, None
            task.description, task.enabled = item.description, True
            task.save()
    return created
