"""Exercise schedules, reminders, and what closed exercises and incidents say about a function.

Each business function is exercised every ``interval_days`` (by default from its
criticality: critical 90, high 180, medium 365, low 730 days; editable per function).
A closed exercise moves the function's next due date on. Reading the closed exercises
and incidents in order gives each function's readiness:

* **recovery tested on** — the day the latest exercise covering it was closed;
* **gaps** — every objective missed (restored later than the RTO or the MTPD, more data
  lost than the RPO) and every step that took longer than planned, in an exercise or a
  real incident; they stay on the function until an exercise without gaps clears them.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from analysis.formatting import hours as format_hours
from audit.services import system_user
from bcp.concurrency import save_if_current, save_locked
from bcp.history import change_context
from bcp.models import Membership, Plan, Role
from bia.models import BusinessFunction
from incidents.models import ExerciseSchedule, Incident, IncidentFunction, Kind

logger = logging.getLogger(__name__)

DEFAULT_INTERVAL_DAYS: dict[str, int] = {"critical": 90, "high": 180, "medium": 365, "low": 730}
FALLBACK_INTERVAL_DAYS = 365
# Reminders start this long before the due date, and repeat at most this often.
REMINDER_LEAD = dt.timedelta(days=14)
REMINDER_EVERY = dt.timedelta(days=7)
MAX_INTERVAL_DAYS = 3 * 366

DueState = Literal["overdue", "due soon", "scheduled"]
GapMeasure = Literal["rto", "mtpd", "rpo", "step"]


def default_interval(criticality: str) -> int:
    return DEFAULT_INTERVAL_DAYS.get(criticality, FALLBACK_INTERVAL_DAYS)


@dataclass(frozen=True)
class Gap:
    """An objective missed or a step overrun, found in one closed exercise or incident."""

    measure: GapMeasure
    text: str
    incident_id: int
    incident_title: str
    kind: str
    on: dt.date


@dataclass(frozen=True)
class Readiness:
    function_id: int
    name: str
    criticality: str
    owner: User | None
    schedule: ExerciseSchedule | None
    interval_days: int
    next_due: dt.date
    due_state: DueState
    last_tested_on: dt.date | None
    last_result: str | None
    gaps: tuple[Gap, ...]

    @property
    def is_default(self) -> bool:
        return self.schedule is None


def outcome_gaps(entry: IncidentFunction, incident: Incident) -> list[Gap]:
    """What one closed run shows about one function: objectives missed, steps overrun."""
    gaps: list[Gap] = []
    on = timezone.localdate(incident.closed_at or incident.started_at)

    def add(measure: GapMeasure, text: str) -> None:
        gaps.append(Gap(measure, text, incident.pk, incident.title, incident.kind, on))

    if entry.restored_at is not None:
        took = (entry.restored_at - incident.started_at).total_seconds() / 3600.0
        if entry.rto_hours is not None and took > entry.rto_hours:
            add(
                "rto",
                f"Restored after {format_hours(took)}, beyond the RTO of "
                f"{format_hours(entry.rto_hours)}.",
            )
        if entry.mtpd_hours is not None and took > entry.mtpd_hours:
            add(
                "mtpd",
                f"Restored after {format_hours(took)}, beyond the MTPD of "
                f"{format_hours(entry.mtpd_hours)}.",
            )
    if (
        entry.data_lost_minutes is not None
        and entry.rpo_hours is not None
        and entry.data_lost_minutes / 60.0 > entry.rpo_hours
    ):
        add(
            "rpo",
            f"Lost {format_hours(entry.data_lost_minutes / 60.0)} of data, more than the RPO of "
            f"{format_hours(entry.rpo_hours)}.",
        )
    for step in entry.steps.all():
        if step.overran:
            assert step.actual_minutes is not None
            add(
                "step",
                f"Step {step.position} took {format_hours(step.actual_minutes / 60.0)} against "
                f"{format_hours((step.expected_minutes or 0) / 60.0)} planned: "
                f"{step.instruction[:120]}",
            )
    return gaps


def _closed_runs(plan: Plan, *, function_id: int | None = None) -> list[IncidentFunction]:
    runs = IncidentFunction.objects.filter(
        incident__plan=plan, incident__status=Incident.Status.CLOSED
    )
    if function_id is not None:
        runs = runs.filter(function_id=function_id)
    return list(
        runs.select_related("incident")
        .prefetch_related("steps")
        .order_by("incident__closed_at", "incident_id", "pk")
    )


def _due_state(next_due: dt.date, today: dt.date) -> DueState:
    if next_due < today:
        return "overdue"
    if next_due <= today + REMINDER_LEAD:
        return "due soon"
    return "scheduled"


def plan_readiness(
    plan: Plan, *, today: dt.date | None = None, function_id: int | None = None
) -> list[Readiness]:
    """Every function's schedule, last test and open gaps (a fixed number of queries);
    only that function's when ``function_id`` is given."""

    today = today or timezone.localdate()
    schedules_query = ExerciseSchedule.objects.filter(plan=plan)
    functions = BusinessFunction.objects.filter(plan=plan)
    if function_id is not None:
        schedules_query = schedules_query.filter(function_id=function_id)
        functions = functions.filter(pk=function_id)
    schedules = {s.function_id: s for s in schedules_query}
    history: dict[int, list[IncidentFunction]] = {}
    for entry in _closed_runs(plan, function_id=function_id):
        history.setdefault(entry.function_id, []).append(entry)
    found: list[Readiness] = []
    for function in functions.select_related("owner").order_by("name", "pk"):
        tested_on: dt.date | None = None
        result: str | None = None
        gaps: list[Gap] = []
        for entry in history.get(function.pk, []):
            run_gaps = outcome_gaps(entry, entry.incident)
            if entry.incident.kind == Kind.EXERCISE:
                tested_on = timezone.localdate(entry.incident.closed_at)
                result = "gaps found" if run_gaps else "passed"
                if not run_gaps:
                    gaps = []
            gaps.extend(run_gaps)
        schedule = schedules.get(function.pk)
        interval = schedule.interval_days if schedule else default_interval(function.criticality)
        if schedule is not None:
            next_due = schedule.next_due
        else:
            start = tested_on or timezone.localdate(function.created_at)
            next_due = start + dt.timedelta(days=interval)
        found.append(
            Readiness(
                function_id=function.pk,
                name=function.name,
                criticality=function.criticality,
                owner=function.owner,
                schedule=schedule,
                interval_days=interval,
                next_due=next_due,
                due_state=_due_state(next_due, today),
                last_tested_on=tested_on,
                last_result=result,
                gaps=tuple(gaps),
            )
        )
    return found


def function_readiness(function: BusinessFunction, *, today: dt.date | None = None) -> Readiness:
    """One business function's exercise status: when its recovery was last tested, with
    what result, the gaps still open and when the next exercise is due."""
    (row,) = plan_readiness(function.plan, today=today, function_id=function.pk)
    return row


@transaction.atomic
def schedule_set(
    *,
    plan: Plan,
    function: BusinessFunction,
    user: User,
    interval_days: int,
    next_due: dt.date,
    expected_version: int | None = None,
    reason: str = "",
    ticket: str = "",
) -> ExerciseSchedule:
    """Create or change one function's exercise schedule."""
    if function.plan_id != plan.pk:
        raise ValidationError("That function belongs to another plan.")
    if not 1 <= interval_days <= MAX_INTERVAL_DAYS:
        raise ValidationError(
            {"interval_days": f"Exercise at least every {MAX_INTERVAL_DAYS} days."}
        )
    existing = ExerciseSchedule.objects.filter(function=function).first()
    with change_context(user=user, reason=reason or "Exercise schedule set", ticket=ticket):
        if existing is None:
            return ExerciseSchedule.objects.create(
                plan=plan, function=function, interval_days=interval_days, next_due=next_due
            )
        updated = save_if_current(
            existing,
            expected_version=expected_version,
            changes={"interval_days": interval_days, "next_due": next_due, "reminded_on": None},
        )
    assert isinstance(updated, ExerciseSchedule)
    return updated


def schedules_after_exercise(
    *, incident: Incident, user: User, functions: Iterable[IncidentFunction]
) -> None:
    """A closed exercise makes the next one due one interval after it (inside its transaction)."""
    closed_on = timezone.localdate(incident.closed_at)
    for entry in functions:
        function = entry.function
        existing = ExerciseSchedule.objects.filter(function=function).first()
        interval = existing.interval_days if existing else default_interval(function.criticality)
        due = closed_on + dt.timedelta(days=interval)
        with change_context(user=user, reason=f"Exercised in “{incident.title}”"):
            if existing is None:
                ExerciseSchedule.objects.create(
                    plan=incident.plan, function=function, interval_days=interval, next_due=due
                )
            else:
                save_locked(existing, changes={"next_due": due, "reminded_on": None})


def _link(path: str, site: str) -> str:
    base = site or getattr(settings, "SITE_URL", "") or ""
    return f"{base.rstrip('/')}{path}"


def exercise_reminders_send(*, today: dt.date | None = None, site: str = "") -> int:
    """Email each due or overdue function's owner and the plan's managers; return how many
    functions were reminded. Each function is reminded at most once a week.

    Each function's reminder is recorded in its own transaction right after its email went
    out, so a mail server failing half-way loses nothing: the rest are tried next run.
    """

    today = today or timezone.localdate()
    actor = system_user()
    reminded = 0
    for plan in Plan.objects.filter(status=Plan.Status.ACTIVE).order_by("pk"):
        managers = [
            m.user.email
            for m in Membership.objects.filter(plan=plan, role=Role.MANAGER).select_related("user")
            if m.user.email
        ]
        for row in plan_readiness(plan, today=today):
            if row.due_state == "scheduled":
                continue
            schedule = row.schedule
            if (
                schedule is not None
                and schedule.reminded_on is not None
                and today - schedule.reminded_on < REMINDER_EVERY
            ):
                continue
            recipients = sorted(
                {*managers, *([row.owner.email] if row.owner and row.owner.email else [])}
            )
            if recipients and not _remind(plan, row, recipients, site=site):
                continue
            with transaction.atomic(), change_context(user=actor, reason="Exercise reminder sent"):
                if schedule is None:
                    ExerciseSchedule.objects.create(
                        plan=plan,
                        function_id=row.function_id,
                        interval_days=row.interval_days,
                        next_due=row.next_due,
                        reminded_on=today,
                    )
                else:
                    save_locked(schedule, changes={"reminded_on": today})
            reminded += 1
    return reminded


def _remind(plan: Plan, row: Readiness, recipients: list[str], *, site: str) -> bool:
    when = "is overdue since" if row.due_state == "overdue" else "is due on"
    link = _link(reverse("exercise_schedule", kwargs={"plan_pk": plan.pk}), site)
    tested = (
        f"Recovery last tested on {row.last_tested_on}."
        if row.last_tested_on
        else "Its recovery has not been exercised yet."
    )
    body = "\n".join(
        [
            f"The recovery exercise of “{row.name}” ({plan.name}) {when} {row.next_due}.",
            tested,
            *(f"Open gap: {gap.text}" for gap in row.gaps),
            "",
            f"Schedule and run it here: {link}",
        ]
    )
    try:
        send_mail(f"Exercise due: {row.name} ({row.next_due})", body, None, recipients)
    except Exception as exc:  # a reminder that cannot be sent is retried next run
        logger.warning("Exercise reminder for %s failed: %s", row.name, exc)
        return False
    return True
