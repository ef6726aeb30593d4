"""The compiled pass of the results checker against the path-building one it stands in
for: the same answer on every mutation of a real plan's results, and the same message."""

from __future__ import annotations

import math
import random
from typing import Any

import pytest

from analysis.results import PlanResults
from analysis.results_check import ResultsInvalid, _accepts, _check, check
from analysis.selectors import latest_run
from bcp.demo import DemoData
from tests.helpers import stored_plan_results

REPLACEMENTS: tuple[Any, ...] = (
    None,
    True,
    0,
    1.5,
    math.inf,
    "text",
    [],
    {},
    {"unknown": 1},
    [None],
    ["text"],
    "exact",
)
MUTATIONS = 600


def _slots(value: object) -> list[tuple[Any, Any]]:
    """Every (container, key or index) of a JSON value, depth first."""
    found: list[tuple[Any, Any]] = []
    stack = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            for key, child in node.items():
                found.append((node, key))
                stack.append(child)
        elif isinstance(node, list):
            for index, child in enumerate(node):
                found.append((node, index))
                stack.append(child)
    return found


def _reference_accepts(value: object) -> bool:
    try:
        _check(value, PlanResults, "")
    except ResultsInvalid:
        return False
    return True


@pytest.fixture
def results(demo: DemoData) -> PlanResults:
    run = latest_run(demo["plan"])
    assert run is not None
    return stored_plan_results(run)


def test_both_passes_give_the_same_answer_on_every_mutation(results: PlanResults) -> None:
    rng = random.Random(20261205)
    slots = _slots(results)
    answers = {True: 0, False: 0}
    for _ in range(MUTATIONS):
        container, key = rng.choice(slots)
        before = container[key]
        kind = rng.random()
        if kind < 0.1 and isinstance(container, dict):
            del container[key]
        elif kind < 0.2 and isinstance(container, dict):
            container["not-declared"] = before
        else:
            container[key] = rng.choice(REPLACEMENTS)
        expected = _reference_accepts(results)
        assert _accepts(PlanResults)(results) is expected, (
            key,
            container.get(key) if isinstance(container, dict) else None,
        )
        answers[expected] += 1
        if isinstance(container, dict):
            container.pop("not-declared", None)
        container[key] = before
    assert _reference_accepts(results)
    # Both outcomes were exercised, not only refusals.
    assert answers[True] > 20 and answers[False] > 20, answers


def test_a_refusal_names_the_first_problem_as_the_path_building_pass_does(
    results: PlanResults,
) -> None:
    entry: Any = results["functions"][0]
    entry["gaps"] = [*entry["gaps"], {"id": 3}]
    with pytest.raises(ResultsInvalid) as reference:
        _check(results, PlanResults, "")
    with pytest.raises(ResultsInvalid) as compiled:
        check(results, PlanResults)
    assert str(compiled.value) == str(reference.value)
    assert compiled.value.path.startswith("functions[0].gaps[")
