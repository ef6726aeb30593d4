"""Factories and a small BIA world for tests: scales, questionnaire, functions, a campaign."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from bcp.models import Plan
from bia.models import (
    Answer,
    Assessment,
    BusinessFunction,
    Campaign,
    Interview,
    Question,
    QuestionnaireTemplate,
    Workshop,
)
from bia.services.answers import answer_save
from bia.services.campaigns import campaign_send
from bia.services.common import cell_key
from bia.services.functions import function_create
from bia.services.interviews import interview_create
from bia.services.questionnaires import template_create_default
from bia.services.scales import grid_cells, impact_scales_ensure
from bia.services.workshops import workshop_create
from tests.factories import PlanFactory


class BusinessFunctionFactory(DjangoModelFactory[BusinessFunction]):
    class Meta:
        model = BusinessFunction

    plan = factory.SubFactory(PlanFactory)
    name = factory.Sequence(lambda n: f"Function {n}")
    description = "Printing for somebody."
    criticality = "medium"


@dataclass
class BiaWorld:
    plan: Plan
    template: QuestionnaireTemplate
    own: BusinessFunction  # owned by the fixture's stakeholder
    other: BusinessFunction  # owned by someone else
    campaign: Campaign
    own_assessment: Assessment
    other_assessment: Assessment
    interview: Interview
    workshop: Workshop

    def question(self, key: str, assessment: Assessment | None = None) -> Question:
        template = (assessment or self.own_assessment).template
        return Question.objects.get(section__template=template, key=key)


def bia_world(people: Any) -> BiaWorld:
    """Build (once per plan) the objects BIA tests need; later calls return the same ones."""
    plan = people.plan
    existing = Campaign.objects.filter(plan=plan, name="Test campaign").first()
    if existing is not None:
        own = BusinessFunction.objects.get(plan=plan, name="Student printing")
        other = BusinessFunction.objects.get(plan=plan, name="Print accounting")
        return BiaWorld(
            plan=plan,
            template=existing.template,
            own=own,
            other=other,
            campaign=existing,
            own_assessment=Assessment.objects.get(function=own, is_current=True),
            other_assessment=Assessment.objects.get(function=other, is_current=True),
            interview=Interview.objects.get(plan=plan),
            workshop=Workshop.objects.get(plan=plan),
        )
    manager = people.manager
    impact_scales_ensure(plan=plan, user=manager)
    template = template_create_default(plan=plan, user=manager)
    own = function_create(
        plan=plan, user=manager, name="Student printing", owner=people.stakeholder
    )
    other = function_create(plan=plan, user=manager, name="Print accounting", owner=people.manager)
    campaign_send(
        plan=plan,
        user=manager,
        name="Test campaign",
        template=template,
        due_date=timezone.localdate() + datetime.timedelta(days=7),
        functions=[own, other],
        notify=False,
    )
    interview_create(
        plan=plan,
        user=manager,
        function=own,
        interviewee="Head of Library",
        held_at=timezone.now(),
    )
    workshop_create(
        plan=plan,
        user=manager,
        title="Printing workshop",
        held_on=timezone.localdate(),
        functions=[own],
    )
    return bia_world(people)


def seen_version(assessment: Assessment, question: Any, cell: str = "") -> int:
    """The version a user looking at the page now would send: the answer's, or 0 for none."""
    answer = assessment.answers.filter(question=question, cell=cell).first()
    return answer.version if answer else 0


def stakeholder_answers(
    people: Any,
    world: BiaWorld,
    key: str,
    text: str,
    *,
    assessment: Assessment | None = None,
    reason: str = "",
) -> Answer:
    """The stakeholder answers question ``key`` of their own BIA (or ``assessment``) with
    ``text``, from the version the page shows them."""
    assessment = assessment or world.own_assessment
    question = world.question(key)
    return answer_save(
        assessment=assessment,
        question=question,
        raw=[text],
        user=people.stakeholder,
        expected_version=seen_version(assessment, question),
        reason=reason,
    )


def fill_required(world: BiaWorld, assessment: Assessment, user: Any, *, grid: int = 1) -> None:
    """Answer every required question of an assessment (each grid cell with ``grid``)."""
    categories, horizons = grid_cells(assessment.plan)
    grid_question = world.question("impact_grid", assessment)
    for category in categories:
        for hours in horizons:
            answer_save(
                assessment=assessment,
                question=grid_question,
                cell=cell_key(category.key, hours),
                raw=[str(grid)],
                user=user,
                expected_version=seen_version(
                    assessment, grid_question, cell_key(category.key, hours)
                ),
            )
    for key, value in (
        ("purpose", "Printing for students"),
        ("data_loss", "4 h"),
        ("minimum_service", "50"),
        ("it_services", "Print server\nFind-Me release"),
    ):
        answer_save(
            assessment=assessment,
            question=world.question(key, assessment),
            raw=[value],
            user=user,
            expected_version=seen_version(assessment, world.question(key, assessment)),
        )


def manager_sends(
    people: Any,
    world: BiaWorld,
    name: str,
    *,
    functions: list[BusinessFunction],
    due_in_days: int = 0,
    notify: bool = True,
    base_url: str = "",
) -> Campaign:
    """The manager sends campaign ``name`` of the world's questionnaire for ``functions``,
    due ``due_in_days`` from today."""
    return campaign_send(
        plan=world.plan,
        user=people.manager,
        name=name,
        template=world.template,
        due_date=timezone.localdate() + datetime.timedelta(days=due_in_days),
        functions=functions,
        notify=notify,
        base_url=base_url,
    )
