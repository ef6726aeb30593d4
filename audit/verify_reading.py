"""Reading the chain and the historical rows it names fast, for :mod:`audit.verify`.

Entries are read by ``seq`` ranges and their rows with one query per history table per
chunk, in plain SQL rather than querysets (a queryset per chunk costs about four times
as much). Timestamps come back as canonical text; what a fast reading gets wrong fails
the fast check in :mod:`audit.verify` and is checked the exact way, so reading fast
can save time but never pass a problem.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, NamedTuple

from django.db import connections, models

from audit import tracking
from audit.chain import column_names
from audit.models import ChainEntry
from audit.tracking import tracked_model_for

CHUNK = 2000

# SQL that gives a timestamp column as its canonical text (ISO 8601 in UTC, as
# bcp.canonical.chain_value writes it: six fraction digits unless they are all
# zero). SQLite holds what Django stored, ``YYYY-MM-DD HH:MM:SS[.ffffff]`` in UTC.
# Anything that comes out differently fails the fast check and is checked exactly.
TIMESTAMP_SQL = {
    "postgresql": (
        "to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS') || CASE WHEN "
        "extract(microseconds FROM {column})::bigint %% 1000000 = 0 THEN '' ELSE "
        "to_char({column} AT TIME ZONE 'UTC', '.US') END || '+00:00'"
    ),
    "sqlite": "replace({column}, ' ', 'T') || '+00:00'",
}


class _Reader:
    """Chosen columns of one table, read with plain SQL.

    Timestamps come back as canonical text (:data:`TIMESTAMP_SQL`); every other value
    goes through the same converters the ORM applies (the backend's and the field's), so the
    values equal what a queryset would give. A queryset per chunk costs about
    four times as much, most of it in building and binding the query.
    """

    def __init__(self, model: type[models.Model], columns: Sequence[str], alias: str) -> None:
        # The connection is looked up at each query: a reader may be used from the
        # prefetching thread, which has its own connection.
        self.alias = alias
        connection = connections[alias]
        self.vendor = connection.vendor
        quote = connection.ops.quote_name
        fields = {f.attname: f for f in model._meta.concrete_fields}
        self.table = quote(model._meta.db_table)
        self.columns = list(columns)
        selects: list[str] = []
        self.converters: list[tuple[int, list[Any], Any]] = []
        for index, name in enumerate(columns):
            column_field = fields[name]
            column = f"{self.table}.{quote(column_field.get_attname_column()[1] or name)}"
            if isinstance(column_field, models.DateTimeField) and self.vendor in TIMESTAMP_SQL:
                selects.append(TIMESTAMP_SQL[self.vendor].format(column=column))
                continue
            selects.append(column)
            col = column_field.get_col(model._meta.db_table)
            found = connection.ops.get_db_converters(col) + col.get_db_converters(connection)
            if found:
                self.converters.append((index, found, col))
        # Identifiers come from model metadata, quoted by the backend; values are parameters.
        self.select = f"SELECT {', '.join(selects)} FROM {self.table}"  # noqa: S608

    def _rows(self, sql: str, params: list[Any]) -> list[Sequence[Any]]:
        connection = connections[self.alias]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            fetched = cursor.fetchall()
        if not self.converters:
            return fetched
        rows: list[Sequence[Any]] = []
        for fetched_row in fetched:
            values = list(fetched_row)
            for index, converters, col in self.converters:
                value = values[index]
                for convert in converters:
                    value = convert(value, col, connection)
                values[index] = value
            rows.append(values)
        return rows

    def where_in(self, key: str, ids: Sequence[int]) -> list[Sequence[Any]]:
        column = f"{self.table}.{connections[self.alias].ops.quote_name(key)}"
        if self.vendor == "postgresql":
            return self._rows(f"{self.select} WHERE {column} = ANY(%s)", [list(ids)])
        marks = ", ".join(["%s"] * len(ids))
        return self._rows(f"{self.select} WHERE {column} IN ({marks})", list(ids))

    def after(self, key: str, after: int, limit: int) -> list[Sequence[Any]]:
        column = f"{self.table}.{connections[self.alias].ops.quote_name(key)}"
        sql = f"{self.select} WHERE {column} > %s ORDER BY {column} LIMIT %s"
        return self._rows(sql, [after, limit])


class RowReader:
    """A history table's rows by history id, as dicts of canonical-ready values."""

    def __init__(self, table: type[models.Model], alias: str) -> None:
        self.columns = column_names(table)
        self.reader = _Reader(table, self.columns, alias)

    def rows(self, history_ids: list[int]) -> dict[int, dict[str, Any]]:
        found: dict[int, dict[str, Any]] = {}
        for values in self.reader.where_in("history_id", history_ids):
            row = dict(zip(self.columns, values, strict=True))
            found[row["history_id"]] = row
        return found


ENTRY_COLUMNS = (
    "seq",
    "model_label",
    "history_id",
    "object_id",
    "object_repr",
    "plan_id",
    "history_type",
    "user_id",
    "reason",
    "ticket",
    "batch",
    "content_fields",
    "content_hash",
    "prev_hash",
    "entry_hash",
)


class Entry(NamedTuple):
    seq: int
    model_label: str
    history_id: int
    object_id: str
    object_repr: str
    plan_id: int | None
    history_type: str
    user_id: int | None
    reason: str
    ticket: str
    batch: Any
    content_fields: str
    content_hash: str
    prev_hash: str
    entry_hash: str
    history_date: Any  # canonical text (fast path) or a datetime (exact path)


class EntryReader:
    def __init__(self, alias: str) -> None:
        self.reader = _Reader(ChainEntry, (*ENTRY_COLUMNS, "history_date"), alias)

    def after(self, seq: int) -> list[Entry]:
        return [Entry(*values) for values in self.reader.after("seq", seq, CHUNK)]

    def where_in(self, seqs: list[int]) -> list[Entry]:
        found = [Entry(*values) for values in self.reader.where_in("seq", seqs)]
        return sorted(found, key=lambda entry: entry.seq)


class RowReaders:
    def __init__(self, alias: str) -> None:
        self.alias = alias
        self._readers: dict[str, RowReader | None] = {}

    def rows_for(self, chunk: list[Entry]) -> dict[str, dict[int, dict[str, Any]]]:
        wanted: dict[str, list[int]] = defaultdict(list)
        for entry in chunk:
            wanted[entry.model_label].append(entry.history_id)
        rows: dict[str, dict[int, dict[str, Any]]] = {}
        for label, ids in wanted.items():
            reader = self._reader(label)
            rows[label] = reader.rows(ids) if reader is not None else {}
        return rows

    def _reader(self, label: str) -> RowReader | None:
        if label not in self._readers:
            model = tracked_model_for(label)
            self._readers[label] = (
                RowReader(tracking.history_model(model), self.alias) if model is not None else None
            )
        return self._readers[label]


Chunk = tuple[list[Entry], dict[str, dict[int, dict[str, Any]]]]


def _read_chunk(entries: EntryReader, readers: RowReaders, after: int) -> Chunk:
    chunk = entries.after(after)
    return chunk, readers.rows_for(chunk) if chunk else {}


def chunks(alias: str) -> Iterator[Chunk]:
    """The chain in chunks of entries with their rows, the next read while this one is checked.

    Reading happens in a second thread with its own connection (the database
    driver releases the interpreter while it waits), so on two cores the database
    and the hashing overlap. Inside a transaction another connection would not
    see this one's uncommitted rows, so there everything is read in line.
    """
    entries, readers = EntryReader(alias), RowReaders(alias)
    if connections[alias].in_atomic_block:
        after = 0
        while (chunk := _read_chunk(entries, readers, after))[0]:
            yield chunk
            after = chunk[0][-1].seq
        return
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="verify-read")
    try:
        pending = pool.submit(_read_chunk, entries, readers, 0)
        while (chunk := pending.result())[0]:
            pending = pool.submit(_read_chunk, entries, readers, chunk[0][-1].seq)
            yield chunk
        pending.result()
    finally:
        # The reading thread's connection is closed by that thread, then the thread ends.
        pool.submit(connections.close_all).result()
        pool.shutdown()
