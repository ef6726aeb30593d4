"""A new plan's starting point: the standard settings, a copy of another plan's, or nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from analysis.models import AnalysisSettings
from bcp.models import Plan
from bcp.starting import SetUp, Start, StartingPoint, plan_create_started
from bia.defaults import DEFAULT_CATEGORIES, DEFAULT_SECTIONS
from bia.models import (
    Assessment,
    BusinessFunction,
    ImpactCategory,
    ImpactSettings,
    Question,
    QuestionnaireTemplate,
    default_horizons,
)
from bia.services.functions import function_create
from bia.services.questionnaires import template_revise
from bia.services.scales import impact_category_update, impact_settings_update
from inventory.fields import TECHNIQUE_FIELDS
from inventory.models import Technique
from inventory.services.techniques import technique_update
from inventory.techniques import default_techniques
from tests.analysis.conftest import settings_change
from tests.conftest import PlanPeople, client_for
from tests.factories import make_coordinator

pytestmark = pytest.mark.django_db

DEFAULT_QUESTIONS = sum(len(section.questions) for section in DEFAULT_SECTIONS)


def _create(user: Any, start: StartingPoint, name: str = "Library services") -> tuple[Plan, SetUp]:
    return plan_create_started(user=user, start=start, name=name, organisation="Northbridge")


def test_the_standard_start_gives_scales_the_questionnaire_and_the_technique_catalogue(
    people: PlanPeople,
) -> None:
    plan, set_up = _create(people.manager, StartingPoint(Start.DEFAULTS))

    settings = ImpactSettings.objects.get(plan=plan)
    assert settings.horizons_hours == default_horizons()
    assert [c.key for c in ImpactCategory.objects.filter(plan=plan)] == [
        spec.key for spec in DEFAULT_CATEGORIES
    ]
    (template,) = QuestionnaireTemplate.objects.filter(plan=plan)
    assert Question.objects.filter(section__template=template).count() == DEFAULT_QUESTIONS
    assert Technique.objects.filter(plan=plan).count() == len(default_techniques())
    assert set_up == SetUp(
        categories=len(DEFAULT_CATEGORIES),
        horizons=len(default_horizons()),
        questionnaires=1,
        techniques=len(default_techniques()),
    )


def test_the_standard_start_is_recorded_in_history_as_the_creators_change(
    people: PlanPeople,
) -> None:
    plan, _set_up = _create(people.manager, StartingPoint(Start.DEFAULTS))
    record = ImpactCategory.history.filter(plan_id=plan.pk).first()
    assert record is not None and record.history_user == people.manager


def test_an_empty_start_gives_the_plan_nothing_but_its_manager(people: PlanPeople) -> None:
    plan, set_up = _create(people.manager, StartingPoint(Start.EMPTY))
    assert set_up == SetUp() and set_up.summary() == ""
    assert not ImpactCategory.objects.filter(plan=plan).exists()
    assert not QuestionnaireTemplate.objects.filter(plan=plan).exists()
    assert not Technique.objects.filter(plan=plan).exists()
    assert list(plan.memberships.values_list("user__username", flat=True)) == ["maya"]


@pytest.fixture
def edited_source(people: PlanPeople) -> Plan:
    """A plan whose settings were edited after its standard start, with a BIA under way."""
    source, _set_up = _create(people.manager, StartingPoint(Start.DEFAULTS), name="Printing")
    user = people.manager
    settings = ImpactSettings.objects.get(plan=source)
    impact_settings_update(
        impact_settings=settings,
        user=user,
        expected_version=settings.version,
        horizons_hours=[2.0, 8.0, 48.0],
        threshold=2,
        peak_uplift=0,
        currency="eur",
    )
    safety = ImpactCategory.objects.get(plan=source, key="safety")
    impact_category_update(
        category=safety,
        user=user,
        expected_version=safety.version,
        name="Health and safety",
        descriptions=[f"Level {n} in our words" for n in range(5)],
    )
    template = QuestionnaireTemplate.objects.get(plan=source)

    def drop_affected(new: QuestionnaireTemplate) -> None:
        Question.objects.get(section__template=new, key="affected").delete()

    template_revise(
        template=template,
        user=user,
        expected_version=template.version,
        change=drop_affected,
        note="No need to ask who is affected",
    )
    technique = Technique.objects.get(plan=source, key="nlb-active-active")
    technique_update(
        technique=technique,
        user=user,
        expected_version=technique.version,
        values={"name": "Our load balancer pair"},
    )
    settings_change(source, user, monte_carlo_samples=50_000)
    function = function_create(plan=source, user=user, name="Staff printing")
    assert function.pk is not None
    return source


def test_a_copy_takes_the_other_plans_settings_as_edited_there(
    people: PlanPeople, edited_source: Plan
) -> None:
    plan, set_up = _create(people.manager, StartingPoint(Start.COPY, edited_source))

    settings = ImpactSettings.objects.get(plan=plan)
    assert (settings.horizons_hours, settings.threshold, settings.peak_uplift) == (
        [2.0, 8.0, 48.0],
        2,
        0,
    )
    assert settings.currency == "EUR"
    assert ImpactCategory.objects.get(plan=plan, key="safety").name == "Health and safety"
    (template,) = QuestionnaireTemplate.objects.filter(plan=plan)
    assert template.revision == 1 and template.is_latest
    keys = set(Question.objects.filter(section__template=template).values_list("key", flat=True))
    assert "affected" not in keys and len(keys) == DEFAULT_QUESTIONS - 1
    assert Technique.objects.get(plan=plan, key="nlb-active-active").name == (
        "Our load balancer pair"
    )
    assert AnalysisSettings.objects.get(plan=plan).monte_carlo_samples == 50_000
    assert set_up.source == "Printing" and set_up.analysis_settings
    assert set_up.summary().endswith("copied from “Printing”; change any of them at any time.")


def test_a_copy_leaves_out_what_people_answered_and_recorded(
    people: PlanPeople, edited_source: Plan
) -> None:
    plan, _set_up = _create(people.manager, StartingPoint(Start.COPY, edited_source))
    assert not BusinessFunction.objects.filter(plan=plan).exists()
    assert not Assessment.objects.filter(plan=plan).exists()
    assert BusinessFunction.objects.filter(plan=edited_source).count() == 1


def test_a_copy_from_a_plan_the_creator_is_not_a_member_of_is_refused(
    people: PlanPeople, edited_source: Plan
) -> None:
    with pytest.raises(ValidationError, match="member of"):
        _create(people.outsider, StartingPoint(Start.COPY, edited_source))
    assert not Plan.objects.filter(name="Library services").exists()


def test_the_copy_carries_every_field_a_technique_has() -> None:
    """A new technique field must join TECHNIQUE_FIELDS, or copies and seeds would drop it."""
    bookkeeping = {"id", "plan", "version", "created_at", "updated_at"}
    editable = {f.name for f in Technique._meta.concrete_fields if f.name not in bookkeeping}
    assert editable == set(TECHNIQUE_FIELDS)


def test_the_summary_counts_in_words() -> None:
    one = SetUp(categories=1, horizons=1, questionnaires=2, techniques=1, source="Printing")
    assert one.summary() == (
        "It has impact scales (1 category over 1 time horizon), 2 BIA questionnaires and "
        "1 HA technique, copied from “Printing”; change any of them at any time."
    )


# --- the page ------------------------------------------------------------------------


def test_the_new_plan_page_offers_the_standard_start_with_its_contents(
    people: PlanPeople,
) -> None:
    body = client_for(make_coordinator(people.manager)).get(reverse("plan_create")).content.decode()
    assert (
        f"impact scales with {len(DEFAULT_CATEGORIES)} categories over "
        f"{len(default_horizons())} time horizons" in body
    )
    assert f"{len(default_techniques())} standard HA techniques" in body
    assert people.plan.name in body  # a plan the manager may copy from


def test_a_new_user_without_plans_is_not_offered_a_copy(people: PlanPeople) -> None:
    from tests.factories import UserFactory

    newcomer = UserFactory.create(username="nina")
    body = client_for(make_coordinator(newcomer)).get(reverse("plan_create")).content.decode()
    assert "copy_from" not in body and "A copy of another plan" not in body


def test_creating_with_the_standard_start_says_what_the_plan_was_given(
    people: PlanPeople,
) -> None:
    response = client_for(make_coordinator(people.manager)).post(
        reverse("plan_create"),
        {
            "name": "Library services",
            "organisation": "Northbridge",
            "classification": "Internal",
            "start": "defaults",
        },
        follow=True,
    )
    plan = Plan.objects.get(name="Library services")
    assert response.redirect_chain[-1][0] == plan.get_absolute_url()
    body = response.content.decode()
    assert f"impact scales ({len(DEFAULT_CATEGORIES)} categories over" in body
    assert "the default BIA questionnaire" in body


@pytest.mark.parametrize(
    ("copy_hidden", "error"),
    [
        (False, "Choose the plan whose settings to copy."),
        (True, "Select a valid choice"),
    ],
    ids=["no plan chosen", "a plan the user cannot see"],
)
def test_a_copy_needs_a_plan_the_user_can_see(
    people: PlanPeople, copy_hidden: bool, error: str
) -> None:
    data = {
        "name": "Library services",
        "organisation": "Northbridge",
        "classification": "Internal",
        "start": "copy",
    }
    if copy_hidden:
        hidden = Plan.objects.exclude(memberships__user=people.manager).first()
        assert hidden is not None
        data["copy_from"] = str(hidden.pk)
    response = client_for(make_coordinator(people.manager)).post(reverse("plan_create"), data)
    assert response.status_code == 400
    assert error in response.content.decode()
    assert not Plan.objects.filter(name="Library services").exists()
