"""Verifying change history: the hash chain, anchors kept outside it, and the live data.

Four checks, each streamed in chunks (memory bounded whatever the size of the
history) and each linear in what it reads:

1. **The chain walk**: every entry in ``seq`` order — its link to the entry
   before, its own hash, the content hash of the historical row it names, and
   the copy of who/when/why it keeps for the auditor pages. Entries are read by
   ``seq`` ranges, their rows with one query per history table per chunk.
2. **Rows outside the chain**: historical rows that no entry names (inserted
   behind the application's back), found with one anti-join per history table.
3. **Checkpoints**: a chain head recorded outside the database (printed in every
   evidence export, written by ``record_chain_head``) must still be in the chain
   with the same hash. This is what catches the newest entries being removed
   together with their historical rows: nothing inside the database remembers them.
4. **Drift** (:mod:`audit.drift`): every live row of every tracked model equals
   its latest historical row, and every record whose history says it exists has
   a live row — an ``UPDATE`` or ``DELETE`` on a live table shows up here.

Speed: on PostgreSQL the database recomputes every entry's hash and its row's
content hash (:mod:`audit.walk_sql`, two connections at once) and this module
checks the links in order and looks closer only at the entries it could not
vouch for. Elsewhere the walk reads entries and rows with :mod:`audit.verify_reading`,
timestamps as canonical text from the database rather than parsed into datetimes and
formatted again (most of the cost of a naive walk). Whenever a fast comparison disagrees, that one
entry is checked again the exact way the chain was written
(:func:`_exact_problems`), so the fast paths can save time but never invent a
problem nor pass one.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connections, router
from django.db.models import Exists, OuterRef

from audit import tracking, walk_sql
from audit.chain import column_names, content_hash_of, content_of, recomputed_entry_hash
from audit.drift import check_drift
from audit.models import GENESIS_HASH, ChainEntry
from audit.report import ChainProblem, Progress, VerifyReport
from audit.tracking import tracked_model_for, tracked_models
from audit.verify_reading import (
    CHUNK,
    ENTRY_COLUMNS,
    Entry,
    EntryReader,
    RowReaders,
    chunks,
)

# Entries per query of the PostgreSQL walk (audit.walk_sql): large enough that a query's
# overhead is small against its hashing, small enough for frequent progress.
WALK_CHUNK = 10_000
HASH_LENGTH = 64


def parse_checkpoint(text: str) -> tuple[int, str]:
    """``SEQ:HASH`` (as printed in exports) → (seq, lower-case hash); ValueError when malformed."""
    seq, _, entry_hash = text.strip().partition(":")
    entry_hash = entry_hash.strip().lower()
    if (
        not seq.isdigit()
        or len(seq) > 19
        or len(entry_hash) != HASH_LENGTH
        or any(c not in "0123456789abcdef" for c in entry_hash)
    ):
        raise ValueError(
            "A checkpoint is SEQ:HASH — the entry number, a colon and its 64-character "
            "sha256 hash, as printed in an evidence export."
        )
    return int(seq), entry_hash


# --- the chain walk ------------------------------------------------------------------------


def _problem(entry: Entry, kind: str, detail: str, *, seq: int | None = None) -> ChainProblem:
    return ChainProblem(
        kind,
        detail,
        model_label=entry.model_label,
        history_id=entry.history_id,
        seq=entry.seq if seq is None else seq,
        plan_id=entry.plan_id,
    )


def _link_problems(entry: Entry, expected_seq: int, prev_hash: str) -> list[ChainProblem]:
    problems: list[ChainProblem] = []
    if entry.seq != expected_seq:
        if entry.seq > expected_seq:
            detail = f"chain entries {expected_seq}–{entry.seq - 1} are missing (deleted)"
        else:
            detail = f"entry {entry.seq} repeats or goes back in the sequence"
        problems.append(_problem(entry, "entries missing", detail, seq=expected_seq))
    if entry.prev_hash != prev_hash:
        detail = f"its previous-hash does not match entry {entry.seq - 1}"
        problems.append(_problem(entry, "link broken", detail))
    if recomputed_entry_hash(entry) != entry.entry_hash:
        problems.append(_problem(entry, "entry altered", "the chain entry itself was altered"))
    return problems


def _row_problems(entry: Entry, row: dict[str, Any] | None) -> list[ChainProblem]:
    """The historical row still exists, hashes as recorded, and agrees with the entry's copy."""
    name = f"{entry.model_label} history #{entry.history_id}"
    if row is None:
        return [_problem(entry, "row missing", f"{name} was deleted from the history table")]
    problems: list[ChainProblem] = []
    fields = entry.content_fields.split(",")
    lost = [column for column in fields if column not in row]
    if lost:
        columns = "column" if len(lost) == 1 else "columns"
        detail = f"{name} lost {columns} {', '.join(lost)} since it was recorded"
        problems.append(_problem(entry, "column missing", detail))
    elif content_hash_of(content_of(row, fields)) != entry.content_hash:
        detail = f"{name} was edited after it was recorded"
        problems.append(_problem(entry, "content changed", detail))
    model = tracked_model_for(entry.model_label)
    assert model is not None
    pairs = {
        "object id": (entry.object_id, str(row[model._meta.pk.attname])),
        "type": (entry.history_type, row["history_type"]),
        "date": (entry.history_date, row["history_date"]),
        "user": (entry.user_id, row["history_user_id"]),
        "reason": (entry.reason, row["history_change_reason"] or ""),
        "ticket": (entry.ticket, row.get("history_ticket") or ""),
        "batch": (entry.batch, row.get("history_batch")),
    }
    differing = [name for name, (copied, actual) in pairs.items() if copied != actual]
    if differing:
        detail = f"the chain's copy of {', '.join(differing)} differs from {name}"
        problems.append(_problem(entry, "index altered", detail))
    return problems


class _FastCheck:
    """The common case, decided quickly: the row hashes as recorded and agrees with its entry.

    False means "look closer" (:func:`_exact_problems` then finds what, if anything, is wrong).
    """

    def __init__(self) -> None:
        self._fields: dict[str, list[str]] = {}
        self._keys: dict[str, str] = {}

    def __call__(self, entry: Entry, row: dict[str, Any] | None) -> bool:
        if row is None:
            return False
        fields = self._fields.get(entry.content_fields)
        if fields is None:
            fields = self._fields[entry.content_fields] = entry.content_fields.split(",")
        key = self._keys.get(entry.model_label)
        if key is None:
            model = tracked_model_for(entry.model_label)
            if model is None:
                return False
            key = self._keys[entry.model_label] = model._meta.pk.attname
        try:
            content = content_of(row, fields)
        except KeyError:  # a column the entry covers is gone
            return False
        return (
            content_hash_of(content) == entry.content_hash
            and entry.object_id == str(row[key])
            and entry.history_type == row["history_type"]
            and entry.history_date == row["history_date"]
            and entry.user_id == row["history_user_id"]
            and entry.reason == (row["history_change_reason"] or "")
            and entry.ticket == (row.get("history_ticket") or "")
            and entry.batch == row.get("history_batch")
        )


def _exact_problems(seq: int) -> list[ChainProblem]:
    """Check one entry's row the way it was written: values parsed by the ORM."""
    stored = ChainEntry.objects.values_list(*ENTRY_COLUMNS, "history_date").get(seq=seq)
    entry = Entry(*stored)
    model = tracked_model_for(entry.model_label)
    row = None
    if model is not None:
        table = tracking.history_model(model)
        row = (
            table._default_manager.filter(history_id=entry.history_id)
            .values(*column_names(table))
            .first()
        )
    return _row_problems(entry, row)


def _start(checkpoints: dict[int, str]) -> tuple[int, str, int | None]:
    """Where the walk starts: (expected seq, previous hash, archive checkpoint seq or None).

    A chain whose first entry is past 1 had its beginning archived; it is trusted
    only when a checkpoint names the entry just before it (docs/history-retention.md).
    """
    first = ChainEntry.objects.order_by("seq").values_list("seq", flat=True).first()
    if first is not None and first > 1 and first - 1 in checkpoints:
        return first, checkpoints[first - 1], first - 1
    return 1, GENESIS_HASH, None


def _walk(report: VerifyReport, checkpoints: dict[int, str], progress: Progress | None) -> int:
    """Check every entry; return the seq of the archive checkpoint used, if any."""
    alias = router.db_for_read(ChainEntry)
    expected_seq, prev_hash, archived_to = _start(checkpoints)
    if archived_to is not None:
        report.last_seq, report.head_hash = archived_to, prev_hash
    total = ChainEntry.objects.count() if progress is not None else 0
    if connections[alias].vendor == "postgresql":
        _walk_verdicts(report, checkpoints, progress, total, (expected_seq, prev_hash))
        _unmatched_checkpoints(report, checkpoints, archived_to)
        return archived_to or 0
    fast_check = _FastCheck()
    for chunk, rows in chunks(alias):
        for entry in chunk:
            for problem in _link_problems(entry, expected_seq, prev_hash):
                report.add(problem)
            if not fast_check(entry, rows.get(entry.model_label, {}).get(entry.history_id)):
                # The fast reading disagrees: decide with the exact one.
                for problem in _exact_problems(entry.seq):
                    report.add(problem)
            if entry.seq in checkpoints:
                _check_checkpoint(report, entry, checkpoints[entry.seq])
            # Continue from the stored hash so one break is reported once, not at every later link.
            prev_hash = entry.entry_hash
            expected_seq = entry.seq + 1
            report.checked += 1
            report.last_seq = entry.seq
            report.head_hash = entry.entry_hash
        if progress is not None:
            done = report.checked / max(total, 1)
            progress(0.85 * done, f"Checked {report.checked:,} of {total:,} entries")
    _unmatched_checkpoints(report, checkpoints, archived_to)
    return archived_to or 0


def _walk_verdicts(
    report: VerifyReport,
    checkpoints: dict[int, str],
    progress: Progress | None,
    total: int,
    start: tuple[int, str],
) -> None:
    """The walk on PostgreSQL: the database's verdicts (:mod:`audit.walk_sql`), links here.

    An entry whose verdicts are not both true, or whose link to the entry before
    does not hold, is read in full and checked exactly as :func:`_walk` checks every
    entry elsewhere, so both walks report the same problems.
    """
    alias = router.db_for_read(ChainEntry)
    expected_seq, prev_hash = start
    entries, readers, fast_check = EntryReader(alias), RowReaders(alias), _FastCheck()
    for chunk in walk_sql.verdicts(alias, after=max(expected_seq - 1, 0), size=WALK_CHUNK):
        doubtful = [seq for seq, _, _, entry_ok, row_ok in chunk if not (entry_ok and row_ok)]
        full = {entry.seq: entry for entry in entries.where_in(doubtful)} if doubtful else {}
        rows = readers.rows_for(list(full.values())) if full else {}
        for seq, entry_prev, entry_hash, entry_ok, row_ok in chunk:
            if seq != expected_seq or entry_prev != prev_hash or not entry_ok:
                entry = full.get(seq) or entries.where_in([seq])[0]
                for problem in _link_problems(entry, expected_seq, prev_hash):
                    report.add(problem)
            if not row_ok:
                entry = full[seq]
                if not fast_check(entry, rows.get(entry.model_label, {}).get(entry.history_id)):
                    for problem in _exact_problems(seq):
                        report.add(problem)
            if seq in checkpoints:
                _check_checkpoint(report, entries.where_in([seq])[0], checkpoints[seq])
            prev_hash = entry_hash
            expected_seq = seq + 1
            report.checked += 1
            report.last_seq = seq
            report.head_hash = entry_hash
        if progress is not None:
            done = report.checked / max(total, 1)
            progress(0.85 * done, f"Checked {report.checked:,} of {total:,} entries")


def _check_checkpoint(report: VerifyReport, entry: Entry, recorded: str) -> None:
    if recorded == entry.entry_hash:
        report.checkpoints_confirmed.append(entry.seq)
        return
    detail = (
        f"entry {entry.seq} has hash {entry.entry_hash[:12]}…, not the {recorded[:12]}… "
        "recorded at the checkpoint: the chain was rewritten up to here"
    )
    report.add(_problem(entry, "checkpoint differs", detail, seq=entry.seq))


def _unmatched_checkpoints(
    report: VerifyReport, checkpoints: dict[int, str], archived_to: int | None
) -> None:
    for seq, entry_hash in sorted(checkpoints.items()):
        if seq in report.checkpoints_confirmed or seq == archived_to:
            continue
        if seq == 0 and entry_hash == GENESIS_HASH:
            continue
        if seq > report.last_seq:
            detail = (
                f"the chain ends at entry {report.last_seq}, but entry {seq} "
                f"(hash {entry_hash[:12]}…) was recorded at a checkpoint: entries "
                f"{report.last_seq + 1}–{seq} were removed from its end"
            )
            report.add(ChainProblem("entries missing", detail, seq=report.last_seq + 1))
        elif not any(p.seq == seq and p.kind == "checkpoint differs" for p in report.problems):
            detail = (
                f"checkpoint entry {seq} is not in the chain (it starts after it): verify "
                "that entry against the archive it was moved to"
            )
            report.add(ChainProblem("checkpoint not in chain", detail, seq=seq))


# --- rows outside the chain ------------------------------------------------------------------


def _unchained_rows(report: VerifyReport, limit: int) -> None:
    """Historical rows that no chain entry covers: inserted behind the chain's back.

    One counted anti-join per history table, listed row by row only where it finds
    some; rows chained while the walk ran are covered.
    """
    tables = set(connections[router.db_for_read(ChainEntry)].introspection.table_names())
    found = 0
    for tracked in tracked_models():
        history_model = tracking.history_model(tracked)
        if history_model._meta.db_table not in tables:
            continue
        label = tracked._meta.label
        chained = ChainEntry.objects.filter(model_label=label, history_id=OuterRef("history_id"))
        outside = history_model._default_manager.filter(~Exists(chained))
        # Counted first: an aggregate lets PostgreSQL read both sides once (a hash anti-join,
        # about a second at a million rows), where a cursor over the rows makes it pick a
        # row-by-row probe several times slower, only to find nothing in an intact history.
        if not outside.count():
            continue
        listed = outside.order_by("history_id").values_list("history_id", "history_date")
        for history_id, history_date in listed.iterator(chunk_size=CHUNK):
            found += 1
            if found > limit:
                report.problem_count += 1  # counted; the first ``limit`` are described
                continue
            after = (
                ChainEntry.objects.filter(history_date__lte=history_date)
                .order_by("-seq")
                .values_list("seq", flat=True)
                .first()
            )
            report.add(
                ChainProblem(
                    "row not in chain",
                    f"{label} history #{history_id} "
                    f"(dated {history_date:%Y-%m-%d %H:%M:%S}) is not in the chain: "
                    "it was inserted outside the application",
                    model_label=label,
                    history_id=history_id,
                    after_seq=after or 0,
                )
            )


# --- everything ------------------------------------------------------------------------------


def verify_chain(
    *,
    max_unchained: int = 100,
    checkpoints: Sequence[tuple[int, str]] = (),
    check_live: bool = True,
    progress: Progress | None = None,
) -> VerifyReport:
    """Verify the whole history: chain, rows outside it, checkpoints and (by default) drift.

    ``checkpoints`` are (seq, entry hash) pairs recorded outside the database:
    each must still be in the chain with that hash. One naming the entry just
    before the chain's first entry anchors a chain whose beginning was archived.
    ``progress(fraction, message)`` is called after each chunk.
    """
    report = VerifyReport()
    wanted = {seq: entry_hash.lower() for seq, entry_hash in checkpoints}
    archived_to = _walk(report, wanted, progress)
    if progress is not None:
        progress(0.86, "Looking for history rows outside the chain")
    _unchained_rows(report, max_unchained)
    if check_live:
        check_drift(report, archived_to=archived_to, progress=progress)
    return report
