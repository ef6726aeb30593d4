"""The incidents app's part of the plan document: results of the exercises run here.

Each closed exercise contributes one row per exercised function to the document's
"Exercises and results" section, in the contract's words (:class:`bcp.contract.Exercise`):
held on the day it was closed, the function's RTO as the objective against the recovery
time actually achieved, and as findings the gaps it left (objectives missed, steps that
took longer than planned) and the lessons learned. An objective missed makes the outcome
"Failed"; only overrun steps, "Passed with findings". Open exercises and real incidents
are not exercise results and are left out.
"""

from __future__ import annotations

from django.utils import timezone

from bcp import contract
from bcp.models import Plan
from incidents.exercises import outcome_gaps
from incidents.models import Incident, IncidentFunction, Kind

KIND_LABEL = "Recovery exercise (live page)"
OBJECTIVE_MEASURES = {"rto", "mtpd", "rpo"}


def _minutes(hours: float | None) -> int | None:
    return None if hours is None else round(hours * 60)


def exercise_results(plan: Plan) -> tuple[contract.Exercise, ...]:
    """One row per function of each closed exercise, oldest first (four queries)."""
    rows: list[contract.Exercise] = []
    entries = (
        IncidentFunction.objects.filter(
            incident__plan=plan,
            incident__kind=Kind.EXERCISE,
            incident__status=Incident.Status.CLOSED,
        )
        .select_related("incident")
        .prefetch_related("steps", "incident__elements")
        .order_by("incident__started_at", "incident_id", "name", "pk")
    )
    for entry in entries:
        incident = entry.incident
        assert incident.closed_at is not None
        gaps = outcome_gaps(entry, incident)
        if any(g.measure in OBJECTIVE_MEASURES for g in gaps):
            outcome = "Failed"
        elif gaps:
            outcome = "Passed with findings"
        else:
            outcome = "Passed"
        actual = (
            (entry.restored_at - incident.started_at).total_seconds() / 3600.0
            if entry.restored_at
            else None
        )
        findings = [g.text for g in gaps]
        if incident.lessons:
            findings.append(f"Lessons: {incident.lessons}")
        failed = ", ".join(e.name for e in sorted(incident.elements.all(), key=lambda e: e.pk))
        rows.append(
            contract.Exercise(
                title=incident.title,
                kind=KIND_LABEL,
                function=entry.name,
                scheduled_for=timezone.localdate(incident.started_at).isoformat(),
                scope=f"Simulated failure of {failed}." if failed else "",
                outcome=outcome,
                held_on=timezone.localdate(incident.closed_at).isoformat(),
                objective_minutes=_minutes(entry.rto_hours),
                actual_minutes=_minutes(actual),
                findings="\n".join(findings),
            )
        )
    return tuple(rows)
