"""Restoring an object to one of its earlier versions.

A rollback is an ordinary save of the old field values, made through the
optimistic lock and inside a change context, so it is recorded like any other
change and its reason names the version it restored. Before saving it checks
what the database would refuse or what would silently be wrong:

- every foreign key of the old version must point at a row that still exists;
  if one was deleted since, the rollback is refused with the deleted object
  named, and the caller may ask to restore that object first (from its last
  recorded state);
- the model's own validation and constraints (e.g. a unique name per plan);
- the object must not have changed since the preview (``expected_version``);
  ``0`` stands for "currently deleted".

A deleted object can be rolled back too: it is re-created with its old primary
key and field values.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.http import Http404

from audit.models import MAX_ID
from audit.tracking import history_model, is_tracked, plan_id_of, plan_path
from audit.versions import FieldChange, Names, data_fields, differences, row_values
from bcp.concurrency import EditConflict, save_if_current
from bcp.history import TrackedModel, change_context, current_change_context
from bcp.models import Plan
from bcp.rules import check_write_rules

# How many deleted objects, one referring to the next, a rollback restores at most.
MAX_RESTORE_DEPTH = 3
DELETED = 0


@dataclass(frozen=True)
class MissingReference:
    field: str
    label: str
    model_label: str
    object_id: str
    description: str
    restorable: bool


class RollbackRefused(Exception):
    """The rollback would break a constraint; nothing was saved."""

    def __init__(self, message: str, *, missing: list[MissingReference] | None = None) -> None:
        super().__init__(message)
        self.missing = missing or []


class RollbackConflict(Exception):
    """The object changed (or was deleted or re-created) after the preview."""


@dataclass
class RollbackPreview:
    model: type[models.Model]
    target: Any  # the historical row being restored
    current: models.Model | None
    changes: list[FieldChange]
    missing: list[MissingReference] = field(default_factory=list)

    @property
    def expected_version(self) -> int:
        return int(getattr(self.current, "version", 1)) if self.current is not None else DELETED

    @property
    def version_label(self) -> str:
        return version_label(self.target)


def version_label(record: Any) -> str:
    number = getattr(record, "version", None)
    prefix = f"version {number}" if number is not None else "the version"
    return f"{prefix} (history #{record.history_id})"


def find_version(*, plan: Plan, model: type[models.Model], history_id: int) -> Any:
    """The historical row, or 404; a row of another plan is refused with 403."""
    if not is_tracked(model) or plan_path(model) is None:
        raise Http404("This kind of record has no history on a plan.")
    if not 0 < history_id <= MAX_ID:
        raise Http404("No such version.")
    record = history_model(model)._default_manager.filter(history_id=history_id).first()
    if record is None:
        raise Http404("No such version.")
    if plan_id_of(model, record) != plan.pk:
        raise PermissionDenied("That version belongs to another plan.")
    return record


def _restored_values(model: type[models.Model], record: Any) -> dict[str, Any]:
    return {f.attname: getattr(record, f.attname) for f in data_fields(model)}


def _missing_references(
    model: type[models.Model], values: dict[str, Any]
) -> list[MissingReference]:
    missing = []
    for f in data_fields(model):
        if not isinstance(f, models.ForeignKey) or values.get(f.attname) is None:
            continue
        target = f.related_model
        assert isinstance(target, type)
        pk = values[f.attname]
        if target._base_manager.filter(pk=pk).exists():
            continue
        last: Any = None
        if is_tracked(target):
            last = (
                history_model(target)
                ._default_manager.filter(**{target._meta.pk.attname: pk})
                .order_by("-history_id")
                .first()
            )
        description = (
            f"{target._meta.verbose_name} “{last.instance}”, "
            f"deleted {last.history_date:%Y-%m-%d %H:%M}"
            if last is not None
            else f"{target._meta.verbose_name} #{pk}, which no longer exists"
        )
        missing.append(
            MissingReference(
                field=f.attname,
                label=str(f.verbose_name),
                model_label=target._meta.label,
                object_id=str(pk),
                description=description,
                restorable=last is not None,
            )
        )
    return missing


def rollback_preview(*, plan: Plan, model: type[models.Model], history_id: int) -> RollbackPreview:
    """What restoring ``history_id`` would change, and what stands in its way."""
    target = find_version(plan=plan, model=model, history_id=history_id)
    pk = getattr(target, model._meta.pk.attname)
    current = model._base_manager.filter(pk=pk).first()
    names = Names()
    target_row = row_values(target)
    current_row = row_values(current) if current is not None else None
    names.want(model, [target_row, current_row])
    names.resolve()
    return RollbackPreview(
        model=model,
        target=target,
        current=current,
        changes=differences(model, current_row, target_row, names),
        missing=_missing_references(model, _restored_values(model, target)),
    )


def _validate(instance: models.Model) -> None:
    try:
        instance.full_clean()
        # The services' rules (the BIA lock, keep one manager) hold here too.
        check_write_rules(instance)
    except ValidationError as exc:
        details = (
            "; ".join(
                f"{name}: {' '.join(messages)}" if name != "__all__" else " ".join(messages)
                for name, messages in exc.message_dict.items()
            )
            if hasattr(exc, "error_dict")
            else " ".join(exc.messages)
        )
        raise RollbackRefused(f"Restoring this version would break a rule: {details}") from exc


def _restore_deleted(*, plan: Plan, reference: MissingReference, depth: int) -> None:
    """Re-create a deleted object that the restored version refers to, from its last state."""
    target = apps.get_model(reference.model_label)
    last = (
        history_model(target)
        ._default_manager.filter(**{target._meta.pk.attname: reference.object_id})
        .order_by("-history_id")
        .first()
    )
    if last is None:
        raise RollbackRefused(f"{reference.description} cannot be restored: it has no history.")
    if plan_id_of(target, last) != plan.pk:
        raise PermissionDenied("The referenced object belongs to another plan.")
    outer = current_change_context()
    note = f"Restored from {version_label(last)} so that a rollback referring to it can be made"
    with change_context(
        user=outer.user if outer else None,
        reason=note,
        ticket=outer.ticket if outer else "",
        batch=outer.batch if outer else None,
    ):
        _apply(
            plan=plan,
            model=target,
            record=last,
            expected_version=DELETED,
            depth=depth + 1,
            restore_missing=True,
        )


def _apply(
    *,
    plan: Plan,
    model: type[models.Model],
    record: Any,
    expected_version: int,
    depth: int,
    restore_missing: bool,
) -> models.Model:
    values = _restored_values(model, record)
    missing = _missing_references(model, values)
    if missing:
        if not restore_missing or depth >= MAX_RESTORE_DEPTH:
            names = "; ".join(f"{m.label}: {m.description}" for m in missing)
            raise RollbackRefused(
                f"This version refers to something that has since been deleted — {names}.",
                missing=missing,
            )
        unrestorable = [m for m in missing if not m.restorable]
        if unrestorable:
            raise RollbackRefused(
                "This version refers to "
                + "; ".join(m.description for m in unrestorable)
                + ". It cannot be restored.",
                missing=missing,
            )
        for reference in missing:
            _restore_deleted(plan=plan, reference=reference, depth=depth)

    pk = getattr(record, model._meta.pk.attname)
    current = model._base_manager.select_for_update().filter(pk=pk).first()
    if current is None:
        if expected_version != DELETED:
            raise RollbackConflict("This record was deleted after you opened the preview.")
        restored = model(pk=pk, **values)
        if isinstance(restored, TrackedModel):
            # Carry on counting from the deleted row's last version, so versions never repeat.
            previous = (
                history_model(model)
                ._default_manager.filter(**{model._meta.pk.attname: pk})
                .order_by("-history_id")
                .values_list("version", flat=True)
                .first()
            )
            restored.version = int(previous or 0) + 1
        _validate(restored)
        restored.save(force_insert=True)
        return restored
    if expected_version == DELETED:
        raise RollbackConflict("This record was re-created after you opened the preview.")
    candidate = model._base_manager.get(pk=pk)
    for name, value in values.items():
        setattr(candidate, name, value)
    _validate(candidate)
    try:
        return save_if_current(current, expected_version=expected_version, changes=values)
    except EditConflict as exc:
        raise RollbackConflict(str(exc)) from exc


@transaction.atomic
def object_rollback(
    *,
    plan: Plan,
    user: User,
    model: type[models.Model],
    history_id: int,
    expected_version: int,
    reason: str = "",
    ticket: str = "",
    restore_missing: bool = False,
) -> models.Model:
    """Restore the object behind ``history_id`` to that version, as a recorded change.

    Raises :class:`RollbackRefused` (nothing saved) when a reference was deleted
    and ``restore_missing`` is false, or when the old values break a rule;
    :class:`RollbackConflict` when the object changed after ``expected_version``.
    """
    record = find_version(plan=plan, model=model, history_id=history_id)
    note = f"Rolled back to {version_label(record)}"
    if reason.strip():
        note = f"{note}: {reason.strip()}"
    with change_context(user=user, reason=note, ticket=ticket, batch=uuid.uuid4()):
        return _apply(
            plan=plan,
            model=model,
            record=record,
            expected_version=expected_version,
            depth=0,
            restore_missing=restore_missing,
        )
