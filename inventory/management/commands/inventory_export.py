"""``manage.py inventory_export PLAN_ID``: a plan's inventory as code, for scripts and feeds."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bcp.models import Plan
from inventory.exchange.document import export_document, to_json, to_yaml


class Command(BaseCommand):
    help = (
        "Write a plan's inventory as code (docs/inventory-as-code.md) to stdout or a file; "
        "importing it into a plan with an empty inventory recreates it exactly."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("plan_id", type=int)
        parser.add_argument("--format", choices=("json", "yaml"), default="json")
        parser.add_argument("--output", type=Path, help="Write to this file instead of stdout.")

    def handle(self, *args: Any, **options: Any) -> None:
        plan = Plan.objects.filter(pk=options["plan_id"]).first()
        if plan is None:
            raise CommandError(f"No plan with id {options['plan_id']}.", returncode=1)
        document = export_document(plan)
        text = to_json(document) if options["format"] == "json" else to_yaml(document)
        if options["output"]:
            options["output"].write_text(text, encoding="utf-8")
        else:
            self.stdout.write(text, ending="")
