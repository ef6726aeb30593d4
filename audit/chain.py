"""The canonical form and hashes of history rows, and appending them to the chain.

Verifying the chain (and the live data against it) is :mod:`audit.verify`.

Canonical content of a historical row: a JSON object of its columns (attnames)
in the chain variant of :mod:`bcp.canonical` (keys sorted, no whitespace, UTF-8), with
values normalised so that the same row read back from the database always hashes the
same:

- datetimes → ISO 8601 in UTC (``2026-03-01T09:30:00.123456+00:00``), dates and
  times → ISO 8601;
- decimals, floats (``repr``), UUIDs and durations (seconds) → strings;
- bytes → hex; JSON values as they are (their keys sorted by the encoder);
- everything else that is not a JSON scalar → ``str()``.

The content is read back from the database before hashing (at append time and at
verify time), so an in-memory value such as the string ``"1.5"`` for a decimal column
cannot make the two disagree. The one exception is a row just written in bulk whose every
value is of exactly the type its column gives back (an int, a str, a float, an aware
datetime, ...: :mod:`audit.written`): that row is hashed as written, which is what a read
back would find; any other row, and every row written one by one, is read back.
"""

from __future__ import annotations

import contextvars
import hashlib
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from django.db import connections, models, router, transaction
from django.utils import timezone

from audit import tracking
from audit.models import GENESIS_HASH, ChainEntry
from audit.tracking import live_instance, live_model, plan_id_of
from audit.written import as_written
from bcp.bulk import insert_rows
from bcp.canonical import chain_json, chain_value

if TYPE_CHECKING:
    from audit.verify_reading import Entry  # audit.verify_reading imports this module

# Arbitrary constant naming the chain's PostgreSQL advisory lock.
CHAIN_LOCK_KEY = 7_220_415_001


# --- canonical form and hashes ----------------------------------------------


# Values whose canonical form is themselves (exact types; subclasses take the long way).
_AS_IS = frozenset({str, int, bool, type(None)})


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def content_of(row: dict[str, Any], fields: Iterable[str]) -> dict[str, Any]:
    content = {}
    for name in fields:
        value = row[name]
        content[name] = value if type(value) in _AS_IS else chain_value(value)
    return content


def content_hash_of(content: dict[str, Any]) -> str:
    return sha256_hex(chain_json(content))


def entry_hash_of(
    *,
    seq: int,
    prev_hash: str,
    content_hash: str,
    model_label: str,
    history_id: int,
    object_id: str,
    plan_id: int | None,
    object_repr: str,
) -> str:
    return sha256_hex(
        chain_json(
            {
                "seq": seq,
                "prev_hash": prev_hash,
                "content_hash": content_hash,
                "model": model_label,
                "history_id": history_id,
                "object_id": object_id,
                "plan_id": plan_id,
                "object_repr": object_repr,
            }
        )
    )


def recomputed_entry_hash(entry: ChainEntry | Entry) -> str:
    """The hash an entry should have, from the columns it covers (a row or one read as a tuple)."""
    return entry_hash_of(
        seq=entry.seq,
        prev_hash=entry.prev_hash,
        content_hash=entry.content_hash,
        model_label=entry.model_label,
        history_id=entry.history_id,
        object_id=entry.object_id,
        plan_id=entry.plan_id,
        object_repr=entry.object_repr,
    )


def column_names(history_model: type[models.Model]) -> list[str]:
    return [f.attname for f in history_model._meta.concrete_fields]


# --- appending ----------------------------------------------------------------


def _lock_chain(alias: str) -> None:
    """Serialise appends so that each entry links to the one written just before it.

    PostgreSQL: a transaction-scoped advisory lock, released at commit. SQLite
    serialises writers itself (our settings open write transactions IMMEDIATE).
    """
    connection = connections[alias]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK_KEY])


def _describe(instance: Any, label: str, object_id: str) -> str:
    try:
        text = str(instance)
    except Exception:
        text = ""
    return (text or f"{label} #{object_id}")[:200]


def _entry_values(
    *,
    history_model: type[models.Model],
    row: dict[str, Any],
    plan_id: int | None,
    object_repr: str,
    seq: int,
    prev_hash: str,
) -> dict[str, Any]:
    """The columns of the chain entry for ``row`` (a historical row read back)."""
    model = live_model(history_model)
    label = model._meta.label
    fields = list(row)
    content_hash = content_hash_of(content_of(row, fields))
    object_id = str(row[model._meta.pk.attname])
    return {
        "seq": seq,
        "model_label": label,
        "history_id": row["history_id"],
        "object_id": object_id,
        "object_repr": object_repr,
        "plan_id": plan_id,
        "history_type": row["history_type"],
        "history_date": row["history_date"],
        "user_id": row["history_user_id"],
        "reason": row["history_change_reason"] or "",
        "ticket": row.get("history_ticket") or "",
        "batch": row.get("history_batch"),
        "content_fields": ",".join(fields),
        "content_hash": content_hash,
        "prev_hash": prev_hash,
        "entry_hash": entry_hash_of(
            seq=seq,
            prev_hash=prev_hash,
            content_hash=content_hash,
            model_label=label,
            history_id=row["history_id"],
            object_id=object_id,
            plan_id=plan_id,
            object_repr=object_repr,
        ),
    }


def _make_entry(**kwargs: Any) -> ChainEntry:
    return ChainEntry(**_entry_values(**kwargs))


def _chain_head(alias: str) -> tuple[int, str]:
    last = ChainEntry.objects.using(alias).order_by("-seq").values_list("seq", "entry_hash").first()
    return (last[0], last[1]) if last else (0, GENESIS_HASH)


def _repr_of(history_row: models.Model, instance: Any) -> str:
    model = live_model(type(history_row))
    object_id = str(getattr(history_row, model._meta.pk.attname))
    described = instance if instance is not None else live_instance(history_row)
    return _describe(described, model._meta.label, object_id)


@dataclass
class _Pending:
    """Historical rows written inside :func:`chain_batch`, chained when it closes."""

    keys: list[tuple[type[models.Model], int]] = field(default_factory=list)
    reprs: list[str] = field(default_factory=list)
    # Each row's columns as written in bulk (None: read it back), see :func:`as_written`.
    written: list[dict[str, Any] | None] = field(default_factory=list)


_batch: contextvars.ContextVar[_Pending | None] = contextvars.ContextVar(
    "continuity_chain_batch", default=None
)


@contextmanager
def chain_batch() -> Iterator[None]:
    """Chain every historical row written inside the block in one pass when it closes.

    Inside the block :func:`append_history_row` only notes the row; on a clean exit the
    rows are appended in the order they were written by :func:`append_history_rows`: one
    lock, one read of the chain head, one read of the rows per table and bulk inserts,
    instead of a lock, two reads and an insert per row. The entries are exactly those the
    row-by-row path would write, so verification is unchanged. Use it inside the
    transaction that writes the rows (an import); on an exception nothing is chained and
    the transaction's rollback removes the rows too.
    """
    if _batch.get() is not None:
        yield  # an enclosing batch chains these rows
        return
    pending = _Pending()
    token = _batch.set(pending)
    try:
        yield
    finally:
        _batch.reset(token)
    if pending.keys:
        _append(pending.keys, pending.reprs, pending.written)


def append_history_row(
    history_row: models.Model, *, instance: Any = None, using: str | None = None
) -> ChainEntry | None:
    """Add one just-written historical row to the end of the chain.

    Inside :func:`chain_batch` the row is only noted (and None returned); the batch
    chains it when it closes.
    """
    pending = _batch.get()
    if pending is not None:
        pending.keys.append((type(history_row), history_row.pk))
        pending.reprs.append(_repr_of(history_row, instance))
        pending.written.append(None)
        return None
    history_model = type(history_row)
    alias = using or router.db_for_write(ChainEntry)
    with transaction.atomic(using=alias):
        _lock_chain(alias)
        row = (
            history_model._default_manager.using(alias)
            .filter(pk=history_row.pk)
            .values(*column_names(history_model))
            .get()
        )
        last_seq, prev_hash = _chain_head(alias)
        model = live_model(history_model)
        entry = _make_entry(
            history_model=history_model,
            row=row,
            plan_id=plan_id_of(model, history_row),
            object_repr=_repr_of(history_row, instance),
            seq=last_seq + 1,
            prev_hash=prev_hash,
        )
        entry.save(force_insert=True, using=alias)
    return entry


def append_created_rows(
    history_model: type[models.Model],
    history_ids: list[int],
    instances: list[Any],
    rows: list[list[Any]] | None = None,
) -> None:
    """Chain history rows written in bulk, described by their live instances.

    ``rows`` are the rows' values as inserted (one per column of ``history_model``, in
    order): those the database is known to give back unchanged are hashed without being
    read back (:func:`audit.written.as_written`). Inside :func:`chain_batch` they join the
    batch, in order; otherwise they are chained at once in one pass.
    """
    label = live_model(history_model)._meta.label
    reprs = [_describe(instance, label, str(instance.pk)) for instance in instances]
    keys = [(history_model, history_id) for history_id in history_ids]
    written: list[dict[str, Any] | None] = (
        as_written(history_model, rows) if rows is not None else [None] * len(keys)
    )
    pending = _batch.get()
    if pending is not None:
        pending.keys.extend(keys)
        pending.reprs.extend(reprs)
        pending.written.extend(written)
        return
    _append(keys, reprs, written)


def _plan_ids(
    model: type[models.Model], rows: list[dict[str, Any]], alias: str
) -> list[int | None]:
    """The plan of each row, as :func:`audit.tracking.plan_id_of` finds it, one query per hop.

    A link row (a component's "runs on") reaches its plan through its component: the
    components of the whole batch are read in one query instead of one per row.
    """
    path = tracking.plan_path(model)
    if path is None:
        return [None] * len(rows)
    if not path:
        return [row[model._meta.pk.attname] for row in rows]
    values: list[Any] = [row[path[0]] for row in rows]
    current = model
    for attname, next_attname in pairwise(path):
        current = tracking._hop_model(current, attname)
        wanted = {value for value in values if value is not None}
        found = dict(
            current._base_manager.using(alias).filter(pk__in=wanted).values_list("pk", next_attname)
        )
        for missing in wanted - found.keys():  # a parent deleted in the same batch
            found[missing] = tracking._values_of(current, missing, next_attname)
        values = [None if value is None else found[value] for value in values]
    return values


def append_history_rows(history_rows: list[models.Model]) -> int:
    """Append many existing historical rows, in the given order, in one pass.

    Used to adopt history written before the audit app was installed, and by the
    benchmarks; imports go through :func:`chain_batch`. See :func:`_append`.
    """
    keys = [(type(row), row.pk) for row in history_rows]
    return _append(keys, None)


_ENTRY_FIELDS = [f for f in ChainEntry._meta.concrete_fields]


def _read_back(
    batch: list[tuple[type[models.Model], int]],
    written: list[dict[str, Any] | None] | None,
    alias: str,
) -> tuple[
    dict[tuple[type[models.Model], int], dict[str, Any]],
    dict[tuple[type[models.Model], int], int | None],
]:
    """The columns and the plan of each row of ``batch``, one read per table and hop.

    Rows written in bulk whose values are certain (``written``) are taken as written; the
    others are read back from the database.
    """
    by_model: dict[type[models.Model], list[int]] = defaultdict(list)
    stored: dict[tuple[type[models.Model], int], dict[str, Any]] = {}
    for offset, (history_model, history_id) in enumerate(batch):
        given = written[offset] if written is not None else None
        if given is None:
            by_model[history_model].append(history_id)
        else:
            stored[(history_model, history_id)] = given
    for history_model, ids in by_model.items():
        for row in (
            history_model._default_manager.using(alias)
            .filter(pk__in=ids)
            .values(*column_names(history_model))
        ):
            stored[(history_model, row["history_id"])] = row
    by_table: dict[type[models.Model], list[tuple[type[models.Model], int]]] = defaultdict(list)
    for key in stored:
        by_table[key[0]].append(key)
    plans: dict[tuple[type[models.Model], int], int | None] = {}
    for history_model, keys in by_table.items():
        rows = [stored[key] for key in keys]
        found = _plan_ids(live_model(history_model), rows, alias)
        plans.update(zip(keys, found, strict=True))
    return stored, plans


def _append(
    keys: list[tuple[type[models.Model], int]],
    reprs: list[str] | None,
    written: list[dict[str, Any] | None] | None = None,
    *,
    batch_size: int = 5000,
) -> int:
    """Chain the historical rows ``keys`` (model, history id), in order.

    One lock and one read of the chain head for the whole list; per ``batch_size`` rows,
    one read per history table of the rows not ``written`` in bulk (each is read back from
    the database, exactly as :func:`append_history_row` does), one read per foreign-key hop
    to find the rows' plans, and one multi-row insert (:func:`bcp.bulk.insert_rows`).
    ``reprs`` are the rows' descriptions when the caller has them (else each is built from
    its row).
    """
    if reprs is not None and len(reprs) != len(keys):
        raise ValueError("one description per row, or none")
    alias = router.db_for_write(ChainEntry)
    appended = 0
    with transaction.atomic(using=alias):
        _lock_chain(alias)
        last_seq, prev_hash = _chain_head(alias)
        for start in range(0, len(keys), batch_size):
            batch = keys[start : start + batch_size]
            part = written[start : start + batch_size] if written is not None else None
            stored, plans = _read_back(batch, part, alias)
            entries = []
            created_at = timezone.now()
            for offset, key in enumerate(batch):
                last_seq += 1
                if reprs is not None:
                    described = reprs[start + offset]
                else:
                    # Built from the row just read rather than read again, one query per row.
                    described = _repr_of(key[0](**stored[key]), None)
                entry = _entry_values(
                    history_model=key[0],
                    row=stored[key],
                    plan_id=plans[key],
                    object_repr=described,
                    seq=last_seq,
                    prev_hash=prev_hash,
                )
                prev_hash = entry["entry_hash"]
                entry["created_at"] = created_at
                entries.append([entry[f.attname] for f in _ENTRY_FIELDS])
            insert_rows(ChainEntry, _ENTRY_FIELDS, entries, using=alias)
            appended += len(entries)
    return appended
