from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from analysis.engine.examples import HEAD_OFFICE_SERVICE, print_service_topology
from analysis.engine.structure import Model, components_used_by, sub_topology
from analysis.engine.topology import TopologyError

ENGINE = Path(__file__).resolve().parents[3] / "analysis" / "engine"


def test_the_engine_imports_without_django():
    code = "import sys, analysis.engine, analysis.engine.examples; print('django' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ENGINE.parents[1],
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == "False"


@pytest.mark.parametrize("path", sorted(ENGINE.glob("*.py")), ids=lambda p: p.name)
def test_no_engine_module_imports_django_or_a_database(path):
    tree = ast.parse(path.read_text())
    names = [
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in (
            node.names if isinstance(node, ast.Import) else [ast.alias(node.module or "")]
        )
    ]
    assert not [n for n in names if n.split(".")[0] in {"django", "sqlite3", "psycopg"}]


def test_a_shared_component_is_listed_under_every_service_that_uses_it():
    used = components_used_by(print_service_topology())
    assert used["san"] == {"print-core", "print-head-office", "print-core-remote", "print-branch"}
    assert used["mfd-hq-1"] == {"print-head-office"}


def test_sites_are_listed_with_the_services_they_carry():
    assert "print-branch" in components_used_by(print_service_topology())["branch"]


def test_a_service_cut_out_of_the_estate_keeps_only_what_it_needs():
    part = sub_topology(print_service_topology(), [HEAD_OFFICE_SERVICE])
    ids = {c.id for c in part.components}
    assert "san" in ids and "site-server" not in ids
    assert {s.id for s in part.sites} == {"head-office", "hq-data-centre"}


def test_cutting_out_an_unknown_service_is_refused():
    with pytest.raises(TopologyError, match="unknown id 'nope'"):
        sub_topology(print_service_topology(), ["nope"])


def test_necessary_variables_of_a_redundant_pair_on_one_san_include_the_san():
    model = Model(print_service_topology())
    assert "san" in model.necessary("app-pair")
    assert "app-server-1" not in model.necessary("app-pair")


def test_closure_lists_children_before_parents():
    model = Model(print_service_topology())
    order = model.closure(HEAD_OFFICE_SERVICE)
    position = {node: i for i, node in enumerate(order)}
    for node in order:
        for child in model.children(node):
            assert position[child] < position[node]
