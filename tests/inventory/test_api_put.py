"""PUT /api/v1/plans/<plan>/inventory/: a script replaces the inventory by a document."""

from __future__ import annotations

import json
from typing import Any

import pytest
import yaml
from django.test import Client

from inventory.exchange.document import SCHEMA
from inventory.models import Component, Dependency, RedundancyGroup, Site, Technique
from inventory.people_models import Person, Role, RoleHolder, Supplier
from tests.conftest import PlanPeople, assert_written_by_token, bearer_client, client_for
from tests.inventory.factories import (
    ComponentFactory,
    DependencyFactory,
    FunctionFactory,
    GroupFactory,
    SiteFactory,
    TechniqueFactory,
)

pytestmark = pytest.mark.django_db


def _url(people: PlanPeople, query: str = "") -> str:
    return f"/api/v1/plans/{people.plan.pk}/inventory/{query}"


def _document(*components: dict[str, Any], dependencies: list[Any] | None = None) -> dict[str, Any]:
    return {"schema": SCHEMA, "components": list(components), "dependencies": dependencies or []}


def _put(
    client: Client, url: str, document: Any, *, etag: str | None = None, yaml_: bool = False
) -> Any:
    headers = {"If-Match": etag} if etag else {}
    if yaml_:
        return client.put(
            url, yaml.safe_dump(document), content_type="application/yaml", headers=headers
        )
    return client.put(url, json.dumps(document), content_type="application/json", headers=headers)


def _etag(client: Client, people: PlanPeople) -> str:
    return str(client.get(_url(people))["ETag"])


def _history_rows() -> int:
    return int(Component.history.count())


SAN = {"name": "SAN", "kind": "storage", "availability_percent": 99.95}
APP = {"name": "App server", "kind": "server", "runs_on": ["SAN"], "availability_percent": 99.5}


def test_a_dry_run_previews_what_would_be_created_and_saves_nothing(people: PlanPeople) -> None:
    client = bearer_client(people.manager)
    response = _put(client, _url(people, "?dry_run=true"), _document(SAN, APP))
    assert response.status_code == 200
    body = response.json()
    assert body["dry_run"] is True and body["applied"] is False and body["clean"] is True
    assert {(c["name"], c["action"]) for c in body["changes"]} == {
        ("SAN", "create"),
        ("App server", "create"),
    }
    assert body["counts"]["create"] == 2
    assert not Component.objects.filter(plan=people.plan).exists()


def test_a_dry_run_with_problems_is_a_200_listing_each_with_its_position(
    people: PlanPeople,
) -> None:
    client = bearer_client(people.manager)
    bad = _document({"name": "SAN", "kind": "toaster"}, {"name": "App", "runs_on": ["Nowhere"]})
    response = _put(client, _url(people, "?dry_run=true"), bad)
    assert response.status_code == 200
    body = response.json()
    assert body["clean"] is False and body["changes"] == []
    where = {(p["where"], p["column"]) for p in body["problems"]}
    assert ("components[0] “SAN”", "kind") in where
    assert any(
        p["where"].startswith("components[1]") and p["column"] == "runs_on"
        for p in body["problems"]
    )
    assert not Component.objects.filter(plan=people.plan).exists()


def test_applying_needs_if_match_and_says_so_with_a_428(people: PlanPeople) -> None:
    response = _put(bearer_client(people.manager), _url(people), _document(SAN))
    assert response.status_code == 428
    assert response["Content-Type"] == "application/problem+json"
    assert "If-Match" in response.json()["detail"]
    assert not Component.objects.filter(plan=people.plan).exists()


def test_applying_with_the_etag_saves_everything_and_names_the_token_in_history(
    people: PlanPeople,
) -> None:
    client = bearer_client(people.manager, name="cmdb-sync")
    response = _put(client, _url(people), _document(SAN, APP), etag=_etag(client, people))
    assert response.status_code == 200, response.json()
    assert response.json()["applied"] is True and response.json()["counts"]["create"] == 2
    app = Component.objects.get(plan=people.plan, name="App server")
    assert [str(link.target) for link in app.runs_on_links.all()] == ["SAN"]
    record = app.history.earliest()
    assert_written_by_token(record, people.manager, "cmdb-sync")
    assert response["ETag"] == _etag(client, people)


def test_a_yaml_document_is_read_by_its_content_type(people: PlanPeople) -> None:
    client = bearer_client(people.manager)
    response = _put(client, _url(people), _document(SAN), etag=_etag(client, people), yaml_=True)
    assert response.status_code == 200
    assert Component.objects.filter(plan=people.plan, name="SAN").exists()


def test_a_second_identical_put_changes_nothing(people: PlanPeople) -> None:
    client = bearer_client(people.manager)
    document = _document(SAN, APP)
    first = _put(client, _url(people), document, etag=_etag(client, people))
    rows = _history_rows()
    second = _put(client, _url(people), document, etag=first["ETag"])
    assert second.status_code == 200
    assert second.json()["counts"] == {"create": 0, "update": 0, "unchanged": 2, "delete": 0}
    assert _history_rows() == rows
    assert second["ETag"] == first["ETag"]


def test_a_stale_etag_is_a_412_and_nothing_is_saved(people: PlanPeople) -> None:
    client = bearer_client(people.manager)
    stale = _etag(client, people)
    ComponentFactory.create(plan=people.plan, name="Tape library")
    response = _put(client, _url(people), _document(SAN), etag=stale)
    assert response.status_code == 412
    assert response.json()["etag"] == response["ETag"] != stale
    assert not Component.objects.filter(plan=people.plan, name="SAN").exists()


def test_a_document_with_problems_is_refused_whole_with_a_422(people: PlanPeople) -> None:
    client = bearer_client(people.manager)
    bad = _document(SAN, {"name": "App", "availability_percent": 140})
    response = _put(client, _url(people), bad, etag=_etag(client, people))
    assert response.status_code == 422
    problem = response.json()
    assert problem["problems"][0]["where"] == "components[1] “App”"
    assert problem["problems"][0]["column"] == "availability_percent"
    assert not Component.objects.filter(plan=people.plan).exists()


def test_a_body_that_is_not_json_is_a_problem_not_an_error(people: PlanPeople) -> None:
    client = bearer_client(people.manager)
    response = client.put(_url(people, "?dry_run=true"), b"{nope", content_type="application/json")
    assert response.status_code == 200
    assert response.json()["problems"][0]["where"] == "document"


def test_another_content_type_is_a_415(people: PlanPeople) -> None:
    response = bearer_client(people.manager).put(_url(people), "x", content_type="text/plain")
    assert response.status_code == 415
    assert response["Content-Type"] == "application/problem+json"


def test_a_body_over_the_limit_is_a_413(
    people: PlanPeople, monkeypatch: pytest.MonkeyPatch
) -> None:
    from inventory.exchange import putting
    from inventory.exchange.records import ImportLimits

    monkeypatch.setattr(putting, "LIMITS", ImportLimits(max_bytes=1000))
    document = _document({"name": "x" * 2000})
    response = _put(bearer_client(people.manager), _url(people, "?dry_run=true"), document)
    assert response.status_code == 413
    assert response["Content-Type"] == "application/problem+json"


@pytest.mark.parametrize("who", ["stakeholder", "auditor"])
def test_only_managers_put_documents(people: PlanPeople, who: str) -> None:
    client = bearer_client(people.user_for(who))
    response = _put(client, _url(people, "?dry_run=true"), _document(SAN))
    assert response.status_code == 403


def test_a_read_only_token_may_dry_run_but_not_apply(people: PlanPeople) -> None:
    client = bearer_client(people.manager, access="read")
    assert _put(client, _url(people, "?dry_run=true"), _document(SAN)).status_code == 200
    response = _put(client, _url(people), _document(SAN), etag=_etag(client, people))
    assert response.status_code == 403
    assert "read-only" in response.json()["detail"]


def test_dependencies_on_functions_are_put_too(people: PlanPeople) -> None:
    FunctionFactory.create(plan=people.plan, name="Printing")
    client = client_for(people.manager)
    document = _document(SAN, dependencies=[{"function": "Printing", "needs": "SAN"}])
    etag = _etag(client, people)
    response = _put(client, _url(people), document, etag=etag)
    assert response.status_code == 200
    dependency = Dependency.objects.get(plan=people.plan)
    assert (dependency.function.name, str(dependency.target)) == ("Printing", "SAN")


def _replacing(*components: dict[str, Any]) -> dict[str, Any]:
    """A document holding every replaced section (empty but for ``components``): a PUT
    replaces only the sections a document holds."""
    sections = ("sites", "groups", "dependencies", "people", "suppliers")
    return {"schema": SCHEMA, "components": list(components), **{s: [] for s in sections}}


def _left_out(people: PlanPeople) -> None:
    """A plan with one of each record a put replaces, none of them named by ``_document``."""
    plan = people.plan
    site = SiteFactory.create(plan=plan, name="Old room")
    tape = ComponentFactory.create(plan=plan, name="Tape library", site=site)
    GroupFactory.create(plan=plan, name="Old pair")
    printing = FunctionFactory.create(plan=plan, name="Printing")
    DependencyFactory.create(plan=plan, function=printing, component=tape)
    Person.objects.create(plan=plan, name="Former admin")
    Supplier.objects.create(
        plan=plan,
        name="Old vendor",
        contract_reference="C-1",
        service_availability_percent=99.0,
        contract_rto_hours=8,
    )


def test_a_put_removes_what_the_document_leaves_out(people: PlanPeople) -> None:
    _left_out(people)
    technique = TechniqueFactory.create(plan=people.plan, key="old_technique")
    client = bearer_client(people.manager)
    response = _put(client, _url(people), _replacing(SAN), etag=_etag(client, people))
    assert response.status_code == 200, response.json()
    assert response.json()["counts"]["delete"] == 6
    plan = people.plan
    assert list(Component.objects.filter(plan=plan).values_list("name", flat=True)) == ["SAN"]
    for model in (Site, RedundancyGroup, Dependency, Person, Supplier):
        assert not model.objects.filter(plan=plan).exists(), model
    assert Technique.objects.filter(pk=technique.pk).exists()


def test_a_dry_run_names_what_a_put_would_remove_and_removes_nothing(
    people: PlanPeople,
) -> None:
    _left_out(people)
    client = bearer_client(people.manager)
    response = _put(client, _url(people, "?dry_run=true"), _replacing(SAN))
    body = response.json()
    assert body["counts"]["delete"] == 6
    assert body["delete"]["components"] == ["Tape library"]
    assert body["delete"]["sites"] == ["Old room"]
    assert body["delete"]["dependencies"] == ["Printing → Tape library"]
    assert body["delete"]["people"] == ["Former admin"]
    assert Component.objects.filter(plan=people.plan, name="Tape library").exists()
    assert Person.objects.filter(plan=people.plan).exists()


def test_a_second_identical_replacing_put_writes_no_history(people: PlanPeople) -> None:
    _left_out(people)
    client = bearer_client(people.manager)
    first = _put(client, _url(people), _replacing(SAN), etag=_etag(client, people))
    assert first.json()["counts"]["delete"] == 6
    models = (Component, Site, RedundancyGroup, Dependency, Person, Supplier)
    rows = [model.history.count() for model in models]
    second = _put(client, _url(people), _replacing(SAN), etag=first["ETag"])
    assert second.json()["counts"] == {"create": 0, "update": 0, "unchanged": 1, "delete": 0}
    assert [model.history.count() for model in models] == rows


def test_removing_a_site_a_kept_component_stands_on_is_refused_naming_both(
    people: PlanPeople,
) -> None:
    site = SiteFactory.create(plan=people.plan, name="Old room")
    ComponentFactory.create(plan=people.plan, name="SAN", site=site)
    client = bearer_client(people.manager)
    document = _replacing({"name": "SAN"})
    response = _put(client, _url(people), document, etag=_etag(client, people))
    assert response.status_code == 422
    [problem] = response.json()["problems"]
    assert problem["where"] == "components[0] “SAN”" and problem["column"] == "site"
    assert "“Old room”" in problem["message"] and "would be removed" in problem["message"]
    assert Site.objects.filter(pk=site.pk).exists()


def test_a_removal_names_the_user_and_the_token_in_history(people: PlanPeople) -> None:
    tape = ComponentFactory.create(plan=people.plan, name="Tape library")
    client = bearer_client(people.manager, name="cmdb-sync")
    response = _put(client, _url(people), _document(SAN), etag=_etag(client, people))
    assert response.status_code == 200
    record = Component.history.get(id=tape.pk, history_type="-")
    assert_written_by_token(record, people.manager, "cmdb-sync")


def test_a_kept_person_whose_deputy_is_removed_is_listed_as_changed(people: PlanPeople) -> None:
    from inventory.people_services import set_deputies

    ann = Person.objects.create(plan=people.plan, name="Ann Admin")
    set_deputies(ann, [Person.objects.create(plan=people.plan, name="Bob Backup")])
    client = bearer_client(people.manager)
    document = {"schema": SCHEMA, "people": [{"name": "Ann Admin", "deputies": []}]}
    body = _put(client, _url(people, "?dry_run=true"), document).json()
    assert body["delete"] == {"people": ["Bob Backup"]}
    assert [(c["name"], c["action"], c["fields"]) for c in body["changes"]] == [
        ("Bob Backup", "delete", []),
        ("Ann Admin", "update", ["deputies"]),
    ]


def test_a_put_keeps_the_sections_the_document_leaves_out_altogether(
    people: PlanPeople,
) -> None:
    _left_out(people)
    client = bearer_client(people.manager)
    document = {"schema": SCHEMA, "components": [SAN, {"name": "Tape library"}]}
    response = _put(client, _url(people), document, etag=_etag(client, people))
    assert response.status_code == 200, response.json()
    assert response.json()["counts"]["delete"] == 0
    plan = people.plan
    for model in (Site, RedundancyGroup, Dependency, Person, Supplier):
        assert model.objects.filter(plan=plan).exists(), model


def test_an_empty_section_removes_every_record_of_its_kind(people: PlanPeople) -> None:
    _left_out(people)
    client = bearer_client(people.manager)
    document = {"schema": SCHEMA, "people": []}
    body = _put(client, _url(people, "?dry_run=true"), document).json()
    assert body["delete"] == {"people": ["Former admin"]}


def _role_held_by(people: PlanPeople, holder: str) -> Role:
    person = Person.objects.create(plan=people.plan, name=holder)
    role = Role.objects.create(plan=people.plan, name="Print service desk")
    RoleHolder.objects.create(role=role, person=person)
    return role


def test_an_empty_roles_section_removes_the_plans_roles(people: PlanPeople) -> None:
    role = _role_held_by(people, "Tom Baker")
    client = bearer_client(people.manager)
    document = {"schema": SCHEMA, "roles": []}
    response = _put(client, _url(people), document, etag=_etag(client, people))
    assert response.status_code == 200, response.json()
    assert response.json()["delete"] == {"roles": ["Print service desk"]}
    assert not Role.objects.filter(pk=role.pk).exists()
    assert Person.objects.filter(plan=people.plan, name="Tom Baker").exists()


def test_removing_the_last_holder_of_a_kept_role_is_refused_naming_the_role(
    people: PlanPeople,
) -> None:
    role = _role_held_by(people, "Tom Baker")
    client = bearer_client(people.manager)
    document = {"schema": SCHEMA, "people": []}
    response = _put(client, _url(people), document, etag=_etag(client, people))
    assert response.status_code == 422
    [problem] = response.json()["problems"]
    assert problem["where"] == "roles “Print service desk”" and problem["column"] == "holders"
    assert "would keep 0" in problem["message"]
    assert RoleHolder.objects.filter(role=role).exists()
