from __future__ import annotations

import pytest

from analysis.engine.availability import (
    AvailabilityAnalyzer,
    ExactTooCostly,
    composite_availability,
)
from analysis.engine.examples import BRANCH_SERVICE, HEAD_OFFICE_SERVICE, print_service_topology
from analysis.engine.montecarlo import DEFAULT_SEED, wilson_interval
from analysis.engine.topology import Component, Group, Service, Topology


def pool() -> Topology:
    return Topology(
        components=(
            Component("a", 0.9),
            Component("b", 0.8),
            Component("c", 0.95),
            Component("lb", 0.99),
        ),
        groups=(Group("two-of-three", "active_active", ("a", "b", "c"), k=2),),
        services=(Service("svc", ("lb", "two-of-three")),),
    )


def _mc(topology: Topology, service: str, **kwargs: object):
    return AvailabilityAnalyzer(topology, method="monte_carlo", **kwargs).service(service)  # type: ignore[arg-type]


@pytest.mark.parametrize("service", [HEAD_OFFICE_SERVICE, BRANCH_SERVICE])
def test_monte_carlo_brackets_the_exact_value_for_a_fixed_seed(service):
    topology = print_service_topology()
    exact = composite_availability(topology, method="exact").by_id(service)
    estimate = _mc(topology, service, samples=1_000_000)
    assert estimate.ci95_low <= exact.availability <= estimate.ci95_high


def test_monte_carlo_of_a_k_of_n_pool_is_within_its_interval():
    exact = composite_availability(pool(), method="exact").by_id("svc")
    estimate = _mc(pool(), "svc", samples=200_000)
    assert estimate.ci95_low <= exact.availability <= estimate.ci95_high
    assert estimate.availability == pytest.approx(exact.availability, abs=0.003)


def test_the_same_seed_gives_the_same_answer():
    first = _mc(pool(), "svc", samples=50_000, seed=7)
    second = _mc(pool(), "svc", samples=50_000, seed=7)
    assert first == second


def test_a_different_seed_gives_a_different_draw():
    assert (
        _mc(pool(), "svc", samples=50_000, seed=7).availability
        != _mc(pool(), "svc", samples=50_000, seed=8).availability
    )


def test_monte_carlo_reports_method_samples_and_default_seed():
    result = _mc(pool(), "svc", samples=10_000)
    assert (result.method, result.samples, result.seed) == ("monte_carlo", 10_000, DEFAULT_SEED)
    assert "seed 20240611" in result.notes[0]


def test_a_service_draws_the_same_numbers_whatever_else_is_in_the_topology():
    alone = _mc(pool(), "svc", samples=20_000)
    bigger = Topology(
        components=(*pool().components, Component("other", 0.5)),
        groups=pool().groups,
        services=(Service("unrelated", ("other",)), *pool().services),
    )
    assert _mc(bigger, "svc", samples=20_000).availability == alone.availability


def test_monte_carlo_still_finds_single_points_of_failure_exactly():
    assert _mc(pool(), "svc", samples=1_000).single_points_of_failure == ("lb",)


def test_monte_carlo_estimates_birnbaum_importance():
    exact = {
        i.element_id: i.birnbaum for i in composite_availability(pool()).by_id("svc").importance
    }
    estimated = {i.element_id: i.birnbaum for i in _mc(pool(), "svc", samples=20_000).importance}
    for element, value in exact.items():
        assert estimated[element] == pytest.approx(value, abs=0.02)


def test_monte_carlo_models_failover_windows_like_the_exact_method():
    t = Topology(
        components=(
            Component("a", mtbf_hours=50, mttr_hours=5),
            Component("b", mtbf_hours=50, mttr_hours=5),
        ),
        groups=(Group("pair", "active_passive", ("a", "b"), failover_seconds=3_600),),
        services=(Service("svc", ("pair",)),),
    )
    exact = composite_availability(t).by_id("svc")
    estimate = _mc(t, "svc", samples=400_000)
    assert estimate.ci95_low <= exact.availability <= estimate.ci95_high


def test_auto_falls_back_to_monte_carlo_when_the_diagram_grows_too_big():
    result = AvailabilityAnalyzer(print_service_topology(), node_limit=5, samples=20_000).service(
        HEAD_OFFICE_SERVICE
    )
    assert result.method == "monte_carlo"
    assert "more than 5 nodes" in " ".join(result.notes)


def test_exact_refuses_a_service_past_the_node_limit_and_names_it():
    analyzer = AvailabilityAnalyzer(print_service_topology(), method="exact", node_limit=5)
    with pytest.raises(ExactTooCostly) as error:
        analyzer.service(HEAD_OFFICE_SERVICE)
    assert error.value.node_limit == 5
    assert "more than 5 nodes" in error.value.reason


def test_exact_without_a_limit_solves_any_size():
    result = AvailabilityAnalyzer(
        print_service_topology(), method="exact", node_limit=None
    ).service(HEAD_OFFICE_SERVICE)
    assert result.method == "exact_bdd"


def test_a_million_samples_are_processed_in_bounded_chunks():
    result = _mc(pool(), "svc", samples=1_000_000)
    assert result.samples == 1_000_000
    assert result.ci95_high - result.ci95_low < 0.002


def test_the_wilson_interval_is_not_empty_when_no_failure_was_seen():
    low, high = wilson_interval(0, 10_000)
    assert low == 0.0
    assert high == pytest.approx(3.8401e-4, rel=1e-3)


def test_the_wilson_interval_contains_the_observed_proportion():
    low, high = wilson_interval(50, 10_000)
    assert low < 0.005 < high
    assert (low, high) == pytest.approx((0.00380, 0.00658), abs=1e-5)


def test_importance_estimates_can_be_switched_off():
    result = _mc(pool(), "svc", samples=10_000, importance_samples=0)
    assert all(i.birnbaum == 0.0 for i in result.importance)
    assert "importance from 0 paired samples" in result.notes[0]
