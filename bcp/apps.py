from __future__ import annotations

from django.apps import AppConfig

from bcp.rules import register_write_rule
from config.celery import ensure_broker_folders


class BcpConfig(AppConfig):
    name = "bcp"
    verbose_name = "Continuity planning"

    def ready(self) -> None:
        # Imported here, not at the top: models cannot load before the app registry is
        # ready, and Django imports this module while it fills the registry.
        from bcp import history  # noqa: F401  (connects the change-context handler)
        from bcp.models import Membership  # registry not ready at module import
        from bcp.services import membership_write_rule  # same: imports models

        ensure_broker_folders()
        register_write_rule(Membership, membership_write_rule)
