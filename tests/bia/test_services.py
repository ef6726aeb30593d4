from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.core.exceptions import ValidationError

from bcp.concurrency import EditConflict
from bia.models import (
    Answer,
    AssessmentState,
    ImpactCategory,
    ImpactSettings,
    QuestionnaireTemplate,
    Workshop,
)
from bia.services.answers import answer_save
from bia.services.assessments import (
    MissingAnswers,
    assessment_approve,
    assessment_return,
    assessment_revise,
    assessment_submit,
)
from bia.services.campaigns import assessment_remind
from bia.services.questionnaires import question_save, section_add
from bia.services.scales import impact_scales_ensure, impact_settings_update
from bia.services.workshops import workshop_update_field
from tests.bia.factories import (
    BiaWorld,
    BusinessFunctionFactory,
    fill_required,
    manager_sends,
    stakeholder_answers,
)
from tests.conftest import PlanPeople

pytestmark = pytest.mark.django_db


def test_default_scales_have_six_categories_described_level_by_level(people: PlanPeople) -> None:
    impact_scales_ensure(plan=people.plan, user=people.manager)
    categories = list(ImpactCategory.objects.filter(plan=people.plan))
    assert [c.key for c in categories] == [
        "financial",
        "operational",
        "legal",
        "reputational",
        "customer",
        "safety",
    ]
    assert all(len(c.level_descriptions) == 5 for c in categories)
    assert categories[0].is_financial and len(categories[0].level_amounts) == 5
    settings = ImpactSettings.objects.get(plan=people.plan)
    assert settings.horizons_hours == [1, 4, 24, 72, 168, 336, 720]
    assert settings.threshold == 3


def test_ensuring_default_scales_twice_changes_nothing(people: PlanPeople) -> None:
    impact_scales_ensure(plan=people.plan, user=people.manager)
    before = ImpactCategory.history.count()
    impact_scales_ensure(plan=people.plan, user=people.manager)
    assert ImpactCategory.history.count() == before


def test_a_horizon_list_that_does_not_increase_is_a_field_error(people: PlanPeople) -> None:
    settings = impact_scales_ensure(plan=people.plan, user=people.manager)
    with pytest.raises(ValidationError) as excinfo:
        impact_settings_update(
            impact_settings=settings,
            user=people.manager,
            expected_version=settings.version,
            horizons_hours=[1, 24, 4],
            threshold=3,
            peak_uplift=1,
            currency="GBP",
        )
    assert "horizons_hours" in excinfo.value.message_dict
    assert "must increase" in excinfo.value.message_dict["horizons_hours"][0]


def test_an_out_of_range_severity_is_refused_with_a_clear_message(
    people: PlanPeople, world: BiaWorld
) -> None:
    with pytest.raises(ValidationError, match="Severity 7 is out of range"):
        answer_save(
            assessment=world.own_assessment,
            question=world.question("impact_grid"),
            cell="financial@1",
            raw=["7"],
            user=people.stakeholder,
            expected_version=0,
        )


def test_a_negative_duration_is_refused(people: PlanPeople, world: BiaWorld) -> None:
    with pytest.raises(ValidationError, match="cannot be negative"):
        stakeholder_answers(people, world, "data_loss", "-4 h")


def test_durations_are_stored_in_hours(people: PlanPeople, world: BiaWorld) -> None:
    answer = stakeholder_answers(people, world, "data_loss", "1.5 d")
    assert answer.value == 36.0


def test_the_first_answer_moves_the_bia_to_in_progress(people: PlanPeople, world: BiaWorld) -> None:
    assert world.own_assessment.state == AssessmentState.NOT_STARTED
    stakeholder_answers(people, world, "purpose", "Printing")
    world.own_assessment.refresh_from_db()
    assert world.own_assessment.state == AssessmentState.IN_PROGRESS


def test_a_second_save_of_the_same_answer_from_a_stale_version_is_refused_with_both_values(
    people: PlanPeople, world: BiaWorld
) -> None:
    question = world.question("purpose")
    first = answer_save(
        assessment=world.own_assessment,
        question=question,
        raw=["Theirs"],
        user=people.manager,
        expected_version=0,
    )
    with pytest.raises(EditConflict) as excinfo:
        answer_save(
            assessment=world.own_assessment,
            question=question,
            raw=["Mine"],
            user=people.stakeholder,
            expected_version=0,
        )
    conflict = excinfo.value
    assert people.manager.get_full_name() in str(conflict)
    assert conflict.current_version == first.version
    values = {d.field: (d.theirs, d.yours) for d in conflict.differences}
    assert values["value"] == ("Theirs", "Mine")
    assert Answer.objects.get(pk=first.pk).value == "Theirs"


def test_saving_the_value_already_stored_never_conflicts(
    people: PlanPeople, world: BiaWorld
) -> None:
    question = world.question("purpose")
    kwargs: dict[str, Any] = {
        "assessment": world.own_assessment,
        "question": question,
        "raw": ["Same"],
    }
    answer_save(**kwargs, user=people.manager, expected_version=0)
    answer = answer_save(**kwargs, user=people.stakeholder, expected_version=0)
    assert answer.value == "Same" and answer.version == 1


def test_a_submission_missing_required_answers_names_them_and_keeps_the_rest(
    people: PlanPeople, world: BiaWorld
) -> None:
    stakeholder_answers(people, world, "purpose", "Printing for students")
    with pytest.raises(MissingAnswers) as excinfo:
        assessment_submit(assessment=world.own_assessment, user=people.stakeholder)
    keys = [q.key for q in excinfo.value.questions]
    assert keys == ["impact_grid", "data_loss", "minimum_service", "it_services"]
    assert "How much recent work could be lost" in excinfo.value.messages[0]
    world.own_assessment.refresh_from_db()
    assert world.own_assessment.state == AssessmentState.IN_PROGRESS
    assert Answer.objects.get(assessment=world.own_assessment).value == "Printing for students"


def test_approved_answers_are_locked(people: PlanPeople, world: BiaWorld) -> None:
    fill_required(world, world.own_assessment, people.stakeholder)
    submitted = assessment_submit(assessment=world.own_assessment, user=people.stakeholder)
    approved = assessment_approve(assessment=submitted, user=people.manager)
    with pytest.raises(ValidationError, match="approved and locked"):
        stakeholder_answers(people, world, "purpose", "Changed", assessment=approved)


def test_a_new_revision_copies_the_answers_and_keeps_the_approved_one(
    people: PlanPeople, world: BiaWorld
) -> None:
    fill_required(world, world.own_assessment, people.stakeholder)
    submitted = assessment_submit(assessment=world.own_assessment, user=people.stakeholder)
    approved = assessment_approve(assessment=submitted, user=people.manager)
    revision = assessment_revise(
        assessment=approved, user=people.stakeholder, reason="New print contract"
    )
    approved.refresh_from_db()
    assert revision.revision == 2 and revision.is_current
    assert approved.state == AssessmentState.APPROVED and not approved.is_current
    assert revision.answers.count() == approved.answers.count()
    assert revision.history.latest().history_change_reason == "New print contract"


def test_returning_a_bia_needs_a_comment_and_reopens_it(
    people: PlanPeople, world: BiaWorld
) -> None:
    fill_required(world, world.own_assessment, people.stakeholder)
    submitted = assessment_submit(assessment=world.own_assessment, user=people.stakeholder)
    with pytest.raises(ValidationError):
        assessment_return(assessment=submitted, user=people.manager, comment=" ")
    returned = assessment_return(
        assessment=submitted, user=people.manager, comment="The 1 d impact looks low"
    )
    assert returned.state == AssessmentState.RETURNED
    stakeholder_answers(people, world, "purpose", "Printing for all students", assessment=returned)
    returned.refresh_from_db()
    assert returned.state == AssessmentState.IN_PROGRESS


def test_editing_a_template_creates_a_new_revision_and_answers_keep_theirs(
    people: PlanPeople, world: BiaWorld
) -> None:
    stakeholder_answers(people, world, "purpose", "Printing")
    new = question_save(
        template=world.template,
        user=people.manager,
        expected_version=world.template.version,
        key="purpose",
        section_order=0,
        fields={"text": "What does the function deliver?"},
    )
    world.template.refresh_from_db()
    assert new.revision == 2 and new.is_latest and not world.template.is_latest
    answer = Answer.objects.get(assessment=world.own_assessment)
    assert answer.question.section.template_id == world.template.pk
    assert answer.question.text.startswith("What does this function deliver")


def test_revising_a_template_from_a_stale_version_is_refused(
    people: PlanPeople, world: BiaWorld
) -> None:
    stale = world.template.version
    section_add(template=world.template, user=people.manager, expected_version=stale, title="Extra")
    latest = QuestionnaireTemplate.objects.get(family=world.template.family, is_latest=True)
    with pytest.raises(EditConflict):
        section_add(template=latest, user=people.manager, expected_version=0, title="Another")


def test_a_campaign_emails_each_owner_a_link_to_their_bias(
    people: PlanPeople, django_capture_on_commit_callbacks: Any, world: BiaWorld
) -> None:
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        campaign = manager_sends(
            people,
            world,
            "Spring round",
            functions=[world.own, world.other],
            due_in_days=10,
            base_url="http://continuity.example/",
        )
    assert campaign.assessments.count() == 2
    to_stakeholder = next(m for m in mail.outbox if m.to == [people.stakeholder.email])
    assert "Student printing" in to_stakeholder.body
    assert "http://continuity.example/plans/" in to_stakeholder.body
    assert len(mail.outbox) == 2


def test_a_function_without_owner_cannot_be_sent(people: PlanPeople, world: BiaWorld) -> None:
    nobody = BusinessFunctionFactory.create(plan=people.plan, name="Unowned scanning")
    with pytest.raises(ValidationError, match="Unowned scanning"):
        manager_sends(people, world, "Round", functions=[nobody])


def test_reminders_go_to_unfinished_bias_only(people: PlanPeople, world: BiaWorld) -> None:
    fill_required(world, world.other_assessment, people.manager)
    assessment_submit(assessment=world.other_assessment, user=people.manager)
    mail.outbox.clear()
    count = assessment_remind(
        assessments=list(world.campaign.assessments.select_related("function__owner", "plan")),
        user=people.manager,
    )
    assert count == 1
    assert [m.to for m in mail.outbox] == [[people.stakeholder.email]]
    assert "Student printing" in mail.outbox[0].body
    world.own_assessment.refresh_from_db()
    assert world.own_assessment.reminded_at is not None


def _workshop_edit(world: BiaWorld, user: User, field: str, value: str, start: int) -> Workshop:
    """``user`` autosaves ``field`` of the workshop, having loaded it at version ``start``."""
    return workshop_update_field(
        workshop=world.workshop,
        user=user,
        field=field,
        value=value,
        expected_version=start,
        original="",
    )


def test_workshop_edits_of_different_fields_do_not_collide(
    people: PlanPeople, world: BiaWorld
) -> None:
    start = world.workshop.version
    _workshop_edit(world, people.manager, "notes", "Branch link fails monthly", start)
    updated = _workshop_edit(
        world, people.stakeholder, "decisions", "Buy a second site server", start
    )
    assert updated.notes == "Branch link fails monthly"
    assert updated.decisions == "Buy a second site server"


def test_workshop_edits_of_the_same_field_conflict(people: PlanPeople, world: BiaWorld) -> None:
    start = world.workshop.version
    _workshop_edit(world, people.manager, "notes", "Theirs", start)
    with pytest.raises(EditConflict):
        _workshop_edit(world, people.stakeholder, "notes", "Mine", start)
    assert Workshop.objects.get(pk=world.workshop.pk).notes == "Theirs"


def test_every_answer_change_records_its_user_and_reason(
    people: PlanPeople, world: BiaWorld
) -> None:
    answer = answer_save(
        assessment=world.own_assessment,
        question=world.question("purpose"),
        raw=["Printing"],
        user=people.stakeholder,
        expected_version=0,
        source_interview=world.interview,
    )
    record = answer.history.latest()
    assert record.history_user == people.stakeholder
    assert "Answered" in record.history_change_reason
    assert answer.source_interview == world.interview


def test_a_cleared_answer_counts_as_missing(people: PlanPeople, world: BiaWorld) -> None:
    fill_required(world, world.own_assessment, people.stakeholder)
    stakeholder_answers(people, world, "data_loss", "")
    with pytest.raises(MissingAnswers) as excinfo:
        assessment_submit(assessment=world.own_assessment, user=people.stakeholder)
    assert [q.key for q in excinfo.value.questions] == ["data_loss"]
