from __future__ import annotations

from django.apps import AppConfig


class BcpConfig(AppConfig):
    name = "bcp"
    verbose_name = "Continuity planning"

    def ready(self) -> None:
        from bcp import history  # noqa: F401  (connects the change-context handler)
        from bcp.models import Membership
        from bcp.rules import register_write_rule
        from bcp.services import membership_write_rule
        from config.celery import ensure_broker_folders

        ensure_broker_folders()
        register_write_rule(Membership, membership_write_rule)
