"""Reads of the incidents app, shaped for its pages, its API and its report."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Literal

from django.contrib.auth.models import User
from django.db.models import Count, Max, Prefetch, Q, QuerySet
from django.utils import timezone

from analysis.formatting import duration as format_duration
from bcp.form_parts import plan_people as plan_people
from bcp.models import Plan
from bcp.permissions import Capability
from bcp.selectors import counts_per_plan
from incidents.models import (
    AfterActionReport,
    ExerciseSchedule,
    FollowUpAction,
    Incident,
    IncidentElement,
    IncidentFunction,
    IncidentStep,
    LogEntry,
    Notification,
    Scenario,
)
from incidents.services.rules import can_work_function

# Amber once this share of the RTO (of the MTPD when there is no RTO) has passed; red at the
# RTO; "past MTPD" beyond it.
AMBER_AT = 0.75

ClockLevel = Literal["none", "ok", "amber", "red", "past-mtpd", "stopped"]


def incidents_for_list(plan: Plan) -> QuerySet[Incident]:
    return (
        Incident.objects.filter(plan=plan)
        .select_related("declared_by")
        .annotate(
            function_count=Count("functions", distinct=True),
            down_count=Count("functions", filter=Q(functions__state="down"), distinct=True),
        )
        .order_by("status", "-started_at", "-pk")
    )


def scenarios_for_list(plan: Plan) -> QuerySet[Scenario]:
    return (
        Scenario.objects.filter(plan=plan)
        .prefetch_related("elements__site", "elements__component", "elements__group")
        .order_by("name", "pk")
    )


@dataclass(frozen=True)
class Clock:
    """Time since the start against a function's RTO and MTPD, and the colour it earns."""

    elapsed_seconds: float
    rto_seconds: float | None
    mtpd_seconds: float | None
    level: ClockLevel
    stopped_at: dt.datetime | None

    @property
    def elapsed_label(self) -> str:
        return format_duration(max(0.0, round(self.elapsed_seconds / 60.0) * 60.0))

    @property
    def rto_label(self) -> str:
        return format_duration(self.rto_seconds) if self.rto_seconds is not None else "no RTO"

    @property
    def mtpd_label(self) -> str:
        return format_duration(self.mtpd_seconds) if self.mtpd_seconds is not None else "no MTPD"

    @property
    def percent_of_rto(self) -> int | None:
        if not self.rto_seconds:
            return None
        return min(100, int(100 * self.elapsed_seconds / self.rto_seconds))


def function_clock(entry: IncidentFunction, started_at: dt.datetime, now: dt.datetime) -> Clock:
    """The clock of one function: it stops when the function is restored (or back up)."""
    stop = entry.restored_at or entry.back_at
    end = stop or now
    elapsed = max(0.0, (end - started_at).total_seconds())
    rto = entry.rto_hours * 3600.0 if entry.rto_hours is not None else None
    mtpd = entry.mtpd_hours * 3600.0 if entry.mtpd_hours is not None else None
    level: ClockLevel
    if mtpd is not None and elapsed >= mtpd:
        level = "past-mtpd"
    elif rto is not None and elapsed >= rto:
        level = "red"
    elif rto is not None and elapsed >= AMBER_AT * rto:
        level = "amber"
    elif rto is None and mtpd is not None and elapsed >= AMBER_AT * mtpd:
        level = "amber"  # no RTO to warn against: warn before the MTPD instead
    elif stop is not None:
        level = "stopped"
    elif rto is None:
        level = "none"
    else:
        level = "ok"
    if stop is not None and level in ("ok", "none"):
        level = "stopped"
    return Clock(elapsed, rto, mtpd, level, stop)


@dataclass(frozen=True)
class FunctionView:
    entry: IncidentFunction
    clock: Clock
    steps: list[IncidentStep]
    can_work: bool

    @property
    def done_steps(self) -> int:
        return sum(1 for s in self.steps if s.completed_at is not None)


@dataclass(frozen=True)
class IncidentView:
    incident: Incident
    elements: list[IncidentElement]
    functions: list[FunctionView]
    notifications: list[Notification]
    log: list[LogEntry]
    actions: list[FollowUpAction]
    now: dt.datetime

    @property
    def elapsed_label(self) -> str:
        end = self.incident.closed_at or self.now
        seconds = max(0.0, (end - self.incident.started_at).total_seconds())
        return format_duration(round(seconds / 60.0) * 60.0)

    @property
    def acknowledged(self) -> list[Notification]:
        return [n for n in self.notifications if n.acknowledged_at is not None]

    @property
    def to_chase(self) -> list[Notification]:
        return [n for n in self.notifications if n.acknowledged_at is None]

    @property
    def email_failed(self) -> list[Notification]:
        """People with an address whose email could not be sent and who have not answered."""
        return [
            n
            for n in self.notifications
            if n.email and n.sent_at is None and n.acknowledged_at is None
        ]

    @property
    def unrestored(self) -> list[IncidentFunction]:
        return [f.entry for f in self.functions if f.entry.restored_at is None]


def incident_view(
    incident: Incident,
    *,
    user: User | None,
    capabilities: frozenset[Capability],
    now: dt.datetime | None = None,
) -> IncidentView:
    """Everything the live page shows, in a fixed number of queries."""
    now = now or timezone.now()
    entries = list(
        IncidentFunction.objects.filter(incident=incident)
        .select_related("function", "incident__plan", "restored_by")
        .prefetch_related(
            Prefetch(
                "steps",
                queryset=IncidentStep.objects.select_related(
                    "assignee", "started_by", "completed_by"
                ).order_by("position", "pk"),
            )
        )
        .order_by("name", "pk")
    )
    state_order = {"down": 0, "degraded": 1, "up": 2}
    entries.sort(key=lambda e: (state_order.get(e.state, 3), e.name.casefold()))
    functions = [
        FunctionView(
            entry=e,
            clock=function_clock(e, incident.started_at, now),
            steps=list(e.steps.all()),
            can_work=incident.is_open and can_work_function(user, e, capabilities=capabilities),
        )
        for e in entries
    ]
    return IncidentView(
        incident=incident,
        elements=list(
            IncidentElement.objects.filter(incident=incident)
            .select_related("recovered_by")
            .order_by("recovered_at", "pk")
        ),
        functions=functions,
        notifications=list(Notification.objects.filter(incident=incident).order_by("order")),
        log=list(
            LogEntry.objects.filter(incident=incident)
            .select_related("author")
            .order_by("-at", "-pk")
        ),
        actions=list(
            FollowUpAction.objects.filter(incident=incident)
            .select_related("owner")
            .order_by("due_on", "pk")
        ),
        now=now,
    )


def live_stamp(incident: Incident, *, now: dt.datetime | None = None) -> str:
    """Changes whenever anything on the live page changes, and once a minute for the clocks.

    The page polls with its stamp; an unchanged stamp is answered with 204 (no swap), so
    a form someone is filling in is not replaced while nothing happened.
    """
    now = now or timezone.now()
    parts: list[str] = [str(incident.version), now.strftime("%Y%m%d%H%M")]
    for queryset in (
        IncidentElement.objects.filter(incident=incident),
        IncidentFunction.objects.filter(incident=incident),
        IncidentStep.objects.filter(incident_function__incident=incident),
        LogEntry.objects.filter(incident=incident),
        Notification.objects.filter(incident=incident),
        FollowUpAction.objects.filter(incident=incident),
    ):
        mark = queryset.aggregate(n=Count("pk"), last=Max("updated_at"))
        parts.append(f"{mark['n']}:{mark['last'].isoformat() if mark['last'] else ''}")
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


def reports_of(incident: Incident) -> QuerySet[AfterActionReport]:
    return AfterActionReport.objects.filter(incident=incident).select_related("job")


def open_incidents(plan: Plan) -> QuerySet[Incident]:
    return Incident.objects.filter(plan=plan, status=Incident.Status.OPEN).order_by("-started_at")


# --- timeline -------------------------------------------------------------------------------


@dataclass(frozen=True)
class TimelineEvent:
    at: dt.datetime
    what: str
    who: str


def _name(user: User | None) -> str:
    if user is None:
        return ""
    return str(user.get_full_name() or user.get_username())


def timeline(view: IncidentView) -> list[TimelineEvent]:
    """Every recorded moment of the incident, oldest first, from the records themselves."""
    incident = view.incident
    events: list[TimelineEvent] = [
        TimelineEvent(
            incident.started_at,
            f"{'Exercise' if incident.is_exercise else 'Incident'} started: {incident.title}",
            "",
        ),
        TimelineEvent(incident.created_at, "Declared", _name(incident.declared_by)),
    ]
    if incident.call_tree_started_at:
        events.append(
            TimelineEvent(
                incident.call_tree_started_at,
                "Call tree started",
                _name(incident.call_tree_started_by),
            )
        )
    for n in view.notifications:
        if n.acknowledged_at:
            events.append(
                TimelineEvent(
                    n.acknowledged_at,
                    f"{n.contact_name} acknowledged ({n.acknowledged_via})",
                    n.contact_name,
                )
            )
    for element in view.elements:
        if element.recovered_at:
            events.append(
                TimelineEvent(
                    element.recovered_at, f"{element.name} recovered", _name(element.recovered_by)
                )
            )
    for fv in view.functions:
        entry = fv.entry
        if entry.back_at:
            events.append(TimelineEvent(entry.back_at, f"{entry.name} running again (engine)", ""))
        if entry.restored_at:
            events.append(
                TimelineEvent(entry.restored_at, f"{entry.name} restored", _name(entry.restored_by))
            )
        for step in fv.steps:
            label = f"{entry.name}: step {step.position}"
            if step.started_at:
                events.append(
                    TimelineEvent(step.started_at, f"{label} started", _name(step.started_by))
                )
            if step.completed_at:
                events.append(
                    TimelineEvent(step.completed_at, f"{label} completed", _name(step.completed_by))
                )
    for note in view.log:
        events.append(
            TimelineEvent(note.at, f"{note.get_kind_display()}: {note.text}", _name(note.author))
        )
    if incident.closed_at:
        events.append(TimelineEvent(incident.closed_at, "Closed", _name(incident.closed_by)))
    events.sort(key=lambda e: e.at)
    return events


def overdue_exercise_counts(plan_ids: list[int], *, today: dt.date) -> dict[int, int]:
    """Per plan, how many functions' recovery exercises are overdue (their schedule's next
    due date has passed); one query."""
    return counts_per_plan(ExerciseSchedule.objects.filter(next_due__lt=today), plan_ids)
