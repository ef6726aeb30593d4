from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from audit.services import chain_adopt_unchained
from audit.verify import parse_checkpoint, verify_chain
from bcp.words import counted


class Command(BaseCommand):
    help = (
        "Check the hash chain over all change history and compare every live row with its "
        "latest history. Prints 'History intact up to entry N' and whether the live data "
        "matches, or the first broken entry and the rows that drifted; exits 1 if anything "
        "is wrong."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--adopt-unchained",
            action="store_true",
            help="Once, when installing the audit app on a database with existing history: "
            "append history rows that have no chain entry. Never run it after a failed "
            "verification — it would chain rows inserted behind the application's back.",
        )
        parser.add_argument(
            "--all", action="store_true", help="List every problem, not only the first."
        )
        parser.add_argument(
            "--checkpoint",
            metavar="SEQ:HASH",
            action="append",
            default=[],
            help="A chain head recorded earlier (printed in every evidence export, written by "
            "record_chain_head): the chain must still contain entry SEQ with hash HASH. "
            "After archiving, the checkpoint of the last archived entry anchors the rest. "
            "May be given more than once.",
        )
        parser.add_argument(
            "--chain-only",
            action="store_true",
            help="Skip comparing the live data with its history.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            checkpoints = [parse_checkpoint(text) for text in options["checkpoint"]]
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if options["adopt_unchained"]:
            adopted = chain_adopt_unchained()
            self.stdout.write(f"Appended {counted(adopted, 'history row')} to the chain.")
        report = verify_chain(checkpoints=checkpoints, check_live=not options["chain_only"])
        if report.ok:
            self.stdout.write(self.style.SUCCESS(report.summary))
            return
        if options["all"]:
            for problem in sorted(report.problems, key=lambda p: p.position):
                where = (
                    f"entry {problem.seq}" if problem.seq else f"after entry {problem.after_seq}"
                )
                self.stderr.write(f"{where}: {problem.kind}: {problem.detail}")
            for drift in report.drift:
                self.stderr.write(f"live data: {drift.kind}: {drift.detail}")
            hidden = report.problem_count - len(report.problems)
            hidden += report.drift_count - len(report.drift)
            if hidden > 0:
                self.stderr.write(f"… and {hidden} more, counted but not listed.")
        raise CommandError(report.summary, returncode=1)
