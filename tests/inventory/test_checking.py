"""Checking an import: structure through the engine's validation, named by row and column."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bcp.models import Plan
from inventory.exchange.applying import inventory_import_apply
from inventory.exchange.checking import check_import
from inventory.exchange.document import SCHEMA
from inventory.exchange.reading import read_file
from inventory.models import Site
from tests.conftest import PlanPeople
from tests.inventory.factories import FunctionFactory, GroupFactory

pytestmark = pytest.mark.django_db

DEPTH = 5_000


def _problems(plan: Plan, document: dict[str, Any]) -> list[str]:
    parsed = read_file("inventory.json", json.dumps({"schema": SCHEMA, **document}).encode())
    return [str(p) for p in check_import(plan, parsed).problems]


def _deep_sites(loop: bool) -> list[dict[str, Any]]:
    sites = [
        {"name": f"S{n}", "kind": "room", "parent": f"S{n - 1}" if n else None}
        for n in range(DEPTH)
    ]
    if loop:
        sites[0]["parent"] = f"S{DEPTH - 1}"
    return sites


def test_a_5000_deep_site_hierarchy_is_checked_and_applied(people: PlanPeople) -> None:
    document = {"sites": _deep_sites(loop=False)}
    parsed = read_file("sites.json", json.dumps({"schema": SCHEMA, **document}).encode())
    assert check_import(people.plan, parsed).is_clean
    inventory_import_apply(plan=people.plan, parsed=parsed, user=people.manager)
    deepest = Site.objects.get(plan=people.plan, name=f"S{DEPTH - 1}")
    assert deepest.parent is not None and deepest.parent.name == f"S{DEPTH - 2}"
    assert deepest.history.count() == 1  # created with its parent, not changed afterwards


def test_a_loop_closing_a_5000_deep_site_hierarchy_is_named_once(people: PlanPeople) -> None:
    problems = _problems(people.plan, {"sites": _deep_sites(loop=True)})
    assert len(problems) == 1
    assert problems[0].startswith("sites[0] “S0”, parent: sites cannot contain each other: S0 → ")


def test_a_5000_deep_component_chain_is_checked_and_a_loop_on_it_named(
    people: PlanPeople,
) -> None:
    components = [
        {
            "name": f"C{n}",
            "kind": "vm",
            "availability_percent": 99.9,
            "runs_on": [f"C{n + 1}"] if n < DEPTH - 1 else [],
        }
        for n in range(DEPTH)
    ]
    assert _problems(people.plan, {"components": components}) == []
    components[-1]["runs_on"] = ["C0"]
    problems = _problems(people.plan, {"components": components})
    assert len(problems) == 1 and "dependency cycle: C" in problems[0]


def test_k_of_n_and_members_are_checked_by_the_engine_and_named_on_the_group(
    people: PlanPeople,
) -> None:
    problems = _problems(
        people.plan,
        {
            "components": [{"name": "A", "kind": "server", "availability_percent": 99}],
            "groups": [
                {"name": "Pair", "mode": "active_active", "k": 3, "members": ["A", "A", "B"]},
                {"name": "Self", "mode": "active_active", "k": 1, "members": ["Self"]},
            ],
        },
    )
    assert problems == [
        "groups[0] “Pair”, members: lists “A” twice",
        "groups[0] “Pair”, members: no component or group named “B” in the plan or the file",
        "groups[1] “Self”, members: “Self” cannot be a member of itself",
    ]


def test_a_group_needing_more_members_than_it_has_is_refused(people: PlanPeople) -> None:
    problems = _problems(
        people.plan,
        {
            "components": [{"name": "A", "kind": "server", "availability_percent": 99}],
            "groups": [{"name": "Pair", "mode": "active_active", "k": 2, "members": ["A"]}],
        },
    )
    assert problems == [
        "groups[0] “Pair”, k: The group needs 2 members up but has only 1; it could never be up."
    ]


def test_every_bad_reference_is_named_by_row_and_column(people: PlanPeople) -> None:
    FunctionFactory.create(plan=people.plan, name="Payroll")
    GroupFactory.create(plan=people.plan, name="Print pair")
    problems = _problems(
        people.plan,
        {
            "sites": [{"name": "Room", "kind": "room", "parent": "Building"}],
            "components": [
                {"name": "Print pair", "kind": "server", "availability_percent": 99},
                {
                    "name": "App",
                    "kind": "application",
                    "availability_percent": 99,
                    "site": "Cellar",
                    "runs_on": ["App", "Host"],
                    "technique": "cluster",
                },
            ],
            "dependencies": [
                {"function": "Payroll", "needs": "Nothing"},
                {"function": "Canteen", "needs": "App"},
            ],
        },
    )
    assert problems == [
        "components[0] “Print pair”, name: “Print pair” is used by both a component and a "
        "group; names must differ",
        "components[1] “App”, runs_on: “App” cannot run on itself",
        "components[1] “App”, runs_on: no component or group named “Host” in the plan or the file",
        "components[1] “App”, site: no site named “Cellar” in the plan or the file",
        "components[1] “App”, technique: no HA technique named “cluster” in the plan or the file",
        "dependencies[0] “Payroll”, needs: no component or group named “Nothing” in the plan or "
        "the file",
        "dependencies[1] “Canteen”, function: no business function named “Canteen” in this plan",
        "sites[0] “Room”, parent: no site named “Building” in the plan or the file",
    ]


def test_a_name_longer_than_the_column_holds_is_refused(people: PlanPeople) -> None:
    name = "N" * 201
    problems = _problems(
        people.plan, {"components": [{"name": name, "kind": "vm", "availability_percent": 9}]}
    )
    assert problems == [f"components[0] “{name}”, name: is 201 characters long; at most 200 fit"]
