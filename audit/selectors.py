"""Reads for the auditor pages and exports.

The chain table doubles as a cross-model index of history (plan, model, object,
user, date, reason, ticket, batch), so a filtered timeline is one indexed query
on it plus, per page, one query per history table involved and one per model
whose names are shown — never one per row.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection, models
from django.db.models import Exists, Max, OuterRef, QuerySet, Subquery
from django.http import Http404
from django.urls import reverse

from audit.chain import column_names
from audit.models import GENESIS_HASH, MAX_ID, ChainEntry
from audit.tasks import HISTORY_VERIFY_KIND
from audit.tracking import history_model, plan_path, tracked_model_for, tracked_models
from audit.versions import FieldChange, Names, data_fields, differences, display
from bcp.models import Job, Plan

PLAN_COLUMN = frozenset({"plan_id"})


@dataclass(frozen=True, slots=True)
class ChainHead:
    """The newest link of the history chain: what an auditor anchors outside the database.

    ``seq`` 0 and the genesis hash mean the chain is empty. Printed in published plan
    PDFs and evidence exports so that a later ``verify_history --checkpoint SEQ:HASH``
    can prove no entry up to it was altered or removed.
    """

    seq: int
    entry_hash: str

    @property
    def checkpoint(self) -> str:
        return f"{self.seq}:{self.entry_hash}"


def chain_head() -> ChainHead:
    """The chain's newest entry (one indexed query on the primary key)."""
    last = ChainEntry.objects.order_by("-seq").values_list("seq", "entry_hash").first()
    return ChainHead(last[0], last[1]) if last else ChainHead(0, GENESIS_HASH)


@dataclass
class EntryView:
    """One history entry as the pages show it: the entry, its row and what changed."""

    entry: ChainEntry
    model: type[models.Model] | None
    row: dict[str, Any] | None
    previous: dict[str, Any] | None
    changes: list[FieldChange]

    @property
    def model_name(self) -> str:
        if self.model is None:
            return self.entry.model_label
        return str(self.model._meta.verbose_name).capitalize()

    @property
    def version(self) -> Any:
        if self.row is None:
            return None
        value = self.row.get("version")
        return value if isinstance(value, int) else None

    @property
    def actor(self) -> str:
        user = self.entry.user
        if user is None:
            return "unknown"
        return user.get_full_name() or user.get_username()


def plan_models() -> list[type[models.Model]]:
    """Tracked models whose rows belong to a plan, for the model filter."""
    return [model for model in tracked_models() if plan_path(model) is not None]


def model_choices() -> list[tuple[str, str]]:
    return sorted(
        (
            (
                model._meta.label,
                f"{str(model._meta.verbose_name).capitalize()} ({model._meta.app_label})",
            )
            for model in plan_models()
        ),
        key=lambda choice: choice[1],
    )


def plan_entries(plan: Plan) -> QuerySet[ChainEntry]:
    return ChainEntry.objects.filter(plan_id=plan.pk)


def history_users(plan: Plan) -> QuerySet[Any]:
    """Everyone who has changed something in the plan, members or not any more."""
    # One probe of the (plan, user) index per user, rather than reading the user of
    # every entry of the plan.
    changed = plan_entries(plan).filter(user_id=OuterRef("pk"))
    return (
        get_user_model()
        .objects.filter(Exists(changed))
        .order_by("first_name", "last_name", "username")
    )


def with_previous(entries: QuerySet[ChainEntry]) -> QuerySet[ChainEntry]:
    """Newest first, each annotated with the history id of the same object's previous entry."""
    previous = ChainEntry.objects.filter(
        model_label=OuterRef("model_label"),
        object_id=OuterRef("object_id"),
        seq__lt=OuterRef("seq"),
    ).order_by("-seq")
    return (
        entries.select_related("user")
        .annotate(previous_history_id=Subquery(previous.values("history_id")[:1]))
        .order_by("-seq")
    )


@dataclass(frozen=True, slots=True)
class EntryPage:
    """One page of entries, newest first, cut on entry numbers (keyset pagination).

    A page is named by a cursor rather than a number: ``before`` (the entries older
    than that entry number) or ``after`` (the entries newer than it). Each page is
    one index range scan whatever its depth: no OFFSET skips entries and no count
    runs over the whole history. ``older`` and ``newer`` are the cursors of the
    neighbouring pages (None when there is none); ``is_newest`` says the page starts
    at the newest entry.
    """

    seqs: list[int]
    older: int | None
    newer: int | None
    is_newest: bool

    @property
    def has_other_pages(self) -> bool:
        return self.older is not None or self.newer is not None

    @property
    def first_seq(self) -> int | None:
        return self.seqs[0] if self.seqs else None

    @property
    def last_seq(self) -> int | None:
        return self.seqs[-1] if self.seqs else None


def entries_page(
    entries: QuerySet[ChainEntry],
    *,
    size: int,
    before: int | None = None,
    after: int | None = None,
) -> tuple[EntryPage, list[ChainEntry]]:
    """One page of ``entries``, newest first, each with its previous version's history id.

    At most three queries on entry numbers (the page plus one more entry to know
    whether an older page exists, and whether a newer one does), then one query
    for the page's entries with the previous-version lookup.
    """
    numbers = entries.order_by().values_list("seq", flat=True)
    if after is not None:
        found = list(numbers.filter(seq__gt=after).order_by("seq")[: size + 1])
        newer_exists = len(found) > size
        seqs = sorted(found[:size], reverse=True)
        older_exists = bool(seqs) and numbers.filter(seq__lt=seqs[-1]).exists()
    else:
        ranged = numbers.filter(seq__lt=before) if before is not None else numbers
        found = list(ranged.order_by("-seq")[: size + 1])
        older_exists = len(found) > size
        seqs = found[:size]
        newer_exists = False
        if before is not None:
            newer_exists = numbers.filter(seq__gte=seqs[0] + 1 if seqs else before).exists()
    page = EntryPage(
        seqs=seqs,
        older=seqs[-1] if seqs and older_exists else None,
        newer=seqs[0] if seqs and newer_exists else None,
        is_newest=not newer_exists,
    )
    if not seqs and (before is not None or after is not None):
        # Past either end (an old link): offer the way back to the newest entries.
        page = EntryPage(seqs=[], older=None, newer=None, is_newest=False)
    listed = list(with_previous(ChainEntry.objects.filter(seq__in=seqs))) if seqs else []
    return page, listed


def _rows(wanted: dict[str, set[int]]) -> dict[str, dict[int, dict[str, Any]]]:
    rows: dict[str, dict[int, dict[str, Any]]] = {}
    for label, ids in wanted.items():
        model = tracked_model_for(label)
        if model is None or not ids:
            rows[label] = {}
            continue
        table = history_model(model)
        rows[label] = {
            row["history_id"]: row
            for row in table._default_manager.filter(history_id__in=ids).values(
                *column_names(table)
            )
        }
    return rows


def describe_entries(entries: list[ChainEntry]) -> list[EntryView]:
    """Attach each entry's row, its previous row and the field changes, batched."""
    wanted: dict[str, set[int]] = defaultdict(set)
    for entry in entries:
        wanted[entry.model_label].add(entry.history_id)
        previous_id = getattr(entry, "previous_history_id", None)
        if previous_id is not None:
            wanted[entry.model_label].add(previous_id)
    rows = _rows(wanted)
    names = Names()
    views = []
    for entry in entries:
        model = tracked_model_for(entry.model_label)
        row = rows.get(entry.model_label, {}).get(entry.history_id)
        previous_id = getattr(entry, "previous_history_id", None)
        previous = rows.get(entry.model_label, {}).get(previous_id) if previous_id else None
        if model is not None:
            names.want(model, [row, previous])
        views.append(EntryView(entry, model, row, previous, []))
    names.resolve()
    for view in views:
        if view.model is None or view.row is None or view.entry.history_type == "-":
            continue
        before = view.previous if view.entry.history_type == "~" else None
        # Every record of the page belongs to this plan; saying so on each creation is noise.
        view.changes = differences(view.model, before, view.row, names, skip=PLAN_COLUMN)
    return views


def entry_for(plan: Plan, seq: int) -> EntryView:
    if not 0 < seq <= MAX_ID:
        raise Http404("No such history entry in this plan.")
    entry = with_previous(plan_entries(plan).filter(seq=seq)).first()
    if entry is None:
        raise Http404("No such history entry in this plan.")
    return describe_entries([entry])[0]


def object_model(label: str) -> type[models.Model]:
    model = tracked_model_for(label)
    if model is None or plan_path(model) is None:
        raise Http404("No history for that kind of record.")
    return model


def object_entries(plan: Plan, model: type[models.Model], object_id: str) -> QuerySet[ChainEntry]:
    return plan_entries(plan).filter(model_label=model._meta.label, object_id=object_id)


def object_title(plan: Plan, model: type[models.Model], object_id: str) -> str:
    latest = (
        plan_entries(plan)
        .filter(model_label=model._meta.label, object_id=object_id)
        .order_by("-seq")
        .values_list("object_repr", flat=True)
        .first()
    )
    if latest is None:
        raise Http404("No history for that record in this plan.")
    return latest


@dataclass
class VersionComparison:
    model: type[models.Model]
    older: EntryView
    newer: EntryView
    fields: list[FieldChange]

    @property
    def changed(self) -> list[FieldChange]:
        return [f for f in self.fields if f.old != f.new]


def compare_versions(
    plan: Plan, model: type[models.Model], object_id: str, first: int, second: int
) -> VersionComparison:
    """Field-by-field comparison of any two versions (history ids) of one object."""
    entries = list(
        plan_entries(plan)
        .filter(model_label=model._meta.label, object_id=object_id, history_id__in=[first, second])
        .select_related("user")
        .order_by("seq")
    )
    if len({e.history_id for e in entries}) != len({first, second}):
        raise Http404("Those versions are not versions of this record.")
    views = describe_entries(entries)
    older, newer = views[0], views[-1]
    names = Names()
    names.want(model, [older.row, newer.row])
    names.resolve()
    fields = differences(model, older.row, newer.row, names, include_unchanged=True)
    return VersionComparison(model, older, newer, fields)


# --- the plan as it was ------------------------------------------------------------


@dataclass
class ModelState:
    model: type[models.Model]
    columns: list[str]
    rows: list[list[str]]
    total: int

    @property
    def name(self) -> str:
        return str(self.model._meta.verbose_name_plural).capitalize()


# Each record of the plan with its last entry up to a moment, on PostgreSQL: the records
# are listed by skipping through the index on (plan, model, object, seq) one record at a
# time (a loose index scan), and each record's last entry is one backward probe of the
# same index, read from the index alone (it includes the date, kind and history id). The
# cost follows the number of records, not of entries; an aggregate over the plan's
# entries read every one of them (a tenth of a million at ×1).
LAST_VERSIONS_SQL = """
WITH RECURSIVE records(model_label, object_id) AS (
    (SELECT model_label, object_id FROM {table} WHERE plan_id = %(plan)s
     ORDER BY model_label, object_id LIMIT 1)
    UNION ALL
    SELECT next.model_label, next.object_id FROM records r CROSS JOIN LATERAL (
        SELECT e.model_label, e.object_id FROM {table} e
        WHERE e.plan_id = %(plan)s AND (e.model_label, e.object_id) > (r.model_label, r.object_id)
        ORDER BY e.model_label, e.object_id LIMIT 1
    ) next
)
SELECT last.model_label, last.history_id FROM records r CROSS JOIN LATERAL (
    SELECT e.model_label, e.history_id, e.history_type, e.seq FROM {table} e
    WHERE e.plan_id = %(plan)s AND e.model_label = r.model_label
      AND e.object_id = r.object_id AND e.history_date <= %(moment)s
    ORDER BY e.seq DESC LIMIT 1
) last
WHERE last.history_type <> '-'
ORDER BY last.model_label, last.seq
"""


def _last_versions(plan: Plan, moment: dt.datetime) -> list[tuple[str, int]]:
    """(model label, history id) of each record's last version up to ``moment``, unless deleted.

    The last version is the record's entry with the highest number among those dated
    up to the moment; ordered by model, then entry number.
    """
    if connection.vendor == "postgresql":
        sql = LAST_VERSIONS_SQL.format(table=connection.ops.quote_name(ChainEntry._meta.db_table))
        with connection.cursor() as cursor:
            cursor.execute(sql, {"plan": plan.pk, "moment": moment})
            return [(label, history_id) for label, history_id in cursor.fetchall()]
    last_entries = (
        plan_entries(plan)
        .filter(history_date__lte=moment)
        .values("model_label", "object_id")
        .annotate(last_seq=Max("seq"))
        .values("last_seq")
    )
    return list(
        ChainEntry.objects.filter(seq__in=Subquery(last_entries))
        .exclude(history_type="-")
        .order_by("model_label", "seq")
        .values_list("model_label", "history_id")
    )


def plan_as_of(plan: Plan, moment: dt.datetime, *, limit_per_model: int = 200) -> list[ModelState]:
    """Every record of the plan as it stood at ``moment``: its latest version then, unless deleted.

    One query over the chain finds each record's last entry up to the moment
    (:func:`_last_versions`); then one query per model reads those rows.
    """
    by_model: dict[str, list[int]] = defaultdict(list)
    for label, history_id in _last_versions(plan, moment):
        by_model[label].append(history_id)
    states = []
    names = Names()
    pending: list[tuple[type[models.Model], list[dict[str, Any]], int]] = []
    for label in sorted(by_model):
        model = tracked_model_for(label)
        if model is None:
            continue
        ids = by_model[label]
        table = history_model(model)
        rows = list(
            table._default_manager.filter(history_id__in=ids[:limit_per_model]).values(
                *column_names(table)
            )
        )
        names.want(model, list(rows))
        pending.append((model, rows, len(ids)))
    names.resolve()
    for model, rows, total in pending:
        fields = data_fields(model)

        states.append(
            ModelState(
                model=model,
                columns=[str(f.verbose_name).capitalize() for f in fields],
                rows=[
                    [display(f, row.get(f.attname), names) for f in fields]
                    for row in sorted(rows, key=lambda r: str(r.get("name", r["history_id"])))
                ],
                total=total,
            )
        )
    return states


def latest_verification(plan: Plan) -> Job | None:

    return Job.objects.filter(plan=plan, kind=HISTORY_VERIFY_KIND).order_by("-created_at").first()


# --- for other apps ------------------------------------------------------------------


def entry_url(plan_id: int, seq: int) -> str:
    return reverse("audit_entry", kwargs={"plan_pk": plan_id, "seq": seq})


def entry_seqs(rows: list[tuple[str, int]]) -> dict[tuple[str, int], int]:
    """Chain entry numbers of historical rows given as (model label, history id).

    For another app that lists history itself (a published plan's change-log
    appendix) and wants to link each line to its auditor page with
    :func:`entry_url`: one query per model involved.
    """
    wanted: dict[str, list[int]] = defaultdict(list)
    for label, history_id in rows:
        wanted[label].append(history_id)
    found: dict[tuple[str, int], int] = {}
    for label, ids in wanted.items():
        for history_id, seq in ChainEntry.objects.filter(
            model_label=label, history_id__in=ids
        ).values_list("history_id", "seq"):
            found[(label, history_id)] = seq
    return found


def plan_change_log(
    plan: Plan, *, since: dt.datetime | None = None, until: dt.datetime | None = None
) -> list[dict[str, Any]]:
    """The plan's changes in a period, oldest first, for a document's change-log appendix.

    JSON-serialisable; each item carries the chain ``seq`` and the auditor-page
    ``url`` of the entry so a published plan can link to its evidence.
    """
    entries = plan_entries(plan).select_related("user").order_by("seq")
    if since is not None:
        entries = entries.filter(history_date__gt=since)
    if until is not None:
        entries = entries.filter(history_date__lte=until)
    return [
        {
            "seq": entry.seq,
            "date": entry.history_date.isoformat(),
            "user": (entry.user.get_full_name() or entry.user.get_username()) if entry.user else "",
            "action": entry.get_history_type_display(),
            "model": entry.model_label,
            "object": entry.object_repr,
            "reason": entry.reason,
            "ticket": entry.ticket,
            "entry_hash": entry.entry_hash,
            "url": entry_url(plan.pk, entry.seq),
        }
        for entry in entries
    ]
