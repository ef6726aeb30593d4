"""Permission-matrix cases for every BIA page.

Stakeholders reach only what belongs to the functions they own: the fixture's
stakeholder owns "Student printing" and must get 403 on "Print accounting"'s BIA.
Campaign, workshop and export pages show every owner's progress, so they are for
managers and auditors only.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bcp.permissions import Capability
from bia.models import ActionItem, FunctionDependency, ImpactCategory
from bia.services.functions import dependency_add
from bia.services.workshops import action_add
from tests.bia.factories import bia_world
from tests.permission_cases import UrlCase


def _pk_of(key: str, attr: str) -> Callable[[Any], dict[str, Any]]:
    """URL kwargs naming the BIA world's ``attr`` by its pk, as ``key``."""
    return lambda people: {key: getattr(bia_world(people), attr).pk}


_own_function = _pk_of("function_pk", "own")
_other_function = _pk_of("function_pk", "other")
_own_assessment = _pk_of("assessment_pk", "own_assessment")
_other_assessment = _pk_of("assessment_pk", "other_assessment")
_template = _pk_of("template_pk", "template")
_campaign = _pk_of("campaign_pk", "campaign")
_interview = _pk_of("interview_pk", "interview")
_workshop = _pk_of("workshop_pk", "workshop")


def _dependency(people: Any) -> dict[str, Any]:
    world = bia_world(people)
    dependency = FunctionDependency.objects.filter(function=world.own).first()
    if dependency is None:
        dependency = dependency_add(
            function=world.own, user=people.manager, kind="supplier", name="MFD contractor"
        )
    return {"dependency_pk": dependency.pk}


def _category(people: Any) -> dict[str, Any]:
    bia_world(people)
    category = ImpactCategory.objects.filter(plan=people.plan).first()
    assert category is not None
    return {"category_pk": category.pk}


def _question(people: Any) -> dict[str, Any]:
    return {"template_pk": bia_world(people).template.pk, "key": "purpose"}


def _campaign_export(people: Any) -> dict[str, Any]:
    return {"campaign_pk": bia_world(people).campaign.pk, "fmt": "csv"}


def _action(people: Any) -> dict[str, Any]:
    world = bia_world(people)
    action = ActionItem.objects.filter(workshop=world.workshop).first()
    if action is None:
        action = action_add(workshop=world.workshop, user=people.manager, text="Ring the vendor")
    return {"action_pk": action.pk}


def _world(people: Any) -> dict[str, Any]:
    bia_world(people)
    return {}


def _owned(
    name: str, capability: Capability, method: str = "get", *, on: str = "assessment"
) -> list[UrlCase]:
    """The page of the stakeholder's own function (or its BIA) and of another owner's, which
    only managers and auditors reach."""
    own, other = (
        (_own_function, _other_function)
        if on == "function"
        else (_own_assessment, _other_assessment)
    )
    return [
        UrlCase(name, capability, method=method, kwargs=own),
        UrlCase(name, capability, method=method, kwargs=other, stakeholder_allowed=False),
    ]


CASES = [
    UrlCase("bia_function_list", Capability.VIEW, kwargs=_world),
    UrlCase("bia_function_create", Capability.EDIT),
    *_owned("function_detail", Capability.VIEW, on="function"),
    UrlCase("bia_function_edit", Capability.EDIT, kwargs=_own_function),
    UrlCase("bia_function_history", Capability.AUDIT, kwargs=_own_function),
    UrlCase("bia_dependency_add", Capability.EDIT, method="post", kwargs=_own_function),
    UrlCase("bia_dependency_remove", Capability.EDIT, method="post", kwargs=_dependency),
    UrlCase("bia_scales", Capability.VIEW, kwargs=_world),
    UrlCase("bia_scales_defaults", Capability.EDIT, method="post"),
    UrlCase("bia_settings_edit", Capability.EDIT, kwargs=_world),
    UrlCase("bia_category_add", Capability.EDIT, kwargs=_world),
    UrlCase("bia_category_edit", Capability.EDIT, kwargs=_category),
    UrlCase("bia_template_list", Capability.VIEW, kwargs=_world),
    UrlCase("bia_template_create", Capability.EDIT, method="post"),
    UrlCase("bia_template_detail", Capability.VIEW, kwargs=_template),
    UrlCase("bia_question_add", Capability.EDIT, kwargs=_template),
    UrlCase("bia_question_edit", Capability.EDIT, kwargs=_question),
    UrlCase("bia_question_remove", Capability.EDIT, method="post", kwargs=_question),
    UrlCase("bia_section_add", Capability.EDIT, kwargs=_template),
    UrlCase("bia_campaign_list", Capability.VIEW, kwargs=_world, stakeholder_allowed=False),
    UrlCase("bia_campaign_create", Capability.EDIT, kwargs=_world),
    UrlCase("bia_campaign_detail", Capability.VIEW, kwargs=_campaign, stakeholder_allowed=False),
    UrlCase("bia_campaign_remind", Capability.EDIT, method="post", kwargs=_campaign),
    UrlCase(
        "bia_campaign_export", Capability.VIEW, kwargs=_campaign_export, stakeholder_allowed=False
    ),
    UrlCase(
        "bia_plan_export",
        Capability.VIEW,
        kwargs=lambda people: {**_world(people), "fmt": "xlsx"},
        stakeholder_allowed=False,
    ),
    UrlCase("bia_my", Capability.ANSWER, kwargs=_world),
    *_owned("bia_assessment", Capability.VIEW),
    *_owned("bia_assessment_derived", Capability.VIEW),
    *_owned("bia_answer_save", Capability.ANSWER, "post"),
    *_owned("bia_assessment_submit", Capability.ANSWER, "post"),
    UrlCase("bia_assessment_review", Capability.EDIT, method="post", kwargs=_own_assessment),
    *_owned("bia_assessment_revise", Capability.ANSWER, "post"),
    UrlCase("bia_interview_list", Capability.VIEW, kwargs=_world),
    UrlCase("bia_interview_create", Capability.EDIT, kwargs=_world),
    UrlCase("bia_interview_edit", Capability.EDIT, kwargs=_interview),
    UrlCase("bia_workshop_list", Capability.VIEW, kwargs=_world, stakeholder_allowed=False),
    UrlCase("bia_workshop_create", Capability.EDIT, kwargs=_world),
    UrlCase("bia_workshop", Capability.VIEW, kwargs=_workshop, stakeholder_allowed=False),
    UrlCase(
        "bia_workshop_field",
        Capability.EDIT,
        method="post",
        kwargs=_workshop,
        # A new workshop is at version 1; without a version the save is a conflict.
        data={"field": "notes", "value": "From the matrix", "version": "1"},
    ),
    UrlCase("bia_action_add", Capability.EDIT, method="post", kwargs=_workshop),
    UrlCase(
        "bia_action_done",
        Capability.EDIT,
        method="post",
        kwargs=_action,
        data={"done": "1", "version": "1"},
    ),
]
