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
from simple_history.utils import get_history_model_for_model

from bcp.bulk import insert_objects, insert_rows, reserve_ids


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


# Where the API's token authentication leaves the name of the token on Django's request
# (its environment, which is the request's own dictionary, as "wsgi.*" keys are).
API_CALLER_META = "continuity.api_token_name"


def _reason_naming_the_token(reason: str) -> str:
    """``reason`` with the API token of the current request named, if a token made it."""
    request = getattr(HistoricalRecords.context, "request", None)
    token_name = request.META.get(API_CALLER_META) if request is not None else None
    if not token_name:
        return reason
    via = f"API token “{token_name}”"
    return f"{reason} ({via})" if reason else via


@receiver(pre_create_historical_record)
def _name_the_api_token(sender: Any, instance: Any, history_instance: Any, **kwargs: Any) -> None:
    """A change made through the API with a person's token says which token in its reason."""
    reason = history_instance.history_change_reason or ""
    named = _reason_naming_the_token(reason)
    if named != reason:
        history_instance.history_change_reason = named


# Sent by tracked_bulk_create with ``history_model``, ``history_ids``, ``instances`` and
# ``rows`` (the history rows' values as inserted, one per concrete field of the history
# model; all in the same order); the audit app chains the rows, as it does for each row
# simple-history writes one by one.
historical_rows_bulk_created = Signal()


def tracked_bulk_create(model: type[models.Model], objs: list[Any]) -> list[Any]:
    """Insert many new rows of a tracked model together with their history rows.

    The one sanctioned bulk write on tracked models (imports of thousands of rows): the
    live rows and their "created" history rows (the columns simple-history writes, with
    the user, reason, ticket and batch of the enclosing :func:`change_context`, which is
    required: no history row without an actor) are each inserted in one statement
    (:mod:`bcp.bulk`), and ``historical_rows_bulk_created`` hands the history rows to the
    audit chain. Related objects must already have primary keys; each object gets its own.
    """
    context = _current.get()
    if context is None or context.user is None:
        raise UntrackedWriteError(
            "tracked_bulk_create() needs a change_context(user=...) so history names the actor."
        )
    if not objs:
        return objs
    insert_objects(model, objs)
    history_model: type[models.Model] = get_history_model_for_model(model)
    history_ids = reserve_ids(history_model, len(objs))
    history_fields = list(history_model._meta.concrete_fields)
    own = {
        "history_date": timezone.now(),
        # Rows inserted in bulk name the API token too, as rows saved one by one do.
        "history_change_reason": _reason_naming_the_token(context.reason) or None,
        "history_type": "+",
        "history_user_id": context.user.pk,
        "history_ticket": context.ticket,
        "history_batch": context.batch,
    }
    rows = [
        [
            history_id
            if field.attname == "history_id"
            else own[field.attname]
            if field.attname in own
            else getattr(obj, field.attname)
            for field in history_fields
        ]
        for obj, history_id in zip(objs, history_ids, strict=True)
    ]
    insert_rows(history_model, history_fields, rows)
    historical_rows_bulk_created.send(
        sender=model,
        history_model=history_model,
        history_ids=history_ids,
        instances=objs,
        rows=rows,
    )
    return objs


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
