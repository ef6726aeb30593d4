from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bcp.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = "Restore a backup made by `manage.py backup` into this database."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--replace", action="store_true", help="Delete everything here before restoring."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = backup_restore(path=options["path"], replace=options["replace"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {report.objects} objects and {report.files} files "
                f"from the backup of {report.created_at}. Run `manage.py verify_history` "
                "to confirm the history chain."
            )
        )
