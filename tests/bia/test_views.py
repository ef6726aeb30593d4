from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bcp.concurrency import save_locked
from bcp.history import change_context
from bia.models import (
    Answer,
    Assessment,
    AssessmentState,
    BusinessFunction,
    Campaign,
    ImpactSettings,
    Question,
    WorkshopFunction,
)
from bia.services.assessments import assessment_submit
from bia.services.campaigns import campaign_send
from bia.services.functions import dependency_add
from tests.bia.factories import (
    BiaWorld,
    BusinessFunctionFactory,
    fill_required,
    manager_sends,
    stakeholder_answers,
)
from tests.conftest import PlanPeople, client_for
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def _url(name: str, world: BiaWorld, **kwargs: Any) -> str:
    return reverse(name, kwargs={"plan_pk": world.plan.pk, **kwargs})


def _save(user: User, world: BiaWorld, question: Question, **data: str) -> Any:
    """``user`` autosaves an answer to ``question`` of the stakeholder's own BIA."""
    assessment = world.own_assessment
    return client_for(user).post(
        _url("bia_answer_save", world, assessment_pk=assessment.pk),
        {"question": question.pk, **data},
        HTTP_HX_REQUEST="true",
    )


def _post_own(user: User, world: BiaWorld, name: str, **data: str) -> Any:
    """``user`` posts ``data`` to the page ``name`` of the stakeholder's own BIA."""
    return client_for(user).post(_url(name, world, assessment_pk=world.own_assessment.pk), data)


def _shows(response: Any, status: int, *texts: str) -> None:
    """The page answered with ``status`` and shows each of ``texts``."""
    body = response.content.decode()
    assert response.status_code == status
    for text in texts:
        assert text in body, text


def test_my_bias_lists_only_the_functions_the_stakeholder_owns(
    people: PlanPeople, world: BiaWorld
) -> None:
    body = client_for(people.stakeholder).get(_url("bia_my", world)).content.decode()
    assert "Student printing" in body
    assert "Print accounting" not in body


def test_a_stakeholder_opening_another_owners_bia_gets_403(
    people: PlanPeople, world: BiaWorld
) -> None:
    response = client_for(people.stakeholder).get(
        _url("bia_assessment", world, assessment_pk=world.other_assessment.pk)
    )
    assert response.status_code == 403
    assert b"belongs to another owner" in response.content


def test_a_stakeholder_sees_only_their_functions_in_the_list(
    people: PlanPeople, world: BiaWorld
) -> None:
    body = client_for(people.stakeholder).get(_url("bia_function_list", world)).content.decode()
    assert "Student printing" in body and "Print accounting" not in body


def test_autosave_says_saved_and_asks_the_page_to_refresh_the_derived_figures(
    people: PlanPeople, world: BiaWorld
) -> None:
    response = _save(
        people.stakeholder, world, world.question("data_loss"), value="4 h", version="0"
    )
    assert response.status_code == 200
    assert "Saved" in response.content.decode()
    assert response["HX-Trigger"] == "bia-answer-saved"
    assert 'hx-swap-oob="true"' in response.content.decode()


@pytest.mark.parametrize(
    ("key", "posted", "error"),
    [
        ("impact_grid", {"cell": "financial@1", "value": "9"}, "Severity 9 is out of range"),
        ("workaround_hours", {"value": "-2 h"}, "cannot be negative"),
    ],
    ids=["out-of-range-severity", "negative-duration"],
)
def test_an_invalid_answer_gets_a_field_error_and_nothing_is_saved(
    people: PlanPeople, key: str, posted: dict[str, str], error: str, world: BiaWorld
) -> None:
    response = _save(people.stakeholder, world, world.question(key), version="0", **posted)
    assert response.status_code == 422
    assert error in response.content.decode()
    assert not Answer.objects.filter(assessment=world.own_assessment).exists()


def _theirs_saved_first(people: PlanPeople, world: BiaWorld) -> Question:
    """The manager answers the stakeholder's "purpose" question first, with "Theirs"."""
    question = world.question("purpose")
    _save(people.manager, world, question, value="Theirs", version="0")
    return question


def test_a_stale_answer_is_refused_with_who_when_and_both_values(
    people: PlanPeople, world: BiaWorld
) -> None:
    question = _theirs_saved_first(people, world)
    response = _save(people.stakeholder, world, question, value="Mine", version="0")
    body = response.content.decode()
    assert response.status_code == 409
    assert f"changed by {people.manager.get_full_name()}" in body
    assert "Theirs" in body and "Mine" in body
    assert "Keep theirs" in body and "Use mine" in body
    assert Answer.objects.get(assessment=world.own_assessment).value == "Theirs"


def test_choosing_mine_after_a_conflict_saves_it(people: PlanPeople, world: BiaWorld) -> None:
    question = _theirs_saved_first(people, world)
    current = Answer.objects.get(assessment=world.own_assessment).version
    response = _save(
        people.stakeholder, world, question, value="Mine", version=str(current), resolve="1"
    )
    assert response.status_code == 200
    assert 'id="answer-purpose"' in response.content.decode()
    assert Answer.objects.get(assessment=world.own_assessment).value == "Mine"


def test_submitting_with_required_answers_missing_names_them(
    people: PlanPeople, world: BiaWorld
) -> None:
    response = _post_own(people.stakeholder, world, "bia_assessment_submit")
    _shows(
        response, 400, "required questions have no answer yet", "How much recent work could be lost"
    )


def test_the_manager_approves_a_submitted_bia(people: PlanPeople, world: BiaWorld) -> None:
    fill_required(world, world.own_assessment, people.stakeholder)
    _post_own(people.stakeholder, world, "bia_assessment_submit")
    response = _post_own(people.manager, world, "bia_assessment_review", decision="approve")
    assert response.status_code == 302
    world.own_assessment.refresh_from_db()
    assert world.own_assessment.state == AssessmentState.APPROVED


def test_a_horizon_list_that_does_not_increase_gets_a_field_error(
    people: PlanPeople, world: BiaWorld
) -> None:
    settings = ImpactSettings.objects.get(plan=world.plan)
    response = client_for(people.manager).post(
        _url("bia_settings_edit", world),
        {
            "horizons_hours": "1 h, 1 d, 4 h",
            "threshold": "3",
            "peak_uplift": "1",
            "currency": "GBP",
            "version": settings.version,
        },
    )
    _shows(response, 400, "Horizons must increase: 4 h comes after 1 d.", "1 h, 1 d, 4 h")


def test_the_remind_action_emails_the_owner(people: PlanPeople, world: BiaWorld) -> None:
    mail.outbox.clear()
    response = client_for(people.manager).post(
        _url("bia_campaign_remind", world, campaign_pk=world.campaign.pk),
        {"assessment": world.own_assessment.pk},
    )
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [[people.stakeholder.email]]


def test_the_campaign_page_shows_who_is_overdue(people: PlanPeople, world: BiaWorld) -> None:
    manager_sends(people, world, "Overdue round", functions=[world.own], notify=False)
    campaign = Campaign.objects.get(plan=world.plan, name="Overdue round")
    assessment = campaign.assessments.get()
    with change_context(user=people.manager, reason="Test: due yesterday"):
        save_locked(
            assessment, changes={"due_date": timezone.localdate() - datetime.timedelta(days=1)}
        )
    body = (
        client_for(people.manager)
        .get(_url("bia_campaign_detail", world, campaign_pk=campaign.pk))
        .content.decode()
    )
    assert "1 overdue" in body


def test_the_csv_export_is_a_download_with_one_row_per_function(
    people: PlanPeople, world: BiaWorld
) -> None:
    response = client_for(people.auditor).get(
        _url("bia_campaign_export", world, campaign_pk=world.campaign.pk, fmt="csv")
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.csv"')
    lines = response.content.decode("utf-8-sig").strip().splitlines()
    assert len(lines) == 3


def _add_functions(world: BiaWorld, people: PlanPeople, count: int) -> None:
    for index in range(count):
        owner = MembershipFactory.create(plan=world.plan, role="stakeholder").user
        function = BusinessFunctionFactory.create(
            plan=world.plan, name=f"Extra function {index}", owner=owner
        )
        dependency_add(
            function=function, user=people.manager, kind="supplier", name="Toner supplier"
        )
        campaign_send(
            plan=world.plan,
            user=people.manager,
            name=f"Round {index}",
            template=world.template,
            due_date=timezone.localdate(),
            functions=[function],
            notify=False,
        )


@pytest.mark.parametrize("page", ["bia_function_list", "bia_campaign_detail"])
def test_list_pages_keep_a_constant_query_count_as_rows_grow(
    people: PlanPeople, page: str, django_assert_max_num_queries: Any, world: BiaWorld
) -> None:
    client = client_for(people.manager)
    kwargs = {"campaign_pk": world.campaign.pk} if page == "bia_campaign_detail" else {}
    url = _url(page, world, **kwargs)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    _add_functions(world, people, 12)
    for assessment in Assessment.objects.filter(plan=world.plan).exclude(campaign=world.campaign):
        # Bring the new functions into the measured campaign too.
        with change_context(user=people.manager, reason="Test"):
            save_locked(assessment, changes={"campaign": world.campaign})
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.content.decode().count("Extra function") >= 12


def test_the_workshop_screen_keeps_a_constant_query_count_as_its_functions_grow(
    people: PlanPeople, django_assert_max_num_queries: Any, world: BiaWorld
) -> None:
    fill_required(world, world.own_assessment, people.manager)
    client = client_for(people.manager)
    url = _url("bia_workshop", world, workshop_pk=world.workshop.pk)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    _add_functions(world, people, 3)
    for function in BusinessFunction.objects.filter(plan=world.plan, name__startswith="Extra"):
        WorkshopFunction.objects.create(workshop=world.workshop, function=function)
        fill_required(
            world, Assessment.objects.get(function=function, is_current=True), people.manager
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert len(response.context["panels"]) == 4


def test_the_auditor_sees_who_changed_an_answer_and_why(
    people: PlanPeople, world: BiaWorld
) -> None:
    stakeholder_answers(people, world, "data_loss", "4 h", reason="Agreed in the library interview")
    body = (
        client_for(people.auditor)
        .get(_url("bia_function_history", world, function_pk=world.own.pk))
        .content.decode()
    )
    assert "Agreed in the library interview" in body
    assert people.stakeholder.get_full_name() in body
    assert "How much recent work could be lost" in body


def _add_question(
    people: PlanPeople, world: BiaWorld, *, section: str, key: str, text: str, qtype: str = "text"
) -> Any:
    """The manager adds a question to the questionnaire from its current version; a saved
    one is followed to the page it leads to."""
    return client_for(people.manager).post(
        _url("bia_question_add", world, template_pk=world.template.pk),
        {
            "section": section,
            "key": key,
            "text": text,
            "qtype": qtype,
            "version": world.template.version,
        },
        follow=True,
    )


def test_adding_a_question_saves_a_new_questionnaire_revision(
    people: PlanPeople, world: BiaWorld
) -> None:
    response = _add_question(
        people, world, section="4", key="backup_owner", text="Who restores the print database?"
    )
    body = response.content.decode()
    assert "Saved as revision 2" in body
    assert "Who restores the print database?" in body


def test_a_choice_question_without_choices_gets_a_field_error(
    people: PlanPeople, world: BiaWorld
) -> None:
    response = _add_question(
        people, world, section="0", key="site", text="Which site?", qtype="single"
    )
    assert response.status_code == 400
    assert "needs at least two choices" in response.content.decode()
    world.template.refresh_from_db()
    assert world.template.is_latest


def test_the_function_page_shows_the_workaround_of_the_reviewed_bia(
    people: PlanPeople, world: BiaWorld
) -> None:
    """The page reads the workaround as the analysis and the plan document do."""
    assessment = world.own_assessment
    fill_required(world, assessment, people.stakeholder)
    for key, value in (("workaround", "USB printing in the library"), ("workaround_hours", "8 h")):
        stakeholder_answers(people, world, key, value, assessment=assessment)
    assessment_submit(assessment=assessment, user=people.stakeholder)
    page = client_for(people.manager).get(_url("function_detail", world, function_pk=world.own.pk))
    body = page.content.decode()
    assert "USB printing in the library" in body and "(holds 8 h)" in body


def test_the_campaign_form_of_a_plan_without_questionnaires_links_to_creating_one(
    people: PlanPeople,
) -> None:
    body = (
        client_for(people.manager)
        .get(reverse("bia_campaign_create", kwargs={"plan_pk": people.plan.pk}))
        .content.decode()
    )
    link = reverse("bia_template_list", kwargs={"plan_pk": people.plan.pk})
    assert f'<a href="{link}">Create one from the default</a>' in body


def test_the_workshop_sends_the_facilitator_to_the_full_bia_for_the_other_questions(
    people: PlanPeople, world: BiaWorld
) -> None:
    response = client_for(people.manager).get(
        _url("bia_workshop", world, workshop_pk=world.workshop.pk)
    )
    editable = [p.assessment for p in response.context["panels"] if p.editable]
    assert editable
    body = response.content.decode()
    for assessment in editable:
        assert (
            f'<a href="{assessment.get_absolute_url()}">answer the others and submit it for '
            "review in the full BIA</a>" in body
        )
