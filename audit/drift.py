"""Drift: live rows that no longer match their history.

The application writes a historical row for every change it makes, so the live
table and the latest historical row of each record agree. A write that bypasses
the application — an ``UPDATE`` or ``DELETE`` in a database session, a table
restored from an old backup — changes the live data and leaves history as it
was. The hash chain cannot see that (no history row changed); this check does.

For every tracked model, two streams ordered by primary key are merged: the live
rows, and the latest historical row of every record (one grouped query per
history table). Each record is then one of:

- in both, every recorded column equal → fine;
- in both, a column differs → *changed outside the application*;
- in both, but the latest history is a deletion → *present although deleted*;
- only in history, not deleted there → *deleted outside the application*;
- only live → *created outside the application* (it has no history at all),
  unless the chain's beginning was archived and the row was last updated before
  the archive's cut-off: its history is in the archive, and it is counted as such.

Memory stays bounded (chunks of both streams) and the work is linear in the rows
read. On PostgreSQL each table is compared inside one read-only REPEATABLE READ
transaction, so a change committed meanwhile is seen whole or not at all; on
SQLite each suspect record is read again in a short transaction before it is
reported.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from itertools import islice
from types import SimpleNamespace
from typing import Any

from django.db import connections, models, router, transaction
from django.db.models import Max

from audit.models import ChainEntry
from audit.report import MAX_KEPT, DriftProblem, Progress, VerifyReport
from audit.tracking import history_model, plan_id_of, tracked_models

CHUNK = 2000
CHANGED = "changed outside the application"
DELETED = "deleted outside the application"
CREATED = "created outside the application"
RESURRECTED = "present although deleted"
SHOWN_COLUMNS = 3


def recorded_columns(model: type[models.Model]) -> list[str]:
    """The live columns its history records, primary key first."""
    recorded = {f.attname for f in history_model(model)._meta.concrete_fields}
    pk = model._meta.pk.attname
    return [pk] + [
        f.attname for f in model._meta.concrete_fields if f.attname in recorded and f.attname != pk
    ]


def _require_integer_key(model: type[models.Model]) -> None:
    if not isinstance(model._meta.pk, models.AutoField | models.BigAutoField | models.IntegerField):
        raise TypeError(
            f"{model._meta.label} has a non-integer primary key; the drift check merges live "
            "and historical rows in primary-key order and needs integer keys."
        )


def _chunks(iterator: Iterator[Any], size: int) -> Iterator[list[Any]]:
    while chunk := list(islice(iterator, size)):
        yield chunk


def _same(live: Any, recorded: Any) -> bool:
    if live == recorded:
        return True
    # NaN is not equal to itself; the chain's canonical form compares it by repr.
    return isinstance(live, float) and isinstance(recorded, float) and repr(live) == repr(recorded)


def _short(value: Any) -> str:
    text = "empty" if value is None or value == "" else str(value)
    return text if len(text) <= 60 else text[:59] + "…"


class _ModelCheck:
    """The drift check of one tracked model."""

    def __init__(self, model: type[models.Model], report: VerifyReport, archive_cutoff: Any):
        self.model = model
        self.table = history_model(model)
        self.report = report
        self.archive_cutoff = archive_cutoff
        self.columns = recorded_columns(model)
        self.pk = self.columns[0]
        self.suspects: list[int] = []

    def run(self) -> None:
        live_rows = (
            self.model._base_manager.order_by(self.pk)
            .values_list(*self.columns)
            .iterator(chunk_size=CHUNK)
        )
        latest = (
            self.table._default_manager.values(self.pk)
            .annotate(latest=Max("history_id"))
            .order_by(self.pk)
            .values_list(self.pk, "latest")
            .iterator(chunk_size=CHUNK)
        )
        live = next(live_rows, None)
        for chunk in _chunks(latest, CHUNK):
            recorded = {
                values[0]: values[1:]
                for values in self.table._default_manager.filter(
                    history_id__in=[history_id for _, history_id in chunk]
                ).values_list("history_id", "history_type", *self.columns)
            }
            for object_id, history_id in chunk:
                while live is not None and live[0] < object_id:
                    self._live_only(live)
                    live = next(live_rows, None)
                history_type, *history = recorded[history_id]
                if live is not None and live[0] == object_id:
                    self.report.live_rows += 1
                    if history_type == "-" or not all(
                        _same(a, b) for a, b in zip(live, history, strict=True)
                    ):
                        self.suspects.append(object_id)
                    live = next(live_rows, None)
                elif history_type != "-":
                    self.suspects.append(object_id)
                self._flush_if_full()
        while live is not None:
            self._live_only(live)
            live = next(live_rows, None)
        self._flush()

    def _live_only(self, live: tuple[Any, ...]) -> None:
        self.report.live_rows += 1
        self.suspects.append(live[0])
        self._flush_if_full()

    def _flush_if_full(self) -> None:
        if len(self.suspects) >= CHUNK:
            self._flush()

    def _flush(self) -> None:
        for object_id in self.suspects:
            if self.report.drift_count >= MAX_KEPT:
                # Counted without a second look once enough are described.
                self._count_only(object_id)
                continue
            self._diagnose(object_id)
        self.suspects.clear()

    def _count_only(self, object_id: int) -> None:
        self.report.add_drift(
            DriftProblem(
                "drift", self.model._meta.db_table, self.model._meta.label, object_id, None, ""
            )
        )

    def _state(self, object_id: int) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
        live = self.model._base_manager.filter(pk=object_id).values(*self.columns).first()
        latest = (
            self.table._default_manager.filter(**{self.pk: object_id})
            .order_by("-history_id")
            .values("history_id", "history_type", *self.columns)
            .first()
        )
        return live, latest

    def _diagnose(self, object_id: int) -> None:
        """Read the record again (consistently) and describe what is wrong, if anything."""
        alias = router.db_for_read(self.model)
        if connections[alias].vendor == "postgresql":
            live, latest = self._state(object_id)  # inside the pass's snapshot already
        else:
            with transaction.atomic(using=alias):
                live, latest = self._state(object_id)
        kind, detail = self._explain(object_id, live, latest)
        if kind is None:
            return
        entry = self._entry_of(latest)
        seq = entry[0] if entry else None
        name = f"{self.model._meta.verbose_name} “{entry[1]}”" if entry else ""
        where = f"{self.model._meta.db_table} #{object_id}" + (f" ({name})" if name else "")
        source = live if live is not None else latest
        self.report.add_drift(
            DriftProblem(
                kind=kind,
                table=self.model._meta.db_table,
                model_label=self.model._meta.label,
                object_id=object_id,
                plan_id=plan_id_of(self.model, SimpleNamespace(**source)) if source else None,
                detail=f"{where}: {detail}" + (f" (latest history: entry #{seq})" if seq else ""),
                seq=seq,
            )
        )

    def _explain(
        self, object_id: int, live: dict[str, Any] | None, latest: dict[str, Any] | None
    ) -> tuple[str | None, str]:
        if live is None and latest is None:
            return None, ""
        if latest is None:
            assert live is not None
            if self._archived(live):
                self.report.archived_rows += 1
                return None, ""
            return CREATED, f"{CREATED}: it is in the table but has no history"
        if live is None:
            if latest["history_type"] == "-":
                return None, ""
            return DELETED, f"{DELETED}: it is gone from the table, but its history says it exists"
        if latest["history_type"] == "-":
            return RESURRECTED, "is in the table although its history records its deletion"
        differing = [c for c in self.columns if not _same(live[c], latest[c])]
        if not differing:
            return None, ""
        shown = "; ".join(
            f"{self._label(c)} is {_short(live[c])} in the table but {_short(latest[c])} "
            "in its history"
            for c in differing[:SHOWN_COLUMNS]
        )
        more = len(differing) - SHOWN_COLUMNS
        return CHANGED, f"{CHANGED}: {shown}" + (f" (and {more} more)" if more > 0 else "")

    def _archived(self, live: dict[str, Any]) -> bool:
        updated = live.get("updated_at")
        return (
            self.archive_cutoff is not None
            and updated is not None
            and updated < self.archive_cutoff
        )

    def _label(self, attname: str) -> str:
        for f in self.model._meta.concrete_fields:
            if f.attname == attname:
                return f"{f.verbose_name} ({f.column})"
        return attname

    def _entry_of(self, latest: dict[str, Any] | None) -> tuple[int, str] | None:
        if latest is None:
            return None
        found = (
            ChainEntry.objects.filter(
                model_label=self.model._meta.label, history_id=latest["history_id"]
            )
            .values_list("seq", "object_repr")
            .first()
        )
        return (found[0], found[1]) if found else None


def _existing_tables() -> set[str]:
    return set(connections[router.db_for_read(ChainEntry)].introspection.table_names())


def _snapshot_of(alias: str) -> Any:
    """A consistent read of one table pair: PostgreSQL's REPEATABLE READ, read-only.

    Per model, not for the whole pass: progress is written between models, and a
    read-only transaction could not write it.
    """
    connection = connections[alias]
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return nullcontext()
    return _repeatable_read(alias)


@contextmanager
def _repeatable_read(alias: str) -> Iterator[None]:
    with transaction.atomic(using=alias):
        with connections[alias].cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            # Every row of both cursors is read: plan them for the whole read, not for their
            # first rows (a grouped index walk of a million history rows instead of one pass).
            cursor.execute("SET LOCAL cursor_tuple_fraction = 1")
        yield


def check_drift(
    report: VerifyReport, *, archived_to: int = 0, progress: Progress | None = None
) -> None:
    """Compare every live row of every tracked model with its latest history; add to ``report``."""
    archive_cutoff = None
    if archived_to:
        archive_cutoff = (
            ChainEntry.objects.order_by("seq").values_list("history_date", flat=True).first()
        )
    alias = router.db_for_read(ChainEntry)
    if progress is not None:
        progress(0.9, "Comparing the live data with its history")
    tables = _existing_tables()
    models_ = [
        m
        for m in tracked_models()
        if m._meta.db_table in tables and history_model(m)._meta.db_table in tables
    ]
    for number, model in enumerate(models_):
        _require_integer_key(model)
        with _snapshot_of(alias):
            _ModelCheck(model, report, archive_cutoff).run()
        report.live_tables += 1
        if progress is not None:
            progress(
                0.9 + 0.1 * (number + 1) / len(models_),
                f"Compared {report.live_rows:,} live rows with their history",
            )
    report.live_checked = True
