from __future__ import annotations

import io
import json

import openpyxl
import pytest

from bcp.models import Plan
from inventory.exchange.applying import ImportRefused, inventory_import_apply
from inventory.exchange.checking import check_import
from inventory.exchange.document import SCHEMA, export_document, to_json, to_yaml
from inventory.exchange.exporting import export_csv, export_xlsx
from inventory.exchange.reading import read_file
from inventory.exchange.records import ImportFileError
from inventory.models import Component
from tests.conftest import PlanPeople
from tests.inventory.factories import ComponentFactory, SiteFactory

pytestmark = pytest.mark.django_db

GOOD = b"""name,kind,site,runs_on,availability_percent,mtbf_hours,mttr_hours,availability_source
SAN,storage,Rack A1,,,87600,12,vendor datasheet
App server 1,server,Rack A1,SAN,99.9,,,estimate
App server 2,server,Rack A1,SAN,99.9,,,estimate
"""


def _sites(plan: Plan) -> None:
    SiteFactory.create(plan=plan, name="Rack A1")


def test_clean_csv_is_previewed_without_saving_anything(people: PlanPeople) -> None:
    _sites(people.plan)
    preview = check_import(people.plan, read_file("c.csv", GOOD))
    assert preview.is_clean
    assert preview.count("create") == 3
    assert not Component.objects.filter(plan=people.plan).exists()


def test_applying_a_clean_csv_records_every_object_under_one_batch(people: PlanPeople) -> None:
    _sites(people.plan)
    result = inventory_import_apply(
        plan=people.plan, parsed=read_file("c.csv", GOOD), user=people.manager, reason="Audit"
    )
    components = Component.objects.filter(plan=people.plan)
    assert result.created == 3 and components.count() == 3
    batches = {c.history.earliest().history_batch for c in components}
    assert batches == {result.batch}
    app = components.get(name="App server 1")
    assert [link.target.name for link in app.runs_on_links.all()] == ["SAN"]
    assert app.history.earliest().history_user == people.manager


def test_every_bad_row_and_column_is_named_and_nothing_is_imported(people: PlanPeople) -> None:
    _sites(people.plan)
    data = b"""name,kind,site,availability_percent,mttr_hours,mtbf_hours
Good one,server,Rack A1,99.9,,
Bad one,server,Rack B7,120,,
Worse one,toaster,Rack A1,,0,100
"""
    preview = check_import(people.plan, read_file("c.csv", data))
    found = {(p.where, p.column) for p in preview.problems}
    assert found == {
        ("row 3", "site"),
        ("row 3", "availability_percent"),
        ("row 4", "kind"),
        ("row 4", "mttr_hours"),
    }
    with pytest.raises(ImportRefused):
        inventory_import_apply(
            plan=people.plan, parsed=read_file("c.csv", data), user=people.manager
        )
    assert not Component.objects.filter(plan=people.plan).exists()


def test_an_import_that_closes_a_cycle_names_it(people: PlanPeople) -> None:
    data = b"""name,kind,runs_on,availability_percent
VM,vm,Host,99.9
Host,server,VM,99.9
"""
    preview = check_import(people.plan, read_file("c.csv", data))
    assert [p.message for p in preview.problems] == ["dependency cycle: VM → Host → VM"]


def test_a_name_given_twice_points_at_the_first_row(people: PlanPeople) -> None:
    data = b"name,kind,availability_percent\nSAN,storage,99.9\nSAN,storage,99.8\n"
    problems = check_import(people.plan, read_file("c.csv", data)).problems
    assert [str(p) for p in problems] == ["row 3, name: “SAN” appears again (first at row 2)"]


def test_an_unknown_column_is_named(people: PlanPeople) -> None:
    data = b"name,kind,colour\nSAN,storage,blue\n"
    problems = read_file("c.csv", data).problems
    assert problems[0].column == "colour" and "unknown column" in problems[0].message


def test_existing_components_are_updated_by_name_and_unchanged_ones_left_alone(
    people: PlanPeople,
) -> None:
    san = ComponentFactory.create(plan=people.plan, name="SAN", kind="storage", owner="Infra")
    data = b"name,owner\nSAN,Storage team\n"
    preview = check_import(people.plan, read_file("c.csv", data))
    assert [(c.name, c.action, c.fields) for c in preview.changes] == [("SAN", "update", ["owner"])]
    inventory_import_apply(plan=people.plan, parsed=read_file("c.csv", data), user=people.manager)
    san.refresh_from_db()
    assert san.owner == "Storage team" and san.version == 2


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("inventory.pdf", b"%PDF-1.7", "Only CSV or XLSX"),
        ("big.csv", b"x" * (11 * 1024 * 1024), "The file is 11.0 MB; the limit is 10 MB"),
        ("latin1.csv", "name,kind\nCaf\u00e9,server\n".encode("latin-1"), "not UTF-8"),
        ("fake.xlsx", b"name,kind\n", "not an XLSX workbook"),
        ("broken.json", b"{", "not valid JSON"),
        ("old.json", b'{"schema": "continuity.inventory/v0"}', "Unsupported schema"),
    ],
)
def test_unreadable_files_get_a_clear_message(name: str, data: bytes, message: str) -> None:
    with pytest.raises(ImportFileError, match=message):
        read_file(name, data)


def test_xlsx_with_sites_and_components_sheets_imports_both(people: PlanPeople) -> None:
    book = openpyxl.Workbook()
    sites = book.active
    assert sites is not None
    sites.title = "sites"
    sites.append(["name", "kind", "parent"])
    sites.append(["Head office", "building", None])
    sites.append(["Server room", "room", "Head office"])
    components = book.create_sheet("components")
    components.append(["name", "kind", "site", "availability_percent", "holds_data"])
    components.append(["SAN", "Storage / SAN", "Server room", 99.99, "yes"])
    buffer = io.BytesIO()
    book.save(buffer)
    parsed = read_file("inventory.xlsx", buffer.getvalue())
    inventory_import_apply(plan=people.plan, parsed=parsed, user=people.manager)
    san = Component.objects.get(plan=people.plan, name="SAN")
    assert san.site is not None and san.site.parent is not None
    assert (san.kind, san.holds_data, san.site.parent.name) == ("storage", True, "Head office")


def test_csv_export_reimports_unchanged(people: PlanPeople) -> None:
    _sites(people.plan)
    inventory_import_apply(plan=people.plan, parsed=read_file("c.csv", GOOD), user=people.manager)
    exported = export_csv(people.plan).encode()
    preview = check_import(people.plan, read_file("again.csv", exported))
    assert preview.is_clean and preview.count("unchanged") == 3


def test_xlsx_export_has_a_sheet_per_table(people: PlanPeople) -> None:
    book = openpyxl.load_workbook(io.BytesIO(export_xlsx(people.plan)))
    assert book.sheetnames == [
        "sites",
        "techniques",
        "components",
        "groups",
        "dependencies",
        "people",
        "roles",
        "suppliers",
    ]


def test_spreadsheet_export_neutralises_formulas(people: PlanPeople) -> None:
    ComponentFactory.create(plan=people.plan, name="=HYPERLINK(1)")
    assert "'=HYPERLINK(1)" in export_csv(people.plan)


def test_json_and_yaml_exports_name_the_schema(people: PlanPeople) -> None:
    document = export_document(people.plan)
    assert json.loads(to_json(document))["schema"] == SCHEMA
    assert to_yaml(document).startswith(f"schema: {SCHEMA}\n")
