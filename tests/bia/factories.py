"""Factories and a small BIA world for tests: scales, questionnaire, functions, a campaign."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from bcp.models import Plan
from bia import services
from bia.models import (
    Assessment,
    BusinessFunction,
    Campaign,
    Interview,
    Question,
    QuestionnaireTemplate,
    Workshop,
)
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
    services.impact_scales_ensure(plan=plan, user=manager)
    template = services.template_create_default(plan=plan, user=manager)
    own = services.function_create(
        plan=plan, user=manager, name="Student printing", owner=people.stakeholder
    )
    other = services.function_create(
        plan=plan, user=manager, name="Print accounting", owner=people.manager
    )
    services.campaign_send(
        plan=plan,
        user=manager,
        name="Test campaign",
        template=template,
        due_date=timezone.localdate() + datetime.timedelta(days=7),
        functions=[own, other],
        notify=False,
    )
    services.interview_create(
        plan=plan,
        user=manager,
        function=own,
        interviewee="Head of Library",
        held_at=timezone.now(),
    )
    services.workshop_create(
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


def fill_required(world: BiaWorld, assessment: Assessment, user: Any, *, grid: int = 1) -> None:
    """Answer every required question of an assessment (each grid cell with ``grid``)."""
    categories, horizons = services.grid_cells(assessment.plan)
    grid_question = world.question("impact_grid", assessment)
    for category in categories:
        for hours in horizons:
            services.answer_save(
                assessment=assessment,
                question=grid_question,
                cell=services.cell_key(category.key, hours),
                raw=[str(grid)],
                user=user,
                expected_version=seen_version(
                    assessment, grid_question, services.cell_key(category.key, hours)
                ),
            )
    for key, value in (
        ("purpose", "Printing for students"),
        ("data_loss", "4 h"),
        ("minimum_service", "50"),
        ("it_services", "Print server\nFind-Me release"),
    ):
        services.answer_save(
            assessment=assessment,
            question=world.question(key, assessment),
            raw=[value],
            user=user,
            expected_version=seen_version(assessment, world.question(key, assessment)),
        )
