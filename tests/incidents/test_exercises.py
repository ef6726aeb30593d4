"""Exercise schedules, reminders through a real SMTP server, and gaps from closed runs."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from incidents import exercises
from incidents.models import ExerciseSchedule, Incident, IncidentStep
from incidents.services.steps import step_complete, step_start
from tests.conftest import client_for
from tests.incidents.factories import Estate, close, declare, entry_for, restore_all
from tests.incidents.smtp import Mailbox

pytestmark = pytest.mark.django_db


def _run(
    estate: Estate,
    *,
    kind: str = "exercise",
    step_minutes: float = 5,
    restored_after: dt.timedelta = dt.timedelta(minutes=30),
    rto_hours: float | None = None,
) -> Incident:
    """Declare, time the first head office step, restore everything, close."""
    started = timezone.now() - dt.timedelta(hours=3)
    incident = declare(estate, kind=kind, started_at=started)
    head = entry_for(incident, estate.head_office)
    if rto_hours is not None:
        head.rto_hours = rto_hours
        head.save()
    step = IncidentStep.objects.filter(incident_function=head).order_by("position").first()
    assert step is not None
    step_start(step=step, user=estate.people.manager, now=started)
    step_complete(
        step=step, user=estate.people.manager, now=started + dt.timedelta(minutes=step_minutes)
    )
    restore_all(incident, estate.people.manager, at=started + restored_after)
    return close(incident, estate.people.manager)


def _row(estate: Estate, name: str = "Head office printing") -> exercises.Readiness:
    return next(r for r in exercises.plan_readiness(estate.plan) if r.name == name)


def test_the_default_interval_follows_criticality_until_someone_changes_it(
    estate: Estate,
) -> None:
    row = _row(estate)
    assert (row.interval_days, row.is_default) == (180, True)
    assert row.next_due == timezone.localdate(estate.head_office.created_at) + dt.timedelta(180)
    assert _row(estate, "Branch printing").interval_days == 365
    exercises.schedule_set(
        plan=estate.plan,
        function=estate.head_office,
        user=estate.people.manager,
        interval_days=30,
        next_due=timezone.localdate() + dt.timedelta(days=3),
    )
    row = _row(estate)
    assert (row.interval_days, row.is_default, row.due_state) == (30, False, "due soon")


def test_a_step_that_overran_becomes_a_gap_until_a_clean_exercise(estate: Estate) -> None:
    _run(estate, step_minutes=25)  # 10 minutes were planned
    row = _row(estate)
    assert row.last_result == "gaps found"
    assert [g.measure for g in row.gaps] == ["step"]
    assert "Step 1 took 25 min against 10 min planned" in row.gaps[0].text
    _run(estate, step_minutes=5)
    row = _row(estate)
    assert (row.last_result, row.gaps) == ("passed", ())
    assert row.last_tested_on == timezone.localdate()


def test_one_functions_readiness_is_its_row_of_the_plan_schedule(estate: Estate) -> None:
    _run(estate, step_minutes=25)
    assert exercises.function_readiness(estate.head_office) == _row(estate)


def test_the_functions_page_says_when_its_recovery_was_tested_and_its_open_gaps(
    estate: Estate,
) -> None:
    _run(estate, step_minutes=25)
    url = reverse(
        "function_detail", kwargs={"plan_pk": estate.plan.pk, "function_pk": estate.head_office.pk}
    )
    body = client_for(estate.people.auditor).get(url).content.decode()
    card = body.split('id="recovery-tested"')[1].split("</div></div>")[0]
    assert f"Recovery tested on {date_format(timezone.localdate())} — gaps found." in card
    assert "Step 1 took 25 min against 10 min planned" in card


def test_a_missed_rto_in_a_real_incident_is_a_gap_but_not_a_test(estate: Estate) -> None:
    _run(estate, kind="incident", restored_after=dt.timedelta(hours=2), rto_hours=1.0)
    row = _row(estate)
    assert row.last_tested_on is None
    assert [g.measure for g in row.gaps] == ["rto"]
    assert row.gaps[0].text == "Restored after 2 h, beyond the RTO of 1 h."


def test_reminders_go_to_the_owner_and_managers_once_a_week(
    estate: Estate, smtp_server: Mailbox
) -> None:
    ExerciseSchedule.objects.create(
        plan=estate.plan,
        function=estate.head_office,
        interval_days=90,
        next_due=timezone.localdate() - dt.timedelta(days=1),
    )
    out = StringIO()
    call_command("send_exercise_reminders", "--site", "https://bcp.example.org", stdout=out)
    assert "1 function reminded." in out.getvalue()
    (message,) = smtp_server.messages
    assert set(str(message["To"]).split(", ")) == {"sam@example.org", "maya@example.org"}
    assert str(message["Subject"]).strip().startswith("Exercise due: Head office printing")
    body = message.get_body(preferencelist=("plain",))
    assert body is not None and "is overdue since" in body.get_content()
    assert f"https://bcp.example.org/plans/{estate.plan.pk}/incidents/exercises/" in (
        body.get_content()
    )
    assert exercises.exercise_reminders_send() == 0
    assert len(smtp_server.messages) == 1
    later = timezone.localdate() + dt.timedelta(days=7)
    assert exercises.exercise_reminders_send(today=later) == 1


def test_a_schedule_must_have_a_sane_interval(estate: Estate) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        exercises.schedule_set(
            plan=estate.plan,
            function=estate.head_office,
            user=estate.people.manager,
            interval_days=5000,
            next_due=timezone.localdate(),
        )
    assert not ExerciseSchedule.objects.exists()
