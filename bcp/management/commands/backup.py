from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from bcp.backup import backup_create


class Command(BaseCommand):
    help = "Write a backup (data, history, hash chain and documents) to a .tar.gz file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", type=Path, help="Where to write the backup.")

    def handle(self, *args: Any, **options: Any) -> None:
        stamp = datetime.now(tz=UTC).strftime("%Y%m%dT%H%M%SZ")
        output = (
            options["output"] or Path(settings.VAR_DIR) / "backups" / f"continuity-{stamp}.tar.gz"
        )
        manifest = backup_create(output=output)
        total = sum(manifest["counts"].values())
        files = len(manifest["members"]) - 1
        self.stdout.write(
            self.style.SUCCESS(f"Backup written to {output}: {total} rows, {files} files.")
        )
