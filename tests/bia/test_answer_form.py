from __future__ import annotations

import pytest
from django.http import Http404, QueryDict

from bia.answer_form import AnswerForm, AnswerSubmission
from bia.models import Question
from tests.bia.factories import bia_world
from tests.conftest import PlanPeople

pytestmark = pytest.mark.django_db


def _form(people: PlanPeople, query: str) -> AnswerForm:
    world = bia_world(people)
    return AnswerForm(QueryDict(query), assessment=world.own_assessment)


def _purpose_posted(people: PlanPeople, rest: str) -> tuple[Question, AnswerSubmission]:
    """What the form makes of an accepted answer to "purpose" posted with ``rest``."""
    world = bia_world(people)
    question = world.question("purpose")
    form = _form(people, f"question={question.pk}&{rest}")
    assert form.is_valid()
    return question, form.submission()


def test_the_answer_is_kept_exactly_as_typed_for_the_service_to_clean(people: PlanPeople) -> None:
    question, posted = _purpose_posted(people, "value=+Printing+&version=3")
    assert (posted.question, posted.raw, posted.version, posted.cite) == (
        question,
        [" Printing "],
        3,
        False,
    )


def test_a_question_of_another_questionnaire_is_refused(people: PlanPeople) -> None:
    assert not _form(people, "question=999999999&value=x").is_valid()


def test_saving_from_the_workshop_cites_the_workshop(people: PlanPeople) -> None:
    workshop = bia_world(people).workshop
    _, posted = _purpose_posted(people, f"value=x&workshop={workshop.pk}")
    assert (posted.workshop, posted.interview, posted.cite) == (workshop, None, True)


def test_citing_an_interview_of_another_plan_is_not_found(people: PlanPeople) -> None:
    question = bia_world(people).question("purpose")
    form = _form(people, f"question={question.pk}&value=x&source=interview:999999999")
    assert form.is_valid()
    with pytest.raises(Http404):
        form.submission()
