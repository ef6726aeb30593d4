"""The publish checklist: each check, and the worker refusing items nobody confirmed."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from analysis.models import AnalysisRun
from bcp.jobs import run_job
from bcp.models import Job
from documents import publishing
from documents.checklist import publish_checklist
from documents.models import Phase, PlanVersion
from tests.bia.factories import BusinessFunctionFactory
from tests.conftest import PlanPeople
from tests.documents.factories import (
    CallTreeEntryFactory,
    ContactFactory,
    ExerciseFactory,
    ProcedureStepFactory,
    RecoveryProcedureFactory,
)

pytestmark = pytest.mark.django_db


def problems(people: PlanPeople, check: str) -> list[str]:
    return [i.problem for i in publish_checklist(people.plan).open_items if i.check == check]


def stored_run(people: PlanPeople, rto_hours: dict[str, float]) -> AnalysisRun:
    """A finished analysis whose stored results give these recommended RTOs."""
    job = Job.objects.create(
        kind="analysis",
        task_name="analysis.tasks.run",
        plan=people.plan,
        status=Job.Status.SUCCEEDED,
    )
    return AnalysisRun.objects.create(
        plan=people.plan,
        job=job,
        results={
            "schema": "continuity.analysis/v1",
            "functions": {
                f"function:{i}": {"name": name, "required": {"rto_hours": rto}}
                for i, (name, rto) in enumerate(rto_hours.items())
            },
        },
    )


def test_a_plan_without_functions_says_so(people: PlanPeople) -> None:
    assert problems(people, "Business impact analysis") == ["The plan has no business functions."]


def test_functions_without_a_reviewed_bia_are_named(people: PlanPeople) -> None:
    BusinessFunctionFactory.create(plan=people.plan, name="Branch printing")
    BusinessFunctionFactory.create(plan=people.plan, name="Scanning")
    [problem] = problems(people, "Business impact analysis")
    assert problem.startswith("2 of 2 functions have no reviewed BIA")
    assert problem.endswith("Branch printing, Scanning.")


def test_a_plan_never_analysed_says_so(people: PlanPeople) -> None:
    assert problems(people, "Analysis") == [
        "No analysis has been run, so there are no gaps or budgets."
    ]


def test_an_analysis_older_than_a_change_to_its_inputs_is_an_open_item(
    people: PlanPeople,
) -> None:
    from analysis.inputs import input_watermark

    BusinessFunctionFactory.create(plan=people.plan, name="Printing")
    run = stored_run(people, {"Printing": 4.0})
    run.inputs_watermark = input_watermark(people.plan)
    run.save(update_fields=["inputs_watermark"])
    assert problems(people, "Analysis") == []
    BusinessFunctionFactory.create(plan=people.plan, name="Scanning")
    [problem] = problems(people, "Analysis")
    assert problem.endswith(
        "is older than the last change to its inputs; its figures may no longer hold."
    )


def test_functions_without_a_recovery_procedure_are_named(people: PlanPeople) -> None:
    covered = BusinessFunctionFactory.create(plan=people.plan, name="Printing")
    BusinessFunctionFactory.create(plan=people.plan, name="Scanning")
    RecoveryProcedureFactory.create(plan=people.plan, function=covered, phase=Phase.RECOVERY)
    assert problems(people, "Recovery procedures") == [
        "1 of 2 functions has no recovery procedure: Scanning."
    ]


def test_a_procedure_longer_than_the_functions_rto_is_named(people: PlanPeople) -> None:
    function = BusinessFunctionFactory.create(plan=people.plan, name="Printing")
    procedure = RecoveryProcedureFactory.create(
        plan=people.plan, function=function, title="Fail over"
    )
    ProcedureStepFactory.create(procedure=procedure, expected_minutes=50)
    ProcedureStepFactory.create(procedure=procedure, expected_minutes=40, position=2)
    stored_run(people, {"Printing": 1.0})
    assert problems(people, "Procedure times") == [
        "1 recovery procedure takes longer than the function's RTO: “Fail over” (Printing) "
        "takes 1 h 30 min, longer than its RTO of 1 h."
    ]


def test_missing_contacts_and_call_tree_are_open_items(people: PlanPeople) -> None:
    assert problems(people, "Call tree and contacts") == [
        "No contacts are recorded.",
        "No call tree is recorded: nobody knows whom to call.",
    ]
    CallTreeEntryFactory.create(plan=people.plan)
    assert problems(people, "Call tree and contacts") == []


def test_an_exercise_past_its_date_without_a_result_is_overdue(people: PlanPeople) -> None:
    day = timezone.localdate() - dt.timedelta(days=3)
    ExerciseFactory.create(plan=people.plan, title="SAN loss tabletop", scheduled_for=day)
    assert problems(people, "Exercises") == [
        f"1 exercise overdue with no result recorded: SAN loss tabletop (due {day.isoformat()})."
    ]


def test_nobody_to_approve_is_an_open_item(people: PlanPeople) -> None:
    assert problems(people, "Approvers") == [
        "Nobody is named to approve the plan (policy: every business function's owner)."
    ]


def test_a_function_owner_who_cannot_sign_is_named(
    people: PlanPeople, django_user_model: Any
) -> None:
    outsider = django_user_model.objects.create(username="ola", first_name="Ola", last_name="Out")
    BusinessFunctionFactory.create(plan=people.plan, owner=outsider)
    assert problems(people, "Approvers") == [
        "Ola Out must approve but is not a stakeholder or manager of this plan, so cannot sign."
    ]


def test_the_worker_refuses_open_items_that_appeared_after_the_confirmation(
    people: PlanPeople,
) -> None:
    ContactFactory.create(plan=people.plan)
    CallTreeEntryFactory.create(plan=people.plan)
    job = publishing.version_publish(
        plan=people.plan, user=people.manager, limitations_reason="Known gaps"
    )
    ExerciseFactory.create(
        plan=people.plan, title="Late drill", scheduled_for=timezone.localdate() - dt.timedelta(1)
    )
    run_job(str(job.pk), lambda j, p: publishing.version_publish_run(job=j, progress=p))
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert "New open items appeared" in job.error and "Late drill" in job.error
    assert not PlanVersion.objects.filter(plan=people.plan).exists()
