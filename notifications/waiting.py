"""What is waiting for one person, across all their plans: the home page's list.

Each section is filled by sources, callables from a user to :class:`WaitingItem` rows.
The BIA, sign-off and incident sources are built in; other apps add theirs with
:func:`waiting_source_register` from their ``AppConfig.ready`` (the review app adds
its review tasks to :attr:`Section.REVIEW_TASKS`). Each source returns at most
:data:`SOURCE_LIMIT` rows, in one or two queries.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import Enum

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.urls import reverse
from django.utils import timezone

from bcp.models import Membership, Plan, Role
from bia.models import EDITABLE_STATES, Assessment, AssessmentState
from documents.models import SignOffRequest
from incidents.models import Incident, IncidentStep

SOURCE_LIMIT = 20


class Section(Enum):
    BIAS = "BIAs to answer or approve"
    SIGNATURES = "Signatures"
    REVIEW_TASKS = "Review tasks"
    INCIDENT_STEPS = "Incident steps assigned to me"


@dataclass(frozen=True)
class WaitingItem:
    """One thing one person should do, where to do it, and by when."""

    title: str
    plan_name: str
    link: str
    due: datetime.date | None = None
    note: str = ""

    def __post_init__(self) -> None:
        if not self.title.strip():
            raise ValueError("A waiting item says what to do.")
        if not self.link.startswith("/") or self.link.startswith("//"):
            raise ValueError("A waiting item links to a page on this site.")

    @property
    def overdue(self) -> bool:
        return self.due is not None and self.due < timezone.localdate()


WaitingSource = Callable[[AbstractBaseUser], Iterable[WaitingItem]]


@dataclass
class WaitingGroup:
    section: Section
    items: list[WaitingItem] = field(default_factory=list)


_SOURCES: dict[Section, list[WaitingSource]] = {section: [] for section in Section}


def waiting_source_register(section: Section, source: WaitingSource) -> None:
    """Add ``source`` to ``section`` (once; registering the same callable again is a no-op)."""
    if source not in _SOURCES[section]:
        _SOURCES[section].append(source)


def waiting_for(user: AbstractBaseUser | AnonymousUser) -> list[WaitingGroup]:
    """The sections that have something waiting for ``user``, in a fixed order."""
    if not isinstance(user, AbstractBaseUser):
        return []
    groups = []
    for section, sources in _SOURCES.items():
        items: list[WaitingItem] = []
        for source in sources:
            for item in list(source(user))[:SOURCE_LIMIT]:
                if not isinstance(item, WaitingItem):
                    raise TypeError(f"{source!r} gave {type(item).__name__}, not a WaitingItem.")
                items.append(item)
        if items:
            groups.append(WaitingGroup(section, items))
    return groups


# --- built-in sources ---------------------------------------------------------------


def _bia_item(assessment: Assessment, to_do: str, *, note: str) -> WaitingItem:
    return WaitingItem(
        title=f"{to_do} the BIA of {assessment.function.name}",
        plan_name=assessment.plan.name,
        link=assessment.get_absolute_url(),
        due=assessment.due_date,
        note=note,
    )


def bias_to_answer(user: AbstractBaseUser) -> list[WaitingItem]:

    found = (
        Assessment.objects.filter(
            function__owner_id=user.pk,
            is_current=True,
            state__in=EDITABLE_STATES,
            plan__status=Plan.Status.ACTIVE,
        )
        .select_related("function", "plan")
        .order_by("due_date", "pk")[:SOURCE_LIMIT]
    )
    return [_bia_item(a, "Answer", note=a.get_state_display()) for a in found]


def bias_to_approve(user: AbstractBaseUser) -> list[WaitingItem]:

    managed = Membership.objects.filter(user_id=user.pk, role=Role.MANAGER).values("plan_id")
    found = (
        Assessment.objects.filter(
            plan_id__in=managed,
            is_current=True,
            state=AssessmentState.SUBMITTED,
            plan__status=Plan.Status.ACTIVE,
        )
        .exclude(submitted_by_id=user.pk)
        .select_related("function", "plan")
        .order_by("submitted_at", "pk")[:SOURCE_LIMIT]
    )
    return [_bia_item(a, "Approve or return", note="Submitted") for a in found]


def signatures_pending(user: AbstractBaseUser) -> list[WaitingItem]:

    found = (
        SignOffRequest.objects.filter(stakeholder_id=user.pk, status=SignOffRequest.Status.PENDING)
        .select_related("plan_version__plan")
        .order_by("due_date", "pk")[:SOURCE_LIMIT]
    )
    return [
        WaitingItem(
            title=f"Sign off version {s.plan_version.number}",
            plan_name=s.plan_version.plan.name,
            link=reverse(
                "signoff_detail",
                kwargs={"plan_pk": s.plan_version.plan_id, "signoff_pk": s.pk},
            ),
            due=s.due_date,
        )
        for s in found
    ]


def incident_steps_assigned(user: AbstractBaseUser) -> list[WaitingItem]:

    found = (
        IncidentStep.objects.filter(
            assignee_id=user.pk,
            completed_at__isnull=True,
            incident_function__incident__status=Incident.Status.OPEN,
        )
        .select_related("incident_function__incident__plan")
        .order_by("incident_function__incident__started_at", "position", "pk")[:SOURCE_LIMIT]
    )
    return [
        WaitingItem(
            title=step.instruction.splitlines()[0][:150] if step.instruction.strip() else "Step",
            plan_name=step.incident_function.incident.plan.name,
            link=f"{step.incident_function.incident.get_absolute_url()}#step-{step.pk}",
            note=f"{step.incident_function.incident.title} · {step.status}",
        )
        for step in found
    ]


waiting_source_register(Section.BIAS, bias_to_answer)
waiting_source_register(Section.BIAS, bias_to_approve)
waiting_source_register(Section.SIGNATURES, signatures_pending)
waiting_source_register(Section.INCIDENT_STEPS, incident_steps_assigned)
