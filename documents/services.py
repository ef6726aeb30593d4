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
    CallTreeEntryFields,
    ContactFields,
    ExerciseFields,
    ProcedureFields,
    StepFields,
    VendorFields,
)

# --- plan data: contacts, call tree, vendors, runbooks, exercises --------------

Record = TypeVar("Record", bound=TrackedModel)


def _record_create(
    model: type[Record], values: Mapping[str, object], *, user: User, reason: str, ticket: str
) -> Record:
    with change_context(user=user, reason=reason, ticket=ticket):
        record = model(**values)
        record.full_clean()
        record.save()
    return record


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


def _record_delete(record: TrackedModel, *, user: User, reason: str, ticket: str) -> None:
    with change_context(user=user, reason=reason, ticket=ticket):
        record.delete()


@transaction.atomic
def contact_create(
    *, plan: Plan, user: User, reason: str = "", ticket: str = "", **fields: Unpack[ContactFields]
) -> Contact:
    return _record_create(
        Contact,
        {**fields, "plan": plan},
        user=user,
        reason=reason or "Contact added",
        ticket=ticket,
    )


@transaction.atomic
def contact_update(
    *,
    contact: Contact,
    user: User,
    expected_version: int | None,
    reason: str = "",
    ticket: str = "",
    **changes: Unpack[ContactFields],
) -> Contact:
    return _record_update(
        contact,
        changes,
        user=user,
        expected_version=expected_version,
        reason=reason,
        ticket=ticket,
    )


@transaction.atomic
def contact_delete(*, contact: Contact, user: User, reason: str = "", ticket: str = "") -> None:
    """Remove a contact and their places in the call tree, keeping the people they called."""
    with change_context(user=user, reason=reason or "Contact removed", ticket=ticket):
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
def calltree_entry_create(
    *,
    plan: Plan,
    user: User,
    reason: str = "",
    ticket: str = "",
    **fields: Unpack[CallTreeEntryFields],
) -> CallTreeEntry:
    _check_call_tree_parent(plan, None, fields.get("parent"))
    return _record_create(
        CallTreeEntry,
        {**fields, "plan": plan},
        user=user,
        reason=reason or "Call tree entry added",
        ticket=ticket,
    )


@transaction.atomic
def calltree_entry_update(
    *,
    entry: CallTreeEntry,
    user: User,
    expected_version: int | None,
    reason: str = "",
    ticket: str = "",
    **changes: Unpack[CallTreeEntryFields],
) -> CallTreeEntry:
    _check_call_tree_parent(entry.plan, entry.pk, changes.get("parent", entry.parent))
    return _record_update(
        entry,
        changes,
        user=user,
        expected_version=expected_version,
        reason=reason,
        ticket=ticket,
    )


def _lift_children(entry: CallTreeEntry) -> None:
    """The people this entry called are called by its caller instead, not dropped with it."""
    for child in CallTreeEntry.objects.filter(parent=entry):
        save_locked(child, changes={"parent": entry.parent})


@transaction.atomic
def calltree_entry_delete(
    *, entry: CallTreeEntry, user: User, reason: str = "", ticket: str = ""
) -> None:
    with change_context(user=user, reason=reason or "Call tree entry removed", ticket=ticket):
        _lift_children(entry)
        entry.delete()


@transaction.atomic
def vendor_create(
    *, plan: Plan, user: User, reason: str = "", ticket: str = "", **fields: Unpack[VendorFields]
) -> Vendor:
    return _record_create(
        Vendor,
        {**fields, "plan": plan},
        user=user,
        reason=reason or "Vendor added",
        ticket=ticket,
    )


@transaction.atomic
def vendor_update(
    *,
    vendor: Vendor,
    user: User,
    expected_version: int | None,
    reason: str = "",
    ticket: str = "",
    **changes: Unpack[VendorFields],
) -> Vendor:
    return _record_update(
        vendor,
        changes,
        user=user,
        expected_version=expected_version,
        reason=reason,
        ticket=ticket,
    )


@transaction.atomic
def vendor_delete(*, vendor: Vendor, user: User, reason: str = "", ticket: str = "") -> None:
    _record_delete(vendor, user=user, reason=reason or "Vendor removed", ticket=ticket)


def _check_function(plan: Plan, function: BusinessFunction | None) -> None:
    if function is not None and function.plan_id != plan.pk:
        raise ValidationError({"function": "Choose a business function of this plan."})


@transaction.atomic
def procedure_create(
    *, plan: Plan, user: User, reason: str = "", ticket: str = "", **fields: Unpack[ProcedureFields]
) -> RecoveryProcedure:
    _check_function(plan, fields.get("function"))
    return _record_create(
        RecoveryProcedure,
        {**fields, "plan": plan},
        user=user,
        reason=reason or "Recovery procedure added",
        ticket=ticket,
    )


@transaction.atomic
def procedure_update(
    *,
    procedure: RecoveryProcedure,
    user: User,
    expected_version: int | None,
    reason: str = "",
    ticket: str = "",
    **changes: Unpack[ProcedureFields],
) -> RecoveryProcedure:
    _check_function(procedure.plan, changes.get("function"))
    return _record_update(
        procedure,
        changes,
        user=user,
        expected_version=expected_version,
        reason=reason,
        ticket=ticket,
    )


@transaction.atomic
def procedure_delete(
    *, procedure: RecoveryProcedure, user: User, reason: str = "", ticket: str = ""
) -> None:
    with change_context(user=user, reason=reason or "Recovery procedure removed", ticket=ticket):
        # Steps one by one, so each deletion is in the history too.
        for step in list(procedure.steps.all()):
            step.delete()
        procedure.delete()


@transaction.atomic
def step_create(
    *,
    procedure: RecoveryProcedure,
    user: User,
    reason: str = "",
    ticket: str = "",
    **fields: Unpack[StepFields],
) -> ProcedureStep:
    return _record_create(
        ProcedureStep,
        {**fields, "procedure": procedure},
        user=user,
        reason=reason or "Procedure step added",
        ticket=ticket,
    )


@transaction.atomic
def step_update(
    *,
    step: ProcedureStep,
    user: User,
    expected_version: int | None,
    reason: str = "",
    ticket: str = "",
    **changes: Unpack[StepFields],
) -> ProcedureStep:
    return _record_update(
        step,
        changes,
        user=user,
        expected_version=expected_version,
        reason=reason,
        ticket=ticket,
    )


@transaction.atomic
def step_delete(*, step: ProcedureStep, user: User, reason: str = "", ticket: str = "") -> None:
    _record_delete(step, user=user, reason=reason or "Procedure step removed", ticket=ticket)


@transaction.atomic
def exercise_create(
    *, plan: Plan, user: User, reason: str = "", ticket: str = "", **fields: Unpack[ExerciseFields]
) -> Exercise:
    _check_function(plan, fields.get("function"))
    return _record_create(
        Exercise,
        {**fields, "plan": plan},
        user=user,
        reason=reason or "Exercise scheduled",
        ticket=ticket,
    )


@transaction.atomic
def exercise_update(
    *,
    exercise: Exercise,
    user: User,
    expected_version: int | None,
    reason: str = "",
    ticket: str = "",
    **changes: Unpack[ExerciseFields],
) -> Exercise:
    _check_function(exercise.plan, changes.get("function"))
    return _record_update(
        exercise,
        changes,
        user=user,
        expected_version=expected_version,
        reason=reason,
        ticket=ticket,
    )


@transaction.atomic
def exercise_delete(*, exercise: Exercise, user: User, reason: str = "", ticket: str = "") -> None:
    _record_delete(exercise, user=user, reason=reason or "Exercise removed", ticket=ticket)


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
