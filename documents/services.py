"""Writes of the documents app's planning data: contacts, call tree, vendors, runbooks,
exercises and the document settings (sign-off policy, paper size).

Publishing and rendering live in :mod:`documents.publishing`, sign-off in
:mod:`documents.signoff`. Every write runs inside :func:`bcp.history.change_context`,
so each change is in the history with who did it and why.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar, Unpack

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction

from bcp.concurrency import save_if_current, save_locked
from bcp.history import TrackedModel, change_context
from bcp.models import Plan, Role
from bia.models import BusinessFunction
from documents.models import (
    ApproverPolicy,
    CallTreeEntry,
    Contact,
    DocumentSettings,
    Exercise,
    NamedApprover,
    ProcedureStep,
    RecoveryProcedure,
    Vendor,
)
from documents.record_fields import (
    Authored,
    CallTreeEntryFields,
    ContactFields,
    ExerciseFields,
    ProcedureFields,
    StepFields,
    VendorFields,
)

# --- plan data: contacts, call tree, vendors, runbooks, exercises --------------

Record = TypeVar("Record", bound=TrackedModel)
# The keywords that say who writes and why; the rest are the record's fields.
_WHO_AND_WHY = Authored.__required_keys__ | Authored.__optional_keys__


def _record_create(
    model: type[Record], values: Mapping[str, object], new: Authored, default_reason: str
) -> Record:
    """A record of ``model`` with ``values`` and the fields of ``new``, in history as ``new``'s
    user and reason (``default_reason`` when none is given)."""
    fields = {name: value for name, value in new.items() if name not in _WHO_AND_WHY}
    with change_context(**_why(new, default_reason)):
        record = model(**values, **fields)
        record.full_clean()
        record.save()
    return record


def _why(change: Authored, default_reason: str = "") -> Authored:
    return {
        "user": change["user"],
        "reason": change.get("reason", "") or default_reason,
        "ticket": change.get("ticket", ""),
    }


def _record_edit(record: Record, edit: Authored, expected_version: int | None) -> Record:
    """An update service's work: the fields ``edit`` changes, if ``record`` is still current."""
    changes = {name: value for name, value in edit.items() if name not in _WHO_AND_WHY}
    return _record_update(record, changes, expected_version=expected_version, **_why(edit))


def _record_update(
    record: Record,
    changes: Mapping[str, object],
    *,
    user: User,
    expected_version: int | None,
    reason: str,
    ticket: str,
) -> Record:
    # Validate a copy with the changes first, so bad input is a field error, not a conflict.
    probe = type(record)._default_manager.get(pk=record.pk)
    for name, value in changes.items():
        setattr(probe, name, value)
    probe.full_clean()
    with change_context(user=user, reason=reason, ticket=ticket):
        saved = save_if_current(record, expected_version=expected_version, changes=dict(changes))
    # save_if_current re-reads the row through the record's own model.
    assert isinstance(saved, type(record))
    return saved


def _record_delete(record: TrackedModel, why: Authored, default_reason: str) -> None:
    with change_context(**_why(why, default_reason)):
        record.delete()


@transaction.atomic
def contact_create(*, plan: Plan, **new: Unpack[ContactFields]) -> Contact:
    return _record_create(Contact, {"plan": plan}, new, "Contact added")


@transaction.atomic
def contact_update(
    *, contact: Contact, expected_version: int | None, **edit: Unpack[ContactFields]
) -> Contact:
    return _record_edit(contact, edit, expected_version)


@transaction.atomic
def contact_delete(*, contact: Contact, **why: Unpack[Authored]) -> None:
    """Remove a contact and their places in the call tree, keeping the people they called."""
    with change_context(**_why(why, "Contact removed")):
        for entry in CallTreeEntry.objects.filter(contact=contact):
            _lift_children(entry)
            entry.delete()
        contact.delete()


def _check_call_tree_parent(plan: Plan, entry_pk: int | None, parent: CallTreeEntry | None) -> None:
    """A caller must be on the same plan and must not be the entry itself or below it."""
    seen: set[int] = set()
    node = parent
    while node is not None:
        if node.plan_id != plan.pk:
            raise ValidationError({"parent": "The caller must be on this plan's call tree."})
        if entry_pk is not None and node.pk == entry_pk:
            raise ValidationError(
                {"parent": "Someone cannot be called by themselves or by a person they call."}
            )
        if node.pk in seen:
            break
        seen.add(node.pk)
        node = node.parent


@transaction.atomic
def calltree_entry_create(*, plan: Plan, **new: Unpack[CallTreeEntryFields]) -> CallTreeEntry:
    _check_call_tree_parent(plan, None, new.get("parent"))
    return _record_create(CallTreeEntry, {"plan": plan}, new, "Call tree entry added")


@transaction.atomic
def calltree_entry_update(
    *, entry: CallTreeEntry, expected_version: int | None, **edit: Unpack[CallTreeEntryFields]
) -> CallTreeEntry:
    _check_call_tree_parent(entry.plan, entry.pk, edit.get("parent", entry.parent))
    return _record_edit(entry, edit, expected_version)


def _lift_children(entry: CallTreeEntry) -> None:
    """The people this entry called are called by its caller instead, not dropped with it."""
    for child in CallTreeEntry.objects.filter(parent=entry):
        save_locked(child, changes={"parent": entry.parent})


@transaction.atomic
def calltree_entry_delete(*, entry: CallTreeEntry, **why: Unpack[Authored]) -> None:
    with change_context(**_why(why, "Call tree entry removed")):
        _lift_children(entry)
        entry.delete()


@transaction.atomic
def vendor_create(*, plan: Plan, **new: Unpack[VendorFields]) -> Vendor:
    return _record_create(Vendor, {"plan": plan}, new, "Vendor added")


@transaction.atomic
def vendor_update(
    *, vendor: Vendor, expected_version: int | None, **edit: Unpack[VendorFields]
) -> Vendor:
    return _record_edit(vendor, edit, expected_version)


@transaction.atomic
def vendor_delete(*, vendor: Vendor, **why: Unpack[Authored]) -> None:
    _record_delete(vendor, why, "Vendor removed")


def _check_function(plan: Plan, function: BusinessFunction | None) -> None:
    if function is not None and function.plan_id != plan.pk:
        raise ValidationError({"function": "Choose a business function of this plan."})


@transaction.atomic
def procedure_create(*, plan: Plan, **new: Unpack[ProcedureFields]) -> RecoveryProcedure:
    _check_function(plan, new.get("function"))
    return _record_create(RecoveryProcedure, {"plan": plan}, new, "Recovery procedure added")


@transaction.atomic
def procedure_update(
    *, procedure: RecoveryProcedure, expected_version: int | None, **edit: Unpack[ProcedureFields]
) -> RecoveryProcedure:
    _check_function(procedure.plan, edit.get("function"))
    return _record_edit(procedure, edit, expected_version)


@transaction.atomic
def procedure_delete(*, procedure: RecoveryProcedure, **why: Unpack[Authored]) -> None:
    with change_context(**_why(why, "Recovery procedure removed")):
        # Steps one by one, so each deletion is in the history too.
        for step in list(procedure.steps.all()):
            step.delete()
        procedure.delete()


@transaction.atomic
def step_create(*, procedure: RecoveryProcedure, **new: Unpack[StepFields]) -> ProcedureStep:
    return _record_create(ProcedureStep, {"procedure": procedure}, new, "Procedure step added")


@transaction.atomic
def step_update(
    *, step: ProcedureStep, expected_version: int | None, **edit: Unpack[StepFields]
) -> ProcedureStep:
    return _record_edit(step, edit, expected_version)


@transaction.atomic
def step_delete(*, step: ProcedureStep, **why: Unpack[Authored]) -> None:
    _record_delete(step, why, "Procedure step removed")


@transaction.atomic
def exercise_create(*, plan: Plan, **new: Unpack[ExerciseFields]) -> Exercise:
    _check_function(plan, new.get("function"))
    return _record_create(Exercise, {"plan": plan}, new, "Exercise scheduled")


@transaction.atomic
def exercise_update(
    *, exercise: Exercise, expected_version: int | None, **edit: Unpack[ExerciseFields]
) -> Exercise:
    _check_function(exercise.plan, edit.get("function"))
    return _record_edit(exercise, edit, expected_version)


@transaction.atomic
def exercise_delete(*, exercise: Exercise, **why: Unpack[Authored]) -> None:
    _record_delete(exercise, why, "Exercise removed")


# --- document settings: who approves, paper size ----------------------------------------


@transaction.atomic
def document_settings_update(
    *,
    plan: Plan,
    user: User,
    expected_version: int | None,
    approver_policy: str,
    paper_size: str,
    approvers: list[User],
    reason: str = "",
    ticket: str = "",
) -> DocumentSettings:
    """Set who must approve the plan's versions and the paper its documents are laid out on.

    With the policy "the people named", at least one person must be named, and each must
    be a stakeholder or manager of the plan (the only people who can sign).
    """
    if approver_policy == ApproverPolicy.NAMED:
        if not approvers:
            raise ValidationError({"approvers": "Name at least one person who must approve."})
        members = set(
            plan.memberships.filter(role__in=(Role.STAKEHOLDER, Role.MANAGER)).values_list(
                "user_id", flat=True
            )
        )
        for person in approvers:
            if person.pk not in members:
                raise ValidationError(
                    {"approvers": f"{person} is not a stakeholder or manager of this plan."}
                )
    current = DocumentSettings.objects.filter(plan=plan).first()
    reason = reason or "Document settings changed"
    with change_context(user=user, reason=reason, ticket=ticket):
        if current is None:
            current = DocumentSettings(
                plan=plan, approver_policy=approver_policy, paper_size=paper_size
            )
            current.full_clean()
            current.save()
        else:
            _record_update(
                current,
                {"approver_policy": approver_policy, "paper_size": paper_size},
                user=user,
                expected_version=expected_version,
                reason=reason,
                ticket=ticket,
            )
        wanted = {p.pk for p in approvers} if approver_policy == ApproverPolicy.NAMED else set()
        for named in NamedApprover.objects.filter(plan=plan):
            if named.user_id not in wanted:
                named.delete()
        have = set(NamedApprover.objects.filter(plan=plan).values_list("user_id", flat=True))
        users = get_user_model().objects.filter(pk__in=wanted - have)
        for person in users:
            NamedApprover.objects.create(plan=plan, user=person)
    current.refresh_from_db()
    return current
