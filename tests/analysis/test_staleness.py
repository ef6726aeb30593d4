"""Staleness is per plan: a change to anything a plan's analysis reads marks that plan's
analysis out of date, and a change to another plan never does — model by model."""

from __future__ import annotations

from typing import Any

import pytest
from django.db.models import Model
from django.utils import timezone

from analysis.inputs import _input_models, input_watermark, plan_path
from analysis.models import AgreedObjective
from analysis.services import analysis_settings_for
from bcp.history import change_context
from bcp.models import Plan
from tests.analysis.conftest import manager_dashboard, printing_function
from tests.factories import PlanFactory

pytestmark = pytest.mark.django_db


def _fill(plan: Plan, users: dict[str, Any]) -> None:
    """Give ``plan`` at least one row of every table the analysis reads."""
    from bia import demo as bia_demo
    from bia.models import ActionItem, BusinessFunction, Workshop
    from inventory import demo as inventory_demo

    bia_demo.load(plan=plan, users=users)
    inventory_demo.load(plan=plan, users=users)
    analysis_settings_for(plan=plan, user=users["manager"])
    with change_context(user=users["manager"], reason="test data"):
        workshop = Workshop.objects.filter(plan=plan).first()
        assert workshop is not None
        ActionItem.objects.create(workshop=workshop, text="Check the SAN restore test")
        function = BusinessFunction.objects.filter(plan=plan).first()
        assert function is not None
        AgreedObjective.objects.create(
            plan=plan,
            function=function,
            rto_hours=8.0,
            reason="Agreed for the test",
            agreed_by=users["manager"],
            agreed_at=timezone.now(),
        )


def _touch(model: type[Model], plan: Plan, user: Any) -> None:
    """Save one of ``plan``'s rows of ``model`` (history records it as a change)."""
    row = model._default_manager.filter(**{plan_path(model): plan.pk}).order_by("pk").first()
    assert row is not None, f"{model._meta.label} has no row in plan {plan.pk}"
    with change_context(user=user, reason="staleness test"):
        row.save()


def test_each_input_table_is_watched_per_plan(demo: dict[str, Any]) -> None:
    plan_a = demo["plan"]
    users = demo["users"]
    plan_b = PlanFactory.create()
    _fill(plan_a, users)
    _fill(plan_b, users)
    for model in _input_models():
        label = model._meta.label
        a_before, b_before = input_watermark(plan_a), input_watermark(plan_b)
        _touch(model, plan_b, users["manager"])
        assert input_watermark(plan_a) == a_before, f"{label} in another plan marked A stale"
        assert input_watermark(plan_b)[label] > b_before[label], f"{label} not watched"
        _touch(model, plan_a, users["manager"])
        assert input_watermark(plan_a)[label] > a_before[label], f"{label} change missed"


def test_every_input_table_has_a_path_to_its_plan() -> None:
    assert {plan_path(model) for model in _input_models()}  # raises for a table with none


def test_a_questionnaire_in_a_new_plan_leaves_the_demo_analysis_fresh(
    demo: dict[str, Any],
) -> None:
    from bia.services.questionnaires import template_create_default

    other = PlanFactory.create()
    template_create_default(plan=other, user=demo["users"]["manager"])
    body = manager_dashboard(demo)
    assert "Out of date" not in body


def test_an_agreed_objective_marks_its_plan_stale(demo: dict[str, Any]) -> None:
    from analysis.services import agreed_objective_set

    plan = demo["plan"]
    agreed_objective_set(
        plan=plan,
        function=printing_function(plan),
        user=demo["users"]["manager"],
        rto_hours=12.0,
        rpo_hours=None,
        availability_percent=None,
        reason="Agreed with the dean",
    )
    body = manager_dashboard(demo)
    assert "Out of date" in body
