"""Exact availability, importance and SPOFs against brute-force enumeration (to 1e-12)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from analysis.engine.availability import (
    AvailabilityAnalyzer,
    composite_availability,
    service_availability,
    single_points_of_failure,
)
from analysis.engine.examples import (
    BRANCH_SERVICE,
    CORE_SERVICE,
    HEAD_OFFICE_SERVICE,
    print_service_topology,
)
from analysis.engine.topology import Component, Group, Service, Site, Topology

TOL = 1e-12


def series() -> Topology:
    return Topology(
        components=(Component("lb", 0.9995), Component("app", 0.99), Component("db", 0.995)),
        services=(Service("svc", ("lb", "app", "db")),),
    )


def parallel() -> Topology:
    return Topology(
        components=(Component("a", 0.9), Component("b", 0.8), Component("c", 0.95)),
        groups=(Group("any", "active_active", ("a", "b", "c")),),
        services=(Service("svc", ("any",)),),
    )


def k_of_n() -> Topology:
    members = tuple(Component(f"m{i}", a) for i, a in enumerate((0.9, 0.8, 0.97, 0.6, 0.99)))
    return Topology(
        components=members,
        groups=(Group("pool", "active_active", tuple(m.id for m in members), k=3),),
        services=(Service("svc", ("pool",)),),
    )


def bridge() -> Topology:
    """The 5-component bridge: paths a-d, b-e and a-c-e, b-c-d, via services sharing parts."""
    comps = tuple(
        Component(n, a) for n, a in zip("abcde", (0.9, 0.85, 0.8, 0.95, 0.7), strict=True)
    )
    paths = (("a", "d"), ("b", "e"), ("a", "c", "e"), ("b", "c", "d"))
    return Topology(
        components=comps,
        services=(
            *(Service(f"path{i}", p) for i, p in enumerate(paths)),
            Service("bridge", ("routes",)),
        ),
        groups=(Group("routes", "active_active", tuple(f"path{i}" for i in range(4))),),
    )


def shared_san() -> Topology:
    return Topology(
        components=(
            Component("san", 0.9999),
            Component("app-1", mtbf_hours=4_380, mttr_hours=8, runs_on=("san",)),
            Component("app-2", mtbf_hours=4_380, mttr_hours=8, runs_on=("san",)),
        ),
        groups=(Group("pair", "active_active", ("app-1", "app-2")),),
        services=(Service("svc", ("pair",)),),
    )


def shared_site() -> Topology:
    return Topology(
        sites=(Site("room", 0.9995),),
        components=(
            Component("web-1", 0.99, site="room"),
            Component("web-2", 0.98, site="room"),
            Component("db", 0.999),
        ),
        groups=(Group("web", "active_active", ("web-1", "web-2")),),
        services=(Service("svc", ("web", "db")),),
    )


def nested_sites() -> Topology:
    return Topology(
        sites=(
            Site("campus", 0.9999),
            Site("building", 0.9998, parent="campus"),
            Site("rack-1", 0.999, parent="building"),
            Site("rack-2", 0.999, parent="building"),
            Site("remote", 0.995),
        ),
        components=(
            Component("s1", 0.99, site="rack-1"),
            Component("s2", 0.99, site="rack-2"),
            Component("s3", 0.97, site="remote"),
        ),
        groups=(Group("any", "active_active", ("s1", "s2", "s3")),),
        services=(Service("svc", ("any",)),),
    )


def nested_groups() -> Topology:
    return Topology(
        components=tuple(Component(f"c{i}", 0.9 - 0.05 * i) for i in range(6)),
        groups=(
            Group("left", "active_active", ("c0", "c1")),
            Group("right", "active_active", ("c2", "c3", "c4"), k=2),
            Group("top", "active_active", ("left", "right", "c5"), k=2),
        ),
        services=(Service("svc", ("top",)),),
    )


def service_on_services() -> Topology:
    return Topology(
        components=(
            Component("dns", 0.9999),
            Component("auth-1", 0.99),
            Component("auth-2", 0.99),
            Component("app", 0.995, runs_on=("auth",)),
            Component("db", 0.999),
        ),
        groups=(Group("auth-pair", "active_active", ("auth-1", "auth-2")),),
        services=(
            Service("auth", ("dns", "auth-pair")),
            Service("orders", ("app", "db", "auth")),
        ),
    )


def with_failover() -> Topology:
    return Topology(
        components=(
            Component("san", 0.9999),
            Component("a", mtbf_hours=2_000, mttr_hours=10, runs_on=("san",)),
            Component("b", mtbf_hours=3_000, mttr_hours=5, runs_on=("san",)),
            Component("c", 0.99),
        ),
        groups=(
            Group("ap", "active_passive", ("a", "b"), failover_seconds=600),
            Group("outer", "active_active", ("ap", "c")),
        ),
        services=(Service("svc", ("outer",)),),
    )


CASES = [
    ("series", series, "svc"),
    ("parallel", parallel, "svc"),
    ("k_of_n", k_of_n, "svc"),
    ("bridge", bridge, "bridge"),
    ("shared_san", shared_san, "svc"),
    ("shared_site", shared_site, "svc"),
    ("nested_sites", nested_sites, "svc"),
    ("nested_groups", nested_groups, "svc"),
    ("service_on_services", service_on_services, "orders"),
    ("print_head_office", print_service_topology, HEAD_OFFICE_SERVICE),
    ("print_branch", print_service_topology, BRANCH_SERVICE),
    ("print_core", print_service_topology, CORE_SERVICE),
]


def _structural(topology: Topology) -> Topology:
    """The same topology with failover times removed (brute force models structure only)."""
    return replace(
        topology, groups=tuple(replace(g, failover_seconds=0.0) for g in topology.groups)
    )


@pytest.mark.parametrize(("name", "build", "service"), CASES, ids=[c[0] for c in CASES])
def test_exact_availability_matches_brute_force(brute, name, build, service):
    topology = _structural(build())
    truth = brute(topology, service)
    result = composite_availability(topology, method="exact").by_id(service)
    assert result.method == "exact_bdd"
    assert result.availability == pytest.approx(truth.availability, abs=TOL)
    assert result.unavailability == pytest.approx(truth.unavailability, abs=TOL)


@pytest.mark.parametrize(("name", "build", "service"), CASES, ids=[c[0] for c in CASES])
def test_birnbaum_importance_matches_brute_force(brute, name, build, service):
    topology = _structural(build())
    truth = brute(topology, service)
    result = composite_availability(topology, method="exact").by_id(service)
    got = {i.element_id: i.birnbaum for i in result.importance}
    assert set(got) == set(truth.variables)
    for variable, value in truth.birnbaum.items():
        assert got[variable] == pytest.approx(value, abs=TOL), variable


@pytest.mark.parametrize(("name", "build", "service"), CASES, ids=[c[0] for c in CASES])
def test_single_points_of_failure_match_brute_force(brute, name, build, service):
    topology = build()
    truth = brute(_structural(topology), service)
    assert set(single_points_of_failure(topology, service)) == truth.spofs


def test_the_bridge_network_has_its_textbook_availability():
    t = Topology(
        components=tuple(Component(n, 0.9) for n in "abcde"),
        services=(
            Service("p0", ("a", "d")),
            Service("p1", ("b", "e")),
            Service("p2", ("a", "c", "e")),
            Service("p3", ("b", "c", "d")),
            Service("bridge", ("routes",)),
        ),
        groups=(Group("routes", "active_active", ("p0", "p1", "p2", "p3")),),
    )
    assert composite_availability(t).by_id("bridge").availability == pytest.approx(0.97848, abs=TOL)


def test_a_shared_san_is_counted_once_not_once_per_server():
    result = composite_availability(shared_san()).by_id("svc")
    server_down = 8 / 4_388
    assert result.availability == pytest.approx(0.9999 * (1 - server_down**2), abs=TOL)
    naive = 1 - (1 - 0.9999 * (1 - server_down)) ** 2
    assert abs(result.availability - naive) > 1e-5


def test_shared_san_is_a_hidden_single_point_of_failure():
    assert single_points_of_failure(shared_san(), "svc") == ("san",)


def test_a_shared_site_is_a_single_point_of_failure():
    assert "room" in single_points_of_failure(shared_site(), "svc")


def test_a_remote_member_protects_against_the_loss_of_a_whole_building():
    assert single_points_of_failure(nested_sites(), "svc") == ()


def test_a_parent_site_fails_everything_inside_it():
    t = nested_sites()
    without_remote = replace(
        t, groups=(Group("any", "active_active", ("s1", "s2")),), components=t.components[:2]
    )
    assert set(single_points_of_failure(without_remote, "svc")) == {"building", "campus"}


def test_unavailability_keeps_its_digits_when_availability_is_near_one():
    t = Topology(
        components=tuple(Component(f"c{i}", 1 - 1e-9) for i in range(3)),
        groups=(Group("g", "active_active", ("c0", "c1")),),
        services=(Service("svc", ("g", "c2")),),
    )
    result = composite_availability(t).by_id("svc")
    assert result.unavailability == pytest.approx(1e-9 + 1e-18, rel=1e-9)


def test_spofs_are_ordered_by_birnbaum_importance():
    t = Topology(
        components=(Component("strong", 0.9999), Component("weak", 0.9)),
        services=(Service("svc", ("strong", "weak")),),
    )
    # In series I_B(i) is the product of the others: 0.9999 for "weak", 0.9 for "strong".
    assert composite_availability(t).by_id("svc").single_points_of_failure == ("weak", "strong")


def test_importance_is_sorted_descending():
    result = composite_availability(print_service_topology()).by_id(HEAD_OFFICE_SERVICE)
    values = [i.birnbaum for i in result.importance]
    assert values == sorted(values, reverse=True)


def test_criticality_shares_add_up_to_at_most_one_for_series_systems():
    result = composite_availability(series()).by_id("svc")
    assert sum(i.criticality for i in result.importance) == pytest.approx(1.0, rel=1e-2)


def test_the_whitepaper_san_is_a_spof_of_head_office_printing_but_not_of_the_branch():
    report = composite_availability(print_service_topology())
    assert "san" in report.by_id(HEAD_OFFICE_SERVICE).single_points_of_failure
    assert "san" not in report.by_id(BRANCH_SERVICE).single_points_of_failure


def test_an_active_passive_failover_window_costs_availability():
    t = shared_san()
    slow = replace(
        t, groups=(Group("pair", "active_passive", ("app-1", "app-2"), failover_seconds=60),)
    )
    result = composite_availability(slow).by_id("svc")
    window = (60 / 3600) / 4_388
    assert result.structural_availability == pytest.approx(0.9999 * (1 - (8 / 4_388) ** 2), abs=TOL)
    assert result.structural_availability is not None
    assert result.availability == pytest.approx(
        result.structural_availability * (1 - window), abs=TOL
    )
    assert any("approximation" in note for note in result.notes)


def test_failover_windows_match_brute_force_as_a_series_element(brute):
    t = with_failover()
    window = min(600 / 3600, 10) / 2_010
    explicit = replace(
        t,
        components=(*t.components, Component("ap-window", 1 - window)),
        groups=(Group("ap-raw", "active_passive", ("a", "b")), t.groups[1]),
        services=(Service("ap", ("ap-raw", "ap-window")), *t.services),
    )
    truth = brute(explicit, "svc")
    result = composite_availability(t).by_id("svc")
    assert result.availability == pytest.approx(truth.availability, abs=TOL)


def test_a_slow_failover_is_capped_at_the_repair_time():
    t = with_failover()
    glacial = replace(t, groups=(replace(t.groups[0], failover_seconds=10**7), t.groups[1]))
    loss = composite_availability(glacial).by_id("svc").failover_losses[0]
    assert loss.lost_fraction == pytest.approx(10 / 2_010)


def test_an_unknown_failover_rate_is_noted_not_guessed():
    t = Topology(
        components=(Component("a", 0.99), Component("b", 0.99)),
        groups=(Group("g", "active_passive", ("a", "b"), failover_seconds=60),),
        services=(Service("svc", ("g",)),),
    )
    result = composite_availability(t).by_id("svc")
    assert result.availability == pytest.approx(1 - 0.01**2, abs=TOL)
    assert any("not charged" in note for note in result.notes)


def test_every_exact_result_says_how_it_was_computed():
    result = composite_availability(series()).by_id("svc")
    assert result.method == "exact_bdd"
    assert result.samples is None and result.seed is None
    assert result.notes[0].startswith("exact: reduced ordered BDD")


def test_one_service_alone_gives_the_same_answer_as_the_whole_organisation():
    t = print_service_topology()
    whole = composite_availability(t).by_id(BRANCH_SERVICE)
    alone = service_availability(t, BRANCH_SERVICE)
    assert alone.availability == whole.availability  # the same diagram, to the last digit
    assert alone.single_points_of_failure == whole.single_points_of_failure


def test_a_service_gets_the_same_diagram_whatever_was_analysed_before_it():
    alone = AvailabilityAnalyzer(print_service_topology(), keep_diagrams=True)
    after_others = AvailabilityAnalyzer(print_service_topology(), keep_diagrams=True)
    after_others.service(BRANCH_SERVICE)
    after_others.service(CORE_SERVICE)
    first, second = alone.diagram(HEAD_OFFICE_SERVICE), after_others.diagram(HEAD_OFFICE_SERVICE)
    assert first is not None and second is not None
    assert first.size() == second.size()
    assert alone.service(HEAD_OFFICE_SERVICE) == after_others.service(HEAD_OFFICE_SERVICE)


def test_downtime_per_year_uses_the_year_convention():
    t = replace(series(), year_days=365)
    result = composite_availability(t).by_id("svc")
    assert result.downtime_seconds_per_year == pytest.approx(result.unavailability * 365 * 86_400)
