from __future__ import annotations

import itertools

import pytest

from analysis.engine.bdd import BDD, FALSE, LEVEL_GAP, TRUE, NodeLimitExceeded


def _manager(*probabilities: float) -> tuple[BDD, list[int]]:
    bdd = BDD()
    variables = [bdd.var(bdd.add_level(p, 1 - p)) for p in probabilities]
    return bdd, variables


def _level(index: int) -> int:
    """The level ``add_level`` gives the ``index``-th variable (from 0)."""
    return (index + 1) * LEVEL_GAP


def _truth_table(bdd: BDD, node: int, n: int) -> list[bool]:
    rows = []
    for state in itertools.product((False, True), repeat=n):
        current = node
        while current > TRUE:
            index = bdd.level[current] // LEVEL_GAP - 1
            current = bdd.high[current] if state[index] else bdd.low[current]
        rows.append(current == TRUE)
    return rows


def test_equal_functions_are_the_same_node():
    bdd, (a, b) = _manager(0.5, 0.5)
    assert bdd.and_(a, b) == bdd.and_(b, a)
    assert bdd.or_(bdd.and_(a, b), a) == a


def test_and_or_with_constants_simplify():
    bdd, (a,) = _manager(0.5)
    assert bdd.and_(a, FALSE) == FALSE
    assert bdd.and_(a, TRUE) == a
    assert bdd.or_(a, TRUE) == TRUE
    assert bdd.or_(a, FALSE) == a


@pytest.mark.parametrize("k", [0, 1, 2, 3, 4, 5])
def test_threshold_is_true_when_at_least_k_members_are(k):
    bdd, variables = _manager(0.5, 0.5, 0.5, 0.5)
    node = bdd.at_least(k, variables)
    expected = [sum(state) >= k for state in itertools.product((0, 1), repeat=4)]
    assert _truth_table(bdd, node, 4) == expected


def test_two_of_three_has_the_textbook_probability():
    bdd, variables = _manager(0.9, 0.9, 0.9)
    up, down = bdd.probability(bdd.at_least(2, variables))
    assert up == pytest.approx(0.972)
    assert down == pytest.approx(0.028)


def test_birnbaum_of_a_and_b_or_c():
    bdd, (a, b, c) = _manager(0.9, 0.9, 0.9)
    importance, size = bdd.birnbaum(bdd.and_(a, bdd.or_(b, c)))
    assert importance[_level(0)] == pytest.approx(0.99)
    assert importance[_level(1)] == pytest.approx(0.09)
    assert size == 3


def test_the_node_budget_stops_a_runaway_build():
    bdd, variables = _manager(*([0.5] * 12))
    bdd.set_budget(3)
    with pytest.raises(NodeLimitExceeded):
        bdd.at_least(6, variables)


def test_probabilities_can_be_recomputed_with_overrides_without_touching_the_cache():
    bdd, (a, b) = _manager(0.9, 0.8)
    node = bdd.and_(a, b)
    assert bdd.probability_with(node, {_level(1): (1.0, 0.0)})[0] == pytest.approx(0.9)
    assert bdd.probability(node)[0] == pytest.approx(0.72)


def test_an_inserted_level_sits_between_its_neighbours_and_is_never_given_twice():
    bdd, (a, c) = _manager(0.9, 0.7)
    b_level = bdd.insert_level(_level(0), 0.8, 0.2)
    again = bdd.insert_level(_level(0), 0.6, 0.4)
    assert b_level is not None and again is not None
    assert _level(0) < b_level < again < _level(1)
    b = bdd.var(b_level)
    # a ∧ (b ∨ c) ordered a, b, c: 3 nodes, the textbook probability.
    node = bdd.and_(a, bdd.or_(b, c))
    assert bdd.size(node) == 3
    assert bdd.probability(node)[0] == pytest.approx(0.9 * (1 - 0.2 * 0.3))
    assert bdd.insert_level(b_level, 0.5, 0.5) is None  # only after a level of add_level


def _weighed_truth_table(probabilities: list[float], rows: list[bool]) -> float:
    """P(TRUE) summed row by row over the truth table of independent variables."""
    total = 0.0
    states = itertools.product((False, True), repeat=len(probabilities))
    for state, value in zip(states, rows, strict=True):
        if value:
            weight = 1.0
            for up, p in zip(state, probabilities, strict=True):
                weight *= p if up else 1 - p
            total += weight
    return total


def test_a_node_built_after_another_was_weighed_has_its_truth_table_probability():
    probabilities = [0.9, 0.8, 0.7, 0.6, 0.95]
    bdd, (a, b, c, d, e) = _manager(*probabilities)
    first = bdd.and_(a, bdd.or_(b, c))
    bdd.probability(first)
    # Shares first's nodes, and has nodes made since as well as intermediate ones no
    # root reaches: each must still be weighed from its own children.
    second = bdd.or_(bdd.and_(first, d), bdd.at_least(2, [b, d, e]))
    for node in (second, first, bdd.at_least(1, [c, e])):
        up, down = bdd.probability(node)
        expected = _weighed_truth_table(probabilities, _truth_table(bdd, node, 5))
        assert up == pytest.approx(expected, rel=1e-12)
        assert down == pytest.approx(1 - expected, rel=1e-12)
