"""The change appendix: what changed in the plan's data since the previous published version.

A summary a stakeholder can read in a minute — by section and kind of record, how many
were added, changed and removed, with a few notable changes spelled out — not the raw
list. The full list, each line with its entry in the hash-chained history, is the
auditor's evidence export; the appendix names the range of chain entries it covers.

The first version says it is the first. Counting uses the history chain (one
aggregate query on its plan index); the notable changes read at most
:data:`NOTABLE_RECORDS` historical rows and their predecessors (two queries a model).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import models
from django.db.models import Count, Max, Min

from audit.models import ChainEntry
from audit.versions import changed_values, row_values
from bcp.models import Plan

# Records describing the publishing itself, not the plan's data.
NOT_INPUTS = {"documents.PlanVersion", "documents.SignOffRequest", "review.ReviewTask"}
SECTIONS = {
    "bcp": "Plan and members",
    "bia": "Business impact analysis",
    "inventory": "Inventory",
    "analysis": "Analysis settings and incidents",
}
DOCUMENT_SECTIONS = {
    "Contact": "Contacts, call tree and vendors",
    "CallTreeEntry": "Contacts, call tree and vendors",
    "Vendor": "Contacts, call tree and vendors",
    "RecoveryProcedure": "Recovery procedures",
    "ProcedureStep": "Recovery procedures",
    "Exercise": "Exercises",
    "DocumentSettings": "Sign-off and document settings",
    "NamedApprover": "Sign-off and document settings",
}
SECTION_ORDER = (
    "Plan and members",
    "Business impact analysis",
    "Inventory",
    "Analysis settings and incidents",
    "Recovery procedures",
    "Contacts, call tree and vendors",
    "Exercises",
    "Sign-off and document settings",
)
# Bounds that keep the appendix within two pages.
MAX_ROWS = 24
NOTABLE_PER_ROW = 3
NOTABLE_RECORDS = 200
VALUE_CHARS = 40


@dataclass(frozen=True)
class RecordChanges:
    """One kind of record in one section: how many added, changed, removed, and examples."""

    section: str
    record: str
    added: int
    changed: int
    removed: int
    notable: tuple[str, ...]


@dataclass(frozen=True)
class ChangeSummary:
    first_version: bool
    previous_number: int | None
    since: str | None
    total: int
    first_entry: int | None
    last_entry: int | None
    rows: tuple[RecordChanges, ...]
    more_rows: int


def _model(label: str) -> type[models.Model] | None:
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def _section(label: str) -> str:
    app, _, name = label.partition(".")
    if app == "documents":
        return DOCUMENT_SECTIONS.get(name, "Sign-off and document settings")
    return SECTIONS.get(app, "Other records")


def _record_name(label: str) -> str:
    model = _model(label)
    if model is None:
        return label.rpartition(".")[2]
    return str(model._meta.verbose_name_plural).capitalize()


def _value(value: Any) -> str:
    if value is None or value == "":
        return "empty"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    text = " ".join(str(value).split())
    return text if len(text) <= VALUE_CHARS else text[: VALUE_CHARS - 1] + "…"


def _field_changes(model: type[models.Model], old: Any, new: Any) -> list[str]:
    found = []
    for field, before, after in changed_values(model, row_values(old), row_values(new)):
        label = str(field.verbose_name)
        if field.is_relation or isinstance(field, models.JSONField):
            found.append(f"{label} changed")
        else:
            found.append(f"{label} {_value(before)} → {_value(after)}")
    return found


def _notable(entries: list[Any]) -> dict[str, list[str]]:
    """Up to :data:`NOTABLE_PER_ROW` sentences per model label, newest first."""
    notable: dict[str, list[str]] = defaultdict(list)
    changed: dict[str, list[Any]] = defaultdict(list)
    for entry in entries:
        lines = notable[entry.model_label]
        if entry.history_type == "~":
            changed[entry.model_label].append(entry)
        elif len(lines) < NOTABLE_PER_ROW:
            verb = "Added" if entry.history_type == "+" else "Removed"
            lines.append(f"{verb}: {entry.object_repr}")
    for label, rows in changed.items():
        model = _model(label)
        history = getattr(model, "history", None) if model is not None else None
        if model is None or history is None:
            continue
        pk_name = model._meta.pk.attname
        history_model = history.model
        current = {
            r.history_id: r
            for r in history_model._default_manager.filter(
                history_id__in=[e.history_id for e in rows]
            )
        }
        object_ids = {getattr(r, pk_name) for r in current.values()}
        earlier: dict[Any, list[Any]] = defaultdict(list)
        for r in history_model._default_manager.filter(
            **{f"{pk_name}__in": object_ids},
            history_id__lt=max(current, default=0),
        ).order_by("history_id"):
            earlier[getattr(r, pk_name)].append(r)
        for entry in rows:
            lines = notable[label]
            if len(lines) >= NOTABLE_PER_ROW:
                break
            row = current.get(entry.history_id)
            if row is None:
                continue
            previous = [
                r for r in earlier.get(getattr(row, pk_name), []) if r.history_id < row.history_id
            ]
            if not previous:
                continue
            for change in _field_changes(model, previous[-1], row):
                sentence = f"{entry.object_repr}: {change}"
                if sentence not in lines and len(lines) < NOTABLE_PER_ROW:
                    lines.append(sentence)
    return notable


def latest_data_change(plan: Plan) -> int | None:
    """The newest history-chain entry that changed the plan's data (None: none recorded).

    Publishing and sign-off are not data changes (:data:`NOT_INPUTS`).
    """

    latest: int | None = (
        ChainEntry.objects.filter(plan_id=plan.pk)
        .exclude(model_label__in=NOT_INPUTS)
        .aggregate(latest=Max("seq"))["latest"]
    )
    return latest


def superseded_by_changes(
    *, snapshot_sha256: str, history_seq: int | None, current_sha256: str, latest_change: int | None
) -> bool:
    """Whether a version is superseded by changes to the plan since it was frozen.

    Both must hold: the document built now differs from the version (``current_sha256``,
    the hash of the plan's inputs as they are now), and a change to the plan's data was
    recorded after the version's history checkpoint. The hash alone is not enough: the
    analysis part is hashed as this release words it, so an upgrade that rewords it would
    otherwise supersede every version awaiting sign-off with no data changed; a change put
    back as it was leaves the hash equal and supersedes nothing. Versions frozen before
    checkpoints were kept (``history_seq`` None) are judged on the hash alone.
    """
    if snapshot_sha256 == current_sha256:
        return False
    if history_seq is None:
        return True
    return latest_change is not None and latest_change > history_seq


def change_summary(
    plan: Plan,
    *,
    since_seq: int | None,
    until_seq: int,
    previous_number: int | None,
    since: str | None,
) -> ChangeSummary:
    """Changes to the plan's data in history-chain entries after ``since_seq`` up to ``until_seq``.

    ``since_seq`` is None for the first version: then only the totals are given.
    """

    entries = ChainEntry.objects.filter(plan_id=plan.pk, seq__lte=until_seq).exclude(
        model_label__in=NOT_INPUTS
    )
    if since_seq is not None:
        entries = entries.filter(seq__gt=since_seq)
    totals = entries.aggregate(total=Count("seq"), first=Min("seq"), last=Max("seq"))
    first_version = since_seq is None
    rows = [] if first_version else _record_rows(entries)
    return ChangeSummary(
        first_version=first_version,
        previous_number=None if first_version else previous_number,
        since=None if first_version else since,
        total=totals["total"],
        first_entry=totals["first"],
        last_entry=totals["last"],
        rows=tuple(rows[:MAX_ROWS]),
        more_rows=max(0, len(rows) - MAX_ROWS),
    )


def _record_rows(entries: models.QuerySet[ChainEntry]) -> list[RecordChanges]:
    """What changed per kind of record, in the sections' order, most changed first."""
    counts: dict[str, dict[str, int]] = defaultdict(lambda: {"+": 0, "~": 0, "-": 0})
    for row in entries.values("model_label", "history_type").annotate(n=Count("seq")):
        counts[row["model_label"]][row["history_type"]] += row["n"]
    recent = list(
        entries.only("model_label", "history_id", "history_type", "object_repr").order_by("-seq")[
            :NOTABLE_RECORDS
        ]
    )
    notable = _notable(recent)
    return sorted(
        (
            RecordChanges(
                section=_section(label),
                record=_record_name(label),
                added=c["+"],
                changed=c["~"],
                removed=c["-"],
                notable=tuple(notable.get(label, [])),
            )
            for label, c in counts.items()
        ),
        key=lambda r: (
            SECTION_ORDER.index(r.section) if r.section in SECTION_ORDER else len(SECTION_ORDER),
            -(r.added + r.changed + r.removed),
            r.record,
        ),
    )
