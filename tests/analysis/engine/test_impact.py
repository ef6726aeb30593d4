"""Blast radius against brute force: every subset of failures on random topologies.

The reference below shares no code with ``analysis.engine.impact``: it evaluates each
element recursively straight from the definitions in the module docstring, and finds
the causes by enumerating every path.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.engine.availability import service_availability
from analysis.engine.impact import (
    ImpactError,
    ImpactReport,
    ServiceImpact,
    assess_impact,
    element_states,
)
from analysis.engine.topology import Component, Group, GroupMode, Service, Topology
from tests.analysis.engine.strategies import LARGE_RANDOM_INPUTS, Parts, nested_sites

# --- the reference -----------------------------------------------------------------------


def _children(t: Topology) -> dict[str, tuple[str, ...]]:
    found: dict[str, tuple[str, ...]] = {}
    for s in t.sites:
        found[s.id] = (s.parent,) if s.parent else ()
    for c in t.components:
        found[c.id] = ((c.site,) if c.site else ()) + c.runs_on
    for g in t.groups:
        found[g.id] = g.members
    for v in t.services:
        found[v.id] = v.requires
    return found


def ref_up(t: Topology, node: str, failed: frozenset[str]) -> bool:
    kids = _children(t)
    groups = {g.id: g for g in t.groups}

    def up(x: str) -> bool:
        if x in failed:
            return False
        if x in groups:
            return sum(up(m) for m in groups[x].members) >= groups[x].k
        return all(up(c) for c in kids[x])

    return up(node)


def ref_causes(t: Topology, node: str, failed: frozenset[str]) -> frozenset[str]:
    """Failed x such that some path node → … → x has every node on it down."""
    kids = _children(t)
    found: set[str] = set()

    def walk(x: str) -> None:
        if ref_up(t, x, failed):
            return
        if x in failed:
            found.add(x)
        for child in kids[x]:
            walk(child)

    walk(node)
    return frozenset(found)


def ref_closure(t: Topology, roots: Iterable[str]) -> set[str]:
    kids = _children(t)
    seen: set[str] = set()

    def walk(x: str) -> None:
        if x not in seen:
            seen.add(x)
            for child in kids[x]:
                walk(child)

    for root in roots:
        walk(root)
    return seen


def ref_strained(
    t: Topology, service: str, needs: tuple[str, ...], failed: frozenset[str]
) -> set[str]:
    groups = {g.id: g for g in t.groups}
    return {
        g
        for g in ref_closure(t, (service, *needs))
        if g in groups
        and ref_up(t, g, failed)
        and any(not ref_up(t, m, failed) for m in groups[g].members)
    }


def ref_state(t: Topology, service: str, needs: tuple[str, ...], failed: frozenset[str]) -> str:
    if not ref_up(t, service, failed):
        return "down"
    if any(not ref_up(t, n, failed) for n in needs) or ref_strained(t, service, needs, failed):
        return "degraded"
    return "up"


# --- random topologies -------------------------------------------------------------------

# A topology and the degraded needs of some of its services.
Case = tuple[Topology, dict[str, tuple[str, ...]]]


@st.composite
def topologies(draw: st.DrawFn) -> Case:
    n_sites = draw(st.integers(0, 2))
    n_components = draw(st.integers(2, 6 - n_sites))
    # Blast radius reads only the structure, so every site is simply up (1.0).
    sites = nested_sites(draw, n_sites, st.just(1.0))
    parts = Parts(draw)

    def mode(k: int) -> GroupMode:
        return "active_passive" if k == 1 and draw(st.booleans()) else "active_active"

    for i in range(n_components):
        site = draw(st.sampled_from([None, *[s.id for s in sites]]))
        parts.add(Component(f"c{i}", 0.99, runs_on=parts.pick(0, 2), site=site))
        extra = draw(st.sampled_from(["none", "group", "service"]))
        if extra == "group" and len(parts.refs) >= 2 and len(parts.groups) < 2:
            parts.add_group(mode)
        elif extra == "service":
            parts.add(Service(f"v{len(parts.services)}", parts.pick(1, 2)))
    if not parts.groups:
        parts.add_group(mode)
    parts.add(Service("f0", (parts.refs[-1], *parts.pick(0, 2))))
    parts.add(Service("f1", parts.pick(1, 3)))
    degraded = {s.id: parts.pick(0, 2) for s in parts.services if draw(st.booleans())}
    return parts.topology(sites), degraded


def _failable(t: Topology) -> list[str]:
    return [s.id for s in t.sites] + [c.id for c in t.components] + [g.id for g in t.groups]


def _subsets(items: list[str]) -> Iterable[frozenset[str]]:
    for size in range(len(items) + 1):
        for combo in itertools.combinations(items, size):
            yield frozenset(combo)


def _every_failure(case: Case) -> Iterator[tuple[frozenset[str], ImpactReport]]:
    """Each subset of the failable elements with the engine's report of it (ids sorted so
    that a report lists its failures the same way on every run)."""
    t, degraded = case
    for failed in _subsets(_failable(t)):
        yield failed, assess_impact(t, sorted(failed), degraded_requires=degraded)


SETTINGS = settings(LARGE_RANDOM_INPUTS, max_examples=60)


@SETTINGS
@given(topologies())
def test_every_subset_of_failures_gives_the_brute_force_states(case: Case) -> None:
    t, degraded = case
    for failed, report in _every_failure(case):
        for impact in report.services:
            needs = degraded.get(impact.service_id, ())
            assert impact.state == ref_state(t, impact.service_id, needs, failed), (
                sorted(failed),
                impact,
            )
            strained = {g.group_id for g in impact.strained}
            assert strained == ref_strained(t, impact.service_id, needs, failed)


@SETTINGS
@given(topologies())
def test_element_states_match_the_structure_function(case: Case) -> None:
    t, _ = case
    everything = list(_children(t))
    for failed in _subsets(_failable(t)):
        states = element_states(t, failed)
        assert states == {x: ref_up(t, x, failed) for x in everything}


def _check_down_causes(t: Topology, impact: ServiceImpact, failed: frozenset[str]) -> None:
    causes = frozenset(impact.causes)
    assert causes == ref_causes(t, impact.service_id, failed)
    assert causes and causes <= failed
    # Failing only the causes is enough to stop the service ...
    assert not ref_up(t, impact.service_id, causes)
    # ... and repairing only them, every other failure kept, brings it back.
    assert ref_up(t, impact.service_id, failed - causes)


@SETTINGS
@given(topologies())
def test_the_causes_of_a_down_service_alone_stop_it_and_repairing_them_brings_it_back(
    case: Case,
) -> None:
    t, _ = case
    for failed, report in _every_failure(case):
        for impact in report.in_state("down"):
            _check_down_causes(t, impact, failed)


@SETTINGS
@given(topologies())
def test_the_causes_of_a_degraded_service_are_failures_behind_its_strain_or_degraded_needs(
    case: Case,
) -> None:
    t, degraded = case
    groups = {g.id: g for g in t.groups}
    for failed, report in _every_failure(case):
        for impact in report.in_state("degraded"):
            needs = degraded.get(impact.service_id, ())
            expected: set[str] = set()
            for need in needs:
                expected |= ref_causes(t, need, failed)
            for g in ref_strained(t, impact.service_id, needs, failed):
                for member in groups[g].members:
                    expected |= ref_causes(t, member, failed)
            assert set(impact.causes) == expected
            assert set(impact.degraded_needs_down) == {n for n in needs if not ref_up(t, n, failed)}
            assert impact.because[: len(impact.causes)] == impact.causes


@SETTINGS
@given(topologies())
def test_with_failed_components_at_zero_availability_the_exact_engine_agrees_on_down(
    case: Case,
) -> None:
    """A second, independent oracle: the BDD with availabilities of exactly 0 and 1."""
    t, _ = case
    variables = [s.id for s in t.sites] + [c.id for c in t.components]
    for failed in _subsets(variables):
        zero_one = replace(
            t,
            components=tuple(
                replace(c, availability=0.0 if c.id in failed else 1.0) for c in t.components
            ),
            sites=tuple(replace(s, availability=0.0 if s.id in failed else 1.0) for s in t.sites),
        )
        report = assess_impact(t, failed)
        for impact in report.services:
            available = service_availability(zero_one, impact.service_id, method="exact")
            assert (impact.state == "down") == (available.availability == 0.0)


# --- the worked example and bad input ---------------------------------------------------------


def _print_example() -> tuple[Topology, Mapping[str, tuple[str, ...]]]:
    t = Topology(
        components=(
            Component("san", 0.999),
            Component("app-1", 0.99, runs_on=("san",)),
            Component("app-2", 0.99, runs_on=("san",)),
            Component("lb-1", 0.999),
            Component("lb-2", 0.999),
            Component("site-server", 0.99),
        ),
        groups=(
            Group("app", "active_passive", ("app-1", "app-2")),
            Group("lb", "active_passive", ("lb-1", "lb-2")),
        ),
        services=(Service("print", ("lb", "app")), Service("branch", ("site-server",))),
    )
    return t, {"branch": ("app",)}


def test_losing_the_san_stops_printing_and_degrades_the_branch() -> None:
    t, degraded = _print_example()
    report = assess_impact(t, ["san"], degraded_requires=degraded)
    assert report.service("print").state == "down"
    assert report.service("print").because == ("san",)
    branch = report.service("branch")
    assert branch.state == "degraded"
    assert branch.causes == ("san",)
    assert branch.degraded_needs_down == ("app",)
    assert {"san", "app-1", "app-2", "app", "print"} == report.down_elements


def test_one_load_balancer_down_leaves_printing_running_on_its_spare() -> None:
    t, degraded = _print_example()
    impact = assess_impact(t, ["lb-1"], degraded_requires=degraded).service("print")
    assert impact.state == "degraded"
    assert impact.causes == ("lb-1",)
    (strain,) = impact.strained
    assert (strain.group_id, strain.members_up, strain.members, strain.spare) == ("lb", 1, 2, 0)
    assert strain.down_members == ("lb-1",)
    assert impact.because == ("lb-1", "lb")


def test_a_failed_group_is_down_even_with_its_members_up() -> None:
    t, degraded = _print_example()
    report = assess_impact(t, ["app"], degraded_requires=degraded)
    assert report.service("print").because == ("app",)
    assert report.service("branch").state == "degraded"


def test_nothing_failed_means_every_service_is_up() -> None:
    t, degraded = _print_example()
    report = assess_impact(t, [], degraded_requires=degraded)
    assert [s.state for s in report.services] == ["up", "up"]
    assert report.service("print").because == ()


def test_unknown_and_service_ids_are_named_and_nothing_is_evaluated() -> None:
    t, _ = _print_example()
    with pytest.raises(ImpactError) as caught:
        assess_impact(t, ["san", "tape-library", "print", "fax"])
    assert caught.value.unknown == ("tape-library", "fax")
    assert caught.value.not_failable == ("print",)
    assert "tape-library" in caught.value.message


def test_a_cycle_is_refused_with_the_element_that_closes_it() -> None:
    t = Topology(
        components=(Component("a", 0.9, runs_on=("b",)), Component("b", 0.9, runs_on=("a",))),
        services=(Service("v", ("a",)),),
    )
    with pytest.raises(ImpactError) as caught:
        assess_impact(t, ["a"])
    assert "depends on itself" in caught.value.problems[0]


def test_degraded_needs_that_name_unknown_elements_are_refused() -> None:
    t, _ = _print_example()
    with pytest.raises(ImpactError) as caught:
        assess_impact(t, ["san"], degraded_requires={"branch": ("nowhere",)})
    assert caught.value.unknown == ("nowhere",)


def test_a_very_deep_chain_is_evaluated_without_recursion() -> None:
    depth = 20_000
    components = [Component("c0", 0.99)] + [
        Component(f"c{i}", 0.99, runs_on=(f"c{i - 1}",)) for i in range(1, depth)
    ]
    t = Topology(components=tuple(components), services=(Service("v", (f"c{depth - 1}",)),))
    impact = assess_impact(t, ["c0"]).service("v")
    assert impact.state == "down"
    assert impact.causes == ("c0",)
