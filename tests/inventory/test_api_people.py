"""Creating and updating key people, suppliers and functions' needs of them through the API."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from inventory.people_models import Person, PersonDependency, Supplier
from tests.conftest import PlanPeople, assert_created, assert_written_by_token, bearer_client
from tests.inventory.factories import FunctionFactory

pytestmark = pytest.mark.django_db

CONTRACT = {
    "name": "PrintCo",
    "service": "Managed printing",
    "contract_reference": "MPS-2025-01",
    "service_availability_percent": 99.5,
    "contract_rto_hours": 8,
    "contract_rpo_hours": None,
    "support_hours": "business",
}


def _url(people: PlanPeople, path: str) -> str:
    return f"/api/v1/plans/{people.plan.pk}/inventory/{path}"


def _send(client: Client, method: str, url: str, body: dict[str, Any], **headers: str) -> Any:
    call = getattr(client, method)
    return call(url, json.dumps(body), content_type="application/json", headers=headers)


def _person(people: PlanPeople, name: str) -> Person:
    return Person.objects.create(plan=people.plan, name=name)


def test_a_manager_adds_a_person_with_deputies_and_the_history_names_the_token(
    people: PlanPeople,
) -> None:
    _person(people, "Bob Backup")
    _person(people, "Cat Cover")
    client = bearer_client(people.manager, name="hr-feed")
    body = {
        "name": "Ann Admin",
        "role": "print administrator",
        "deputies": ["Cat Cover", "Bob Backup"],
    }
    response = _send(client, "post", _url(people, "people/"), body)
    created = assert_created(response, "people")
    assert created["deputies"] == ["Cat Cover", "Bob Backup"]
    record = Person.objects.get(pk=created["id"]).history.earliest()
    assert_written_by_token(record, people.manager, "hr-feed")


def test_a_person_is_changed_from_the_version_read(people: PlanPeople) -> None:
    ann = _person(people, "Ann Admin")
    _person(people, "Bob Backup")
    client = bearer_client(people.manager)
    url = _url(people, f"people/{ann.pk}/")
    etag = client.get(url)["ETag"]
    body = {"handover_hours": 2, "deputies": ["Bob Backup"]}
    response = _send(client, "patch", url, body, **{"If-Match": etag})
    assert response.status_code == 200, response.json()
    assert response.json()["deputies"] == ["Bob Backup"]
    assert response.json()["handover_hours"] == 2
    assert response["ETag"] != etag


def test_a_person_update_without_a_version_is_a_428(people: PlanPeople) -> None:
    ann = _person(people, "Ann Admin")
    client = bearer_client(people.manager)
    response = _send(client, "patch", _url(people, f"people/{ann.pk}/"), {"role": "admin"})
    assert response.status_code == 428


def test_a_stale_if_match_is_a_412_and_a_stale_version_a_409(people: PlanPeople) -> None:
    ann = _person(people, "Ann Admin")
    client = bearer_client(people.manager)
    url = _url(people, f"people/{ann.pk}/")
    assert _send(client, "patch", url, {"role": "admin", "version": 1}).status_code == 200
    stale = _send(client, "patch", url, {"role": "lead"}, **{"If-Match": '"1"'})
    assert stale.status_code == 412
    conflict = _send(client, "patch", url, {"role": "lead", "version": 1})
    assert conflict.status_code == 409
    assert conflict.json()["differences"][0]["field"] == "role"
    assert Person.objects.get(pk=ann.pk).role == "admin"


def test_a_deputy_chain_that_loops_is_a_422_naming_the_chain(people: PlanPeople) -> None:
    ann = _person(people, "Ann Admin")
    client = bearer_client(people.manager)
    body = {"name": "Bob Backup", "deputies": ["Ann Admin"]}
    assert _send(client, "post", _url(people, "people/"), body).status_code == 201
    url = _url(people, f"people/{ann.pk}/")
    response = _send(client, "patch", url, {"deputies": ["Bob Backup"], "version": 1})
    assert response.status_code == 422
    assert "Ann Admin" in response.json()["detail"] and "Bob Backup" in response.json()["detail"]
    assert not ann.deputy_links.exists()


def test_an_unknown_deputy_is_a_400_naming_them(people: PlanPeople) -> None:
    client = bearer_client(people.manager)
    body = {"name": "Ann Admin", "deputies": ["Nobody"]}
    response = _send(client, "post", _url(people, "people/"), body)
    assert response.status_code == 400
    assert "“Nobody”" in json.dumps(response.json(), ensure_ascii=False)
    assert not Person.objects.filter(plan=people.plan).exists()


def test_a_manager_adds_a_supplier_with_its_contract_and_changes_the_rto(
    people: PlanPeople,
) -> None:
    client = bearer_client(people.manager)
    created = _send(client, "post", _url(people, "suppliers/"), CONTRACT)
    assert created.status_code == 201, created.json()
    url = _url(people, f"suppliers/{created.json()['id']}/")
    response = _send(client, "patch", url, {"contract_rto_hours": 4}, **{"If-Match": '"1"'})
    assert response.status_code == 200, response.json()
    supplier = Supplier.objects.get(plan=people.plan)
    assert (supplier.contract_reference, supplier.contract_rto_hours) == ("MPS-2025-01", 4)


def test_a_contract_availability_over_100_is_a_422_with_the_pages_message(
    people: PlanPeople,
) -> None:
    client = bearer_client(people.manager)
    body = {**CONTRACT, "service_availability_percent": 140}
    response = _send(client, "post", _url(people, "suppliers/"), body)
    assert response.status_code == 422
    assert "service_availability_percent" in response.json()["errors"]


def test_a_function_is_made_to_need_a_person_once(people: PlanPeople) -> None:
    FunctionFactory.create(plan=people.plan, name="Printing")
    _person(people, "Ann Admin")
    client = bearer_client(people.manager)
    body = {"function": "Printing", "person": "Ann Admin", "need": "degraded"}
    response = _send(client, "post", _url(people, "person-needs/"), body)
    assert response.status_code == 201, response.json()
    need = PersonDependency.objects.get(plan=people.plan)
    assert need.need == "degraded"
    read = client.get(_url(people, f"person-needs/{need.pk}/")).json()
    assert (read["function"], read["person"]) == ("Printing", "Ann Admin")
    again = _send(client, "post", _url(people, "person-needs/"), body)
    assert again.status_code == 422


def test_a_function_is_made_to_need_a_supplier(people: PlanPeople) -> None:
    FunctionFactory.create(plan=people.plan, name="Printing")
    client = bearer_client(people.manager)
    assert _send(client, "post", _url(people, "suppliers/"), CONTRACT).status_code == 201
    body = {"function": "Printing", "supplier": "PrintCo"}
    response = _send(client, "post", _url(people, "supplier-needs/"), body)
    assert response.status_code == 201, response.json()
    assert response.json()["need"] == "full"


@pytest.mark.parametrize("who", ["stakeholder", "auditor"])
def test_only_managers_add_people(people: PlanPeople, who: str) -> None:
    client = bearer_client(people.user_for(who))
    response = _send(client, "post", _url(people, "people/"), {"name": "Ann Admin"})
    assert response.status_code == 403
    assert not Person.objects.filter(plan=people.plan).exists()


def test_every_member_reads_a_person(people: PlanPeople) -> None:
    ann = _person(people, "Ann Admin")
    response = bearer_client(people.auditor).get(_url(people, f"people/{ann.pk}/"))
    assert response.status_code == 200
    assert response.json()["name"] == "Ann Admin"
