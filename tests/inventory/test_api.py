"""The inventory API, mounted here on its own until bcp/api_urls.py includes it."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import include, path

from inventory.exchange.document import SCHEMA
from tests.conftest import PlanPeople
from tests.inventory.factories import ComponentFactory

urlpatterns = [path("api/v1/plans/<int:plan_pk>/inventory/", include("inventory.api_urls"))]

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.inventory.test_api")]


def test_members_read_the_inventory_as_code(people: PlanPeople, auditor_client: Any) -> None:
    ComponentFactory.create(plan=people.plan, name="SAN")
    response = auditor_client.get(f"/api/v1/plans/{people.plan.pk}/inventory/")
    assert response.status_code == 200
    body = response.json()
    assert body["schema"] == SCHEMA and body["components"][0]["name"] == "SAN"


def test_topology_endpoint_gives_engine_ids_with_names(
    people: PlanPeople, manager_client: Any
) -> None:
    component = ComponentFactory.create(plan=people.plan, name="SAN", availability_percent=99.9)
    body = manager_client.get(f"/api/v1/plans/{people.plan.pk}/inventory/topology/").json()
    assert body["components"][0]["id"] == f"component:{component.pk}"
    assert body["names"][f"component:{component.pk}"] == "SAN"


def test_outsiders_get_a_problem_document(people: PlanPeople) -> None:
    from tests.conftest import client_for

    response = client_for(people.outsider).get(f"/api/v1/plans/{people.plan.pk}/inventory/")
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
