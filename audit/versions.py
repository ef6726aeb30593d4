"""Versions of one object as its historical rows, and field-by-field differences.

Shared by the auditor pages, the exports and rollback. Foreign keys are shown by
name; the names of a whole page of rows are fetched with one query per related
model (:class:`Names`), so a page's query count does not grow with its rows.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models import OuterRef, Subquery

from audit.tracking import history_model, is_tracked

# Bookkeeping columns every tracked model has; they change on every save and say
# nothing an auditor needs in a diff (the entry itself shows when and who).
BOOKKEEPING = frozenset({"version", "created_at", "updated_at"})


@dataclass(frozen=True)
class FieldChange:
    name: str
    label: str
    old: str
    new: str


def data_fields(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    """The model's own columns that its history records, in declaration order."""
    recorded = {f.attname for f in history_model(model)._meta.concrete_fields}
    return [
        f
        for f in model._meta.concrete_fields
        if not f.primary_key
        and not (f.name in BOOKKEEPING and not f.is_relation)
        and f.attname in recorded
    ]


def _foreign_target(field: models.Field[Any, Any]) -> type[models.Model] | None:
    if isinstance(field, models.ForeignKey) and isinstance(field.related_model, type):
        return field.related_model
    return None


class Names:
    """Resolves foreign-key ids to readable names, batched per related model."""

    def __init__(self) -> None:
        self._wanted: dict[type[models.Model], set[Any]] = defaultdict(set)
        self._names: dict[type[models.Model], dict[Any, str]] = {}

    def want(self, model: type[models.Model], rows: list[dict[str, Any] | None]) -> None:
        for field in data_fields(model):
            target = _foreign_target(field)
            if target is None:
                continue
            for row in rows:
                if row is not None and row.get(field.attname) is not None:
                    self._wanted[target].add(row[field.attname])

    def resolve(self) -> None:
        for target, ids in self._wanted.items():
            known = self._names.setdefault(target, {})
            missing = ids - set(known)
            if not missing:
                continue
            for obj in target._base_manager.filter(pk__in=missing):
                known[obj.pk] = _short(obj)
            still_missing = missing - set(known)
            if still_missing and is_tracked(target):
                # Deleted since: take the name from its last recorded state.
                pk_name = target._meta.pk.attname
                record: Any
                for record in (
                    history_model(target)
                    ._default_manager.filter(**{f"{pk_name}__in": still_missing})
                    .order_by("history_id")
                ):
                    known[getattr(record, pk_name)] = f"{_short(record.instance)} (deleted)"
        self._wanted.clear()

    def name(self, target: type[models.Model], pk: Any) -> str:
        return self._names.get(target, {}).get(pk, f"#{pk}")


def _short(obj: Any) -> str:
    try:
        text = str(obj)
    except Exception:
        text = ""
    return text or f"#{obj.pk}"


def display(field: models.Field[Any, Any], value: Any, names: Names | None) -> str:
    if value is None or value == "":
        return "—"
    target = _foreign_target(field)
    if target is not None:
        return names.name(target, value) if names else f"#{value}"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def changed_values(
    model: type[models.Model],
    old: dict[str, Any] | None,
    new: dict[str, Any] | None,
    *,
    include_unchanged: bool = False,
    skip: frozenset[str] = frozenset(),
) -> Iterator[tuple[models.Field[Any, Any], Any, Any]]:
    """Each of :func:`data_fields` with its old and new value between two historical rows
    (either may be absent), unchanged ones left out unless ``include_unchanged``.

    The one walk over a history diff: the audit pages, rollback, the change appendix and
    the review sentences word its pairs each their own way.
    """
    for field in data_fields(model):
        if field.attname in skip:
            continue
        before = old.get(field.attname) if old is not None else None
        after = new.get(field.attname) if new is not None else None
        if before != after or include_unchanged:
            yield field, before, after


def differences(
    model: type[models.Model],
    old: dict[str, Any] | None,
    new: dict[str, Any] | None,
    names: Names | None = None,
    *,
    include_unchanged: bool = False,
    skip: frozenset[str] = frozenset(),
) -> list[FieldChange]:
    """Field-by-field old → new between two historical rows (either may be absent)."""
    return [
        FieldChange(
            name=field.attname,
            label=str(field.verbose_name).capitalize(),
            old=display(field, before, names) if old is not None else "",
            new=display(field, after, names) if new is not None else "",
        )
        for field, before, after in changed_values(
            model, old, new, include_unchanged=include_unchanged, skip=skip
        )
    ]


def row_values(record: models.Model) -> dict[str, Any]:
    """A historical record (model instance) as a column → value dict."""
    return {f.attname: getattr(record, f.attname) for f in type(record)._meta.concrete_fields}


def record_changes(records: Sequence[Any]) -> list[list[FieldChange]]:
    """Field-by-field changes of each historical record against the object's previous record.

    The one history diff of the plan, function and audit pages: the same fields
    (:func:`data_fields`, bookkeeping left out), foreign keys by name, choices by label.
    A creation or deletion has no previous record to compare and gets an empty list.

    Steps, so a page of records costs a fixed number of queries whatever its length:
    1. per historical model on the page, one query finds each record's previous
       ``history_id`` (the object's latest record before it);
    2. one query per model fetches those previous records;
    3. :class:`Names` resolves every foreign key on the page in one query per related model.
    """
    by_history_model: dict[type[Any], list[Any]] = defaultdict(list)
    for record in records:
        by_history_model[type(record)].append(record)
    previous: dict[tuple[type[Any], int], dict[str, Any]] = {}
    for history, group in by_history_model.items():
        object_pk = history.instance_type._meta.pk.attname
        earlier = (
            history._default_manager.filter(
                **{object_pk: OuterRef(object_pk)}, history_id__lt=OuterRef("history_id")
            )
            .order_by("-history_id")
            .values("history_id")[:1]
        )
        pairs = dict(
            history._default_manager.filter(history_id__in=[r.history_id for r in group])
            .annotate(history_before_id=Subquery(earlier))
            .values_list("history_id", "history_before_id")
        )
        rows = {
            row.history_id: row_values(row)
            for row in history._default_manager.filter(
                history_id__in=[p for p in pairs.values() if p is not None]
            )
        }
        for record in group:
            before = rows.get(pairs.get(record.history_id))
            if before is not None:
                previous[(history, record.history_id)] = before
    names = Names()
    pending: list[tuple[type[models.Model], dict[str, Any] | None, dict[str, Any]]] = []
    for record in records:
        model = type(record).instance_type
        before = previous.get((type(record), record.history_id))
        after = row_values(record)
        names.want(model, [before, after])
        pending.append((model, before, after))
    names.resolve()
    return [
        differences(model, before, after, names) if before is not None else []
        for model, before, after in pending
    ]
