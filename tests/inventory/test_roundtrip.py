"""Inventories round-trip exactly: export → import into an empty plan → export.

Through inventory as code (JSON, YAML) and spreadsheets (CSV, one file per section, and
XLSX), with texts that start like formulas (= + - @) or with the apostrophe that
neutralises them, so nothing an export protects is altered by importing it again.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bcp.models import Plan
from inventory.exchange.applying import inventory_import_apply
from inventory.exchange.checking import check_import
from inventory.exchange.document import SCHEMA, export_document, to_json, to_yaml
from inventory.exchange.exporting import export_csv, export_xlsx
from inventory.exchange.reading import read_file
from inventory.models import ComponentKind, SiteKind
from tests.conftest import PlanPeople
from tests.factories import PlanFactory
from tests.inventory.factories import FunctionFactory

pytestmark = pytest.mark.django_db

FUNCTIONS = ("Printing at head office", "Printing at the branch")

plain = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=40)
# Spreadsheet cells that a spreadsheet would run as formulas, and the neutralising quote.
formula_like = st.tuples(st.sampled_from(["=", "+", "-", "@", "'", "''", "'="]), plain).map("".join)
text = st.one_of(plain, formula_like).map(str.strip)
# Names are listed with "; " between them in spreadsheet cells, so they cannot hold ";".
names = text.filter(lambda name: bool(name) and ";" not in name)


# XLSX stores numbers with 16 significant digits at most (Excel itself shows 15), so the
# generated numbers have 15: every format then carries them exactly.
def _floats(low: float, high: float) -> st.SearchStrategy[float]:
    return st.floats(min_value=low, max_value=high, allow_nan=False, allow_infinity=False).map(
        lambda x: float(f"{x:.15g}")
    )


numbers = _floats(0.0, 1e6)
positive = _floats(1e-3, 1e6)
percent = _floats(0.0, 100.0)
money = st.decimals(min_value=0, max_value=10**9, places=2).map(lambda d: f"{d:.2f}")


@st.composite
def documents(draw: st.DrawFn) -> dict[str, Any]:
    site_names = draw(st.lists(names, max_size=4, unique=True))
    sites = []
    for index, name in enumerate(site_names):
        sites.append(
            {
                "name": name,
                "kind": draw(st.sampled_from(SiteKind.values)),
                "parent": draw(st.sampled_from([None, *site_names[:index]])),
                "availability_percent": draw(st.none() | percent),
                "availability_source": draw(text),
                "restore_hours": draw(st.none() | numbers),
                "description": draw(text),
            }
        )
    node_names = draw(st.lists(names, min_size=1, max_size=8, unique=True))
    split = draw(st.integers(min_value=1, max_value=len(node_names)))
    component_names, group_names = node_names[:split], node_names[split:]
    components = []
    for index, name in enumerate(component_names):
        by_percent = draw(st.booleans())
        components.append(
            {
                "name": name,
                "kind": draw(st.sampled_from(ComponentKind.values)),
                "owner": draw(text),
                "site": draw(st.sampled_from([None, *site_names])),
                "runs_on": sorted(
                    draw(st.sets(st.sampled_from(component_names[:index] or [""]))) - {""}
                ),
                "availability_percent": draw(percent) if by_percent else None,
                "mtbf_hours": draw(st.none() | positive) if by_percent else draw(positive),
                "mttr_hours": draw(st.none() | positive) if by_percent else draw(positive),
                "availability_source": draw(text),
                "holds_data": draw(st.booleans()),
                "failover_seconds": draw(st.none() | numbers),
                "restore_hours": draw(st.none() | numbers),
                "backup_interval_hours": draw(st.none() | positive),
                "replication": draw(st.sampled_from(["none", "async", "sync"])),
                "replication_lag_seconds": draw(st.none() | numbers),
                "technique": None,
                "cost_per_year": draw(st.none() | money),
                "notes": draw(text),
            }
        )
    groups = []
    for index, name in enumerate(group_names):
        pool = component_names + group_names[:index]
        members = draw(st.lists(st.sampled_from(pool), min_size=1, max_size=4, unique=True))
        mode = draw(st.sampled_from(["active_active", "active_passive"]))
        k = 1 if mode == "active_passive" else draw(st.integers(1, len(members)))
        groups.append(
            {
                "name": name,
                "mode": mode,
                "k": k,
                "failover_seconds": draw(numbers),
                "technique": None,
                "members": members,
                "notes": draw(text),
            }
        )
    dependencies = []
    for function in FUNCTIONS:
        for needed in draw(st.sets(st.sampled_from(node_names), max_size=3)):
            dependencies.append(
                {
                    "function": function,
                    "needs": needed,
                    "need": draw(st.sampled_from(["full", "degraded"])),
                    "notes": draw(text),
                }
            )
    return {
        "schema": SCHEMA,
        "sites": sites,
        "techniques": [],
        "components": components,
        "groups": groups,
        "dependencies": dependencies,
    }


def _empty_plan() -> Plan:
    plan = PlanFactory.create()
    for name in FUNCTIONS:
        FunctionFactory.create(plan=plan, name=name)
    return plan


def _import(plan: Plan, filename: str, body: str, user: Any) -> None:
    _import_bytes(plan, filename, body.encode("utf-8"), user)


def _generated(document: dict[str, Any], user: Any) -> tuple[Plan, dict[str, Any]]:
    """A plan of its own with the generated ``document`` imported, and what it exports."""
    plan = _empty_plan()
    _import(plan, "generated.json", to_json(document), user)
    return plan, export_document(plan)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(document=documents())
def test_json_export_imported_into_an_empty_plan_exports_identically(
    people: PlanPeople, document: dict[str, Any]
) -> None:
    _, exported = _generated(document, people.manager)
    second = _empty_plan()
    _import(second, "exported.json", to_json(exported), people.manager)
    assert export_document(second) == exported


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(document=documents())
def test_yaml_export_round_trips_exactly_too(people: PlanPeople, document: dict[str, Any]) -> None:
    _, exported = _generated(document, people.manager)
    second = _empty_plan()
    _import(second, "exported.yaml", to_yaml(exported), people.manager)
    assert export_document(second) == exported
    assert to_yaml(export_document(second)) == to_yaml(exported)


def _import_spreadsheets(plan: Plan, source: Plan, file_format: str, user: Any) -> None:
    if file_format == "xlsx":
        _import_bytes(plan, "exported.xlsx", export_xlsx(source), user)
        return
    # One CSV per section, in an order where every reference exists when it is read.
    for section in ("sites", "techniques", "components", "groups", "dependencies"):
        body = export_csv(source, section).encode("utf-8")
        _import_bytes(plan, f"{section}.csv", body, user, section=section)


def _import_bytes(
    plan: Plan, filename: str, data: bytes, user: Any, section: str = "components"
) -> None:
    parsed = read_file(filename, data, section=section)
    preview = check_import(plan, parsed)
    assert preview.is_clean, [str(p) for p in preview.problems]
    inventory_import_apply(plan=plan, parsed=parsed, user=user)


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(document=documents())
def test_spreadsheet_exports_round_trip_exactly_with_formula_like_texts(
    people: PlanPeople, file_format: str, document: dict[str, Any]
) -> None:
    first, exported = _generated(document, people.manager)
    second = _empty_plan()
    _import_spreadsheets(second, first, file_format, people.manager)
    again = export_document(second)
    assert _differences(again, exported) == []


def _differences(left: dict[str, Any], right: dict[str, Any]) -> list[Any]:
    """Where two documents differ, field by field (readable when a round trip fails)."""
    found: list[Any] = []
    for section in ("sites", "techniques", "components", "groups", "dependencies"):
        if len(left[section]) != len(right[section]):
            found.append((section, len(left[section]), len(right[section])))
            continue
        for a, b in zip(left[section], right[section], strict=True):
            found += [(section, k, a[k], b[k]) for k in a if a[k] != b[k]]
    return found


def test_the_demo_inventory_round_trips(people: PlanPeople) -> None:
    from inventory import demo

    for name in ("Printing at head office", "Printing at the Riverside branch"):
        FunctionFactory.create(plan=people.plan, name=name)
    demo.load(people.plan, {"manager": people.manager})
    exported = export_document(people.plan)
    target = PlanFactory.create()
    for name in ("Printing at head office", "Printing at the Riverside branch"):
        FunctionFactory.create(plan=target, name=name)
    _import(target, "demo.yaml", to_yaml(exported), people.manager)
    assert export_document(target) == exported
