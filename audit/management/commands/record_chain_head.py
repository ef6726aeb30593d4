from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from audit.anchoring import ChainHeadMissing, chain_head_record


class Command(BaseCommand):
    help = (
        "Append the history chain's head (SEQ:HASH) to a file and/or the system log, outside "
        "the database, after checking that the head recorded last time is still in the chain. "
        "Schedule it (cron, a systemd timer); exits 1 with an alarm line if the check fails."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--file",
            metavar="PATH",
            help="Append-only file, ideally on another machine or volume than the database.",
        )
        parser.add_argument(
            "--syslog", action="store_true", help="Also write the line to the system log."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            record = chain_head_record(path=options["file"], to_syslog=options["syslog"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        except ChainHeadMissing as exc:
            raise CommandError(str(exc), returncode=1) from exc
        self.stdout.write(record.line)
