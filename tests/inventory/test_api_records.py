"""Creating and updating sites, components, groups and dependencies through the API."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from inventory.models import Component, Dependency, RedundancyGroup, Site
from tests.conftest import PlanPeople, assert_created, assert_written_by_token, bearer_client
from tests.inventory.factories import ComponentFactory, FunctionFactory, SiteFactory

pytestmark = pytest.mark.django_db


def _url(people: PlanPeople, path: str) -> str:
    return f"/api/v1/plans/{people.plan.pk}/inventory/{path}"


def _send(client: Client, method: str, url: str, body: dict[str, Any], **headers: str) -> Any:
    call = getattr(client, method)
    return call(url, json.dumps(body), content_type="application/json", headers=headers)


def test_a_manager_creates_a_component_that_runs_on_another(people: PlanPeople) -> None:
    ComponentFactory.create(plan=people.plan, name="SAN")
    SiteFactory.create(plan=people.plan, name="Campus")
    client = bearer_client(people.manager, name="cmdb")
    body: dict[str, Any] = {"name": "App server", "kind": "server", "site": "Campus"}
    body |= {"runs_on": ["SAN"], "availability_percent": 99.9}
    response = _send(client, "post", _url(people, "components/"), body)
    created = assert_created(response, "components")
    assert created["runs_on"] == ["SAN"] and created["site"] == "Campus"
    record = Component.objects.get(pk=created["id"]).history.earliest()
    assert_written_by_token(record, people.manager, "cmdb")


def test_a_name_that_is_taken_is_a_422_with_the_pages_message(people: PlanPeople) -> None:
    ComponentFactory.create(plan=people.plan, name="SAN")
    client = bearer_client(people.manager)
    response = _send(
        client, "post", _url(people, "components/"), {"name": "SAN", "kind": "storage"}
    )
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert "already exists" in response.json()["errors"]["name"][0]


def test_an_unknown_name_to_run_on_is_a_400_naming_it(people: PlanPeople) -> None:
    client = bearer_client(people.manager)
    body = {"name": "App", "kind": "server", "runs_on": ["Mainframe"]}
    response = _send(client, "post", _url(people, "components/"), body)
    assert response.status_code == 400
    assert "“Mainframe”" in json.dumps(response.json()["errors"], ensure_ascii=False)
    assert not Component.objects.exists()


def test_an_update_with_the_etag_saves_and_moves_the_etag_on(people: PlanPeople) -> None:
    component = ComponentFactory.create(plan=people.plan, name="SAN")
    client = bearer_client(people.manager)
    url = _url(people, f"components/{component.pk}/")
    etag = client.get(url)["ETag"]
    response = _send(client, "patch", url, {"owner": "Storage team"}, **{"If-Match": etag})
    assert response.status_code == 200
    assert response.json()["owner"] == "Storage team"
    assert response["ETag"] == f'"{component.version + 1}"'


def test_an_update_without_a_version_is_a_428(people: PlanPeople) -> None:
    component = ComponentFactory.create(plan=people.plan, name="SAN")
    client = bearer_client(people.manager)
    response = _send(client, "patch", _url(people, f"components/{component.pk}/"), {"owner": "x"})
    assert response.status_code == 428
    assert Component.objects.get().owner == component.owner


def test_a_stale_etag_is_a_412_listing_what_differs(people: PlanPeople) -> None:
    component = ComponentFactory.create(plan=people.plan, name="SAN", owner="Ops")
    client = bearer_client(people.manager)
    url = _url(people, f"components/{component.pk}/")
    _send(client, "patch", url, {"owner": "Storage"}, **{"If-Match": '"1"'})
    response = _send(client, "patch", url, {"owner": "Facilities"}, **{"If-Match": '"1"'})
    assert response.status_code == 412
    problem = response.json()
    assert problem["current_version"] == 2
    assert problem["differences"] == [
        {"field": "owner", "theirs": "Storage", "yours": "Facilities"}
    ]
    assert Component.objects.get().owner == "Storage"


def test_a_stale_version_in_the_body_is_a_409(people: PlanPeople) -> None:
    site = SiteFactory.create(plan=people.plan, name="Campus")
    client = bearer_client(people.manager)
    url = _url(people, f"sites/{site.pk}/")
    assert _send(client, "patch", url, {"description": "a", "version": 1}).status_code == 200
    assert _send(client, "patch", url, {"description": "b", "version": 1}).status_code == 409


def test_a_site_is_created_inside_another_by_name(people: PlanPeople) -> None:
    SiteFactory.create(plan=people.plan, name="Campus")
    client = bearer_client(people.manager)
    body = {"name": "Room 1", "kind": "room", "parent": "Campus"}
    response = _send(client, "post", _url(people, "sites/"), body)
    assert response.status_code == 201, response.json()
    parent = Site.objects.get(name="Room 1").parent
    assert parent is not None and parent.name == "Campus"


def test_a_group_is_created_with_its_members_in_order(people: PlanPeople) -> None:
    for name in ("Print 1", "Print 2"):
        ComponentFactory.create(plan=people.plan, name=name)
    client = bearer_client(people.manager)
    body = {
        "name": "Print pool",
        "mode": "active_active",
        "k": 1,
        "members": ["Print 2", "Print 1"],
    }
    response = _send(client, "post", _url(people, "groups/"), body)
    assert response.status_code == 201, response.json()
    assert response.json()["members"] == ["Print 2", "Print 1"]
    assert RedundancyGroup.objects.get().members.count() == 2


def test_a_group_that_would_contain_itself_is_refused(people: PlanPeople) -> None:
    ComponentFactory.create(plan=people.plan, name="Print 1")
    client = bearer_client(people.manager)
    body = {"name": "Pool", "mode": "active_active", "k": 1, "members": ["Print 1"]}
    group = _send(client, "post", _url(people, "groups/"), body).json()
    change = {"members": ["Print 1", "Pool"], "version": group["version"]}
    response = _send(client, "patch", _url(people, f"groups/{group['id']}/"), change)
    assert response.status_code == 422
    assert "itself" in response.json()["errors"]["members"][0]


def test_a_function_dependency_is_created_and_its_need_changed(people: PlanPeople) -> None:
    FunctionFactory.create(plan=people.plan, name="Printing")
    ComponentFactory.create(plan=people.plan, name="SAN")
    client = bearer_client(people.manager)
    body = {"function": "Printing", "needs": "SAN", "need": "full"}
    created = _send(client, "post", _url(people, "dependencies/"), body)
    assert created.status_code == 201, created.json()
    url = _url(people, f"dependencies/{created.json()['id']}/")
    changed = _send(client, "patch", url, {"need": "degraded", "version": 1})
    assert changed.status_code == 200
    assert Dependency.objects.get().need == "degraded"


def test_a_dependency_on_a_function_of_another_plan_is_a_400(people: PlanPeople) -> None:
    FunctionFactory.create(name="Payroll")  # another plan's
    ComponentFactory.create(plan=people.plan, name="SAN")
    client = bearer_client(people.manager)
    body = {"function": "Payroll", "needs": "SAN"}
    assert _send(client, "post", _url(people, "dependencies/"), body).status_code == 400


@pytest.mark.parametrize("who", ["stakeholder", "auditor"])
def test_only_managers_write_the_inventory(people: PlanPeople, who: str) -> None:
    client = bearer_client(people.user_for(who))
    response = _send(client, "post", _url(people, "sites/"), {"name": "Campus", "kind": "building"})
    assert response.status_code == 403
    assert not Site.objects.exists()


@pytest.mark.parametrize("who", ["stakeholder", "auditor"])
def test_every_member_reads_a_record(people: PlanPeople, who: str) -> None:
    site = SiteFactory.create(plan=people.plan, name="Campus")
    response = bearer_client(people.user_for(who)).get(_url(people, f"sites/{site.pk}/"))
    assert response.status_code == 200 and response.json()["name"] == "Campus"


def test_a_read_only_token_cannot_create(people: PlanPeople) -> None:
    client = bearer_client(people.manager, access="read")
    response = _send(client, "post", _url(people, "sites/"), {"name": "Campus", "kind": "building"})
    assert response.status_code == 403
    assert "read-only" in response.json()["detail"]


def test_a_record_of_another_plan_is_not_found(people: PlanPeople) -> None:
    other = ComponentFactory.create(name="Elsewhere")
    response = bearer_client(people.manager).get(_url(people, f"components/{other.pk}/"))
    assert response.status_code == 404


def test_a_body_over_a_megabyte_is_a_413(people: PlanPeople) -> None:
    client = bearer_client(people.manager)
    body = {"name": "x", "kind": "server", "notes": "n" * (1024 * 1024)}
    response = _send(client, "post", _url(people, "components/"), body)
    assert response.status_code == 413
    assert response["Content-Type"] == "application/problem+json"


def test_a_nul_character_in_the_body_is_a_400_and_saves_nothing(people: PlanPeople) -> None:
    client = bearer_client(people.manager)
    body = {"name": "Room 1", "kind": "room", "parent": "Cam\x00pus"}
    response = _send(client, "post", _url(people, "sites/"), body)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
    assert "NUL" in response.json()["detail"]
    assert not Site.objects.filter(plan=people.plan).exists()
