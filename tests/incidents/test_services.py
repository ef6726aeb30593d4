"""Declaring, working the steps, recovering, restoring and closing: the services."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from analysis.models import Incident as BudgetRecord
from audit.models import ChainEntry
from incidents.models import (
    ExerciseSchedule,
    Incident,
    IncidentElement,
    IncidentStep,
    LogEntry,
)
from incidents.services.declaring import declaration_check
from incidents.services.recovery import element_recover, function_restore, log_add
from incidents.services.steps import step_add, step_assign, step_complete, step_start
from tests.conftest import PlanPeople
from tests.incidents.factories import (
    Estate,
    close,
    declare,
    entry_for,
    first_step,
    print_estate,
    restore_all,
)

pytestmark = pytest.mark.django_db


def _restore_all(incident: Incident, estate: Estate, *, after: dt.timedelta) -> None:
    restore_all(
        incident, estate.people.manager, at=incident.started_at + after, data_lost_minutes=5.0
    )


def _close(incident: Incident, estate: Estate) -> Incident:
    return close(
        incident,
        estate.people.manager,
        summary="The SAN controller was replaced.",
        lessons="Keep a spare controller.",
    )


# --- declaring ----------------------------------------------------------------------------


def test_declaring_records_the_failures_the_affected_functions_and_their_runbook_steps(
    estate: Estate,
) -> None:
    incident = declare(estate, estate.san)
    assert list(incident.elements.values_list("name", "kind")) == [("SAN", "component")]
    head_office = entry_for(incident, estate.head_office)
    assert (head_office.state, head_office.because) == ("down", ["SAN"])
    branch = entry_for(incident, estate.branch)
    assert (branch.state, branch.because) == ("degraded", ["SAN"])
    steps = list(head_office.steps.values_list("position", "instruction", "expected_minutes"))
    assert steps == [(1, "Check the SAN controllers.", 10), (2, "Fail over the print pair.", 15)]


def test_one_failed_load_balancer_degrades_head_office_printing_through_its_pair(
    estate: Estate,
) -> None:
    incident = declare(estate, estate.lb_1)
    head_office = entry_for(incident, estate.head_office)
    assert (head_office.state, head_office.because) == ("degraded", ["Load balancer 1", "LB pair"])
    assert not incident.functions.filter(function=estate.branch).exists()


def _refused(
    estate: Estate, *, started_at: dt.datetime, failed_keys: list[str]
) -> dict[str, list[str]]:
    """The errors, by field, of a declaration the service refuses."""
    with pytest.raises(ValidationError) as caught:
        declaration_check(
            plan=estate.plan,
            kind="incident",
            title="Something",
            started_at=started_at,
            failed_keys=failed_keys,
        )
    return caught.value.message_dict


def test_declaring_with_nothing_failed_is_refused_and_saves_nothing(estate: Estate) -> None:
    errors = _refused(estate, started_at=timezone.now(), failed_keys=[])
    assert "Say what has failed" in errors["failed"][0]
    assert not Incident.objects.exists()


def test_a_start_in_the_future_is_refused_with_the_time_it_is_now(estate: Estate) -> None:
    later = timezone.now() + dt.timedelta(hours=1)
    errors = _refused(estate, started_at=later, failed_keys=[estate.key(estate.san)])
    assert errors["started_at"][0].startswith("The start cannot be in the future")
    assert not Incident.objects.exists()


def test_elements_of_another_plan_are_refused_by_key(estate: Estate) -> None:
    errors = _refused(estate, started_at=timezone.now(), failed_keys=["component:999999"])
    assert "component:999999" in errors["failed"][0]


# --- steps ---------------------------------------------------------------------------------


def test_completing_a_step_twice_is_refused_with_who_did_it_and_changes_nothing(
    estate: Estate,
) -> None:
    incident = declare(estate)
    step = first_step(incident, estate.head_office)
    done = step_complete(step=step, user=estate.people.stakeholder)
    history = IncidentStep.history.filter(id=step.pk).count()
    with pytest.raises(ValidationError, match="already completed by"):
        step_complete(step=step, user=estate.people.manager)
    again = IncidentStep.objects.get(pk=step.pk)
    assert (again.version, again.completed_by) == (done.version, estate.people.stakeholder)
    assert IncidentStep.history.filter(id=step.pk).count() == history


def test_starting_then_completing_times_the_step_and_flags_an_overrun(estate: Estate) -> None:
    incident = declare(estate)
    step = first_step(incident, estate.head_office)
    start = timezone.now() - dt.timedelta(minutes=25)
    step_start(step=step, user=estate.people.stakeholder, now=start)
    done = step_complete(step=step, user=estate.people.stakeholder)
    assert done.assignee == estate.people.stakeholder
    assert done.actual_minutes is not None and done.actual_minutes >= 25
    assert done.overran  # 10 minutes were planned


def test_a_stakeholder_works_only_the_steps_of_functions_they_own(estate: Estate) -> None:
    incident = declare(estate)
    branch = entry_for(incident, estate.branch)
    step = step_add(
        incident_function=branch, user=estate.people.manager, instruction="Call the courier."
    )
    assert step.added_during_incident
    with pytest.raises(PermissionDenied):
        step_complete(step=step, user=estate.people.stakeholder)
    with pytest.raises(PermissionDenied):
        step_add(incident_function=branch, user=estate.people.stakeholder, instruction="Mine now.")


def test_a_stakeholder_takes_a_step_but_cannot_assign_it_to_someone_else(estate: Estate) -> None:
    incident = declare(estate)
    step = first_step(incident, estate.head_office)
    taken = step_assign(
        step=step, user=estate.people.stakeholder, assignee=estate.people.stakeholder
    )
    assert taken.assignee == estate.people.stakeholder
    with pytest.raises(PermissionDenied):
        step_assign(step=step, user=estate.people.stakeholder, assignee=estate.people.manager)


# --- recovery, closing ------------------------------------------------------------------------


def test_recovering_the_failed_element_brings_the_functions_back(estate: Estate) -> None:
    incident = declare(estate)
    element = IncidentElement.objects.get(incident=incident)
    result = element_recover(element=element, user=estate.people.manager)
    assert result.left_out == []
    assert {f.name: f.state for f in result.changed} == {
        "Head office printing": "up",
        "Branch printing": "up",
    }
    head_office = entry_for(incident, estate.head_office)
    assert head_office.back_at is not None
    assert head_office.because == []
    with pytest.raises(ValidationError, match="already marked recovered"):
        element_recover(element=element, user=estate.people.manager)


def test_recovering_one_of_two_failures_leaves_the_function_down_for_the_other(
    estate: Estate,
) -> None:
    incident = declare(estate, estate.lb_1, estate.lb_2)
    assert entry_for(incident, estate.head_office).state == "down"
    lb_1 = IncidentElement.objects.get(incident=incident, name="Load balancer 1")
    element_recover(element=lb_1, user=estate.people.manager)
    head_office = entry_for(incident, estate.head_office)
    assert (head_office.state, head_office.because) == ("degraded", ["Load balancer 2", "LB pair"])


def test_closing_with_functions_not_restored_names_them_and_changes_nothing(
    estate: Estate,
) -> None:
    incident = declare(estate)
    function_restore(
        incident_function=entry_for(incident, estate.branch),
        user=estate.people.manager,
        restored_at=timezone.now(),
        data_lost_minutes=None,
    )
    version = Incident.objects.get(pk=incident.pk).version
    with pytest.raises(ValidationError, match="not yet restored: Head office printing"):
        _close(incident, estate)
    again = Incident.objects.get(pk=incident.pk)
    assert (again.status, again.version) == ("open", version)
    assert not BudgetRecord.objects.exists()


def test_a_restoration_before_the_start_is_refused(estate: Estate) -> None:
    incident = declare(estate)
    with pytest.raises(ValidationError) as caught:
        function_restore(
            incident_function=entry_for(incident, estate.head_office),
            user=estate.people.manager,
            restored_at=incident.started_at - dt.timedelta(minutes=1),
            data_lost_minutes=None,
        )
    assert "before the incident started" in caught.value.message_dict["restored_at"][0]


def test_a_restoration_records_who_recorded_it(estate: Estate) -> None:
    incident = declare(estate)
    restored = function_restore(
        incident_function=entry_for(incident, estate.head_office),
        user=estate.people.manager,
        restored_at=timezone.now(),
        data_lost_minutes=0.0,
    )
    assert restored.restored_by == estate.people.manager


def test_closing_a_real_incident_charges_the_downtime_of_each_function_that_was_down(
    estate: Estate,
) -> None:
    incident = declare(estate)
    _restore_all(incident, estate, after=dt.timedelta(minutes=20))
    closed = _close(incident, estate)
    assert closed.status == "closed" and closed.budget_charged
    (record,) = BudgetRecord.objects.all()
    assert record.function == estate.head_office  # branch was only degraded
    assert record.kind == "incident" and record.counts_against_budget
    assert record.duration_seconds == pytest.approx(20 * 60)
    assert record.data_lost_minutes == 5.0
    assert closed.reports.count() == 1
    with pytest.raises(ValidationError, match="was closed"):
        log_add(incident=closed, user=estate.people.manager, kind="note", text="Late.")


def test_closing_an_exercise_charges_nothing_and_moves_the_schedule_on(estate: Estate) -> None:
    incident = declare(estate, kind="exercise", title="SAN drill")
    _restore_all(incident, estate, after=dt.timedelta(minutes=20))
    closed = _close(incident, estate)
    assert not BudgetRecord.objects.exists()
    assert not closed.budget_charged
    schedule = ExerciseSchedule.objects.get(function=estate.head_office)
    assert schedule.interval_days == 180  # high criticality
    assert schedule.next_due == timezone.localdate(closed.closed_at) + dt.timedelta(days=180)


def test_every_record_and_step_change_is_chained_with_who_did_it(estate: Estate) -> None:
    incident = declare(estate)
    step = first_step(incident, estate.head_office)
    step_start(step=step, user=estate.people.stakeholder)
    step_complete(step=step, user=estate.people.stakeholder)
    note = log_add(
        incident=incident, user=estate.people.manager, kind="decision", text="Call Stora."
    )
    step_entries = list(
        ChainEntry.objects.filter(model_label="incidents.IncidentStep", object_id=str(step.pk))
        .order_by("seq")
        .values_list("history_type", "user_id", "reason")
    )
    stakeholder = estate.people.stakeholder.pk
    assert step_entries[-2:] == [
        ("~", stakeholder, "Step 1 started"),
        ("~", stakeholder, "Step 1 completed"),
    ]
    declared = ChainEntry.objects.get(model_label="incidents.Incident", object_id=str(incident.pk))
    assert declared.user_id == estate.people.manager.pk
    assert declared.plan_id == estate.plan.pk
    assert ChainEntry.objects.filter(
        model_label="incidents.LogEntry", object_id=str(note.pk), user_id=estate.people.manager.pk
    ).exists()
    assert LogEntry.objects.get(pk=note.pk).kind == "decision"


def test_a_failed_element_removed_from_the_inventory_is_left_out_and_named(
    estate: Estate,
) -> None:
    from inventory.services.components import component_delete

    incident = declare(estate, estate.san, estate.lb_1)
    component_delete(component=estate.lb_1, user=estate.people.manager, reason="Scrapped")
    san = IncidentElement.objects.get(incident=incident, name="SAN")
    result = element_recover(element=san, user=estate.people.manager)
    assert result.left_out == ["Load balancer 1"]
    # The pair now has one member, which is up: head office printing runs again.
    assert entry_for(incident, estate.head_office).state == "up"


def test_a_closed_incidents_step_cannot_be_restored_from_the_audit_trail(estate: Estate) -> None:
    from audit.rollback import RollbackRefused, object_rollback

    incident = declare(estate)
    step = step_complete(step=first_step(incident, estate.head_office), user=estate.people.manager)
    _restore_all(incident, estate, after=dt.timedelta(minutes=10))
    _close(incident, estate)
    before = IncidentStep.history.filter(id=step.pk).order_by("history_id").first()
    assert before is not None and before.completed_at is None
    with pytest.raises(RollbackRefused, match="closed"):
        object_rollback(
            plan=estate.plan,
            user=estate.people.manager,
            model=IncidentStep,
            history_id=before.history_id,
            expected_version=step.version,
            reason="Pretend it never happened",
        )
    assert IncidentStep.objects.get(pk=step.pk).completed_at is not None


@pytest.mark.django_db(transaction=True)
def test_two_people_completing_the_same_step_at_once_record_one_completion(
    people: PlanPeople,
) -> None:
    import threading

    from django.db import connection

    estate = print_estate(people)
    incident = declare(estate)
    step = first_step(incident, estate.head_office)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def complete(user: User) -> None:
        try:
            barrier.wait(timeout=10)
            step_complete(step=step, user=user)
            outcomes.append("done")
        except ValidationError as exc:
            outcomes.append(exc.messages[0])
        finally:
            connection.close()

    workers = [
        threading.Thread(target=complete, args=(user,))
        for user in (estate.people.manager, estate.people.stakeholder)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=30)
    assert len(outcomes) == 2 and outcomes.count("done") == 1
    (refused,) = [o for o in outcomes if o != "done"]
    assert "already completed by" in refused
    assert IncidentStep.history.filter(id=step.pk, history_type="~").count() == 1
