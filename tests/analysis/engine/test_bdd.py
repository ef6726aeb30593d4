from __future__ import annotations

import itertools

import pytest

from analysis.engine.bdd import BDD, FALSE, TRUE, NodeLimitExceeded


def _manager(*probabilities: float) -> tuple[BDD, list[int]]:
    bdd = BDD()
    variables = [bdd.var(bdd.add_level(p, 1 - p)) for p in probabilities]
    return bdd, variables


def _truth_table(bdd: BDD, node: int, n: int) -> list[bool]:
    rows = []
    for state in itertools.product((False, True), repeat=n):
        current = node
        while current > TRUE:
            level = bdd.level[current]
            current = bdd.high[current] if state[level] else bdd.low[current]
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
    assert importance[0] == pytest.approx(0.99)
    assert importance[1] == pytest.approx(0.09)
    assert size == 3


def test_the_node_budget_stops_a_runaway_build():
    bdd, variables = _manager(*([0.5] * 12))
    bdd.set_budget(3)
    with pytest.raises(NodeLimitExceeded):
        bdd.at_least(6, variables)


def test_probabilities_can_be_recomputed_with_overrides_without_touching_the_cache():
    bdd, (a, b) = _manager(0.9, 0.8)
    node = bdd.and_(a, b)
    assert bdd.probability_with(node, {1: (1.0, 0.0)})[0] == pytest.approx(0.9)
    assert bdd.probability(node)[0] == pytest.approx(0.72)
