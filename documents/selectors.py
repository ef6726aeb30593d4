"""Reads of the documents app, shaped for its pages and for other apps."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery, Sum

from audit.models import ChainEntry
from bcp.models import Plan
from bcp.typecheck import ContractError, conform
from documents import presentation
from documents.analysis_part import rto_hours_by_function
from documents.changes import NOT_INPUTS, ChangeSummary, latest_data_change, superseded_by_changes
from documents.checklist import Checklist
from documents.models import (
    CallTreeEntry,
    Contact,
    Exercise,
    PlanVersion,
    RecoveryProcedure,
    SignOffRequest,
    Vendor,
)
from documents.snapshot import inputs_sha256


def current_inputs_sha256(plan: Plan) -> str:
    """Hash of the plan's inputs as they are now; differs from a version's → superseded."""
    return inputs_sha256(plan)


@dataclass(frozen=True)
class VersionState:
    version: PlanVersion
    superseded_by_changes: bool
    superseded_by_version: int | None
    pending: int
    approved: int
    rejected: int

    @property
    def is_superseded(self) -> bool:
        return self.superseded_by_changes or self.superseded_by_version is not None

    @property
    def required(self) -> int:
        """How many people must approve: those the sign-off policy named at freezing."""
        return len(self.version.approvers)

    @property
    def status_label(self) -> str:
        """The version's state in words; "Approved" only once every approver has approved."""
        return version_status_label(self.version, approved=self.approved)


def version_status_label(version: PlanVersion, *, approved: int) -> str:
    """A version's sign-off state in words, given how many approvals it has."""
    status = version.status
    required = len(version.approvers)
    if status in (PlanVersion.Status.IN_REVIEW, PlanVersion.Status.PUBLISHED) and approved:
        return f"Partly approved ({approved} of {required})"
    if status == PlanVersion.Status.IN_REVIEW:
        return f"Awaiting sign-off (0 of {required})"
    return str(version.get_status_display())


@dataclass(frozen=True)
class SignOffStanding:
    """A plan's newest version and how far its sign-off has got (``number`` None: none yet).

    ``state`` is the version's status (``PlanVersion.Status``), ``label`` it in words.
    """

    plan_pk: int
    version_pk: int | None
    number: int | None
    state: str | None
    label: str
    approved: int
    required: int
    pending: int


def signoff_standings(plan_ids: list[int]) -> dict[int, SignOffStanding]:
    """Each plan's newest version with its sign-off counts, in one query however many plans."""
    newest = (
        PlanVersion.objects.filter(plan_id=OuterRef("plan_id")).order_by("-number").values("pk")[:1]
    )
    standings = {
        pk: SignOffStanding(pk, None, None, None, "Nothing published", 0, 0, 0) for pk in plan_ids
    }
    for v in (
        PlanVersion.objects.filter(plan_id__in=plan_ids, pk=Subquery(newest))
        .only("pk", "plan_id", "number", "status", "approvers")
        .annotate(
            pending=Count("signoffs", filter=Q(signoffs__status=SignOffRequest.Status.PENDING)),
            approved=Count("signoffs", filter=Q(signoffs__status=SignOffRequest.Status.APPROVED)),
        )
    ):
        standings[v.plan_id] = SignOffStanding(
            plan_pk=v.plan_id,
            version_pk=v.pk,
            number=v.number,
            state=v.status,
            label=version_status_label(v, approved=v.approved),
            approved=v.approved,
            required=len(v.approvers),
            pending=v.pending,
        )
    return standings


def versions_with_state(plan: Plan, *, current_sha256: str | None = None) -> list[VersionState]:
    """Every version of the plan, newest first, with sign-off counts and supersession."""
    current = current_sha256 if current_sha256 is not None else current_inputs_sha256(plan)
    versions = list(
        PlanVersion.objects.filter(plan=plan)
        .defer("snapshot")
        .select_related("published_by")
        .annotate(
            pending=Count("signoffs", filter=Q(signoffs__status=SignOffRequest.Status.PENDING)),
            approved=Count("signoffs", filter=Q(signoffs__status=SignOffRequest.Status.APPROVED)),
            rejected=Count("signoffs", filter=Q(signoffs__status=SignOffRequest.Status.REJECTED)),
        )
        .order_by("-number")
    )
    newest = versions[0].number if versions else None
    latest_change = latest_data_change(plan) if versions else None
    return [
        VersionState(
            version=v,
            superseded_by_changes=superseded_by_changes(
                snapshot_sha256=v.snapshot_sha256,
                history_seq=v.history_seq,
                current_sha256=current,
                latest_change=latest_change,
            ),
            superseded_by_version=newest if newest is not None and v.number < newest else None,
            pending=v.pending,
            approved=v.approved,
            rejected=v.rejected,
        )
        for v in versions
    ]


def version_state(version: PlanVersion) -> VersionState:
    states = versions_with_state(version.plan)
    return next(s for s in states if s.version.pk == version.pk)


def signoffs_for_version(version: PlanVersion) -> QuerySet[SignOffRequest]:
    return version.signoffs.select_related("stakeholder", "requested_by").order_by(
        "status", "stakeholder__username"
    )


def rejection(version: PlanVersion) -> SignOffRequest | None:
    """The decision that returned the version to draft, with its comment."""
    return (
        version.signoffs.filter(status=SignOffRequest.Status.REJECTED)
        .select_related("stakeholder")
        .order_by("-decided_at")
        .first()
    )


def signoffs_awaiting(user: Any, plan: Plan) -> QuerySet[SignOffRequest]:
    return (
        SignOffRequest.objects.filter(
            stakeholder=user, plan_version__plan=plan, status=SignOffRequest.Status.PENDING
        )
        .select_related("plan_version")
        .order_by("due_date", "pk")
    )


def contacts(plan: Plan) -> QuerySet[Contact]:
    return Contact.objects.filter(plan=plan).order_by("name", "pk")


def vendors(plan: Plan) -> QuerySet[Vendor]:
    return Vendor.objects.filter(plan=plan).order_by("name", "pk")


def exercises(plan: Plan) -> QuerySet[Exercise]:
    return (
        Exercise.objects.filter(plan=plan)
        .select_related("function")
        .order_by("scheduled_for", "pk")
    )


def call_tree(plan: Plan) -> list[tuple[int, CallTreeEntry]]:
    """The call tree in calling order, each entry with its depth (0 for the first caller)."""
    entries = list(
        CallTreeEntry.objects.filter(plan=plan).select_related("contact", "parent__contact")
    )
    return [(outline.count("."), entry) for outline, entry in presentation.call_tree_order(entries)]


@dataclass(frozen=True)
class ProcedureRow:
    procedure: RecoveryProcedure
    total_minutes: int
    rto_minutes: float | None
    check: str
    within_rto: bool | None


def procedures_with_checks(plan: Plan) -> list[ProcedureRow]:
    """Runbooks with their summed step durations checked against the function's RTO."""

    rtos = {name: hours * 60 for name, hours in rto_hours_by_function(plan).items()}
    rows = []
    for procedure in (
        RecoveryProcedure.objects.filter(plan=plan)
        .select_related("function")
        .prefetch_related("steps")
        .order_by("phase", "function__name", "position", "pk")
    ):
        total = sum(step.expected_minutes for step in procedure.steps.all())
        rto = rtos.get(procedure.function.name) if procedure.function else None
        check, within = presentation.procedure_check(
            total, rto, has_function=procedure.function is not None
        )
        rows.append(ProcedureRow(procedure, total, rto, check, within))
    return rows


def procedure_row(procedure: RecoveryProcedure) -> ProcedureRow:
    return next(r for r in procedures_with_checks(procedure.plan) if r.procedure.pk == procedure.pk)


@dataclass(frozen=True)
class Verification:
    sha256: str
    version: PlanVersion | None
    variant: str  # "pdf" or "pdfa"
    signoffs: list[SignOffRequest]
    superseded_by_changes: bool = False
    superseded_by_version: int | None = None


def sha256_of_upload(chunks: Any) -> str:
    digest = hashlib.sha256()
    for chunk in chunks:
        digest.update(chunk)
    return digest.hexdigest()


def document_lookup(sha256: str) -> PlanVersion | None:
    sha256 = sha256.strip().lower()
    return (
        PlanVersion.objects.filter(Q(pdf_sha256=sha256) | Q(pdfa_sha256=sha256))
        .defer("snapshot")
        .select_related("plan", "published_by")
        .first()
    )


def verify_document(sha256: str) -> Verification:
    sha256 = sha256.strip().lower()
    version = document_lookup(sha256)
    if version is None:
        return Verification(sha256=sha256, version=None, variant="", signoffs=[])
    state = version_state(version)
    return Verification(
        sha256=sha256,
        version=version,
        variant="pdfa" if version.pdfa_sha256 == sha256 else "pdf",
        signoffs=list(signoffs_for_version(version)),
        superseded_by_changes=state.superseded_by_changes,
        superseded_by_version=state.superseded_by_version,
    )


Part = TypeVar("Part")


def _stored(version: PlanVersion, key: str) -> Any:
    """One part of a version's stored snapshot, without loading the whole of it."""
    return (
        PlanVersion.objects.filter(pk=version.pk).values_list(f"snapshot__{key}", flat=True).first()
    )


def _stored_part(version: PlanVersion, key: str, part: type[Part]) -> Part | None:
    """The ``key`` part of a version's stored snapshot as a ``part`` (None for a snapshot
    without one, or with one of another shape)."""
    stored = _stored(version, key)
    try:
        return conform(part, stored, key) if stored is not None else None
    except ContractError:
        return None


def version_changes(version: PlanVersion) -> ChangeSummary | None:
    """The change appendix frozen with ``version`` (None for a snapshot without one)."""
    return _stored_part(version, "changes", ChangeSummary)


def version_limitations(version: PlanVersion) -> Checklist | None:
    """The publish checklist as it stood when ``version`` was frozen."""
    return _stored_part(version, "checklist", Checklist)


def version_approver_names(version: PlanVersion) -> list[str]:
    """The approvers printed on the version's cover, in its order."""
    stored = _stored(version, "inputs__documents__approvers__people")
    return [str(name) for name in stored] if isinstance(stored, list) else []


def version_checkpoint(version: PlanVersion) -> str:
    """The history chain head ("SEQ:HASH") printed on the version's cover."""
    stored = _stored(version, "version__history_checkpoint")
    return stored if isinstance(stored, str) else ""


def changed_since_versions(plan_ids: list[int]) -> dict[int, int | None]:
    """For each plan, the number N of its newest version when the plan's data changed after
    that version was frozen ("changed since version N"), else None; one query.

    A change is a history-chain entry of the plan's data (not publishing or sign-off,
    :data:`documents.changes.NOT_INPUTS`) after the version's checkpoint.
    """

    newest = (
        PlanVersion.objects.filter(plan_id=OuterRef("plan_id")).order_by("-number").values("pk")[:1]
    )
    later = ChainEntry.objects.filter(
        plan_id=OuterRef("plan_id"), seq__gt=OuterRef("history_seq")
    ).exclude(model_label__in=NOT_INPUTS)
    found: dict[int, int | None] = dict.fromkeys(plan_ids)
    rows = (
        PlanVersion.objects.filter(plan_id__in=plan_ids, pk=Subquery(newest))
        .exclude(history_seq=None)
        .annotate(changed=Exists(later))
        .values_list("plan_id", "number", "changed")
    )
    for plan_id, number, changed in rows:
        found[plan_id] = number if changed else None
    return found


def procedure_minutes(plan_ids: list[int]) -> dict[int, dict[int, list[int]]]:
    """Per plan, per function, the summed step minutes of each of its procedures (one query;
    plan-wide procedures are left out)."""
    found: dict[int, dict[int, list[int]]] = {pk: {} for pk in plan_ids}
    rows = (
        RecoveryProcedure.objects.filter(plan_id__in=plan_ids, function__isnull=False)
        .annotate(total=Sum("steps__expected_minutes"))
        .values_list("plan_id", "function_id", "total")
        .order_by()
    )
    for plan_id, function_id, total in rows:
        found[plan_id].setdefault(function_id, []).append(total or 0)
    return found
