"""The one definition of a (hidden) single point of failure, against brute force."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings

from analysis.engine.examples import BRANCH_SERVICE, HEAD_OFFICE_SERVICE, print_service_topology
from analysis.engine.spof import hidden_single_points_of_failure, single_points_of_failure
from analysis.engine.structure import Model
from analysis.engine.topology import Topology
from tests.analysis.engine.strategies import LARGE_RANDOM_INPUTS, structures


def _index(t: Topology) -> dict[str, Any]:
    items: list[Any] = [*t.sites, *t.components, *t.groups, *t.services]
    return {x.id: x for x in items}


def _up(index: dict[str, Any], node: str, down: str) -> bool:
    """Straight from the definitions: is ``node`` up when only ``down`` has failed?"""
    item = index[node]
    if hasattr(item, "requires"):
        return all(_up(index, r, down) for r in item.requires)
    if hasattr(item, "members"):
        return sum(_up(index, m, down) for m in item.members) >= item.k
    if node == down:
        return False
    refs = [item.parent] if hasattr(item, "parent") else [item.site, *item.runs_on]
    return all(_up(index, r, down) for r in refs if r is not None)


def _closure(index: dict[str, Any], root: str) -> set[str]:
    seen: set[str] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        item = index[node]
        for attr in ("requires", "members", "runs_on"):
            stack.extend(getattr(item, attr, ()))
        for attr in ("site", "parent"):
            if getattr(item, attr, None) is not None:
                stack.append(getattr(item, attr))
    return seen


def _brute_hidden(t: Topology, root: str) -> dict[str, set[str]]:
    index = _index(t)
    closure = _closure(index, root)
    variables = [n for n in closure if not hasattr(index[n], "requires")]
    variables = [n for n in variables if not hasattr(index[n], "members")]
    redundant = [g for g in t.groups if g.id in closure and len(g.members) > g.k]
    hidden: dict[str, set[str]] = {}
    for x in variables:
        if _up(index, root, x):
            continue
        for group in redundant:
            if not _up(index, group.id, x):
                hidden.setdefault(x, set()).add(group.id)
    return hidden


SETTINGS = settings(LARGE_RANDOM_INPUTS, max_examples=200)


@SETTINGS
@given(structures())
def test_hidden_single_points_of_failure_match_brute_force(topology: Topology) -> None:
    found = hidden_single_points_of_failure(Model(topology), "root")
    assert {x: set(groups) for x, groups in found.items()} == _brute_hidden(topology, "root")


@SETTINGS
@given(structures())
def test_single_points_of_failure_match_brute_force(topology: Topology) -> None:
    index = _index(topology)
    closure = _closure(index, "root")
    expected = {
        n
        for n in closure
        if not hasattr(index[n], "requires")
        and not hasattr(index[n], "members")
        and not _up(index, "root", n)
    }
    assert single_points_of_failure(Model(topology), "root") == expected


def test_the_whitepaper_san_hides_behind_the_application_pair() -> None:
    hidden = hidden_single_points_of_failure(Model(print_service_topology()), HEAD_OFFICE_SERVICE)
    assert hidden["san"] == ("app-pair",)


def test_the_branch_has_no_hidden_single_point_of_failure() -> None:
    model = Model(print_service_topology())
    assert "san" not in hidden_single_points_of_failure(model, BRANCH_SERVICE)
