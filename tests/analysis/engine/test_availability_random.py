"""Random acyclic structures (≤ 12 variables) against brute-force enumeration."""

from __future__ import annotations

import pytest
from hypothesis import given, settings

from analysis.engine.availability import AvailabilityAnalyzer
from tests.analysis.engine.strategies import LARGE_RANDOM_INPUTS, structures

TOL = 1e-12


@settings(LARGE_RANDOM_INPUTS, max_examples=150)
@given(structures())
def test_random_structures_match_brute_force(brute, topology):
    truth = brute(topology, "root")
    result = AvailabilityAnalyzer(topology, method="exact").service("root")
    assert result.availability == pytest.approx(truth.availability, abs=TOL)
    assert result.unavailability == pytest.approx(truth.unavailability, abs=TOL)
    assert set(result.single_points_of_failure) == truth.spofs
    importance = {i.element_id: i.birnbaum for i in result.importance}
    for variable, value in truth.birnbaum.items():
        assert importance[variable] == pytest.approx(value, abs=TOL)
