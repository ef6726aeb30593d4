"""Email the owners and managers of functions whose recovery exercise is due or overdue.

Run it daily from cron or a scheduler: ``manage.py send_exercise_reminders``. Each
function is reminded at most once a week; ``--site`` sets the links' scheme and host.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from bcp.words import counted
from incidents.exercises import exercise_reminders_send


class Command(BaseCommand):
    help = "Send reminders for recovery exercises that are due or overdue."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--site", default="", help="Scheme and host for links, e.g. https://bcp.example.org"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        reminded = exercise_reminders_send(site=options["site"])
        self.stdout.write(f"{counted(reminded, 'function')} reminded.")
