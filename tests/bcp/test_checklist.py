"""The first-run checklist: each step ticked from the plan's data, shown until all are done."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from analysis.models import AnalysisRun
from analysis.services import analysis_run_execute, analysis_run_start
from bcp.checklist import Checklist, first_run_checklist
from bcp.models import Job
from bia.models import Assessment, AssessmentState, BusinessFunction
from bia.services.functions import function_create, function_update
from bia.services.questionnaires import template_create_default
from inventory.models import Dependency
from tests.conftest import PlanPeople, client_for
from tests.documents.factories import PlanVersionFactory
from tests.inventory.factories import ComponentFactory, SiteFactory

pytestmark = pytest.mark.django_db


def _ticks(checklist: Checklist) -> dict[str, bool]:
    return {step.key: step.done for step in checklist.steps}


def _status(checklist: Checklist, key: str) -> str:
    return next(step.status for step in checklist.steps if step.key == key)


def _function(people: PlanPeople, name: str, *, owner: Any = None) -> BusinessFunction:
    return function_create(plan=people.plan, user=people.manager, name=name, owner=owner)


def _reviewed_bia(function: BusinessFunction, people: PlanPeople, state: str) -> None:
    template = template_create_default(
        plan=function.plan, user=people.manager, name=f"BIA of {function.name}"
    )
    revision = Assessment.objects.filter(function=function).count() + 1
    Assessment.objects.create(
        plan=function.plan, function=function, template=template, state=state, revision=revision
    )


def _finished_analysis(people: PlanPeople) -> None:
    """A whole-plan run computed by the engine, its job marked done as the worker would."""
    run = analysis_run_start(plan=people.plan, user=people.manager)
    analysis_run_execute(job=run.job, progress=lambda percent, message: None)
    Job.objects.filter(pk=run.job.pk).update(
        status=Job.Status.SUCCEEDED, finished_at=timezone.now()
    )


def test_a_new_plan_has_every_step_to_do_and_starts_with_its_functions(
    people: PlanPeople,
) -> None:
    checklist = first_run_checklist(people.plan)
    assert not any(_ticks(checklist).values())
    assert checklist.next_step is not None and checklist.next_step.key == "functions"
    assert _status(checklist, "bia") == "Needs business functions first."
    assert _status(checklist, "analysis").startswith("Not run yet")


def test_every_step_links_to_where_its_work_is_done(people: PlanPeople) -> None:
    for step in first_run_checklist(people.plan).steps:
        assert step.links, step.key
        for link in step.links:
            assert link.url.startswith(f"/plans/{people.plan.pk}/"), link


def test_functions_are_done_only_when_each_has_an_owner(people: PlanPeople) -> None:
    _function(people, "Student printing", owner=people.stakeholder)
    _function(people, "Print accounting")
    checklist = first_run_checklist(people.plan)
    assert not _ticks(checklist)["functions"]
    assert _status(checklist, "functions") == ("2 functions; without an owner: “Print accounting”.")
    accounting = BusinessFunction.objects.get(name="Print accounting")
    function_update(
        function=accounting,
        user=people.manager,
        expected_version=accounting.version,
        owner=people.manager,
    )
    checklist = first_run_checklist(people.plan)
    assert _ticks(checklist)["functions"]
    assert _status(checklist, "functions") == "2 functions, each with an owner."


def test_the_bia_counts_submitted_or_approved_answers_only(people: PlanPeople) -> None:
    printing = _function(people, "Student printing", owner=people.stakeholder)
    accounting = _function(people, "Print accounting", owner=people.manager)
    _reviewed_bia(printing, people, AssessmentState.SUBMITTED)
    _reviewed_bia(accounting, people, AssessmentState.IN_PROGRESS)
    checklist = first_run_checklist(people.plan)
    assert not _ticks(checklist)["bia"]
    assert _status(checklist, "bia") == (
        "1 of 2 functions have a submitted or approved BIA; not yet: “Print accounting”."
    )
    _reviewed_bia(accounting, people, AssessmentState.APPROVED)
    assert _ticks(first_run_checklist(people.plan))["bia"]


def test_long_lists_of_names_are_cut_after_three(people: PlanPeople) -> None:
    for name in ("A", "B", "C", "D", "E"):
        _function(people, name)
    status = _status(first_run_checklist(people.plan), "functions")
    assert status == "5 functions; without an owner: “A”, “B”, “C” and 2 more."


def test_the_inventory_is_recorded_once_it_has_a_component(people: PlanPeople) -> None:
    ComponentFactory.create(plan=people.plan, name="Print server")
    checklist = first_run_checklist(people.plan)
    assert _ticks(checklist)["inventory"]
    assert _status(checklist, "inventory") == "1 component, none placed on a site yet."
    site = SiteFactory.create(plan=people.plan, name="Head office")
    ComponentFactory.create(plan=people.plan, name="SAN", site=site)
    assert _status(first_run_checklist(people.plan), "inventory") == "2 components on 1 site."


def test_needs_are_linked_when_every_function_depends_on_something(people: PlanPeople) -> None:
    printing = _function(people, "Student printing")
    accounting = _function(people, "Print accounting")
    server = ComponentFactory.create(plan=people.plan, name="Print server")
    Dependency.objects.create(plan=people.plan, function=printing, component=server)
    checklist = first_run_checklist(people.plan)
    step = next(s for s in checklist.steps if s.key == "needs")
    assert not step.done
    assert step.links[0].label == "Link “Print accounting”"
    assert step.links[0].url == reverse(
        "inventory_function_detail",
        kwargs={"plan_pk": people.plan.pk, "function_pk": accounting.pk},
    )
    Dependency.objects.create(plan=people.plan, function=accounting, component=server)
    assert _ticks(first_run_checklist(people.plan))["needs"]


def test_the_analysis_is_done_after_a_finished_run_of_the_whole_plan(
    people: PlanPeople,
) -> None:
    function = _function(people, "Student printing")
    job = Job.objects.create(
        kind="analysis", task_name="x", plan=people.plan, status=Job.Status.FAILED
    )
    AnalysisRun.objects.create(plan=people.plan, job=job)
    one = Job.objects.create(
        kind="analysis", task_name="x", plan=people.plan, status=Job.Status.SUCCEEDED
    )
    AnalysisRun.objects.create(plan=people.plan, job=one, function=function)
    assert not _ticks(first_run_checklist(people.plan))["analysis"]
    _finished_analysis(people)
    checklist = first_run_checklist(people.plan)
    assert _ticks(checklist)["analysis"]
    assert _status(checklist, "analysis").startswith("Last run finished ")


def test_a_draft_is_published_once_a_version_has_its_pdf(people: PlanPeople) -> None:
    PlanVersionFactory.create(plan=people.plan, number=1, pdf_sha256="")
    assert not _ticks(first_run_checklist(people.plan))["publish"]
    PlanVersionFactory.create(
        plan=people.plan,
        number=2,
        published_at=timezone.make_aware(datetime.datetime(2030, 1, 31, 9, 30)),
    )
    checklist = first_run_checklist(people.plan)
    assert _ticks(checklist)["publish"]
    assert _status(checklist, "publish") == "Version 2 published 31 Jan 2030, 09:30."


def test_the_checklist_costs_the_same_queries_however_many_functions(
    people: PlanPeople, django_assert_max_num_queries: Any
) -> None:
    for n in range(30):
        _function(people, f"Function {n}")
    with django_assert_max_num_queries(4):
        first_run_checklist(people.plan)


# --- the overview ---------------------------------------------------------------------


def test_the_overview_shows_managers_the_checklist_with_its_progress(
    people: PlanPeople,
) -> None:
    _function(people, "Student printing", owner=people.stakeholder)
    body = client_for(people.manager).get(people.plan.get_absolute_url()).content.decode()
    assert "Getting this plan ready" in body
    assert "1 of 6 steps done" in body
    assert reverse("bia_workshop_create", kwargs={"plan_pk": people.plan.pk}) in body


@pytest.mark.parametrize("who", ["stakeholder", "auditor"])
def test_people_who_cannot_do_the_steps_do_not_see_the_checklist(
    people: PlanPeople, who: str
) -> None:
    body = client_for(people.user_for(who)).get(people.plan.get_absolute_url()).content
    assert b"Getting this plan ready" not in body


def test_the_checklist_leaves_the_overview_once_every_step_is_done(people: PlanPeople) -> None:
    function = _function(people, "Student printing", owner=people.stakeholder)
    _reviewed_bia(function, people, AssessmentState.APPROVED)
    server = ComponentFactory.create(plan=people.plan, name="Print server")
    Dependency.objects.create(plan=people.plan, function=function, component=server)
    _finished_analysis(people)
    PlanVersionFactory.create(plan=people.plan, number=1)
    assert first_run_checklist(people.plan).complete
    body = client_for(people.manager).get(people.plan.get_absolute_url()).content
    assert b"Getting this plan ready" not in body
