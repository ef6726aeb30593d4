"""Email every stakeholder whose sign-off is overdue (at most once a day each).

Run it from cron or a scheduler, e.g. daily: ``manage.py send_signoff_reminders``.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from bcp.words import counted
from documents.signoff import signoff_send_reminders


class Command(BaseCommand):
    help = "Send reminders for overdue plan sign-offs."

    def handle(self, *args: Any, **options: Any) -> None:
        sent = signoff_send_reminders()
        self.stdout.write(f"{counted(sent, 'reminder')} sent.")
