"""Evidence export: filtered history as CSV, JSON (verifiable outside) and a PDF report.

CSV and JSON stream in chunks of :data:`CHUNK` entries, so an export of the whole
history neither loads it into memory nor issues one query per row.

Verifying a JSON export without this application: see :func:`verify_export`,
which uses only the Python standard library and can be copied out on its own.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from typing import Any

from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import timezone
from weasyprint import HTML

from audit.chain import content_of
from audit.models import ChainEntry
from audit.selectors import ChainHead, EntryView, describe_entries, with_previous

CHUNK = 500
# Spreadsheets treat a cell starting with these as a formula (or strip them first).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

CSV_HEAD_MARKER = "# chain head at export"
CSV_HEADER = [
    "entry",
    "date (UTC)",
    "user",
    "action",
    "record type",
    "record id",
    "record",
    "changes",
    "reason",
    "ticket",
    "batch",
    "history id",
    "content hash",
    "previous hash",
    "entry hash",
]


def neutralise(value: Any) -> str:
    """Make a cell inert in spreadsheets: a leading quote before formula characters."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def _views(entries: QuerySet[ChainEntry]) -> Iterator[EntryView]:
    iterator = with_previous(entries).order_by("seq").iterator(chunk_size=CHUNK)
    while chunk := list(islice(iterator, CHUNK)):
        yield from describe_entries(chunk)


def _changes_text(view: EntryView) -> str:
    if view.entry.history_type == "-":
        return "deleted"
    return "; ".join(
        f"{change.label}: {change.old or '—'} → {change.new}"
        if view.entry.history_type == "~"
        else f"{change.label}: {change.new}"
        for change in view.changes
    )


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_rows(entries: QuerySet[ChainEntry], *, head: ChainHead) -> Iterator[str]:
    """CSV text, header first, one line per entry, every cell neutralised.

    Only entries up to ``head`` (read when the export started) are written, and
    the last line names it — ``# chain head at export`` and ``SEQ:HASH`` — so the
    file carries the checkpoint that ``verify_history --checkpoint`` accepts.
    """
    writer = csv.writer(_Echo())
    yield writer.writerow(CSV_HEADER)
    entries = entries.filter(seq__lte=head.seq)
    for view in _views(entries):
        entry = view.entry
        cells = [
            entry.seq,
            entry.history_date.astimezone(dt.UTC).isoformat(),
            view.actor,
            entry.get_history_type_display(),
            view.model_name,
            entry.object_id,
            entry.object_repr,
            _changes_text(view),
            entry.reason,
            entry.ticket,
            entry.batch or "",
            entry.history_id,
            entry.content_hash,
            entry.prev_hash,
            entry.entry_hash,
        ]
        yield writer.writerow([neutralise(cell) for cell in cells])
    yield writer.writerow([CSV_HEAD_MARKER, head.checkpoint])


def _entry_document(view: EntryView) -> dict[str, Any]:
    entry = view.entry
    fields = entry.content_fields.split(",")
    content = (
        content_of(view.row, fields)
        if view.row is not None and all(f in view.row for f in fields)
        else None
    )
    return {
        "seq": entry.seq,
        "model": entry.model_label,
        "history_id": entry.history_id,
        "object_id": entry.object_id,
        "object_repr": entry.object_repr,
        "plan_id": entry.plan_id,
        "user": view.actor,
        "changes": [
            {"field": c.name, "label": c.label, "old": c.old, "new": c.new} for c in view.changes
        ],
        "content": content,
        "content_hash": entry.content_hash,
        "prev_hash": entry.prev_hash,
        "entry_hash": entry.entry_hash,
    }


VERIFY_NOTE = (
    "content_hash = sha256(canonical JSON of content); entry_hash = sha256(canonical JSON of "
    "{seq, prev_hash, content_hash, model, history_id, object_id, plan_id, object_repr}); "
    "canonical JSON = keys sorted, separators ',' and ':', UTF-8, no ASCII escaping. Where "
    "two entries have consecutive seq, the later one's prev_hash equals the earlier one's "
    "entry_hash. See docs/history-retention.md."
)


def json_chunks(
    entries: QuerySet[ChainEntry], *, plan_id: int, filters: dict[str, str], head: ChainHead
) -> Iterator[str]:
    """A JSON document streamed in pieces: metadata first, then the entries array.

    Entries stop at ``head`` (read when the export started), which the metadata names.
    """
    header = {
        "format": "continuity-history/1",
        "exported_at": timezone.now().isoformat(),
        "plan_id": plan_id,
        "filters": filters,
        "chain_head": {
            "seq": head.seq,
            "entry_hash": head.entry_hash,
            "checkpoint": head.checkpoint,
        },
        "verification": VERIFY_NOTE,
    }
    entries = entries.filter(seq__lte=head.seq)
    opening = json.dumps(header, ensure_ascii=False, indent=1)
    yield opening[:-2] + ',\n "entries": ['
    first = True
    for view in _views(entries):
        yield ("\n  " if first else ",\n  ") + json.dumps(
            _entry_document(view), ensure_ascii=False, sort_keys=True
        )
        first = False
    yield "\n ]\n}\n"


def verify_export(document: dict[str, Any]) -> list[str]:
    """Check a JSON export's hashes with nothing but the standard library.

    Returns a list of problems (empty when everything checks). Copy this
    function and :func:`_canonical` out to verify evidence on another machine.
    """
    problems: list[str] = []
    previous: dict[str, Any] | None = None
    for item in document.get("entries", []):
        seq = item["seq"]
        if item["content"] is None:
            problems.append(f"entry {seq}: its history row was missing at export time")
        elif _sha256(_canonical(item["content"])) != item["content_hash"]:
            problems.append(f"entry {seq}: content does not match content_hash")
        linked = {
            key: item[key]
            for key in (
                "seq",
                "prev_hash",
                "content_hash",
                "history_id",
                "object_id",
                "plan_id",
                "object_repr",
            )
        }
        linked["model"] = item["model"]
        if _sha256(_canonical(linked)) != item["entry_hash"]:
            problems.append(f"entry {seq}: entry_hash does not match its fields")
        if (
            previous is not None
            and previous["seq"] + 1 == seq
            and item["prev_hash"] != previous["entry_hash"]
        ):
            problems.append(f"entry {seq}: prev_hash does not link to entry {seq - 1}")
        previous = item
    return problems


def _canonical(data: Any) -> bytes:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --- PDF ----------------------------------------------------------------------------

PDF_LIMIT = 2000
REPORTS_FOLDER = "audit/reports"


def _refuse_fetch(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    """The report needs no external resource; fetching anything is refused."""
    raise ValueError(f"The history report does not load external resources ({url}).")


def pdf_report(
    *,
    plan: Any,
    entries: QuerySet[ChainEntry],
    period: str,
    filters: Iterable[tuple[str, str]],
    head: ChainHead,
    progress: Callable[[int, str], None] | None = None,
) -> tuple[bytes, int]:
    """A printable report of the period's changes, with each entry's hash; (PDF, pages).

    Entries up to ``head`` only; the report prints the head as the checkpoint to
    verify against. Progress: describing the entries (to 60 %), then the layout.
    """

    entries = entries.filter(seq__lte=head.seq)
    total = entries.count()
    shown = min(total, PDF_LIMIT)
    rows = []
    for view in islice(_views(entries), PDF_LIMIT):
        rows.append((view, _changes_text(view)))
        if progress is not None and len(rows) % CHUNK == 0:
            progress(
                5 + int(55 * len(rows) / max(shown, 1)),
                f"Described {len(rows):,} of {shown:,} entries",
            )
    if progress is not None:
        progress(60, "Laying out the pages")
    html = render_to_string(
        "audit/report_pdf.html",
        {
            "plan": plan,
            "rows": rows,
            "total": total,
            "truncated": total > PDF_LIMIT,
            "limit": PDF_LIMIT,
            "period": period,
            "filters": list(filters),
            "generated_at": timezone.now(),
            "head": head,
        },
    )
    document = HTML(string=html, url_fetcher=_refuse_fetch).render()
    if progress is not None:
        progress(90, f"Writing {len(document.pages)} pages")
    pdf: bytes = document.write_pdf()
    return pdf, len(document.pages)
