"""``manage.py inventory_import PLAN_ID FILE``: the import page's import, for scripts and feeds."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any, NoReturn

from django.core.management.base import BaseCommand, CommandError, CommandParser

from audit.services import system_user
from bcp.models import Plan
from inventory.exchange.applying import ImportRefused, inventory_import_apply
from inventory.exchange.checking import check_import
from inventory.exchange.reading import TABULAR_SECTIONS, read_file
from inventory.exchange.records import ImportFileError, ImportLimits, Problem


class Command(BaseCommand):
    help = (
        "Import a CSV, XLSX, JSON or YAML inventory file into a plan, all or nothing, with the "
        "same checks as the import page. Exits 1 and lists every problem on stderr when the "
        "file is refused; nothing is saved then."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("plan_id", type=int)
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--dry-run", action="store_true", help="Check and show what would change; save nothing."
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Also remove the plan's sites, components, groups, function dependencies, "
            "people and suppliers the file leaves out (HA techniques stay).",
        )
        parser.add_argument("--reason", default="", help="Why (recorded in the change history).")
        parser.add_argument("--ticket", default="", help="Change ticket id, if any.")
        parser.add_argument(
            "--section",
            choices=TABULAR_SECTIONS,
            default="components",
            help="What a CSV file (or a workbook's unnamed sheet) holds.",
        )
        parser.add_argument(
            "--max-mb",
            type=int,
            default=100,
            help="Largest file accepted, in MB (the upload page accepts 10).",
        )

    def _refuse(self, problems: list[Problem]) -> NoReturn:
        for problem in problems:
            self.stderr.write(str(problem))
        count = len(problems)
        raise CommandError(
            f"Nothing was imported: {count} problem{'s' if count != 1 else ''}.", returncode=1
        )

    def handle(self, *args: Any, **options: Any) -> None:
        plan = Plan.objects.filter(pk=options["plan_id"]).first()
        if plan is None:
            raise CommandError(f"No plan with id {options['plan_id']}.", returncode=1)
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"No file at {path}.", returncode=1)
        limits = ImportLimits(max_bytes=options["max_mb"] * 1024 * 1024)
        if path.stat().st_size > limits.max_bytes:
            raise CommandError(
                f"{path} is larger than {options['max_mb']} MB; raise --max-mb or split it.",
                returncode=1,
            )
        started = time.perf_counter()
        try:
            parsed = read_file(
                path.name, path.read_bytes(), section=options["section"], limits=limits
            )
        except ImportFileError as exc:
            self._refuse([Problem(str(path), "", str(exc))])
        if options["dry_run"]:
            preview = check_import(plan, parsed, replace=options["replace"])
            if not preview.is_clean:
                self._refuse(preview.problems)
            self.stdout.write(
                f"{path} is clean ({time.perf_counter() - started:.1f} s): "
                f"{preview.count('create')} to create, {preview.count('update')} to change, "
                f"{preview.count('unchanged')} unchanged, {preview.count('delete')} to remove. "
                "Nothing was saved (dry run)."
            )
            return
        try:
            result = inventory_import_apply(
                plan=plan,
                parsed=parsed,
                user=system_user(),
                reason=options["reason"] or f"Imported from {path.name} by inventory_import",
                ticket=options["ticket"],
                replace=options["replace"],
            )
        except ImportRefused as exc:
            self._refuse(exc.problems)
        self.stdout.write(
            f"Imported {path} ({time.perf_counter() - started:.1f} s): {result.created} created, "
            f"{result.updated} changed, {result.unchanged} unchanged, {result.deleted} removed; "
            f"change batch {result.batch}."
        )
