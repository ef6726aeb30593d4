"""Exercise results feed the plan document's exercises section through the contract."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from bcp import contract
from documents.document import documents_part
from incidents.document import exercise_results
from incidents.models import Incident
from incidents.services.steps import step_complete, step_start
from tests.incidents.factories import Estate, close, declare, entry_for, first_step, restore_all

pytestmark = pytest.mark.django_db


def _close(estate: Estate, incident: Incident, *, after: dt.timedelta) -> Incident:
    restore_all(incident, estate.people.manager, at=incident.started_at + after)
    return close(incident, estate.people.manager, lessons="Script the checks.")


def test_a_closed_exercise_is_a_result_per_function_in_the_plan_document(estate: Estate) -> None:
    started = timezone.now() - dt.timedelta(hours=2)
    incident = declare(estate, kind="exercise", title="SAN drill", started_at=started)
    head = entry_for(incident, estate.head_office)
    head.rto_hours = 0.5
    head.save()
    step = first_step(incident, estate.head_office)
    step_start(step=step, user=estate.people.manager, now=started)
    step_complete(step=step, user=estate.people.manager, now=started + dt.timedelta(minutes=20))
    _close(estate, incident, after=dt.timedelta(minutes=45))
    part = contract.check_part("documents", contract.DocumentsPart, documents_part(estate.plan))
    rows = {e.function: e for e in part.exercises if e.title == "SAN drill"}
    assert set(rows) == {"Head office printing", "Branch printing"}
    head_row = rows["Head office printing"]
    assert head_row.outcome == "Failed"  # 45 min against an RTO of 30 min
    assert (head_row.objective_minutes, head_row.actual_minutes) == (30, 45)
    assert head_row.held_on == timezone.localdate().isoformat()
    assert head_row.scope == "Simulated failure of SAN."
    assert "Step 1 took 20 min against 10 min planned" in head_row.findings
    assert "Lessons: Script the checks." in head_row.findings
    assert rows["Branch printing"].outcome == "Passed"


def test_open_exercises_and_real_incidents_are_not_exercise_results(estate: Estate) -> None:
    declare(estate, kind="exercise", title="Still running")
    real = declare(estate, kind="incident", title="Real outage")
    _close(estate, real, after=dt.timedelta(minutes=10))
    assert exercise_results(estate.plan) == ()
