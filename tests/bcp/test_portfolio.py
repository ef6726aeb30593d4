from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from analysis.models import AnalysisRun, FunctionResultRow
from analysis.services import analysis_run_execute, analysis_run_start
from bcp.concurrency import save_locked
from bcp.models import Job, Plan, Role
from bcp.portfolio import readiness_rows, rto_counts
from bia.models import Assessment, AssessmentState, BusinessFunction
from bia.services.functions import function_create
from bia.services.questionnaires import template_create_default
from documents.models import PlanVersion, SignOffRequest
from tests.conftest import PlanPeople, client_for
from tests.documents.factories import PlanVersionFactory, SignOffRequestFactory
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def _function(plan: Plan, user: Any, name: str) -> BusinessFunction:
    return function_create(plan=plan, user=user, name=name)


def _reviewed_bia(function: BusinessFunction, user: Any, state: str) -> None:
    template = template_create_default(
        plan=function.plan, user=user, name=f"BIA of {function.name}"
    )
    Assessment.objects.create(
        plan=function.plan, function=function, template=template, state=state, revision=1
    )


def _finished_analysis(plan: Plan, user: Any) -> AnalysisRun:
    """A whole-plan run computed by the engine, its job marked done as the worker would."""
    run = analysis_run_start(plan=plan, user=user)
    analysis_run_execute(job=run.job, progress=lambda percent, message: None)
    Job.objects.filter(pk=run.job.pk).update(
        status=Job.Status.SUCCEEDED, finished_at=timezone.now()
    )
    return AnalysisRun.objects.get(pk=run.pk)


def _row(plan: Plan, role: str = Role.MANAGER) -> Any:
    (row,) = readiness_rows([plan], roles={plan.pk: role})
    return row


def _portfolio(user: Any, **query: str) -> Any:
    return client_for(user).get(reverse("portfolio"), query)


def test_the_portfolio_has_a_row_for_each_plan_the_user_is_a_member_of_and_no_other(
    people: PlanPeople,
) -> None:
    second = MembershipFactory.create(user=people.stakeholder, role=Role.MANAGER).plan
    response = _portfolio(people.stakeholder)
    assert response.status_code == 200
    body = response.content.decode()
    assert f'data-plan="{people.plan.pk}"' in body and f'data-plan="{second.pk}"' in body
    hidden = Plan.objects.exclude(memberships__user=people.stakeholder).first()
    assert hidden is not None and f'data-plan="{hidden.pk}"' not in body


def test_bias_reviewed_counts_functions_with_a_submitted_or_approved_bia_of_all(
    people: PlanPeople,
) -> None:
    plan, user = people.plan, people.manager
    _reviewed_bia(_function(plan, user, "Printing"), user, AssessmentState.APPROVED)
    _reviewed_bia(_function(plan, user, "Scanning"), user, AssessmentState.SUBMITTED)
    _reviewed_bia(_function(plan, user, "Binding"), user, AssessmentState.IN_PROGRESS)
    figure = _row(plan).bia_figure
    assert (figure.text, figure.ok) == ("2 of 3", False)
    assert figure.url == reverse("bia_campaign_list", kwargs={"plan_pk": plan.pk})


def test_a_plan_without_a_run_says_not_run_and_its_gaps_are_unknown(people: PlanPeople) -> None:
    row = _row(people.plan)
    assert row.analysis_figure.text == "Not run"
    assert row.gaps_figure.text == "Unknown" and not row.gaps_figure.ok


def test_the_analysis_is_fresh_after_a_run_and_stale_once_an_input_changes(
    people: PlanPeople,
) -> None:
    _function(people.plan, people.manager, "Printing")
    _finished_analysis(people.plan, people.manager)
    assert _row(people.plan).analysis_figure.text == "Fresh"
    _function(people.plan, people.manager, "Scanning")
    assert _row(people.plan).analysis_figure.text == "Stale"


def test_another_plans_change_leaves_this_plans_analysis_fresh(people: PlanPeople) -> None:
    _finished_analysis(people.plan, people.manager)
    other = MembershipFactory.create(user=people.manager).plan
    _function(other, people.manager, "Elsewhere")
    assert _row(people.plan).analysis_figure.text == "Fresh"


def test_gaps_open_are_the_latest_runs_declared_critical_and_high_counts(
    people: PlanPeople,
) -> None:
    run = _finished_analysis(people.plan, people.manager)
    results = dict(run.results)
    results["coverage"] = {
        **results["coverage"],
        "gaps": {"critical": 2, "high": 5, "medium": 1, "low": 0},
    }
    AnalysisRun.objects.filter(pk=run.pk).update(results=results)
    figure = _row(people.plan).gaps_figure
    assert (figure.text, figure.ok) == ("2 critical · 5 high", False)


def test_results_that_do_not_match_the_declared_types_ask_for_a_new_run(
    people: PlanPeople,
) -> None:
    run = _finished_analysis(people.plan, people.manager)
    AnalysisRun.objects.filter(pk=run.pk).update(results={**run.results, "coverage": {"gaps": 3}})
    row = _row(people.plan)
    assert row.analysis_figure.text == "Cannot be read: run again"
    assert row.gaps_figure.text == "Unknown"


def test_the_sign_off_state_is_the_newest_versions(people: PlanPeople) -> None:
    PlanVersionFactory.create(plan=people.plan, number=1, status=PlanVersion.Status.APPROVED)
    newest = PlanVersionFactory.create(
        plan=people.plan,
        number=2,
        status=PlanVersion.Status.IN_REVIEW,
        approvers=[people.stakeholder.pk, people.manager.pk],
    )
    SignOffRequestFactory.create(
        plan_version=newest, stakeholder=people.stakeholder, status=SignOffRequest.Status.APPROVED
    )
    SignOffRequestFactory.create(plan_version=newest, stakeholder=people.manager)
    figure = _row(people.plan).signoff_figure
    assert figure.text == "v2: Partly approved (1 of 2)" and not figure.ok
    assert figure.url == newest.get_absolute_url()


def test_a_plan_with_nothing_published_links_to_its_documents(people: PlanPeople) -> None:
    figure = _row(people.plan).signoff_figure
    assert figure.text == "Nothing published"
    assert figure.url == reverse("documents_home", kwargs={"plan_pk": people.plan.pk})


def test_an_overdue_review_is_flagged_and_links_to_the_plan_form(people: PlanPeople) -> None:
    save_locked(people.plan, changes={"next_review": datetime.date(2020, 1, 31)})
    figure = _row(Plan.objects.get(pk=people.plan.pk)).review_figure
    assert (figure.text, figure.ok) == ("31 Jan 2020 (overdue)", False)
    assert figure.url == reverse("plan_edit", kwargs={"plan_pk": people.plan.pk})


def test_the_portfolio_filters_to_overdue_reviews_and_by_name(people: PlanPeople) -> None:
    late = MembershipFactory.create(user=people.manager, plan__name="Late plan").plan
    save_locked(late, changes={"next_review": datetime.date(2020, 1, 31)})
    body = _portfolio(people.manager, show="review").content.decode()
    assert f'data-plan="{late.pk}"' in body and f'data-plan="{people.plan.pk}"' not in body
    body = _portfolio(people.manager, q="late").content.decode()
    assert f'data-plan="{late.pk}"' in body and f'data-plan="{people.plan.pk}"' not in body


def test_the_portfolio_sorts_by_next_review_either_way(people: PlanPeople) -> None:
    early = MembershipFactory.create(user=people.manager, plan__name="Zeta").plan
    save_locked(early, changes={"next_review": timezone.localdate()})
    body = _portfolio(people.manager, sort="review").content.decode()
    assert body.index(f'data-plan="{early.pk}"') < body.index(f'data-plan="{people.plan.pk}"')
    body = _portfolio(people.manager, sort="review", order="desc").content.decode()
    assert body.index(f'data-plan="{early.pk}"') > body.index(f'data-plan="{people.plan.pk}"')


def test_an_unknown_sort_is_a_field_error_and_the_plans_are_still_shown(
    people: PlanPeople,
) -> None:
    response = _portfolio(people.manager, sort="'; drop table")
    assert response.status_code == 400
    body = response.content.decode()
    assert "Select a valid choice" in body and f'data-plan="{people.plan.pk}"' in body


def test_required_rtos_fall_in_bands_and_those_without_one_are_counted_apart() -> None:
    counts = dict(rto_counts([0.5, 1, 2, 24, 24.5, 500, None, None]))
    assert counts["≤ 1 h"] == 2 and counts["≤ 4 h"] == 1 and counts["≤ 1 day"] == 1
    assert counts["≤ 3 days"] == 1 and counts["> 1 week"] == 1 and counts["None yet"] == 2


def test_the_rto_chart_is_an_inline_svg_of_the_analysed_functions(people: PlanPeople) -> None:
    _function(people.plan, people.manager, "Printing")
    _finished_analysis(people.plan, people.manager)
    body = _portfolio(people.manager).content.decode()
    assert "<svg" in body and "None yet: 1 function" in body
    assert "http://" not in body.split("<svg", 1)[1].split("</svg>")[0].replace(
        'xmlns="http://www.w3.org/2000/svg"', ""
    )


def _plan_with_everything(user: Any, index: int, template_run: AnalysisRun) -> Plan:
    plan = MembershipFactory.create(user=user, role=Role.MANAGER).plan
    function = _function(plan, user, f"Function {index}")
    _reviewed_bia(function, user, AssessmentState.SUBMITTED)
    job = Job.objects.create(kind="analysis", task_name="x", plan=plan, status=Job.Status.SUCCEEDED)
    run = AnalysisRun.objects.create(
        plan=plan,
        job=job,
        results=template_run.results,
        inputs_watermark=template_run.inputs_watermark,
        finished_at=timezone.now(),
    )
    FunctionResultRow.objects.bulk_create(
        FunctionResultRow(
            run=run, position=row.position, function_pk=row.function_pk, entry=row.entry
        )
        for row in template_run.function_rows.all()
    )
    version = PlanVersionFactory.create(plan=plan, status=PlanVersion.Status.IN_REVIEW)
    SignOffRequestFactory.create(plan_version=version, stakeholder=user)
    return plan


def test_the_portfolio_costs_the_same_number_of_queries_for_one_plan_or_many(
    people: PlanPeople, django_assert_max_num_queries: Any
) -> None:
    user = people.manager
    _function(people.plan, user, "Printing")
    template_run = _finished_analysis(people.plan, user)
    client = client_for(user)
    with CaptureQueriesContext(connection) as one_plan:
        assert client.get(reverse("portfolio")).status_code == 200
    for index in range(25):
        _plan_with_everything(user, index, template_run)
    with django_assert_max_num_queries(len(one_plan.captured_queries)):
        response = client.get(reverse("portfolio"), {"sort": "gaps"})
    assert response.content.decode().count("data-plan=") == 26


def test_the_portfolio_asks_an_anonymous_visitor_to_sign_in() -> None:
    response = client_for(None).get(reverse("portfolio"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_the_plan_overview_shows_the_same_readiness_figures_as_the_portfolio(
    people: PlanPeople,
) -> None:
    _reviewed_bia(_function(people.plan, people.manager, "Printing"), people.manager, "approved")
    overview = client_for(people.auditor).get(
        reverse("plan_detail", kwargs={"plan_pk": people.plan.pk})
    )
    body = overview.content.decode()
    assert 'id="plan-readiness"' in body
    row = _row(people.plan, Role.AUDITOR)
    for figure in (row.bia_figure, row.analysis_figure, row.signoff_figure, row.review_figure):
        assert figure.text in body and f'href="{figure.url}"' in body


def test_the_plan_overview_no_longer_counts_table_rows(people: PlanPeople) -> None:
    body = (
        client_for(people.manager)
        .get(reverse("plan_detail", kwargs={"plan_pk": people.plan.pk}))
        .content.decode()
    )
    assert "Plan statistics" not in body and "Recompute statistics" not in body


def test_a_stakeholders_figures_link_only_to_pages_they_may_open(people: PlanPeople) -> None:
    _function(people.plan, people.manager, "Printing")
    row = _row(people.plan, Role.STAKEHOLDER)
    client = client_for(people.stakeholder)
    figures = (
        row.bia_figure,
        row.analysis_figure,
        row.gaps_figure,
        row.signoff_figure,
        row.review_figure,
    )
    for figure in figures:
        assert client.get(figure.url.split("#")[0]).status_code == 200, figure
    assert row.review_figure.url == people.plan.get_absolute_url() + "#plan-review"
