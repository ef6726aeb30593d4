from __future__ import annotations

import io
import json
from typing import Any

import openpyxl
import pytest

from analysis.engine.objectives import maximum_tolerable_period
from bcp.demo import demo_load
from bia.exports import answers_dataset, export_bytes, neutralise
from bia.models import Answer, Assessment, BusinessFunction
from bia.selectors.answers import (
    assessment_derived,
    function_answer_set,
    function_impact_assessment,
    plan_impact_assessments,
)
from bia.selectors.snapshot import plan_snapshot
from bia.services.answers import answer_save
from bia.services.assessments import assessment_approve, assessment_revise, assessment_submit
from bia.services.functions import function_create
from tests.bia.factories import (
    BiaWorld,
    bia_world,
    fill_required,
    seen_version,
    stakeholder_answers,
)
from tests.conftest import PlanPeople

pytestmark = pytest.mark.django_db


def _cell(world: BiaWorld, assessment: Assessment, user: Any, cell: str, level: int) -> None:
    answer_save(
        assessment=assessment,
        question=world.question("impact_grid", assessment),
        cell=cell,
        raw=[str(level)],
        user=user,
        expected_version=seen_version(assessment, world.question("impact_grid", assessment), cell),
    )


def _approved_with_operational_3_at_a_day(world: BiaWorld, people: PlanPeople) -> Assessment:
    assessment = world.own_assessment
    fill_required(world, assessment, people.stakeholder, grid=1)
    _cell(world, assessment, people.stakeholder, "operational@24", 3)
    submitted = assessment_submit(assessment=assessment, user=people.stakeholder)
    return assessment_approve(assessment=submitted, user=people.manager)


def test_no_reviewed_bia_means_no_impact_assessment(people: PlanPeople) -> None:
    world = bia_world(people)
    fill_required(world, world.own_assessment, people.stakeholder)
    assert function_impact_assessment(world.own) is None


def test_the_engine_input_comes_from_the_approved_answers(people: PlanPeople) -> None:
    world = bia_world(people)
    _approved_with_operational_3_at_a_day(world, people)
    assessment = function_impact_assessment(world.own)
    assert assessment is not None
    assert assessment.horizons_hours == (1, 4, 24, 72, 168, 336, 720)
    assert assessment.impacts["Operational"] == (1, 1, 3, 1, 1, 1, 1)
    assert assessment.threshold == 3
    assert assessment.data_loss_tolerance_hours == 4
    assert assessment.minimum_service_level_percent == 50
    assert maximum_tolerable_period(assessment).hours == 24


def test_peak_periods_score_impacts_at_peak(people: PlanPeople) -> None:
    world = bia_world(people)
    assessment = world.own_assessment
    fill_required(world, assessment, people.stakeholder, grid=1)
    answer_save(
        assessment=assessment,
        question=world.question("peak_periods"),
        raw=["Coursework deadlines"],
        user=people.stakeholder,
        expected_version=0,
    )
    _cell(world, assessment, people.stakeholder, "customer@4", 2)
    submitted = assessment_submit(assessment=assessment, user=people.stakeholder)
    assessment_approve(assessment=submitted, user=people.manager)
    engine_input = function_impact_assessment(world.own)
    assert engine_input is not None and engine_input.peak_uplift == 1
    assert maximum_tolerable_period(engine_input).hours == 4


def test_the_latest_approved_answers_win_over_a_later_submission(people: PlanPeople) -> None:
    world = bia_world(people)
    approved = _approved_with_operational_3_at_a_day(world, people)
    revision = assessment_revise(assessment=approved, user=people.stakeholder)
    _cell(world, revision, people.stakeholder, "operational@24", 1)
    assessment_submit(assessment=revision, user=people.stakeholder)
    answers = function_answer_set(world.own)
    assert answers is not None and answers.assessment_id == approved.pk


def test_the_derived_mtpd_and_rpo_explain_themselves(people: PlanPeople) -> None:
    world = bia_world(people)
    approved = _approved_with_operational_3_at_a_day(world, people)
    derived = assessment_derived(approved)
    assert derived is not None
    assert derived.mtpd_hours == 24 and derived.mtpd_label == "1 d"
    assert "'Operational' impact reaches level 3" in derived.mtpd_reasoning
    assert derived.rpo_hours == 4 and "data-loss tolerance of 4 h" in derived.rpo_reasoning


def test_the_plan_snapshot_is_json_with_derived_figures(people: PlanPeople) -> None:
    world = bia_world(people)
    _approved_with_operational_3_at_a_day(world, people)
    snapshot = plan_snapshot(people.plan)
    json.dumps(snapshot)
    rows = {row["name"]: row for row in snapshot["functions"]}
    assert rows["Student printing"]["bia"]["mtpd_hours"] == 24
    assert rows["Student printing"]["bia"]["it_services"] == ["Print server", "Find-Me release"]
    assert rows["Print accounting"]["bia"] is None
    assert snapshot["impact_settings"]["horizons"][-1] == "1 mo"
    assert snapshot["campaigns"][0]["submitted_or_approved"] == 1
    assert plan_snapshot(people.plan) == snapshot


@pytest.mark.parametrize(
    ("text", "safe"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1", "'+1"),
        ("-cmd", "'-cmd"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("Print server", "Print server"),
    ],
)
def test_spreadsheet_formulas_in_answers_are_neutralised(text: str, safe: str) -> None:
    assert neutralise(text) == safe


def test_the_export_has_one_row_per_function_and_opens_in_a_spreadsheet(
    people: PlanPeople,
) -> None:
    world = bia_world(people)
    fill_required(world, world.own_assessment, people.stakeholder)
    stakeholder_answers(people, world, "workaround", "=cmd|' /C calc'!A0")
    data = answers_dataset(people.plan, world.campaign)
    assert data.height == 2
    book = openpyxl.load_workbook(io.BytesIO(export_bytes(data, "xlsx")))
    values = [cell.value for row in book.active.iter_rows() for cell in row]
    assert "'=cmd|' /C calc'!A0" in values
    assert not any(isinstance(v, str) and v.startswith("=") for v in values)
    assert "Impact: Financial at 1 h" in values
    csv_text = export_bytes(data, "csv").decode("utf-8-sig")
    assert "Student printing" in csv_text and "Print accounting" in csv_text


def test_loading_the_demo_twice_changes_nothing(db: None) -> None:
    demo_load()
    counts = (Answer.history.count(), Assessment.history.count(), BusinessFunction.history.count())
    demo_load()
    assert counts == (
        Answer.history.count(),
        Assessment.history.count(),
        BusinessFunction.history.count(),
    )


def test_the_demo_has_mtpd_and_rpo_figures(db: None) -> None:
    plan = demo_load()["plan"]
    accounting = BusinessFunction.objects.get(plan=plan, name="Print accounting and charging")
    printing = BusinessFunction.objects.get(plan=plan, name="Student printing (head office)")
    accounting_input = function_impact_assessment(accounting)
    printing_input = function_impact_assessment(printing)
    assert accounting_input is not None and printing_input is not None
    assert maximum_tolerable_period(accounting_input).hours == 72
    assert maximum_tolerable_period(printing_input).hours == 8
    assert printing_input.data_loss_tolerance_hours == 1


def test_the_whole_plan_reads_in_a_fixed_number_of_queries(
    people: PlanPeople, django_assert_max_num_queries: Any
) -> None:
    world = bia_world(people)
    _approved_with_operational_3_at_a_day(world, people)
    fill_required(world, world.other_assessment, people.manager, grid=2)
    assessment_submit(assessment=world.other_assessment, user=people.manager)
    with django_assert_max_num_queries(5):
        inputs = plan_impact_assessments(people.plan)
    assert inputs == {
        world.own.pk: function_impact_assessment(world.own),
        world.other.pk: function_impact_assessment(world.other),
    }


def test_the_plan_export_lists_functions_without_a_bia_too(people: PlanPeople) -> None:
    world = bia_world(people)
    function_create(plan=people.plan, user=people.manager, name="Scanning")
    data = answers_dataset(people.plan)
    assert [row[0] for row in data] == ["Print accounting", "Scanning", "Student printing"]
    assert data[1][3] == "No BIA yet"
    assert world.campaign.assessments.count() == 2
