"""Change-control plumbing shared by every tracked model.

django-simple-history writes one historical row per create, update and delete.
This module adds what it lacks for change control: the ticket id and the batch
id of each change, and a way for services, commands and the API to state who is
acting and why without passing the request around.

Services wrap their writes in :func:`change_context`; the ``pre_create_historical_record``
handler copies the context onto the historical row.
"""

from __future__ import annotations

import contextvars
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.dispatch import Signal, receiver
from django.utils import timezone
from simple_history.models import HistoricalRecords
from simple_history.signals import pre_create_historical_record


@dataclass(frozen=True)
class ChangeContext:
    user: Any | None = None
    reason: str = ""
    ticket: str = ""
    batch: uuid.UUID | None = None


_current: contextvars.ContextVar[ChangeContext | None] = contextvars.ContextVar(
    "continuity_change_context", default=None
)


@contextmanager
def change_context(
    *,
    user: Any | None = None,
    reason: str = "",
    ticket: str = "",
    batch: uuid.UUID | None = None,
) -> Iterator[ChangeContext]:
    """Attribute every history row written inside the block to ``user`` with ``reason``."""
    context = ChangeContext(user=user, reason=reason.strip(), ticket=ticket.strip(), batch=batch)
    token = _current.set(context)
    try:
        yield context
    finally:
        _current.reset(token)


def current_change_context() -> ChangeContext | None:
    return _current.get()


class HistoryBase(models.Model):
    """Extra columns on every historical table."""

    history_ticket = models.CharField(max_length=64, blank=True, default="", db_index=True)
    history_batch = models.UUIDField(null=True, blank=True, db_index=True)

    class Meta:
        abstract = True


def tracked_history(**kwargs: Any) -> HistoricalRecords:
    """The one way our models declare history, so every table gets the same columns."""
    kwargs.setdefault("bases", [HistoryBase])
    kwargs.setdefault("cascade_delete_history", False)
    return HistoricalRecords(**kwargs)


@receiver(pre_create_historical_record)
def _apply_change_context(sender: Any, instance: Any, history_instance: Any, **kwargs: Any) -> None:
    context = _current.get()
    if context is None:
        return
    if context.reason and not history_instance.history_change_reason:
        history_instance.history_change_reason = context.reason
    if context.ticket:
        history_instance.history_ticket = context.ticket
    if context.batch:
        history_instance.history_batch = context.batch
    user = context.user
    if user is not None and getattr(user, "is_authenticated", False):
        history_instance.history_user = user


# Sent by tracked_bulk_create with ``history_rows`` and ``instances`` (same order); the
# audit app chains the rows, as it does for each row simple-history writes one by one.
historical_rows_bulk_created = Signal()


def tracked_bulk_create(
    model: type[models.Model], objs: list[Any], *, batch_size: int = 500
) -> list[Any]:
    """Insert many new rows of a tracked model together with their history rows.

    The one sanctioned bulk write on tracked models (imports of thousands of rows): the
    live rows and their "created" history rows are each inserted in bulk, with the user,
    reason, ticket and batch of the enclosing :func:`change_context` (required: no
    history row without an actor), and ``historical_rows_bulk_created`` hands the history
    rows to the audit chain. Related objects must already have primary keys.
    """
    context = _current.get()
    if context is None or context.user is None:
        raise UntrackedWriteError(
            "tracked_bulk_create() needs a change_context(user=...) so history names the actor."
        )
    if not objs:
        return []
    # Bulk insert on purpose, bypassing TrackedQuerySet: the history is written just below.
    created: list[Any] = models.QuerySet(model=model).bulk_create(objs, batch_size=batch_size)
    if any(obj.pk is None for obj in created):
        raise UntrackedWriteError(f"the database returned no ids for new {model.__name__} rows")
    history_rows = model.history.bulk_history_create(  # type: ignore[attr-defined]
        created,
        batch_size=batch_size,
        default_user=context.user,
        default_change_reason=context.reason,
        default_date=timezone.now(),
        custom_historical_attrs={"history_ticket": context.ticket, "history_batch": context.batch},
    )
    historical_rows_bulk_created.send(sender=model, history_rows=history_rows, instances=created)
    return created


class UntrackedWriteError(RuntimeError):
    """Raised when code tries a write that django-simple-history cannot see."""


class TrackedQuerySet(models.QuerySet[Any]):
    """Refuses bulk writes: history is captured per instance, so they would go unrecorded."""

    def update(self, **kwargs: Any) -> int:
        raise UntrackedWriteError(
            f"QuerySet.update() on {self.model.__name__} would bypass change history; "
            "load the objects and save them through a service instead."
        )

    def bulk_create(self, *args: Any, **kwargs: Any) -> Any:
        raise UntrackedWriteError(
            f"bulk_create() on {self.model.__name__} would bypass change history."
        )

    def bulk_update(self, *args: Any, **kwargs: Any) -> int:
        raise UntrackedWriteError(
            f"bulk_update() on {self.model.__name__} would bypass change history."
        )


TrackedManager = models.Manager.from_queryset(TrackedQuerySet)


class TrackedModel(models.Model):
    """Base for planning data: history-friendly manager and an optimistic-lock version.

    ``version`` increases by one on every save made through a service; a save
    that starts from an older version is refused (see :mod:`bcp.concurrency`).
    """

    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TrackedManager()

    class Meta:
        abstract = True
