"""Checking only what a change touched finds exactly what checking everything finds."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.engine.topology import Component, Group, Site, Topology, TopologyError
from analysis.engine.validation import topology_errors, validate_change, validate_topology
from analysis.engine.whatif import (
    AddGroupMember,
    AddRedundantPeer,
    AddSite,
    Change,
    MoveToSite,
    RemoveComponent,
    SetAvailability,
    SetBackup,
    _apply_one,
    apply_changes,
)
from tests.analysis.engine.strategies import structures


@st.composite
def changes(draw: st.DrawFn, topology: Topology) -> list[Change]:
    """Changes of every kind, some naming elements that exist and some that clash."""
    components = [c.id for c in topology.components]
    groups = [g for g in topology.groups if any(m in components for m in g.members)]
    sites = [s.id for s in topology.sites]
    ids = components + [g.id for g in topology.groups] + sites + ["elsewhere"]
    made: list[Change] = []
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["peer", "member", "site", "move", "remove", "figures"]))
        if kind == "peer":
            made.append(
                AddRedundantPeer(
                    draw(st.sampled_from(components)),
                    site=draw(st.sampled_from([None, *sites, "elsewhere"])),
                    mode=draw(st.sampled_from(["active_passive", "active_active"])),
                    failover_seconds=draw(st.sampled_from([0.0, 30.0, -1.0])),
                    peer_id=draw(st.sampled_from([None, "new-peer", *ids])),
                    peer_availability=draw(st.sampled_from([None, 0.99, 1.5])),
                )
            )
        elif kind == "member" and groups:
            group = draw(st.sampled_from(groups))
            template = draw(st.sampled_from([m for m in group.members if m in components]))
            made.append(
                AddGroupMember(
                    group.id,
                    template,
                    site=draw(st.sampled_from([None, *sites, "elsewhere"])),
                    member_id=draw(st.sampled_from([None, "new-member", *ids])),
                )
            )
        elif kind == "site":
            site_id = draw(st.sampled_from(["elsewhere", *ids]))
            parent = draw(st.sampled_from([None, site_id, *sites]))
            made.append(
                AddSite(
                    Site(site_id, availability=draw(st.sampled_from([0.999, 2.0])), parent=parent)
                )
            )
        elif kind == "move":
            made.append(
                MoveToSite(
                    draw(st.sampled_from(components)),
                    draw(st.sampled_from([None, *sites, "elsewhere", *components])),
                )
            )
        elif kind == "remove":
            made.append(RemoveComponent(draw(st.sampled_from(components))))
        else:
            figures: list[Change] = [
                SetAvailability(draw(st.sampled_from(components)), availability=0.5),
                SetAvailability(draw(st.sampled_from(components)), availability=-0.5),
                SetBackup(draw(st.sampled_from(components)), 0.0),
                SetBackup(draw(st.sampled_from(components)), 4.0),
            ]
            made.append(draw(st.sampled_from(figures)))
    return made


def _said(error: Exception) -> tuple[object, ...]:
    """What an error tells the user: its type, code and message with its path."""
    return type(error), getattr(error, "code", None), str(error)


def _applied(topology: Topology, items: list[Change]) -> Topology | None:
    """The topology with the changes applied but not validated (None: a change itself
    refuses, as for an unknown id)."""
    result = topology
    try:
        for change in items:
            result = _apply_one(result, change)
    except (TopologyError, ValueError):
        return None
    return result


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(structures(), st.data())
def test_checking_only_the_changed_elements_raises_what_checking_everything_raises(
    topology: Topology, data: st.DataObject
) -> None:
    items = data.draw(changes(topology))
    after = _applied(topology, items)
    if after is None:
        return
    expected = topology_errors(after)
    if expected:
        with pytest.raises(TopologyError) as raised:
            validate_change(topology, after)
        assert _said(raised.value) == _said(expected[0])
    else:
        validate_change(topology, after)


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(structures(), st.data())
def test_applying_changes_to_a_valid_topology_gives_the_same_result_either_way(
    topology: Topology, data: st.DataObject
) -> None:
    items = data.draw(changes(topology))
    outcomes: list[object] = []
    for base_valid in (False, True):
        try:
            outcomes.append(apply_changes(topology, items, base_valid=base_valid))
        except (TopologyError, ValueError) as error:
            outcomes.append(_said(error))
    assert outcomes[0] == outcomes[1]


def test_a_new_dependency_cycle_through_a_changed_element_is_found() -> None:
    topology = Topology(
        components=(Component("a", 0.99), Component("b", 0.99, runs_on=("a",))),
        groups=(),
        services=(),
    )
    validate_topology(topology)
    looped = replace(
        topology, components=(Component("a", 0.99, runs_on=("b",)), topology.components[1])
    )
    with pytest.raises(TopologyError) as raised:
        validate_change(topology, looped)
    assert raised.value.code == "cycle"


def test_a_site_placed_inside_itself_through_a_new_parent_is_found() -> None:
    topology = Topology(
        components=(Component("a", 0.99, site="room"),),
        groups=(),
        services=(),
        sites=(Site("campus", 0.999), Site("room", 0.999, parent="campus")),
    )
    looped = replace(topology, sites=(Site("campus", 0.999, parent="room"), topology.sites[1]))
    with pytest.raises(TopologyError) as raised:
        validate_change(topology, looped)
    assert raised.value.code == "cycle"


def test_a_removed_element_still_referred_to_is_found() -> None:
    topology = Topology(
        components=(Component("a", 0.99), Component("b", 0.99, runs_on=("a",))),
        groups=(Group("pair", "active_active", ("a", "b")),),
        services=(),
    )
    gone = replace(topology, components=(topology.components[1],))
    with pytest.raises(TopologyError) as raised:
        validate_change(topology, gone)
    assert raised.value.code == "unknown_id"
