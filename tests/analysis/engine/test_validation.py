"""Validation stays linear in the size of its input: deep chains are checked in one pass.

The depths below would take minutes with a quadratic walk (the site check once took about
seven minutes at 5,000 levels); linear, each test runs in well under a second.
"""

from __future__ import annotations

from analysis.engine.topology import Component, Site, Topology
from analysis.engine.validation import topology_errors

DEPTH = 20_000


def _deep_sites(*, loop: bool) -> tuple[Site, ...]:
    sites = [Site(f"s{n}", parent=f"s{n - 1}" if n else None) for n in range(DEPTH)]
    if loop:
        sites[0] = Site("s0", parent=f"s{DEPTH - 1}")
    return tuple(sites)


def test_a_very_deep_site_hierarchy_is_valid() -> None:
    assert topology_errors(Topology(components=(), sites=_deep_sites(loop=False))) == ()


def test_a_loop_closing_a_very_deep_site_hierarchy_is_reported_once_with_every_site() -> None:
    errors = topology_errors(Topology(components=(), sites=_deep_sites(loop=True)))
    assert [e.code for e in errors] == ["cycle"]
    assert len(errors[0].ids) == DEPTH + 1 and errors[0].ids[0] == errors[0].ids[-1]


def test_separate_site_loops_are_each_reported() -> None:
    sites = (Site("a", parent="b"), Site("b", parent="a"), Site("c", parent="c"), Site("d"))
    errors = topology_errors(Topology(components=(), sites=sites))
    assert [e.ids for e in errors] == [("a", "b", "a"), ("c", "c")]


def test_a_site_below_a_loop_does_not_report_the_loop_again() -> None:
    sites = (Site("leaf", parent="a"), Site("a", parent="b"), Site("b", parent="a"))
    errors = topology_errors(Topology(components=(), sites=sites))
    assert [e.ids for e in errors] == [("a", "b", "a")]


def test_a_very_deep_component_chain_is_valid_and_a_loop_on_it_is_found() -> None:
    chain = [Component(f"c{n}", 0.99, runs_on=(f"c{n + 1}",)) for n in range(DEPTH - 1)]
    bottom = Component(f"c{DEPTH - 1}", 0.99)
    assert topology_errors(Topology(components=(*chain, bottom))) == ()
    looped = Component(f"c{DEPTH - 1}", 0.99, runs_on=("c0",))
    errors = topology_errors(Topology(components=(*chain, looped)))
    assert [e.code for e in errors] == ["cycle"]
    assert errors[0].path == f"components[{DEPTH - 1}].runs_on[0]"
    assert len(errors[0].ids) == DEPTH + 1
