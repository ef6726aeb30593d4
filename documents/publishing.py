"""Publishing a plan: freeze its data as a numbered version in the worker and render its PDFs.

The publishing request only checks the publish checklist and queues a job; the worker
builds the snapshot (every app's part, checked against :mod:`bcp.contract`), numbers
the version, writes it with the approvers the sign-off policy names, and renders the
PDF and the PDF/A-3b copy. A part that is missing or malformed fails the job with a
message naming it, and no version is created.

A redelivered job finds the version it already froze (``PlanVersion.publish_job``) and
only finishes rendering it, so one job never makes two versions.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from audit.selectors import chain_head
from bcp.canonical import document_sha256
from bcp.concurrency import save_locked
from bcp.history import change_context
from bcp.jobs import ProgressFn, job_enqueue
from bcp.models import Job, Plan
from documents.changes import ChangeSummary, change_summary
from documents.checklist import Checklist, publish_checklist
from documents.models import PlanVersion
from documents.pdfa import render_plan_pdfa
from documents.rendering import render_plan
from documents.signoff import required_approvers
from documents.snapshot import (
    PlanSnapshot,
    VersionMeta,
    build_snapshot,
    parse_snapshot,
    plan_diagrams,
    plan_inputs,
    snapshot_json,
)

PUBLISH_TASK = "documents.tasks.version_render"
RENDER_DRAFT_TASK = "documents.tasks.draft_render"
RENDER_VERSION_KIND = "documents_version_render"
RENDER_DRAFT_KIND = "documents_draft_render"
DRAFTS_FOLDER = "documents/drafts"
REASON_MAX_CHARS = 2000


class PublishRefused(Exception):
    """Publishing stopped for a reason the manager can act on; the message says which."""


def _changes_since(plan: Plan, latest: PlanVersion | None, until_seq: int) -> ChangeSummary:
    """What changed in the plan's data since ``latest`` was frozen (only the totals before
    the first version)."""
    return change_summary(
        plan,
        since_seq=latest.history_seq if latest else None,
        until_seq=until_seq,
        previous_number=latest.number if latest else None,
        since=latest.published_at.isoformat() if latest else None,
    )


def _user_label(user: Any) -> str:
    return str(user.get_full_name() or user.get_username())


@transaction.atomic
def version_publish(*, plan: Plan, user: User, note: str = "", limitations_reason: str = "") -> Job:
    """Queue the publishing of the plan as it is now; the worker freezes and renders it.

    When the publish checklist has open items, ``limitations_reason`` must say why the
    version goes out with them; the items seen here are passed on, and the worker
    refuses to publish if others have appeared by the time it freezes the data.
    """
    checklist = publish_checklist(plan)
    reason = limitations_reason.strip()
    if checklist.open_items and not reason:
        raise ValidationError(
            {
                "limitations_reason": f"The checklist has {len(checklist.open_items)} open "
                "items; say why this version should be published with them."
            }
        )
    if len(reason) > REASON_MAX_CHARS:
        raise ValidationError({"limitations_reason": "Keep the reason under 2,000 characters."})
    return job_enqueue(
        kind=RENDER_VERSION_KIND,
        task_name=PUBLISH_TASK,
        user=user,
        plan=plan,
        parameters={
            "note": note,
            "limitations_reason": reason if checklist.open_items else "",
            "acknowledged": checklist.keys(),
        },
    )


def _freeze(job: Job, progress: ProgressFn) -> PlanVersion:
    """Build the snapshot and create the numbered version (outside the rendering)."""

    assert job.plan is not None and job.created_by is not None
    plan, user = job.plan, job.created_by
    progress(5, "Collecting the plan's data")
    inputs, run_on = plan_inputs(plan)
    progress(15, "Checking the publish checklist")
    checklist = publish_checklist(plan)
    unconfirmed = sorted(set(checklist.keys()) - set(job.parameters.get("acknowledged", [])))
    if unconfirmed:
        raise PublishRefused(
            "New open items appeared after the checklist was confirmed; publish again to "
            "review them: " + " ".join(unconfirmed)
        )
    reason = str(job.parameters.get("limitations_reason", ""))
    progress(10, "Drawing the dependency diagrams")
    diagrams = plan_diagrams(plan)
    with transaction.atomic():
        locked = Plan.objects.select_for_update().get(pk=plan.pk)
        latest = PlanVersion.objects.filter(plan=locked).order_by("-number").first()
        if (
            latest is not None
            and latest.status != PlanVersion.Status.RETURNED
            and latest.snapshot_sha256 == document_sha256(inputs)
        ):
            raise PublishRefused(
                f"Nothing has changed since version {latest.number}; it is still current."
            )
        head = chain_head()
        now = timezone.now()
        number = (latest.number + 1) if latest else 1
        snapshot = build_snapshot(
            inputs=inputs,
            diagrams=diagrams,
            checklist=checklist,
            changes=_changes_since(locked, latest, head.seq),
            version=VersionMeta(
                number=number,
                previous_number=latest.number if latest else None,
                published_by=_user_label(user),
                published_at=now.isoformat(),
                note=str(job.parameters.get("note", "")),
                history_checkpoint=head.checkpoint,
                analysis_run_on=run_on,
                limitations_reason=reason,
            ),
        )
        why = f"Version {number} published"
        if checklist.open_items:
            why += f" with {len(checklist.open_items)} known limitations: {reason}"
        with change_context(user=user, reason=why[:REASON_MAX_CHARS]):
            return PlanVersion.objects.create(
                plan=locked,
                number=number,
                status=PlanVersion.Status.RENDERING,
                note=snapshot.version.note,
                snapshot=snapshot_json(snapshot),
                snapshot_sha256=snapshot.inputs_sha256,
                published_by=user,
                published_at=now,
                publish_job=job,
                approvers=list(required_approvers(locked).people),
                limitations_reason=reason,
                history_seq=head.seq,
            )


def version_publish_run(*, job: Job, progress: ProgressFn) -> dict[str, Any]:
    """The worker's half of publishing: freeze (once) and render (once)."""
    version = PlanVersion.objects.filter(publish_job=job).first()
    if version is None:
        version = _freeze(job, progress)
    progress(20, f"Rendering version {version.number}")
    return version_render(version=version, progress=progress)


def version_render(*, version: PlanVersion, progress: ProgressFn) -> dict[str, Any]:
    """Render a frozen version's PDF and PDF/A once; a second call changes nothing.

    Rendering happens outside any transaction (it can take minutes). Storing re-checks
    under a row lock, so a redelivered task that rendered in parallel still leaves
    exactly one artifact.
    """

    if version.is_rendered:
        return {"version": version.pk, "skipped": True, "pdf_sha256": version.pdf_sha256}
    snapshot = parse_snapshot(version.snapshot)
    pdf = render_plan(snapshot, draft=False, progress=progress)
    progress(80, "Writing the PDF/A-3b archive copy")
    pdfa = render_plan_pdfa(snapshot, version.snapshot)
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
    return {
        "version": current.pk,
        "number": current.number,
        "skipped": False,
        "pdf_sha256": pdf_sha,
        "pages": pages,
    }


@transaction.atomic
def draft_export(*, plan: Plan, user: User) -> Job:
    """Queue a DRAFT-watermarked PDF of the plan as it is now; nothing is published."""
    return job_enqueue(kind=RENDER_DRAFT_KIND, task_name=RENDER_DRAFT_TASK, user=user, plan=plan)


def draft_snapshot(plan: Plan, *, user: User | None, progress: ProgressFn) -> PlanSnapshot:
    """What a draft shows: the plan's data now, with its checklist and changes so far."""

    progress(5, "Collecting the plan's data")
    inputs, run_on = plan_inputs(plan)
    checklist: Checklist = publish_checklist(plan)
    latest = PlanVersion.objects.filter(plan=plan).order_by("-number").first()
    head = chain_head()
    return build_snapshot(
        inputs=inputs,
        diagrams=plan_diagrams(plan),
        checklist=checklist,
        changes=_changes_since(plan, latest, head.seq),
        version=VersionMeta(
            number=None,
            previous_number=latest.number if latest else None,
            published_by=_user_label(user) if user else "",
            published_at=timezone.now().isoformat(),
            note="",
            history_checkpoint=head.checkpoint,
            analysis_run_on=run_on,
            limitations_reason="",
        ),
    )


def draft_render(*, job: Job, progress: ProgressFn) -> dict[str, Any]:

    assert job.plan is not None
    snapshot = draft_snapshot(job.plan, user=job.created_by, progress=progress)
    pdf = render_plan(snapshot, draft=True, progress=progress)
    name = default_storage.save(
        f"{DRAFTS_FOLDER}/plan-{job.plan.pk}/draft-{job.pk}.pdf", ContentFile(pdf.content)
    )
    return {"file": name, "sha256": pdf.sha256, "pages": pdf.page_count}
