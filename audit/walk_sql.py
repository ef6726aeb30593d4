"""The chain walk's fast path on PostgreSQL: the database recomputes the hashes.

Hashing a million entries in Python costs minutes; PostgreSQL builds the same
canonical JSON with string functions and hashes it with ``sha256()`` in a few
microseconds a row. For a range of entries one query returns, per entry, its
number, previous hash and hash, and two verdicts:

- ``entry_ok``: the entry's own hash recomputed from its columns equals the stored one;
- ``row_ok``: its historical row exists, hashes to the stored content hash over the
  same columns, and agrees with the entry's copy of who/when/why.

A true verdict means the database's serialisation of the values equals, byte for
byte, the canonical serialisation the chain hashed when the entry was written
(anything else would be a sha256 collision), so the entry is intact exactly as
:mod:`audit.chain` defines it. Anything else — false, unknown, a value the SQL
writes differently from Python (``NaN``, a column whose type has no SQL form
here, a JSON column) — only sends the entry to the Python checks of
:mod:`audit.verify`, which decide. The fast path can save time, never pass an
entry the exact check would fail, nor invent a problem.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from django.db import connections, models

from audit.chain import column_names
from audit.models import ChainEntry
from audit.tracking import history_model, tracked_models

# Names of the prepared statements (per connection).
_RANGE = "continuity_verify_range"
_AFTER = "continuity_verify_after"

# (seq, prev_hash, entry_hash, entry_ok, row_ok); the verdicts are None when unknown.
Verdict = tuple[int, str, str, bool | None, bool | None]

# Identifiers and labels are spliced into the SQL as literals; only these shapes are.
_SAFE = re.compile(r"^[A-Za-z0-9_.,]+$")

# Canonical ISO 8601 text in UTC, as bcp.canonical.chain_value writes a datetime: six
# fraction digits unless they are all zero (the only place ".000000" can appear).
_TIMESTAMP = (
    "replace(to_char({c} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US'), '.000000', '')"
    " || '+00:00'"
)


def _literal(text: str) -> str:
    if not _SAFE.match(text):
        raise ValueError(f"not a plain identifier: {text!r}")
    return f"'{text}'"


def _json_value(field: models.Field[Any, Any], column: str, alias: str) -> str | None:
    """SQL giving the column's value as bcp.canonical.chain_json writes it, or None."""
    db_type = str(field.db_type(connections[alias]) or "")
    if db_type in ("integer", "bigint", "smallint"):
        value = f"{column}::text"
    elif db_type == "boolean":
        value = f"CASE WHEN {column} THEN 'true' ELSE 'false' END"
    elif db_type.startswith(("varchar", "char")) or db_type == "text":
        value = f"to_json({column}::text)::text"
    elif db_type == "double precision":
        # Python's repr: shortest digits that read back the same, as PostgreSQL prints
        # them, except that a whole number keeps ".0".
        value = (
            f"'\"' || CASE WHEN {column} = trunc({column}) AND abs({column}) < 1e15 "
            f"THEN trunc({column})::numeric::text || '.0' ELSE {column}::text END || '\"'"
        )
    elif db_type.startswith("numeric") or db_type == "uuid":
        value = f"'\"' || {column}::text || '\"'"
    elif db_type == "date":
        value = f"'\"' || to_char({column}, 'YYYY-MM-DD') || '\"'"
    elif db_type == "timestamp with time zone":
        value = "'\"' || " + _TIMESTAMP.format(c=column) + " || '\"'"
    else:
        return None
    return f"COALESCE({value}, 'null')"


def _sha256(expression: str) -> str:
    return f"encode(sha256(convert_to({expression}, 'UTF8')), 'hex')"


def _object_json(pairs: list[tuple[str, str]]) -> str:
    """A JSON object with sorted keys and no whitespace from (key, SQL value) pairs."""
    parts = []
    for index, (key, value) in enumerate(sorted(pairs)):
        _literal(key)
        parts.append(f"'{'{' if index == 0 else ','}\"{key}\":' || {value}")
    return " || ".join(parts) + " || '}'"


def _entry_ok() -> str:
    """The entry's hash recomputed from its columns (audit.chain.entry_hash_of) equals it."""
    canonical = _object_json(
        [
            ("seq", "e.seq::text"),
            ("prev_hash", "to_json(e.prev_hash::text)::text"),
            ("content_hash", "to_json(e.content_hash::text)::text"),
            ("model", "to_json(e.model_label::text)::text"),
            ("history_id", "e.history_id::text"),
            ("object_id", "to_json(e.object_id::text)::text"),
            ("plan_id", "COALESCE(e.plan_id::text, 'null')"),
            ("object_repr", "to_json(e.object_repr::text)::text"),
        ]
    )
    return f"{_sha256(canonical)} = e.entry_hash"


def _row_ok(model: type[models.Model], alias: str) -> str | None:
    """A scalar subquery: the entry's historical row is intact and matches the entry's copy."""
    table = history_model(model)
    quote = connections[alias].ops.quote_name
    fields = {f.attname: f for f in table._meta.concrete_fields}
    columns = column_names(table)
    pk = model._meta.pk.attname
    pairs = []
    for name in columns:
        value = _json_value(
            fields[name], f"h.{quote(fields[name].get_attname_column()[1] or name)}", alias
        )
        if value is None:
            return None  # a column with no SQL form here: the Python checks read this table
        pairs.append((name, value))
    if pk not in fields or str(fields[pk].db_type(connections[alias])) not in (
        "integer",
        "bigint",
        "uuid",
    ):
        return None
    ticket = "COALESCE(h.history_ticket, '')" if "history_ticket" in fields else "''"
    batch = (
        "e.batch IS NOT DISTINCT FROM h.history_batch"
        if "history_batch" in fields
        else "e.batch IS NULL"
    )
    checks = [
        f"{_sha256(_object_json(pairs))} = e.content_hash",
        f"e.content_fields = {_literal(','.join(columns))}",
        f"e.object_id = h.{quote(fields[pk].get_attname_column()[1] or pk)}::text",
        "e.history_type = h.history_type",
        "e.history_date = h.history_date",
        "e.user_id IS NOT DISTINCT FROM h.history_user_id",
        "e.reason = COALESCE(h.history_change_reason, '')",
        f"e.ticket = {ticket}",
        batch,
    ]
    where = " AND ".join(checks)
    # Identifiers quoted by the backend; literals are model metadata checked by _literal.
    return (
        f"(SELECT {where} FROM {quote(table._meta.db_table)} h "  # noqa: S608
        "WHERE h.history_id = e.history_id)"
    )


class RangeCheck:
    """The verdicts of a range of entries, in order: one query per range."""

    def __init__(self, alias: str) -> None:
        self.alias = alias
        connection = connections[alias]
        quote = connection.ops.quote_name
        tables = set(connection.introspection.table_names())
        branches = []
        for model in tracked_models():
            if history_model(model)._meta.db_table not in tables:
                continue
            row_ok = _row_ok(model, alias)
            if row_ok is not None:
                branches.append(f"WHEN {_literal(model._meta.label)} THEN {row_ok}")
        row_case = f"CASE e.model_label {' '.join(branches)} ELSE NULL END" if branches else "NULL"
        # Every identifier and literal above is a model's own name, checked by _literal.
        self.select = (
            f"SELECT e.seq, e.prev_hash, e.entry_hash, {_entry_ok()}, {row_case} "  # noqa: S608
            f"FROM {quote(ChainEntry._meta.db_table)} e"
        )

    def _prepared(self, cursor: Any) -> None:
        """Plan the statements once per connection, without JIT compilation.

        With one branch per tracked model the query takes long to plan, and
        PostgreSQL's JIT would compile it for seconds before each run.
        """
        cursor.execute("SELECT 1 FROM pg_prepared_statements WHERE name = %s", [_RANGE])
        if cursor.fetchone():
            return
        cursor.execute("SET jit = off")
        cursor.execute(
            f"PREPARE {_RANGE} (bigint, bigint) AS {self.select} "
            "WHERE e.seq > $1 AND e.seq <= $2 ORDER BY e.seq"
        )
        cursor.execute(
            f"PREPARE {_AFTER} (bigint, bigint) AS {self.select} "
            "WHERE e.seq > $1 ORDER BY e.seq LIMIT $2"
        )

    def _fetch(self, statement: str, params: list[int]) -> list[Verdict]:
        with connections[self.alias].cursor() as cursor:
            self._prepared(cursor)
            cursor.execute(f"EXECUTE {statement} (%s, %s)", params)
            return list(cursor.fetchall())

    def between(self, after: int, upto: int) -> list[Verdict]:
        return self._fetch(_RANGE, [after, upto])

    def after(self, after: int, limit: int) -> list[Verdict]:
        return self._fetch(_AFTER, [after, limit])

    def release(self) -> None:
        """Drop the statements and settings from this thread's connection (it stays open)."""
        with connections[self.alias].cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_prepared_statements WHERE name = %s", [_RANGE])
            if cursor.fetchone():
                cursor.execute(f"DEALLOCATE {_RANGE}")
                cursor.execute(f"DEALLOCATE {_AFTER}")
                cursor.execute("RESET jit")


def _close_in_each(pool: ThreadPoolExecutor, threads: int) -> None:
    """Close the database connection each pool thread opened (one task lands in each)."""
    barrier = threading.Barrier(threads)

    def close() -> None:
        barrier.wait(timeout=60)
        connections.close_all()

    for future in [pool.submit(close) for _ in range(threads)]:
        future.result()


def verdicts(alias: str, *, after: int, size: int, threads: int = 2) -> Iterator[list[Verdict]]:
    """Every entry past ``after`` in chunks of entry numbers, in order.

    The ranges up to the chain's newest entry at the start are computed by
    ``threads`` connections at once (the database hashes on every core while this
    thread checks the links in order); entries appended meanwhile are read after
    them. Inside a transaction other connections would not see its rows, so there
    one connection reads everything.
    """
    check = RangeCheck(alias)
    newest = ChainEntry.objects.using(alias).order_by("-seq").values_list("seq", flat=True).first()
    top: int = newest or 0
    ranges = [(low, min(low + size, top)) for low in range(after, top, size)]
    last = after
    if connections[alias].in_atomic_block or threads < 2:
        for low, high in ranges:
            yield check.between(low, high)
    else:
        pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="verify-sql")
        pending: list[Future[list[Verdict]]] = []
        try:
            for low, high in ranges:
                pending.append(pool.submit(check.between, low, high))
                if len(pending) > threads:
                    yield pending.pop(0).result()
            for future in pending:
                yield future.result()
        finally:
            for future in pending:
                future.cancel()
            _close_in_each(pool, threads)
            pool.shutdown()
    if ranges:
        last = ranges[-1][1]
    try:
        while chunk := check.after(last, size):
            yield chunk
            last = chunk[-1][0]
    finally:
        check.release()
