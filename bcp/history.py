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
from django.dispatch import receiver
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
