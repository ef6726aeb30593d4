from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from analysis.programme import BudgetSpent, GapPoint, RequiredObjective
from bcp.charts import budget_chart, gaps_over_time, rpo_chart
from bcp.models import Plan
from bcp.portfolio import procedure_fit, readiness_rows
from bia.services.functions import function_create
from incidents.exercises import schedule_set
from tests.conftest import PlanPeople, client_for

UTC = dt.UTC


def _objective(pk: int, rto: float | None, rpo: float | None = None) -> RequiredObjective:
    return RequiredObjective(pk, rto, rpo, None)


def test_rpos_fall_in_their_bands_and_functions_without_one_in_none_yet() -> None:
    chart = rpo_chart([[_objective(1, 4, 0.25), _objective(2, 4, 2)], [_objective(3, 4)]])
    counts = {bar.label: bar.count for bar in chart.bars}
    assert counts["≤ 15 min"] == 1 and counts["≤ 4 h"] == 1 and counts["None yet"] == 1
    assert chart.total == 3


def test_a_function_fits_only_when_each_of_its_procedures_fits_its_rto() -> None:
    objectives = [_objective(1, 1.0), _objective(2, 1.0), _objective(3, 1.0), _objective(4, None)]
    procedures = {1: [30, 60], 2: [30, 61], 4: [5]}
    # 1 fits; 2 has a procedure over the hour; 3 has no procedure; 4 has no RTO.
    assert procedure_fit(objectives, procedures) == (3, 1)


def test_gaps_each_week_count_each_plans_latest_run_by_then() -> None:
    today = dt.date(2026, 12, 3)

    def point(plan: int, day: dt.date, critical: int) -> GapPoint:
        moment = dt.datetime.combine(day, dt.time(12), tzinfo=UTC)
        return GapPoint(plan, moment, {"critical": critical, "high": 1, "medium": 0, "low": 0})

    points = [
        point(1, today - dt.timedelta(days=20), 5),
        point(2, today - dt.timedelta(days=9), 2),
        point(1, today - dt.timedelta(days=1), 1),
    ]
    chart = gaps_over_time(points, today=today)
    last, before, third = chart.columns[-1], chart.columns[-2], chart.columns[-3]
    assert last.counts == {"critical": 3, "high": 2, "medium": 0, "low": 0}
    assert before.counts == {"critical": 7, "high": 2, "medium": 0, "low": 0}
    assert third.counts == {"critical": 5, "high": 1, "medium": 0, "low": 0}
    assert chart.columns[0].total == 0


def test_the_budget_chart_puts_the_plan_most_over_its_budget_first() -> None:
    plans = [Plan(pk=1, name="A"), Plan(pk=2, name="B"), Plan(pk=3, name="C")]
    budgets = {
        1: BudgetSpent(1, "this month", 10, 0.2, 60.0),
        2: BudgetSpent(2, "this month", 20, 1.3, 600.0),
        3: BudgetSpent(3, "this month", None, None, 0.0),
    }
    chart = budget_chart(plans, budgets)
    assert [bar.plan.name for bar in chart.bars] == ["B", "A", "C"]
    assert chart.bars[0].over and chart.bars[0].percent == "130%"
    assert chart.bars[2].percent == "no required availability"


@pytest.mark.django_db
def test_an_overdue_exercise_shows_in_the_portfolio_and_its_filter(people: PlanPeople) -> None:
    function = function_create(plan=people.plan, user=people.manager, name="Printing")
    schedule_set(
        plan=people.plan,
        function=function,
        user=people.manager,
        interval_days=90,
        next_due=timezone.localdate() - dt.timedelta(days=2),
    )
    (row,) = readiness_rows([people.plan])
    assert row.exercises_figure.text == "1 overdue" and not row.exercises_figure.ok
    page = client_for(people.manager).get(reverse("portfolio"), {"show": "exercises"})
    assert f'data-plan="{people.plan.pk}"' in page.content.decode()


@pytest.mark.django_db
def test_the_budget_chart_is_an_image_with_a_name_and_a_table(people: PlanPeople) -> None:
    html = client_for(people.manager).get(reverse("portfolio")).content.decode()
    chart = html[html.index('id="budget-chart"') :]
    assert 'role="img" aria-labelledby="budget-chart-title"' in chart
    assert "The figures as a table" in chart
    assert f"<td>{people.plan.name}</td><td>no required availability</td>" in chart
