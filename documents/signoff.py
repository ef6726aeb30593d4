"""Sign-off: who must approve a plan's versions, asking them, and recording their decisions.

The plan's sign-off policy names the approvers — the people named in its document
settings, or every business function's owner. When a version is frozen they are
written onto it (and onto its cover); the version is "Approved" only when every one of
them has approved the PDF by its hash, "Partly approved (1 of 2)" until then, and one
rejection returns it to draft with the comment shown.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from bcp.concurrency import save_if_current, save_locked
from bcp.history import change_context
from bcp.models import Plan, Role
from bcp.notifications import Notice, managers_notify
from bia.models import BusinessFunction
from documents.changes import latest_data_change, superseded_by_changes
from documents.models import (
    ApproverPolicy,
    DocumentSettings,
    NamedApprover,
    PlanVersion,
    SignOffRequest,
)
from notifications.models import Kind
from notifications.services import notification_send

# A stakeholder is reminded at most this often about one overdue signature.
REMINDER_INTERVAL = dt.timedelta(hours=24)


def _user_label(user: Any) -> str:
    return str(user.get_full_name() or user.get_username())


@dataclass(frozen=True)
class ResolvedApprovers:
    """Who must approve under the plan's policy: user ids and names, in the same order."""

    policy: str
    people: tuple[int, ...]
    names: tuple[str, ...]


def required_approvers(plan: Plan) -> ResolvedApprovers:
    """The approvers the plan's sign-off policy names now, ordered by name."""
    current = DocumentSettings.objects.filter(plan=plan).first()
    policy = current.approver_policy if current else ApproverPolicy.FUNCTION_OWNERS
    ids: set[int]
    if policy == ApproverPolicy.NAMED:
        ids = set(NamedApprover.objects.filter(plan=plan).values_list("user_id", flat=True))
    else:
        ids = set(
            BusinessFunction.objects.filter(plan=plan, owner__isnull=False).values_list(
                "owner_id", flat=True
            )
        )
    users = sorted(
        get_user_model().objects.filter(pk__in=ids),
        key=lambda u: (_user_label(u).lower(), u.pk),
    )
    return ResolvedApprovers(
        policy=str(ApproverPolicy(policy).label),
        people=tuple(u.pk for u in users),
        names=tuple(_user_label(u) for u in users),
    )


@dataclass(frozen=True)
class ApprovalState:
    """How far sign-off of one version has got, in the words the pages and emails use."""

    required: int
    approved: int
    returned: bool

    @property
    def label(self) -> str:
        if self.returned:
            return "Returned to draft"
        if self.required and self.approved >= self.required:
            return "Approved"
        if self.approved:
            return f"Partly approved ({self.approved} of {self.required})"
        return ""


def _set_version_status(version: PlanVersion, status: str, *, user: User, reason: str) -> None:
    with change_context(user=user, reason=reason):
        save_locked(version, changes={"status": status})


@transaction.atomic
def signoff_request(
    *,
    version: PlanVersion,
    user: User,
    stakeholders: Iterable[User],
    due_date: dt.date,
    message: str = "",
    current_inputs_sha256: str | None = None,
    site: str = "",
) -> list[SignOffRequest]:
    """Ask the version's approvers to approve exactly its PDF by ``due_date``.

    Only the people the sign-off policy named when the version was frozen (those on its
    cover) can be asked; asking someone twice does nothing.
    """
    version = PlanVersion.objects.select_for_update().get(pk=version.pk)
    if not version.is_rendered:
        raise ValidationError("The PDF of this version is still being rendered.")
    if version.status in (PlanVersion.Status.APPROVED, PlanVersion.Status.RETURNED):
        raise ValidationError(
            f"Version {version.number} is {version.get_status_display().lower()}; "
            "publish a new version to ask for sign-off again."
        )
    if current_inputs_sha256 is not None and superseded_by_changes(
        snapshot_sha256=version.snapshot_sha256,
        history_seq=version.history_seq,
        current_sha256=current_inputs_sha256,
        latest_change=latest_data_change(version.plan),
    ):
        raise ValidationError(
            "The plan's data has changed since this version was published; publish a new "
            "version and ask for sign-off on that."
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
    required = set(version.approvers)
    created = []
    with change_context(user=user, reason=f"Sign-off of version {version.number} requested"):
        for person in people:
            if person.pk not in required:
                raise ValidationError(
                    {
                        "stakeholders": f"{person} is not named on this version's cover as an "
                        "approver; change the sign-off policy and publish a new version."
                    }
                )
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
    user: User,
    approve: bool,
    comment: str,
    document_sha256: str,
    expected_version: int | None,
    site: str = "",
) -> SignOffRequest:
    """Record an approval or rejection of the exact document the stakeholder was shown.

    ``document_sha256`` is the hash the page displayed; if it is not the
    version's PDF hash, the decision is refused. The version is approved only when
    every approver on its cover has approved; one rejection returns it to draft (with
    the comment shown on its page) and closes the other requests.
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
    elif set(version.approvers) <= set(
        SignOffRequest.objects.filter(
            plan_version=version, status=SignOffRequest.Status.APPROVED
        ).values_list("stakeholder_id", flat=True)
    ):
        _set_version_status(
            version,
            PlanVersion.Status.APPROVED,
            user=user,
            reason=f"Approved: all {len(version.approvers)} approvers on the cover signed",
        )
    _notify_decided(decided, version, user=user, site=site)
    return decided


def _notify_decided(
    decided: SignOffRequest, version: PlanVersion, *, user: User, site: str
) -> None:
    """Tell the plan's managers what was decided and where the version stands now."""

    version.refresh_from_db(fields=["status"])
    approved = SignOffRequest.objects.filter(
        plan_version=version, status=SignOffRequest.Status.APPROVED
    ).count()
    state = ApprovalState(
        required=len(version.approvers),
        approved=approved,
        returned=version.status == PlanVersion.Status.RETURNED,
    )
    verdict = "approved" if decided.status == SignOffRequest.Status.APPROVED else "rejected"
    body = f"{_user_label(user)} {verdict} version {version.number} of “{version.plan.name}”."
    if decided.comment:
        body += f"\n\nComment: {decided.comment}"
    if state.label:
        body += f"\n\nThe version is now: {state.label}."
    managers_notify(
        plan=version.plan,
        actor=user,
        site=site,
        notice=Notice(
            plan_pk=version.plan_id,
            plan_name=version.plan.name,
            subject=f"Version {version.number} {verdict} by {_user_label(user)}",
            body=body,
            path=version.get_absolute_url(),
            kind=Kind.SIGNOFF_DECIDED,
        ),
    )


def _notify(signoff: SignOffRequest, *, kind: str, site: str = "") -> None:
    """Ask the stakeholder for their signature (or remind them): inbox and, by their
    choice, email, once the request commits."""

    version = signoff.plan_version
    path = reverse("signoff_detail", kwargs={"plan_pk": version.plan_id, "signoff_pk": signoff.pk})
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
        f"Document sha256: {version.pdf_sha256}\nDue: {signoff.due_date}\n"
    )
    if signoff.message:
        body += f"\nMessage: {signoff.message}\n"
    notification_send(
        recipient=signoff.stakeholder,
        kind=Kind.SIGNOFF_REQUESTED,
        title=subject[:200],
        body=body[:4000],
        link=path,
        plan=version.plan,
        site=site,
    )


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
