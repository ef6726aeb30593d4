"""Optimistic locking has no way around it: an edit without a usable version is a conflict.

Browsers send the version they rendered; scripts and integrations may not. Each edit
path is tried with the version missing, empty and malformed, after someone else saved:
the newer edit must survive and the caller must be told.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.urls import reverse

from bcp.concurrency import EditConflict, parse_version, save_if_current
from bcp.history import change_context
from bia.models import Answer, Workshop
from inventory.models import Component
from inventory.services.components import component_update
from tests.bia.factories import bia_world
from tests.conftest import PlanPeople, client_for
from tests.inventory.factories import ComponentFactory

pytestmark = pytest.mark.django_db

BAD_VERSIONS = [None, "", "   ", "abc", "-1", "1.0", "١", "99999999999999999999"]


@pytest.mark.parametrize(
    ("raw", "parsed"),
    [("3", 3), (" 4 ", 4), (5, 5), ("", None), ("x", None), ("-1", None), (True, None)],
)
def test_a_version_is_parsed_only_from_a_plain_non_negative_number(raw: Any, parsed: Any) -> None:
    assert parse_version(raw) == parsed


def test_the_service_refuses_an_edit_without_a_version(people: PlanPeople) -> None:
    san = ComponentFactory.create(plan=people.plan, name="SAN", owner="Infra")
    with change_context(user=people.manager), pytest.raises(EditConflict) as excinfo:
        save_if_current(san, expected_version=None, changes={"owner": "Mine"})
    assert excinfo.value.missing_version
    assert "did not say which version" in str(excinfo.value)
    assert Component.objects.get(pk=san.pk).owner == "Infra"


def _stale_component(people: PlanPeople) -> Component:
    san = ComponentFactory.create(plan=people.plan, name="SAN", owner="Infra")
    return component_update(
        component=san, user=people.auditor, expected_version=san.version, values={"owner": "Theirs"}
    )


@pytest.mark.parametrize("version", BAD_VERSIONS)
def test_a_form_post_without_a_usable_version_does_not_overwrite(
    people: PlanPeople, version: str | None
) -> None:
    san = _stale_component(people)
    data = {
        "name": san.name,
        "kind": san.kind,
        "owner": "Mine",
        "availability_percent": san.availability_percent,
        "replication": san.replication,
        "runs_on": "",
    }
    if version is not None:
        data["version"] = version
    url = reverse(
        "inventory_component_edit", kwargs={"plan_pk": people.plan.pk, "component_pk": san.pk}
    )
    response = client_for(people.manager).post(url, data)
    assert response.status_code == 409
    assert "did not say which version" in response.content.decode()
    assert Component.objects.get(pk=san.pk).owner == "Theirs"
    # The page now carries the current version: saving again is a deliberate overwrite.
    assert response.context["form"]["version"].value() == str(san.version)


def test_saving_again_after_the_conflict_page_overwrites_deliberately(people: PlanPeople) -> None:
    san = _stale_component(people)
    url = reverse("plan_edit", kwargs={"plan_pk": people.plan.pk})
    plan = people.plan
    data = {"name": "Renamed", "organisation": plan.organisation, "scope": plan.scope}
    data["classification"] = plan.classification
    data["review_interval_months"] = str(plan.review_interval_months)
    data["next_review"] = plan.next_review.isoformat()
    client = client_for(people.manager)
    first = client.post(url, data)
    assert first.status_code == 409
    second = client.post(url, {**data, "version": first.context["form"]["version"].value()})
    assert second.status_code == 302
    plan.refresh_from_db()
    assert plan.name == "Renamed" and san.owner == "Theirs"


@pytest.mark.parametrize("version", BAD_VERSIONS)
def test_an_autosave_without_a_usable_version_does_not_overwrite_an_answer(
    people: PlanPeople, version: str | None
) -> None:
    world = bia_world(people)
    question = world.question("purpose")
    url = reverse(
        "bia_answer_save",
        kwargs={"plan_pk": world.plan.pk, "assessment_pk": world.own_assessment.pk},
    )
    first = client_for(people.manager).post(
        url, {"question": question.pk, "value": "Theirs", "version": "0"}, HTTP_HX_REQUEST="true"
    )
    assert first.status_code == 200
    data: dict[str, Any] = {"question": question.pk, "value": "Mine"}
    if version is not None:
        data["version"] = version
    response = client_for(people.stakeholder).post(url, data, HTTP_HX_REQUEST="true")
    assert response.status_code == 409
    assert Answer.objects.get(assessment=world.own_assessment, question=question).value == "Theirs"


def test_a_workshop_autosave_without_a_version_does_not_overwrite(people: PlanPeople) -> None:
    from bia.services.workshops import workshop_create

    world = bia_world(people)
    workshop = workshop_create(
        plan=world.plan,
        user=people.manager,
        title="Print BIA",
        held_on=datetime.date(2025, 3, 1),
        functions=[world.own],
        attendees="",
    )
    url = reverse(
        "bia_workshop_field", kwargs={"plan_pk": world.plan.pk, "workshop_pk": workshop.pk}
    )
    client = client_for(people.manager)
    saved = client.post(
        url, {"field": "notes", "value": "Theirs", "version": workshop.version}, HTTP_HX_REQUEST="1"
    )
    assert saved.status_code == 200
    response = client.post(url, {"field": "notes", "value": "Mine"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 409
    assert Workshop.objects.get(pk=workshop.pk).notes == "Theirs"
