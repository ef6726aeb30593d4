from __future__ import annotations

import copy

import pytest

from analysis.engine.availability import service_availability
from analysis.engine.deltas import what_if
from analysis.engine.examples import BRANCH_SERVICE, HEAD_OFFICE_SERVICE, print_service_topology
from analysis.engine.figures import AnalysisContext, WhatIfEvaluator, fresh_figures
from analysis.engine.topology import GroupMode, Site, TopologyError
from analysis.engine.whatif import (
    AddGroupMember,
    AddRedundantPeer,
    AddSite,
    ChangeSet,
    MoveToSite,
    RemoveComponent,
    SetAvailability,
    SetBackup,
    SetFailoverTime,
    SetReplication,
    SetRestoreTime,
    apply_changes,
    describe,
)

SECOND_SAN = ChangeSet(
    (AddRedundantPeer("san", site="branch", mode="active_passive", failover_seconds=900),),
    "second SAN at the branch",
)


def test_what_if_does_not_mutate_the_input_topology():
    topology = print_service_topology()
    snapshot = copy.deepcopy(topology)
    what_if(topology, SECOND_SAN)
    assert topology == snapshot


def test_a_peer_redirects_every_reference_to_a_new_group():
    after = apply_changes(print_service_topology(), SECOND_SAN)
    by_id = {c.id: c for c in after.components}
    assert by_id["app-server-1"].runs_on == ("san-ha",)
    assert by_id["print-db"].runs_on == ("san-ha",)
    assert by_id["san-peer"].site == "branch"
    group = next(g for g in after.groups if g.id == "san-ha")
    assert group.members == ("san", "san-peer")


def test_a_second_san_elsewhere_removes_the_san_spof():
    result = what_if(print_service_topology(), SECOND_SAN, service_ids=[HEAD_OFFICE_SERVICE])
    delta = result.deltas[0]
    assert "san" in delta.spofs_removed
    assert delta.after.availability > delta.before.availability
    assert delta.after.rto_hours is not None and delta.before.rto_hours is not None
    assert delta.after.rto_hours < delta.before.rto_hours


def test_what_if_reports_before_and_after_for_every_service():
    result = what_if(print_service_topology(), SECOND_SAN)
    assert [d.service_id for d in result.deltas] == [
        s.id for s in print_service_topology().services
    ]
    assert result.by_id(BRANCH_SERVICE).before.availability == (
        service_availability(print_service_topology(), BRANCH_SERVICE).availability
    )


def test_moving_a_component_changes_its_failure_domain():
    after = apply_changes(print_service_topology(), [MoveToSite("print-server-2", "branch")])
    assert next(c for c in after.components if c.id == "print-server-2").site == "branch"


def test_a_shorter_backup_interval_improves_the_rpo():
    changes = [SetBackup("print-db", 0.25), SetBackup("san", 0.25)]
    delta = what_if(print_service_topology(), changes, service_ids=[HEAD_OFFICE_SERVICE]).deltas[0]
    assert (delta.before.rpo_hours, delta.after.rpo_hours) == (24.0, 0.25)


def test_synchronous_replication_brings_the_rpo_of_that_component_to_zero():
    after = apply_changes(print_service_topology(), [SetReplication("print-db", "sync")])
    assert next(c for c in after.components if c.id == "print-db").replication == "sync"


def test_setting_availability_changes_the_result():
    delta = what_if(
        print_service_topology(),
        [SetAvailability("san", availability=0.99)],
        service_ids=[HEAD_OFFICE_SERVICE],
    ).deltas[0]
    assert delta.after.availability < delta.before.availability


def test_a_site_availability_can_be_changed():
    after = apply_changes(print_service_topology(), [SetAvailability("branch", availability=0.9)])
    assert next(s for s in after.sites if s.id == "branch").availability == 0.9


def test_a_restore_time_can_be_set_for_a_site():
    after = apply_changes(print_service_topology(), [SetRestoreTime("head-office", 72.0)])
    assert next(s for s in after.sites if s.id == "head-office").restore_hours == 72.0


def test_a_new_site_can_host_a_peer():
    changes: list[AddSite | AddRedundantPeer] = [
        AddSite(Site("dr", 0.9999)),
        AddRedundantPeer("print-db", site="dr"),
    ]
    delta = what_if(print_service_topology(), changes, service_ids=[HEAD_OFFICE_SERVICE]).deltas[0]
    assert "print-db" in delta.spofs_removed


def test_a_change_to_an_unknown_component_is_refused():
    with pytest.raises(TopologyError, match="unknown component 'nas'"):
        apply_changes(print_service_topology(), [SetBackup("nas", 1.0)])


def test_a_change_that_breaks_the_topology_is_refused():
    with pytest.raises(TopologyError) as caught:
        apply_changes(print_service_topology(), [MoveToSite("san", "moon")])
    assert caught.value.code == "unknown_id"


def test_a_backup_change_keeps_availability_exactly_and_shows_the_rpo_change():
    delta = what_if(
        print_service_topology(),
        [SetBackup("print-db", 1.0), SetBackup("san", 1.0)],
        service_ids=[HEAD_OFFICE_SERVICE],
    ).deltas[0]
    assert delta.after.availability == delta.before.availability
    assert (delta.before.rpo_hours, delta.after.rpo_hours) == (24.0, 1.0)


def test_synchronous_replication_shows_in_the_function_rpo():
    changes = [SetReplication("print-db", "sync"), SetReplication("san", "sync")]
    delta = what_if(print_service_topology(), changes, service_ids=[HEAD_OFFICE_SERVICE]).deltas[0]
    assert delta.after.rpo_hours == 0.0


def test_a_group_gains_a_member_copied_from_one_of_its_own():
    after = apply_changes(print_service_topology(), [AddGroupMember("app-pair", "app-server-1")])
    group = next(g for g in after.groups if g.id == "app-pair")
    assert len(group.members) == 3
    copy_ = next(c for c in after.components if c.id == group.members[-1])
    assert copy_.runs_on == next(c for c in after.components if c.id == "app-server-1").runs_on


def test_removing_a_component_drops_every_reference_to_it():
    after = apply_changes(print_service_topology(), [RemoveComponent("wan-link")])
    assert all(c.id != "wan-link" for c in after.components)
    assert all("wan-link" not in c.runs_on for c in after.components)
    assert all("wan-link" not in s.requires for s in after.services)


def test_removing_a_member_a_group_cannot_spare_is_refused():
    with pytest.raises(TopologyError, match="would leave group"):
        apply_changes(
            print_service_topology(),
            [RemoveComponent("app-server-1"), RemoveComponent("app-server-2")],
        )


def test_a_group_failover_time_can_be_changed():
    after = apply_changes(print_service_topology(), [SetFailoverTime("app-pair", 5.0)])
    assert next(g for g in after.groups if g.id == "app-pair").failover_seconds == 5.0


def test_reusing_the_diagram_for_a_new_availability_equals_a_fresh_run():
    topology = print_service_topology()
    context = AnalysisContext()
    evaluator = WhatIfEvaluator(topology, HEAD_OFFICE_SERVICE, context)
    change = [
        SetAvailability("mfd-hq-1", availability=0.95),
        SetAvailability("print-db", availability=0.999),
    ]
    reused = evaluator.after(change)
    fresh = fresh_figures(apply_changes(topology, change), HEAD_OFFICE_SERVICE, context)
    assert evaluator.reused_runs == 1
    assert reused.availability == pytest.approx(fresh.availability, rel=1e-12)
    assert reused.single_points_of_failure == fresh.single_points_of_failure


def test_changes_read_in_words_with_the_names_people_use():
    names = {"print-db": "Print database"}
    assert describe(SetBackup("print-db", 1.0), lambda i: names.get(i, i)) == (
        "back up Print database every 1 h"
    )


@pytest.mark.parametrize(
    "component", ["san", "print-db", "nlb-2", "print-server-1", "mfd-hq-2", "wan-link"]
)
@pytest.mark.parametrize("mode", ["active_passive", "active_active"])
def test_a_same_site_peer_composed_into_the_diagram_equals_a_fresh_run(
    component: str, mode: GroupMode
) -> None:
    topology = print_service_topology()
    context = AnalysisContext()
    evaluator = WhatIfEvaluator(topology, HEAD_OFFICE_SERVICE, context)
    site = next(c.site for c in topology.components if c.id == component)
    change = [AddRedundantPeer(component, site=site, mode=mode, failover_seconds=120.0)]
    composed = evaluator.after(change)
    fresh = fresh_figures(apply_changes(topology, change), HEAD_OFFICE_SERVICE, context)
    assert composed.availability == pytest.approx(fresh.availability, rel=1e-12, abs=1e-15)
    assert composed.unavailability == pytest.approx(fresh.unavailability, rel=1e-9)
    assert set(composed.single_points_of_failure) == set(fresh.single_points_of_failure)
    assert (composed.rto_hours, composed.rpo_hours) == (fresh.rto_hours, fresh.rpo_hours)
    assert evaluator.reused_runs == 1


@pytest.mark.parametrize(
    "changes",
    [
        [AddSite(Site("dr", 0.9999)), AddRedundantPeer("san", site="dr", failover_seconds=900)],
        [AddSite(Site("dr", 0.999)), AddRedundantPeer("print-db", site="dr", mode="active_active")],
        [AddSite(Site("dr", 0.9995)), AddGroupMember("app-pair", "app-server-1", site="dr")],
        [
            AddSite(Site("dr", 0.9999)),
            AddRedundantPeer("wan-link", site="dr"),
            AddRedundantPeer("print-db", site="dr", failover_seconds=60),
        ],
    ],
)
def test_a_change_recompiled_into_the_kept_diagram_equals_a_fresh_run_to_the_last_bit(
    changes: list[AddSite | AddRedundantPeer | AddGroupMember],
) -> None:
    topology = print_service_topology()
    context = AnalysisContext()
    evaluator = WhatIfEvaluator(topology, HEAD_OFFICE_SERVICE, context)
    recompiled = evaluator.after(changes)
    fresh = fresh_figures(apply_changes(topology, changes), HEAD_OFFICE_SERVICE, context)
    assert evaluator.reused_runs == 1 and evaluator.fresh_runs == 0
    # The same diagram, node for node, so the same sums: equal, not approximately.
    assert recompiled.availability == fresh.availability
    assert recompiled.unavailability == fresh.unavailability
    assert recompiled.bdd_nodes == fresh.bdd_nodes
    # A what-if lists SPOFs in id order, a full run by importance.
    assert set(recompiled.single_points_of_failure) == set(fresh.single_points_of_failure)
    assert (recompiled.rto_hours, recompiled.rpo_hours) == (fresh.rto_hours, fresh.rpo_hours)
