"""Writes of the documents app: plan data edits, publishing, rendering and sign-off.

Every write runs inside :func:`bcp.history.change_context`, so contacts, runbooks,
published versions and every approval or rejection are in the change history
with who did it and why.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.mail import send_mail
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone

from bcp.concurrency import save_if_current, save_locked
from bcp.history import change_context
from bcp.jobs import ProgressFn, job_enqueue
from bcp.models import Job, Plan, Role
from documents.models import (
    CallTreeEntry,
    Contact,
    Exercise,
    PlanVersion,
    ProcedureStep,
    RecoveryProcedure,
    SignOffRequest,
    Vendor,
)
from documents.snapshot import build_snapshot

RENDER_VERSION_TASK = "documents.tasks.version_render"
RENDER_DRAFT_TASK = "documents.tasks.draft_render"
RENDER_VERSION_KIND = "documents_version_render"
RENDER_DRAFT_KIND = "documents_draft_render"
DRAFTS_FOLDER = "documents/drafts"
# A stakeholder is reminded at most this often about one overdue signature.
REMINDER_INTERVAL = dt.timedelta(hours=24)


# --- plan data: contacts, call tree, vendors, runbooks, exercises --------------


def _record_create(
    model: type[models.Model], *, user: Any, reason: str, ticket: str, **fields: Any
) -> Any:
    with change_context(user=user, reason=reason, ticket=ticket):
        record = model(**fields)
        record.full_clean()
        record.save()
    return record


def _record_update(
    record: models.Model,
    *,
    user: Any,
    expected_version: int | None,
    reason: str,
    ticket: str,
    changes: dict[str, Any],
) -> Any:
    probe = type(record)._default_manager.get(pk=record.pk)
    for name, value in changes.items():
        setattr(probe, name, value)
    probe.full_clean()
    with change_context(user=user, reason=reason, ticket=ticket):
        return save_if_current(record, expected_version=expected_version, changes=changes)


def _record_delete(record: models.Model, *, user: Any, reason: str, ticket: str) -> None:
    with change_context(user=user, reason=reason, ticket=ticket):
        record.delete()


@transaction.atomic
def contact_create(
    *, plan: Plan, user: Any, reason: str = "", ticket: str = "", **fields: Any
) -> Contact:
    return _record_create(
        Contact, user=user, reason=reason or "Contact added", ticket=ticket, plan=plan, **fields
    )


@transaction.atomic
def contact_update(
    *,
    contact: Contact,
    user: Any,
    expected_version: int | None,
    reason: str = "",
    ticket: str = "",
    **changes: Any,
) -> Contact:
    return _record_update(
        contact,
        user=user,
        expected_version=expected_version,
        reason=reason,
        ticket=ticket,
        changes=changes,
    )


@transaction.atomic
def contact_delete(*, contact: Contact, user: Any, reason: str = "", ticket: str = "") -> None:
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
    *, plan: Plan, user: Any, reason: str = "", ticket: str = "", **fields: Any
) -> CallTreeEntry:
    _check_call_tree_parent(plan, None, fields.get("parent"))
    return _record_create(
        CallTreeEntry,
        user=user,
        reason=reason or "Call tree entry added",
        ticket=ticket,
        plan=plan,
        **fields,
    )


@transaction.atomic
def calltree_entry_update(
    *,
    entry: CallTreeEntry,
    user: Any,
    expected_version: int | None,
    reason: str = "",
    ticket: str = "",
    **changes: Any,
) -> CallTreeEntry:
    _check_call_tree_parent(entry.plan, entry.pk, changes.get("parent", entry.parent))
    return _record_update(
        entry,
        user=user,
        expected_version=expected_version,
        reason=reason,
        ticket=ticket,
        changes=changes,
    )


def _lift_children(entry: CallTreeEntry) -> None:
    """The people this entry called are called by its caller instead, not dropped with it."""
    for child in CallTreeEntry.objects.filter(parent=entry):
        save_locked(child, changes={"parent": entry.parent})


@transaction.atomic
def calltree_entry_delete(
    *, entry: CallTreeEntry, user: Any, reason: str = "", ticket: str = ""
) -> None:
    with change_context(user=user, reason=reason or "Call tree entry removed", ticket=ticket):
        _lift_children(entry)
        entry.delete()


@transaction.atomic
def vendor_create(
    *, plan: Plan, user: Any, reason: str = "", ticket: str = "", **fields: Any
) -> Vendor:
    return _record_create(
        Vendor, user=user, reason=reason or "Vendor added", ticket=ticket, plan=plan, **fields
    )


@transaction.atomic
def vendor_update(
    *,
    vendor: Vendor,
    user: Any,
    expected_version: int | None,
    reason: str = "",
    ticket: str = "",
    **changes: Any,
) -> Vendor:
    return _record_update(
        vendor,
        user=user,
        expected_version=expected_version,
        reason=reason,
        ticket=ticket,
        changes=changes,
    )


@transaction.atomic
def vendor_delete(*, vendor: Vendor, user: Any, reason: str = "", ticket: str = "") -> None:
    _record_delete(vendor, user=user, reason=reason or "Vendor removed", ticket=ticket)


def _check_function(plan: Plan, function: Any) -> None:
    if function is not None and function.plan_id != plan.pk:
        raise ValidationError({"function": "Choose a business function of this plan."})


@transaction.atomic
def procedure_create(
    *, plan: Plan, user: Any, reason: str = "", ticket: str = "", **fields: Any
) -> RecoveryProcedure:
    _check_function(plan, fields.get("function"))
    return _record_create(
        RecoveryProcedure,
        user=user,
        reason=reason or "Recovery procedure added",
        ticket=ticket,
        plan=plan,
        **fields,
    )


@transaction.atomic
def procedure_update(
    *,
    procedure: RecoveryProcedure,
    user: Any,
    expected_version: int | None,
    reason: str = "",
    ticket: str = "",
    **changes: Any,
) -> RecoveryProcedure:
    _check_function(procedure.plan, changes.get("function"))
    return _record_update(
        procedure,
        user=user,
        expected_version=expected_version,
        reason=reason,
        ticket=ticket,
        changes=changes,
    )


@transaction.atomic
def procedure_delete(
    *, procedure: RecoveryProcedure, user: Any, reason: str = "", ticket: str = ""
) -> None:
    with change_context(user=user, reason=reason or "Recovery procedure removed", ticket=ticket):
        # Steps one by one, so each deletion is in the history too.
        for step in list(procedure.steps.all()):
            step.delete()
        procedure.delete()


@transaction.atomic
def step_create(
    *, procedure: RecoveryProcedure, user: Any, reason: str = "", ticket: str = "", **fields: Any
) -> ProcedureStep:
    return _record_create(
        ProcedureStep,
        user=user,
        reason=reason or "Procedure step added",
        ticket=ticket,
        procedure=procedure,
        **fields,
    )


@transaction.atomic
def step_update(
    *,
    step: ProcedureStep,
    user: Any,
    expected_version: int | None,
    reason: str = "",
    ticket: str = "",
    **changes: Any,
) -> ProcedureStep:
    return _record_update(
        step,
        user=user,
        expected_version=expected_version,
        reason=reason,
        ticket=ticket,
        changes=changes,
    )


@transaction.atomic
def step_delete(*, step: ProcedureStep, user: Any, reason: str = "", ticket: str = "") -> None:
    _record_delete(step, user=user, reason=reason or "Procedure step removed", ticket=ticket)


@transaction.atomic
def exercise_create(
    *, plan: Plan, user: Any, reason: str = "", ticket: str = "", **fields: Any
) -> Exercise:
    _check_function(plan, fields.get("function"))
    return _record_create(
        Exercise,
        user=user,
        reason=reason or "Exercise scheduled",
        ticket=ticket,
        plan=plan,
        **fields,
    )


@transaction.atomic
def exercise_update(
    *,
    exercise: Exercise,
    user: Any,
    expected_version: int | None,
    reason: str = "",
    ticket: str = "",
    **changes: Any,
) -> Exercise:
    _check_function(exercise.plan, changes.get("function"))
    return _record_update(
        exercise,
        user=user,
        expected_version=expected_version,
        reason=reason,
        ticket=ticket,
        changes=changes,
    )


@transaction.atomic
def exercise_delete(*, exercise: Exercise, user: Any, reason: str = "", ticket: str = "") -> None:
    _record_delete(exercise, user=user, reason=reason or "Exercise removed", ticket=ticket)


# --- publishing and rendering ---------------------------------------------------


def _user_label(user: Any) -> str:
    return str(user.get_full_name() or user.get_username())


@transaction.atomic
def version_publish(
    *, plan: Plan, user: Any, note: str = "", reason: str = ""
) -> tuple[PlanVersion, Job]:
    """Freeze every input of the plan as the next version and queue its rendering.

    The plan row is locked so two managers publishing at once get consecutive
    numbers. Publishing inputs identical to the latest live version is refused:
    it would be the same document under a new number.
    """
    locked_plan = Plan.objects.select_for_update().get(pk=plan.pk)
    latest = PlanVersion.objects.filter(plan=locked_plan).order_by("-number").first()
    now = timezone.now()
    number = (latest.number + 1) if latest else 1
    snapshot = build_snapshot(
        locked_plan,
        previous_published_at=latest.published_at if latest else None,
        version_meta={
            "number": number,
            "previous_number": latest.number if latest else None,
            "published_by": _user_label(user),
            "published_at": now,
            "note": note,
        },
    )
    if (
        latest is not None
        and latest.status != PlanVersion.Status.RETURNED
        and latest.snapshot_sha256 == snapshot["inputs_sha256"]
    ):
        raise ValidationError(
            f"Nothing has changed since version {latest.number}; it is still current."
        )
    with change_context(user=user, reason=reason or f"Version {number} published"):
        version = PlanVersion.objects.create(
            plan=locked_plan,
            number=number,
            status=PlanVersion.Status.RENDERING,
            note=note,
            snapshot=snapshot,
            snapshot_sha256=snapshot["inputs_sha256"],
            published_by=user,
            published_at=now,
        )
    job = job_enqueue(
        kind=RENDER_VERSION_KIND,
        task_name=RENDER_VERSION_TASK,
        user=user,
        plan=locked_plan,
        parameters={"version": version.pk},
    )
    return version, job


def version_render(*, version: PlanVersion, progress: ProgressFn) -> dict[str, Any]:
    """Render a published version's PDF and PDF/A once; a second call changes nothing.

    Rendering happens outside any transaction (it can take minutes). Storing
    re-checks under a row lock, so a redelivered task that rendered in
    parallel still leaves exactly one artifact.
    """
    from documents.pdfa import render_plan_pdfa
    from documents.rendering import render_plan

    if version.is_rendered:
        return {"version": version.pk, "skipped": True, "pdf_sha256": version.pdf_sha256}
    pdf = render_plan(version.snapshot, draft=False, progress=progress)
    progress(80, "Writing the PDF/A-3b archive copy")
    pdfa = render_plan_pdfa(version.snapshot)
    progress(95, "Storing the documents")
    return _version_store(version=version, pdf=pdf.content, pdfa=pdfa.content, pages=pdf.page_count)


@transaction.atomic
def _version_store(*, version: PlanVersion, pdf: bytes, pdfa: bytes, pages: int) -> dict[str, Any]:
    current = PlanVersion.objects.select_for_update().get(pk=version.pk)
    if current.is_rendered:
        return {"version": current.pk, "skipped": True, "pdf_sha256": current.pdf_sha256}
    pdf_sha = hashlib.sha256(pdf).hexdigest()
    pdfa_sha = hashlib.sha256(pdfa).hexdigest()
    stem = f"documents/versions/plan-{current.plan_id}/v{current.number}"
    pdf_name = default_storage.save(f"{stem}-{pdf_sha[:12]}.pdf", ContentFile(pdf))
    pdfa_name = default_storage.save(f"{stem}-{pdfa_sha[:12]}-pdfa.pdf", ContentFile(pdfa))
    with change_context(
        user=current.published_by, reason=f"Version {current.number} rendered ({pages} pages)"
    ):
        save_locked(
            current,
            changes={
                "pdf": pdf_name,
                "pdf_sha256": pdf_sha,
                "pdfa": pdfa_name,
                "pdfa_sha256": pdfa_sha,
                "page_count": pages,
                "rendered_at": timezone.now(),
                "status": PlanVersion.Status.PUBLISHED,
            },
        )
    return {"version": current.pk, "skipped": False, "pdf_sha256": pdf_sha, "pages": pages}


@transaction.atomic
def draft_export(*, plan: Plan, user: Any) -> Job:
    """Queue a DRAFT-watermarked PDF of the plan as it is now; nothing is published."""
    return job_enqueue(kind=RENDER_DRAFT_KIND, task_name=RENDER_DRAFT_TASK, user=user, plan=plan)


def draft_render(*, job: Job, progress: ProgressFn) -> dict[str, Any]:
    from documents.rendering import now_iso, render_plan

    assert job.plan is not None
    progress(5, "Collecting the plan's data")
    latest = PlanVersion.objects.filter(plan=job.plan).order_by("-number").first()
    snapshot = build_snapshot(
        job.plan,
        previous_published_at=latest.published_at if latest else None,
        version_meta={
            "number": None,
            "previous_number": latest.number if latest else None,
            "published_by": _user_label(job.created_by) if job.created_by else None,
            "exported_at": now_iso(),
        },
    )
    pdf = render_plan(snapshot, draft=True, progress=progress)
    name = default_storage.save(
        f"{DRAFTS_FOLDER}/plan-{job.plan.pk}/draft-{job.pk}.pdf", ContentFile(pdf.content)
    )
    return {"file": name, "sha256": pdf.sha256, "pages": pdf.page_count}


# --- sign-off -----------------------------------------------------------------


def _set_version_status(version: PlanVersion, status: str, *, user: Any, reason: str) -> None:
    with change_context(user=user, reason=reason):
        save_locked(version, changes={"status": status})


@transaction.atomic
def signoff_request(
    *,
    version: PlanVersion,
    user: Any,
    stakeholders: Iterable[Any],
    due_date: dt.date,
    message: str = "",
    current_inputs_sha256: str | None = None,
    site: str = "",
) -> list[SignOffRequest]:
    """Ask named plan members to approve exactly this version's PDF by ``due_date``."""
    version = PlanVersion.objects.select_for_update().get(pk=version.pk)
    if not version.is_rendered:
        raise ValidationError("The PDF of this version is still being rendered.")
    if version.status in (PlanVersion.Status.APPROVED, PlanVersion.Status.RETURNED):
        raise ValidationError(
            f"Version {version.number} is {version.get_status_display().lower()}; "
            "publish a new version to ask for sign-off again."
        )
    if current_inputs_sha256 is not None and current_inputs_sha256 != version.snapshot_sha256:
        raise ValidationError(
            "The plan has changed since this version was published; publish a new version "
            "and ask for sign-off on that."
        )
    if due_date < timezone.localdate():
        raise ValidationError({"due_date": "The due date cannot be in the past."})
    people = list(stakeholders)
    if not people:
        raise ValidationError({"stakeholders": "Choose at least one person to sign."})
    member_ids = set(
        version.plan.memberships.filter(role__in=(Role.STAKEHOLDER, Role.MANAGER)).values_list(
            "user_id", flat=True
        )
    )
    created = []
    with change_context(user=user, reason=f"Sign-off of version {version.number} requested"):
        for person in people:
            if person.pk not in member_ids:
                raise ValidationError(
                    {"stakeholders": f"{person} is not a stakeholder or manager of this plan."}
                )
            if SignOffRequest.objects.filter(plan_version=version, stakeholder=person).exists():
                continue
            created.append(
                SignOffRequest.objects.create(
                    plan_version=version,
                    stakeholder=person,
                    requested_by=user,
                    due_date=due_date,
                    message=message,
                )
            )
        if version.status == PlanVersion.Status.PUBLISHED:
            save_locked(version, changes={"status": PlanVersion.Status.IN_REVIEW})
    for request in created:
        _notify(request, kind="request", site=site)
    return created


@transaction.atomic
def signoff_decide(
    *,
    signoff: SignOffRequest,
    user: Any,
    approve: bool,
    comment: str,
    document_sha256: str,
    expected_version: int | None,
) -> SignOffRequest:
    """Record an approval or rejection of the exact document the stakeholder was shown.

    ``document_sha256`` is the hash the page displayed; if it is not the
    version's PDF hash, the decision is refused. All approved → the version is
    approved; one rejection returns it to draft and closes the other requests.
    """
    current = SignOffRequest.objects.select_for_update().get(pk=signoff.pk)
    version = PlanVersion.objects.select_for_update().get(pk=current.plan_version_id)
    if current.stakeholder_id != user.pk:
        raise ValidationError("Only the person asked can decide on this sign-off.")
    if not current.is_pending:
        raise ValidationError(f"This sign-off is already {current.get_status_display().lower()}.")
    if document_sha256 != version.pdf_sha256:
        raise ValidationError("The document you reviewed is not this version's PDF.")
    if not approve and not comment.strip():
        raise ValidationError({"comment": "Say what must change, so the plan can be corrected."})
    verdict = "approved" if approve else "rejected"
    with change_context(user=user, reason=comment.strip() or f"Version {version.number} {verdict}"):
        decided = save_if_current(
            current,
            expected_version=expected_version,
            changes={
                "status": SignOffRequest.Status.APPROVED
                if approve
                else SignOffRequest.Status.REJECTED,
                "comment": comment.strip(),
                "decided_at": timezone.now(),
                "document_sha256": version.pdf_sha256,
            },
        )
    assert isinstance(decided, SignOffRequest)
    if not approve:
        for other in SignOffRequest.objects.filter(
            plan_version=version, status=SignOffRequest.Status.PENDING
        ).exclude(pk=decided.pk):
            with change_context(
                user=user, reason=f"Closed: {_user_label(user)} rejected the version"
            ):
                save_locked(other, changes={"status": SignOffRequest.Status.CLOSED})
        _set_version_status(
            version,
            PlanVersion.Status.RETURNED,
            user=user,
            reason=f"Returned to draft: {_user_label(user)} rejected it",
        )
    elif (
        not SignOffRequest.objects.filter(plan_version=version)
        .exclude(status=SignOffRequest.Status.APPROVED)
        .exists()
    ):
        _set_version_status(
            version,
            PlanVersion.Status.APPROVED,
            user=user,
            reason="Approved: every requested person signed",
        )
    return decided


def _absolute(path: str, site: str) -> str:
    """A link that works in an email: the requesting page's site, else SITE_URL if set."""
    base = site or getattr(settings, "SITE_URL", "") or ""
    return f"{base.rstrip('/')}{path}"


def _notify(signoff: SignOffRequest, *, kind: str, site: str = "") -> None:
    version = signoff.plan_version
    recipient = signoff.stakeholder.email
    if not recipient:
        return
    link = _absolute(
        reverse("signoff_detail", kwargs={"plan_pk": version.plan_id, "signoff_pk": signoff.pk}),
        site,
    )
    if kind == "reminder":
        subject = (
            f"Reminder: sign-off of {version.plan.name} v{version.number} "
            f"was due {signoff.due_date}"
        )
    else:
        subject = f"Please sign off {version.plan.name} v{version.number} by {signoff.due_date}"
    body = (
        f"{_user_label(signoff.requested_by)} asks you to review and approve or reject "
        f"version {version.number} of the continuity plan “{version.plan.name}”.\n\n"
        f"Document sha256: {version.pdf_sha256}\nDue: {signoff.due_date}\n\n"
        f"Open: {link}\n"
    )
    if signoff.message:
        body += f"\nMessage: {signoff.message}\n"
    send_mail(subject, body, None, [recipient])


@transaction.atomic
def signoff_send_reminders(
    *, plan: Plan | None = None, now: dt.datetime | None = None, site: str = ""
) -> int:
    """Email everyone whose signature is overdue, at most once per interval; return how many."""
    now = now or timezone.now()
    overdue = (
        SignOffRequest.objects.select_for_update()
        .filter(status=SignOffRequest.Status.PENDING, due_date__lt=timezone.localdate(now))
        .select_related("plan_version__plan", "stakeholder", "requested_by")
    )
    if plan is not None:
        overdue = overdue.filter(plan_version__plan=plan)
    sent = 0
    for signoff in overdue:
        if signoff.reminded_at and now - signoff.reminded_at < REMINDER_INTERVAL:
            continue
        _notify(signoff, kind="reminder", site=site)
        with change_context(reason="Overdue sign-off reminder sent"):
            save_locked(signoff, changes={"reminded_at": now})
        sent += 1
    return sent
