from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bia.models import BusinessFunction
from inventory import demo
from inventory.models import Component, Site
from tests.conftest import PlanPeople
from tests.inventory.factories import (
    ComponentFactory,
    FunctionFactory,
    SiteFactory,
    TechniqueFactory,
)

pytestmark = pytest.mark.django_db


def _list_queries(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


def test_component_list_query_count_does_not_grow_with_the_inventory(
    people: PlanPeople, manager_client: Any, django_assert_max_num_queries: Any
) -> None:
    site = SiteFactory.create(plan=people.plan)
    for _ in range(50):
        ComponentFactory.create(plan=people.plan, site=site)
    url = people.url("inventory_component_list") + "?sort=site&kind=server"
    small = _list_queries(manager_client, url)
    for _ in range(450):
        ComponentFactory.create(plan=people.plan, site=site)
    with django_assert_max_num_queries(small):
        response = manager_client.get(url)
    assert response.context["page"].paginator.count == 500


def test_component_list_filters_and_searches(people: PlanPeople, manager_client: Any) -> None:
    ComponentFactory.create(plan=people.plan, name="Head office SAN", kind="storage")
    ComponentFactory.create(plan=people.plan, name="Print server 1", kind="print_provider")
    response = manager_client.get(people.url("inventory_component_list") + "?q=san")
    assert [c.name for c in response.context["page"]] == ["Head office SAN"]
    response = manager_client.get(people.url("inventory_component_list") + "?kind=print_provider")
    assert [c.name for c in response.context["page"]] == ["Print server 1"]


def test_demo_pages_render(people: PlanPeople, manager_client: Any) -> None:
    function = FunctionFactory.create(plan=people.plan, name="Printing at head office")
    demo.load(people.plan, {"manager": people.manager})
    san = Component.objects.get(plan=people.plan, name="Head office SAN")
    rack = Site.objects.get(plan=people.plan, name="Rack A1")
    pages = [
        people.url("inventory_overview"),
        people.url("inventory_component_detail", component_pk=san.pk),
        people.url("inventory_site_detail", site_pk=rack.pk),
        people.url("inventory_group_list"),
        people.url("inventory_technique_list"),
        people.url("inventory_function_detail", function_pk=function.pk),
    ]
    for url in pages:
        assert manager_client.get(url).status_code == 200, url


def test_a_function_without_dependencies_has_unknown_spofs_not_none(
    people: PlanPeople, manager_client: Any
) -> None:
    function = FunctionFactory.create(plan=people.plan)
    body = manager_client.get(
        people.url("inventory_function_detail", function_pk=function.pk)
    ).content.decode()
    assert "Not known yet: nothing is recorded that it needs." in body
    assert "None: no single component" not in body
    overview = manager_client.get(people.url("inventory_overview")).content.decode()
    assert "not known: no dependencies recorded" in overview


def test_component_detail_lists_dependents_transitively(
    people: PlanPeople, manager_client: Any
) -> None:
    FunctionFactory.create(plan=people.plan, name="Printing at head office")
    demo.load(people.plan, {"manager": people.manager})
    san = Component.objects.get(plan=people.plan, name="Head office SAN")
    response = manager_client.get(people.url("inventory_component_detail", component_pk=san.pk))
    relations = response.context["relations"]
    assert "Printing at head office" in [r.name for r in relations.functions]
    assert "Application server pair" in [r.name for r in relations.used_by]
    assert [r.name for r in relations.depends_on] == ["Data centre UPS"]


def test_site_detail_names_the_functions_that_stop(people: PlanPeople, manager_client: Any) -> None:
    FunctionFactory.create(plan=people.plan, name="Printing at head office")
    demo.load(people.plan, {"manager": people.manager})
    rack = Site.objects.get(plan=people.plan, name="Rack A1")
    response = manager_client.get(people.url("inventory_site_detail", site_pk=rack.pk))
    assert [r.name for r in response.context["impact"]["functions"]] == ["Printing at head office"]
    assert b"<svg" in response.content


def test_function_without_dependencies_says_so(people: PlanPeople, manager_client: Any) -> None:
    function = FunctionFactory.create(plan=people.plan)
    response = manager_client.get(people.url("inventory_function_detail", function_pk=function.pk))
    assert b"no dependencies yet, so there is nothing to draw" in response.content
    diagram = manager_client.get(people.url("inventory_function_diagram", function_pk=function.pk))
    assert diagram.status_code == 404


def test_adding_a_dependency_by_name(people: PlanPeople, manager_client: Any) -> None:
    function = FunctionFactory.create(plan=people.plan)
    ComponentFactory.create(plan=people.plan, name="User directory")
    response = manager_client.post(
        people.url("inventory_dependency_add", function_pk=function.pk),
        {"target": "User directory", "need": "degraded", "notes": ""},
    )
    assert response.status_code == 302
    assert BusinessFunction.objects.get(pk=function.pk).dependencies.get().need == "degraded"


def test_unknown_dependency_name_is_a_field_error(people: PlanPeople, manager_client: Any) -> None:
    function = FunctionFactory.create(plan=people.plan)
    response = manager_client.post(
        people.url("inventory_dependency_add", function_pk=function.pk),
        {"target": "Mainframe", "need": "full"},
    )
    assert response.status_code == 400
    assert "No component or group named “Mainframe”." in response.context["form"].errors["target"]


def test_component_form_shows_availability_error_and_keeps_input(
    people: PlanPeople, manager_client: Any
) -> None:
    response = manager_client.post(
        people.url("inventory_component_create"),
        {"name": "SAN", "kind": "storage", "availability_percent": "150", "replication": "none"},
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors["availability_percent"] == [
        "Availability is a percentage between 0 and 100; got 150."
    ]
    assert form["name"].value() == "SAN"


def test_import_upload_of_a_pdf_gets_a_clear_message(
    people: PlanPeople, manager_client: Any
) -> None:
    response = manager_client.post(
        people.url("inventory_import"),
        {"file": SimpleUploadedFile("plan.pdf", b"%PDF-1.7"), "section": "components"},
    )
    assert response.status_code == 400
    assert "Only CSV or XLSX" in response.context["form"].errors["file"][0]


def test_an_upload_over_the_limit_is_refused_with_its_real_size(
    people: PlanPeople, manager_client: Any
) -> None:
    data = b"x" * (11 * 1024 * 1024)
    response = manager_client.post(
        people.url("inventory_import"),
        {"file": SimpleUploadedFile("big.csv", data), "section": "components"},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["file"] == [
        "The file is 11.0 MB; the limit is 10 MB. Split it into several files."
    ]


def test_someone_elses_import_preview_is_not_found(people: PlanPeople, manager_client: Any) -> None:
    from inventory.exchange.uploads import upload_store

    upload = upload_store(
        plan_pk=people.plan.pk, user=people.outsider, name="c.csv", data=b"", section="components"
    )
    response = manager_client.get(people.url("inventory_import_preview", token=upload.token))
    assert response.status_code == 404


@pytest.mark.parametrize("file_format", ["json", "yaml", "csv", "xlsx"])
def test_exports_download(people: PlanPeople, manager_client: Any, file_format: str) -> None:
    ComponentFactory.create(plan=people.plan)
    response = manager_client.get(people.url("inventory_export", file_format=file_format))
    assert response.status_code == 200
    assert f".{file_format}" in response["Content-Disposition"]


def test_auditor_sees_no_edit_controls(people: PlanPeople, auditor_client: Any) -> None:
    response = auditor_client.get(people.url("inventory_component_list"))
    assert b"Add component" not in response.content


def test_plan_snapshot_is_ordered_and_json_ready(people: PlanPeople) -> None:
    import json

    from inventory.selectors import plan_snapshot

    ComponentFactory.create(plan=people.plan, name="b")
    ComponentFactory.create(plan=people.plan, name="a")
    snapshot = plan_snapshot(people.plan)
    assert [c["name"] for c in snapshot["components"]] == ["a", "b"]
    assert json.loads(json.dumps(snapshot)) == snapshot


def _component_form(component: Component, **changes: Any) -> dict[str, Any]:
    data = {
        "name": component.name,
        "kind": component.kind,
        "owner": component.owner,
        "availability_percent": component.availability_percent,
        "replication": component.replication,
        "runs_on": "",
        "version": component.version,
    }
    data.update(changes)
    return {k: ("" if v is None else v) for k, v in data.items()}


def test_editing_runs_on_into_a_cycle_shows_the_loop_on_the_field(
    people: PlanPeople, manager_client: Any
) -> None:
    vm = ComponentFactory.create(plan=people.plan, name="VM")
    host = ComponentFactory.create(plan=people.plan, name="Host")
    from tests.inventory.factories import RunsOnFactory

    RunsOnFactory.create(component=vm, on_component=host)
    response = manager_client.post(
        people.url("inventory_component_edit", component_pk=host.pk),
        _component_form(host, runs_on="VM"),
    )
    assert response.status_code == 400
    assert response.context["form"].errors["runs_on"] == [
        "This would make a dependency cycle: Host → VM → Host"
    ]


def test_a_stale_edit_shows_the_conflict_and_keeps_the_input(
    people: PlanPeople, manager_client: Any
) -> None:
    from inventory.services.components import component_update

    san = ComponentFactory.create(plan=people.plan, name="SAN", owner="Infra")
    stale = _component_form(san, owner="Mine")
    component_update(
        component=san, user=people.auditor, expected_version=san.version, values={"owner": "Theirs"}
    )
    response = manager_client.post(
        people.url("inventory_component_edit", component_pk=san.pk), stale
    )
    assert response.status_code == 409
    assert b"edit-conflict" in response.content
    assert response.context["form"]["owner"].value() == "Mine"
    assert Component.objects.get(pk=san.pk).owner == "Theirs"


def test_editing_with_a_reason_records_it(people: PlanPeople, manager_client: Any) -> None:
    san = ComponentFactory.create(plan=people.plan, name="SAN")
    response = manager_client.post(
        people.url("inventory_component_edit", component_pk=san.pk),
        _component_form(san, owner="Storage team", reason="Handover", ticket="CHG-7"),
    )
    assert response.status_code == 302
    record = Component.objects.get(pk=san.pk).history.latest()
    assert (record.history_change_reason, record.history_ticket, record.history_user) == (
        "Handover",
        "CHG-7",
        people.manager,
    )


def test_overview_names_each_functions_spof_candidates(
    people: PlanPeople, manager_client: Any
) -> None:
    FunctionFactory.create(plan=people.plan, name="Printing at head office")
    demo.load(people.plan, {"manager": people.manager})
    response = manager_client.get(people.url("inventory_overview"))
    ((function, names),) = response.context["rows"]
    assert function.name == "Printing at head office"
    assert "Head office SAN" in names and "Application server (primary)" not in names


def test_applying_no_technique_shows_the_component_page_with_the_error_on_the_choice(
    people: PlanPeople, manager_client: Any
) -> None:
    component = ComponentFactory.create(plan=people.plan)
    TechniqueFactory.create(plan=people.plan)  # with none, the page offers no choice
    response = manager_client.post(
        people.url("inventory_component_apply_technique", component_pk=component.pk),
        {"version": component.version},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'aria-invalid="true"' in page and 'aria-describedby="id_technique_error"' in page
    assert "Choose a technique to apply." in page
