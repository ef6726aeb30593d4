"""Hooks into simple-history and the user model. Plumbing only: each calls one function.

- Before a historical row is written: a row without an actor gets the system
  user, so commands and scheduled work are attributed (see services.system_user).
- After it is written: the row is appended to the hash chain (rows written in bulk by
  ``bcp.history.tracked_bulk_create`` too, in one pass).
- Before a user is deleted: refused if they appear in history, since deleting
  them would rewrite (or, on PostgreSQL, fail on) every history row naming them.
"""

from __future__ import annotations

from typing import Any

from django.db.models import ProtectedError

from audit.chain import append_created_rows, append_history_row
from audit.models import ChainEntry
from audit.services import system_user


def fill_in_actor(sender: Any, history_instance: Any, **kwargs: Any) -> None:
    if getattr(history_instance, "history_user_id", None) is None:
        history_instance.history_user = system_user()


def chain_new_history_row(
    sender: Any,
    history_instance: Any,
    instance: Any = None,
    using: str | None = None,
    **kwargs: Any,
) -> None:
    append_history_row(history_instance, instance=instance, using=using)


def chain_bulk_history_rows(
    sender: Any,
    history_model: Any,
    history_ids: list[int],
    instances: list[Any],
    rows: list[list[Any]] | None = None,
    **kwargs: Any,
) -> None:
    append_created_rows(history_model, history_ids, instances, rows)


def protect_users_in_history(sender: Any, instance: Any, **kwargs: Any) -> None:
    if instance.pk is not None and ChainEntry.objects.filter(user_id=instance.pk).exists():
        raise ProtectedError(
            f"{instance} appears in the change history; deactivate the account instead "
            "of deleting it.",
            {instance},
        )
