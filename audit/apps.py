from __future__ import annotations

from django.apps import AppConfig
from django.contrib.auth import get_user_model
from django.db.models.signals import post_migrate, pre_delete
from simple_history.signals import post_create_historical_record, pre_create_historical_record


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = "Change control and audit"

    def ready(self) -> None:
        # These modules import models, which cannot load before the app registry is ready;
        # Django imports this module while it fills the registry.
        from audit import protection, signals
        from bcp.history import historical_rows_bulk_created  # same: imports models

        pre_create_historical_record.connect(
            signals.fill_in_actor, dispatch_uid="audit_fill_in_actor"
        )
        post_create_historical_record.connect(
            signals.chain_new_history_row, dispatch_uid="audit_chain_new_history_row"
        )
        historical_rows_bulk_created.connect(
            signals.chain_bulk_history_rows, dispatch_uid="audit_chain_bulk_history_rows"
        )
        pre_delete.connect(
            signals.protect_users_in_history,
            sender=get_user_model(),
            dispatch_uid="audit_protect_users_in_history",
        )
        post_migrate.connect(
            protection.install_after_migrate, sender=self, dispatch_uid="audit_protection"
        )
