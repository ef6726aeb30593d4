from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from audit.chain import verify_chain
from audit.services import chain_adopt_unchained


class Command(BaseCommand):
    help = (
        "Check the hash chain over all change history. Prints 'History intact up to "
        "entry N' or the first broken entry and what is wrong with it; exits 1 if broken."
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
            help="Entries up to SEQ were archived; the chain continues from entry hash HASH.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["adopt_unchained"]:
            adopted = chain_adopt_unchained()
            self.stdout.write(f"Appended {adopted} history row(s) to the chain.")
        checkpoint = None
        if options["checkpoint"]:
            seq, _, entry_hash = options["checkpoint"].partition(":")
            if not seq.isdigit() or len(entry_hash) != 64:
                raise CommandError("--checkpoint must be SEQ:HASH, a number and a sha256 hex.")
            checkpoint = (int(seq), entry_hash.lower())
        report = verify_chain(checkpoint=checkpoint)
        if report.ok:
            self.stdout.write(self.style.SUCCESS(report.summary))
            return
        if options["all"]:
            for problem in sorted(report.problems, key=lambda p: p.position):
                where = (
                    f"entry {problem.seq}" if problem.seq else f"after entry {problem.after_seq}"
                )
                self.stderr.write(f"{where}: {problem.kind}: {problem.detail}")
        raise CommandError(report.summary, returncode=1)
