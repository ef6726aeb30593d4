"""Writes of the audit app: the system actor and adopting history that predates the chain.

The chain itself is written by :func:`audit.chain.append_history_row`, called
for every new historical row (see :mod:`audit.signals`); rollbacks live in
:mod:`audit.rollback`.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db import transaction

from audit.chain import append_history_rows
from audit.models import ChainEntry
from audit.tracking import history_model, tracked_models

SYSTEM_USERNAME = "system"


def system_user() -> User:
    """The account that management commands, imports and scheduled work act as.

    History never records a change without an actor: a write outside any
    request or change context is attributed to this user (see
    docs/history-retention.md). It has no usable password, so nobody can sign in
    as it.
    """
    user_model = get_user_model()
    user, created = user_model.objects.get_or_create(
        username=SYSTEM_USERNAME,
        defaults={"first_name": "Continuity", "last_name": "system", "is_active": True},
    )
    if created or user.has_usable_password():
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


@transaction.atomic
def chain_adopt_unchained() -> int:
    """Append every historical row that has no chain entry yet, oldest first.

    For installing the audit app on a database that already has history, once.
    Running it after tampering would bless inserted rows, so the command that
    calls it says so and requires an explicit flag.
    """
    pending: list[Any] = []
    for tracked in tracked_models():
        model, label = history_model(tracked), tracked._meta.label
        chained = set(
            ChainEntry.objects.filter(model_label=label).values_list("history_id", flat=True)
        )
        pending.extend(
            record
            for record in model._default_manager.order_by("history_id").iterator(chunk_size=2000)
            if record.pk not in chained
        )
    pending.sort(key=lambda r: (r.history_date, type(r)._meta.label, r.pk))
    return append_history_rows(pending)
