from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from bcp.demo import DEMO_USERS, demo_load


class Command(BaseCommand):
    help = "Create the whitepaper's print-service demo plan and one demo user per role."

    def handle(self, *args: Any, **options: Any) -> None:
        result = demo_load()
        plan = result["plan"]
        self.stdout.write(self.style.SUCCESS(f"Demo plan ready: {plan.name} (id {plan.pk})"))
        self.stdout.write(f"Demo logins (password for all: {result['password']}):")
        for spec in DEMO_USERS:
            role = spec.role.label if spec.role else "staff (administers users)"
            self.stdout.write(f"  {spec.username:<12} {role}")
