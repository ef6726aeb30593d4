"""People and suppliers in inventory as code: round trip, and every bad row named."""

from __future__ import annotations

import json
from typing import Any

import pytest

from inventory.exchange.applying import ImportRefused, inventory_import_apply
from inventory.exchange.checking import check_import
from inventory.exchange.document import SCHEMA, export_document, to_json, to_yaml
from inventory.exchange.reading import read_file
from inventory.people_models import Person, Supplier
from tests.conftest import PlanPeople
from tests.factories import PlanFactory
from tests.inventory.factories import FunctionFactory

pytestmark = pytest.mark.django_db

PRINTING = "Printing at head office"

DOCUMENT: dict[str, Any] = {
    "schema": SCHEMA,
    "people": [
        {
            "name": "Priya Shah",
            "role": "Print administrator",
            "deputies": ["Tom Baker"],
            "needed_by": [PRINTING],
            "absence_days_per_year": 25,
        },
        {"name": "Tom Baker", "role": "Service desk lead", "needed_to_recover": [PRINTING]},
    ],
    "roles": [
        {
            "name": "Print service desk",
            "holders": ["Tom Baker", "Priya Shah"],
            "holders_needed": 2,
            "needed_by": [PRINTING],
        }
    ],
    "suppliers": [
        {
            "name": "PrintCare Ltd",
            "contract_reference": "MPS-2024-017",
            "service_availability_percent": 99.5,
            "contract_rto_hours": 8,
            "support_hours": "business",
            "needed_by": [PRINTING],
        }
    ],
}


def _json(document: dict[str, Any]) -> bytes:
    return json.dumps(document).encode()


def test_people_and_suppliers_import_with_deputies_and_needs(people: PlanPeople) -> None:
    function = FunctionFactory.create(plan=people.plan, name=PRINTING)
    parsed = read_file("inventory.json", _json(DOCUMENT))
    inventory_import_apply(plan=people.plan, parsed=parsed, user=people.manager)
    priya = Person.objects.get(plan=people.plan, name="Priya Shah")
    assert [link.deputy.name for link in priya.deputy_links.all()] == ["Tom Baker"]
    # A file written before needs to recover existed: needed_by keeps its meaning.
    assert list(priya.dependencies.values_list("function", "need", "needed_to")) == [
        (function.pk, "full", "operate")
    ]
    supplier = Supplier.objects.get(plan=people.plan)
    assert (supplier.support_hours, supplier.contract_rto_hours) == ("business", 8.0)
    assert supplier.history.latest().history_user == people.manager


def test_people_and_suppliers_round_trip_through_json_and_yaml(people: PlanPeople) -> None:
    FunctionFactory.create(plan=people.plan, name=PRINTING)
    parsed = read_file("inventory.json", _json(DOCUMENT))
    inventory_import_apply(plan=people.plan, parsed=parsed, user=people.manager)
    exported = export_document(people.plan)
    second = PlanFactory.create()
    FunctionFactory.create(plan=second, name=PRINTING)
    for name, text in (("again.json", to_json(exported)), ("again.yaml", to_yaml(exported))):
        inventory_import_apply(
            plan=second, parsed=read_file(name, text.encode()), user=people.manager
        )
        assert export_document(second) == exported
    assert [p["name"] for p in exported["people"]] == ["Priya Shah", "Tom Baker"]
    assert exported["suppliers"][0]["needed_by"] == [PRINTING]
    assert exported["people"][1]["needed_to_recover"] == [PRINTING]
    assert exported["roles"][0]["holders"] == ["Tom Baker", "Priya Shah"]


def test_a_role_with_an_unknown_holder_or_too_few_holders_is_named(people: PlanPeople) -> None:
    FunctionFactory.create(plan=people.plan, name=PRINTING)
    document = {
        "schema": SCHEMA,
        "people": [{"name": "Ann"}],
        "roles": [
            {"name": "Desk", "holders": ["Ann", "Nobody"]},
            {"name": "Night desk", "holders": ["Ann"], "holders_needed": 2},
        ],
    }
    with pytest.raises(ImportRefused) as refused:
        inventory_import_apply(
            plan=people.plan, parsed=read_file("r.json", _json(document)), user=people.manager
        )
    found = {(p.where, p.column): p.message for p in refused.value.problems}
    assert (
        found[("roles[0] “Desk”", "holders")] == "no person named “Nobody” in the plan or the file"
    )
    assert "needs 2 holders reachable but has 1" in found[("roles[1] “Night desk”", "holders")]
    assert not Person.objects.filter(plan=people.plan).exists()


def test_a_file_without_a_roles_section_leaves_the_roles_alone(people: PlanPeople) -> None:
    FunctionFactory.create(plan=people.plan, name=PRINTING)
    inventory_import_apply(
        plan=people.plan, parsed=read_file("a.json", _json(DOCUMENT)), user=people.manager
    )
    older = {key: value for key, value in DOCUMENT.items() if key != "roles"}
    preview = check_import(people.plan, read_file("old.json", _json(older)))
    assert preview.is_clean and preview.count("create") == 0


def test_a_person_moved_from_needed_by_to_needed_to_recover_is_needed_to_recover(
    people: PlanPeople,
) -> None:
    function = FunctionFactory.create(plan=people.plan, name=PRINTING)
    inventory_import_apply(
        plan=people.plan, parsed=read_file("a.json", _json(DOCUMENT)), user=people.manager
    )
    row = {"name": "Priya Shah", "needed_by": [], "needed_to_recover": [PRINTING]}
    moved = {"schema": SCHEMA, "people": [row]}
    inventory_import_apply(
        plan=people.plan, parsed=read_file("b.json", _json(moved)), user=people.manager
    )
    priya = Person.objects.get(plan=people.plan, name="Priya Shah")
    assert list(priya.dependencies.values_list("function", "need", "needed_to")) == [
        (function.pk, "full", "recover")
    ]


def test_a_document_without_people_sections_still_imports(people: PlanPeople) -> None:
    document = {"schema": SCHEMA, "sites": [{"name": "HQ", "kind": "building"}]}
    preview = check_import(people.plan, read_file("old.json", _json(document)))
    assert preview.is_clean and preview.count("create") == 1


def test_every_bad_people_and_supplier_row_is_named_and_nothing_is_saved(
    people: PlanPeople,
) -> None:
    FunctionFactory.create(plan=people.plan, name=PRINTING)
    document = {
        "schema": SCHEMA,
        "people": [
            {"name": "Ann", "deputies": ["Bob"]},
            {"name": "Bob", "deputies": ["Cat"]},
            {"name": "Cat", "deputies": ["Ann", "Nobody"], "needed_by": ["No such function"]},
            {"name": "Eve", "needed_by": [PRINTING], "needed_to_recover": [PRINTING, "Nowhere"]},
            {"name": "Dan", "absence_days_per_year": 400},
        ],
        "suppliers": [{"name": "Acme", "service_availability_percent": 120}],
    }
    parsed = read_file("bad.json", _json(document))
    with pytest.raises(ImportRefused) as refused:
        inventory_import_apply(plan=people.plan, parsed=parsed, user=people.manager)
    found = {(p.where, p.column): p.message for p in refused.value.problems}
    assert (
        found[("people[0] “Ann”", "deputies")] == "deputy chain that loops: Ann → Bob → Cat → Ann"
    )
    assert "“Nobody”" in found[("people[2] “Cat”", "deputies")]
    assert "“No such function”" in found[("people[2] “Cat”", "needed_by")]
    assert "400" in found[("people[4] “Dan”", "absence_days_per_year")]
    eve = [p.message for p in refused.value.problems if p.where == "people[3] “Eve”"]
    assert any("“Nowhere”" in message for message in eve)
    assert f"“{PRINTING}” is also in needed_by" in eve
    assert ("suppliers[0] “Acme”", "contract_reference") in found
    assert ("suppliers[0] “Acme”", "contract_rto_hours") in found
    assert "120" in found[("suppliers[0] “Acme”", "service_availability_percent")]
    assert not Person.objects.filter(plan=people.plan).exists()
    assert not Supplier.objects.filter(plan=people.plan).exists()
