"""Create (or with --reset, restore) the Celery beat schedule rows of Continuity."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from notifications.schedule import SCHEDULE, periodic_tasks_ensure


class Command(BaseCommand):
    help = "Create the periodic tasks (digests, review and sign-off reminders) beat runs."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--reset", action="store_true", help="Put back the default times of every task."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        created = periodic_tasks_ensure(reset=options["reset"])
        for item in SCHEDULE:
            self.stdout.write(f"{item.name}: {item.task} every {item.every_minutes} min")
        self.stdout.write(self.style.SUCCESS(f"{created} periodic task(s) created."))
