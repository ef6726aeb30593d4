from __future__ import annotations

import copy

import pytest

from analysis.engine.examples import BRANCH_SERVICE, HEAD_OFFICE_SERVICE, print_service_topology
from analysis.engine.topology import Site, TopologyError
from analysis.engine.whatif import (
    AddRedundantPeer,
    AddSite,
    ChangeSet,
    MoveToSite,
    SetAvailability,
    SetBackup,
    SetReplication,
    SetRestoreTime,
    apply_changes,
    what_if,
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
    assert delta.availability_after > delta.availability_before
    assert delta.rto_hours_after is not None and delta.rto_hours_before is not None
    assert delta.rto_hours_after < delta.rto_hours_before


def test_what_if_reports_before_and_after_for_every_service():
    result = what_if(print_service_topology(), SECOND_SAN)
    assert [d.service_id for d in result.deltas] == [
        s.id for s in print_service_topology().services
    ]
    assert result.before.by_id(BRANCH_SERVICE).availability == pytest.approx(
        result.deltas[3].availability_before
    )


def test_moving_a_component_changes_its_failure_domain():
    after = apply_changes(print_service_topology(), [MoveToSite("print-server-2", "branch")])
    assert next(c for c in after.components if c.id == "print-server-2").site == "branch"


def test_a_shorter_backup_interval_improves_the_rpo():
    changes = [SetBackup("print-db", 0.25), SetBackup("san", 0.25)]
    delta = what_if(print_service_topology(), changes, service_ids=[HEAD_OFFICE_SERVICE]).deltas[0]
    assert (delta.rpo_hours_before, delta.rpo_hours_after) == (24.0, 0.25)


def test_synchronous_replication_brings_the_rpo_of_that_component_to_zero():
    after = apply_changes(print_service_topology(), [SetReplication("print-db", "sync")])
    assert next(c for c in after.components if c.id == "print-db").replication == "sync"


def test_setting_availability_changes_the_result():
    delta = what_if(
        print_service_topology(),
        [SetAvailability("san", availability=0.99)],
        service_ids=[HEAD_OFFICE_SERVICE],
    ).deltas[0]
    assert delta.availability_after < delta.availability_before


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
