from __future__ import annotations

from dataclasses import replace

import pytest

from analysis.engine.action_plans import MILESTONES
from analysis.engine.deltas import what_if
from analysis.engine.examples import (
    BRANCH_SERVICE,
    HEAD_OFFICE_SERVICE,
    print_branch_assessment,
    print_service_assessment,
    print_service_topology,
)
from analysis.engine.figures import AnalysisContext, fresh_figures
from analysis.engine.gaps import analyse_gaps
from analysis.engine.objectives import ImpactAssessment, recommend_objectives
from analysis.engine.roadmap import roadmap
from analysis.engine.techniques import DEFAULT_TECHNIQUES, Technique
from analysis.engine.topology import Component, Service, Site, Topology
from analysis.engine.whatif import apply_changes


@pytest.fixture(scope="module")
def head_office():
    required = recommend_objectives(print_service_assessment())
    return analyse_gaps(
        print_service_topology(), HEAD_OFFICE_SERVICE, required, function_id="printing"
    )


def _gap(report, kind, element=None):
    return next(
        g for g in report.gaps if g.measure == kind and (element is None or g.element == element)
    )


def test_the_shared_san_is_reported_as_a_hidden_critical_spof(head_office):
    gap = _gap(head_office, "spof", "san")
    assert gap.severity == "critical"
    assert "hidden" in gap.evidence and "'app-pair'" in gap.evidence


def test_the_top_remediation_for_the_san_is_replicated_storage_in_another_site(head_office):
    best = _gap(head_office, "spof", "san").options[0]
    assert best.technique_key == "storage-replication"
    assert best.closes_gap
    assert "san" not in best.after.single_points_of_failure


def test_applying_the_top_san_remediation_removes_the_san_spof(head_office):
    best = _gap(head_office, "spof", "san").options[0]
    result = what_if(print_service_topology(), best.part.changes, service_ids=[HEAD_OFFICE_SERVICE])
    assert "san" not in result.by_id(HEAD_OFFICE_SERVICE).after.single_points_of_failure
    peer = next(c for c in result.topology_after.components if c.id.startswith("san-"))
    assert peer.site == "branch"


def test_site_techniques_are_proposed_only_for_sites(head_office):
    site_keys = {"hot-site", "warm-site", "cold-site"}
    sites = {s.id for s in print_service_topology().sites}
    for gap in head_office.gaps:
        for option in gap.options:
            assert (option.technique_key in site_keys) == (option.target in sites)


def test_options_are_ordered_start_light(head_office):
    for gap in head_office.gaps:
        scores = [o.score for o in gap.options]
        listed = scores[
            : len(scores) - (1 if gap.options and not gap.options[-1].closes_gap else 0)
        ]
        assert listed == sorted(listed, reverse=True)
        for option in gap.options:
            assert option.score == pytest.approx(
                (option.gap_closed or 0.0) / (option.cost_class * option.complexity)
            )


def test_the_rto_gap_is_set_by_the_san_and_closed_by_a_combination(head_office):
    gap = _gap(head_office, "rto")
    assert gap.element == "san"
    assert not any(o.closes_gap for o in gap.options if o.target in gap.elements)
    assert gap.combination is not None and gap.combination.closes_gap
    assert gap.combination.after.rto_hours is not None
    assert gap.combination.after.rto_hours <= gap.required


def test_an_option_that_leaves_the_function_figure_unchanged_is_not_listed(head_office):
    for gap in head_office.gaps:
        for option in gap.options:
            before, after = head_office.before, option.after
            if gap.measure == "rto":
                assert after.rto_hours is not None
                assert before.rto_hours is None or after.rto_hours < before.rto_hours


def test_the_rpo_gap_names_the_data_component_and_its_protection(head_office):
    gap = _gap(head_office, "rpo")
    assert gap.required == 4.0 and head_office.before.rpo_hours == 24.0
    assert "is protected by backup every 1 d" in gap.evidence


def test_gaps_are_sorted_by_severity(head_office):
    order = {"critical": 0, "high": 1, "medium": 2, "low": 3}
    ranks = [order[g.severity] for g in head_office.gaps]
    assert ranks == sorted(ranks)


def test_every_option_claim_equals_a_fresh_run_with_its_changes(head_office):
    context = AnalysisContext()
    for gap in head_office.gaps:
        for option in gap.options:
            changed = apply_changes(print_service_topology(), option.part.changes)
            fresh = fresh_figures(changed, HEAD_OFFICE_SERVICE, context)
            assert option.after.availability == pytest.approx(fresh.availability, rel=1e-12)
            assert option.after.rto_hours == fresh.rto_hours
            assert option.after.rpo_hours == fresh.rpo_hours
            assert set(option.after.single_points_of_failure) == set(fresh.single_points_of_failure)


def test_a_gap_nothing_closes_becomes_a_plan_of_action_with_milestones():
    lonely = Topology(
        components=(Component("ups", 0.999, kind="cooling", restore_hours=30.0),),
        services=(Service("svc", ("ups",)),),
    )
    report = analyse_gaps(lonely, "svc", _required(rto=5.0, mtpd=24.0))
    gap = _gap(report, "spof", "ups")
    assert gap.plan_of_action is not None
    assert [m.name for m in gap.plan_of_action.milestones] == list(MILESTONES)
    weeks = [m.due_week for m in gap.plan_of_action.milestones]
    assert weeks == sorted(weeks)
    assert "nothing in the technique catalogue" in gap.plan_of_action.reason


def _three_servers_in_one_building() -> Topology:
    """Three servers the service needs, each losing more than their building does."""
    servers = tuple(
        Component(name, 0.999, kind="server", site="building", restore_hours=4.0)
        for name in ("app", "web", "files")
    )
    return Topology(
        components=servers,
        sites=(Site("building", 0.9995, restore_hours=24.0), Site("second site", 1.0)),
        services=(Service("svc", ("app", "web", "files")),),
    )


def test_a_site_option_tried_for_another_gap_is_offered_when_it_closes_the_availability_gap():
    report = analyse_gaps(
        _three_servers_in_one_building(), "svc", _required(rto=48.0, mtpd=72.0, availability=0.999)
    )
    gap = _gap(report, "availability")
    assert "building" not in gap.elements
    closing = [o for o in gap.options if o.closes_gap]
    assert closing and all(o.target == "building" for o in closing)
    assert all(o.after.availability >= 0.999 for o in closing)
    assert gap.plan_of_action is None


def test_a_plan_of_action_counts_the_single_options_it_tried():
    report = analyse_gaps(
        _three_servers_in_one_building(),
        "svc",
        _required(rto=48.0, mtpd=72.0, availability=0.99999),
        techniques=tuple(t for t in DEFAULT_TECHNIQUES if t.key == "vm-ha"),
    )
    gap = _gap(report, "availability")
    assert gap.plan_of_action is not None
    assert "none of the 3 single catalogue options tried closes it" in (gap.plan_of_action.reason)


def _servers_in_a_rack() -> Topology:
    servers = tuple(
        Component(name, 0.999, kind="server", site="rack", restore_hours=4.0)
        for name in ("app", "web")
    )
    return Topology(
        components=servers,
        sites=(
            Site("building", 0.9999, restore_hours=48.0, kind="building"),
            Site("rack", 0.9995, parent="building", restore_hours=8.0, kind="rack"),
            Site("second site", 1.0, kind="data_centre"),
        ),
        services=(Service("svc", ("app", "web")),),
    )


def test_no_second_site_is_proposed_for_a_rack():
    report = analyse_gaps(_servers_in_a_rack(), "svc", _required(rto=24.0, mtpd=72.0))
    site_keys = {"hot-site", "warm-site", "cold-site"}
    for gap in report.gaps:
        assert not any(o.technique_key in site_keys and o.target == "rack" for o in gap.options)


def test_a_rack_spof_is_closed_by_a_second_site_for_its_building():
    report = analyse_gaps(_servers_in_a_rack(), "svc", _required(rto=24.0, mtpd=72.0))
    gap = _gap(report, "spof", "rack")
    closing = [o for o in gap.options if o.closes_gap]
    assert closing and {o.target for o in closing} == {"building"}
    assert all("rack" not in o.after.single_points_of_failure for o in closing)
    assert gap.plan_of_action is None


def test_gaps_closed_by_an_option_have_no_plan_of_action(head_office):
    assert _gap(head_office, "spof", "san").plan_of_action is None


def test_the_roadmap_covers_every_critical_and_high_gap_and_each_step_moves_it(head_office):
    steps = roadmap([head_office])
    wanted = {g.id for g in head_office.gaps if g.severity in ("critical", "high")}
    assert {s.gap.id for s in steps} == wanted
    for step in steps:
        assert step.remedy != "plan_of_action" or step.plan_of_action is not None
        if step.after is not None:
            assert step.closes_gap or step.gap_closed_percent is not None


def test_the_san_roadmap_step_removes_the_san_as_a_single_point_of_failure(head_office):
    step = next(s for s in roadmap([head_office]) if s.gap.id == "spof:san")
    assert step.after is not None and "san" not in step.after.single_points_of_failure
    assert step.closes_gap


def test_an_availability_gap_appears_when_the_tier_is_not_met():
    required = replace(
        recommend_objectives(print_service_assessment()), required_availability=0.9999
    )
    report = analyse_gaps(print_service_topology(), HEAD_OFFICE_SERVICE, required)
    gap = _gap(report, "availability")
    assert gap.severity in ("high", "critical")
    assert "accounts for" in gap.evidence
    assert gap.options


def test_no_gap_when_the_inventory_meets_the_requirement():
    t = Topology(
        components=(
            Component("a", 0.9999, restore_hours=1.0),
            Component("b", 0.9999, restore_hours=1.0),
        ),
        services=(Service("svc", ("a",)),),
    )
    required = recommend_objectives(
        ImpactAssessment(
            horizons_hours=(24.0, 72.0),
            impacts={"operational": (1, 3)},
            data_loss_tolerance_hours=24.0,
            minimum_service_level_percent=50.0,
        )
    )
    report = analyse_gaps(t, "svc", required)
    assert [g.measure for g in report.gaps] == ["spof"]
    assert report.gaps[0].severity == "medium"


def test_missing_bia_inputs_are_noted_and_only_spofs_are_assessed():
    report = analyse_gaps(
        print_service_topology(), HEAD_OFFICE_SERVICE, recommend_objectives(ImpactAssessment())
    )
    assert {g.measure for g in report.gaps} == {"spof"}
    assert any("impact grid" in note for note in report.notes)


def test_the_branch_is_protected_from_the_san_by_its_site_server():
    report = analyse_gaps(
        print_service_topology(), BRANCH_SERVICE, recommend_objectives(print_branch_assessment())
    )
    assert all(g.element != "san" for g in report.gaps)


def test_a_custom_catalogue_is_used_instead_of_the_default():
    only = Technique(
        "mirror",
        "Mirror everything",
        1,
        0,
        1,
        1,
        ("spof",),
        "add_redundant_peer",
        fits=("storage", "database", "application", "print_server", "network", "printer"),
        peer_site="other",
    )
    report = analyse_gaps(
        print_service_topology(),
        HEAD_OFFICE_SERVICE,
        recommend_objectives(print_service_assessment()),
        techniques=(only,),
    )
    keys = {o.technique_key for g in report.gaps for o in g.options}
    assert keys == {"mirror"}


def test_the_default_catalogue_covers_the_whitepaper_techniques():
    keys = {t.key for t in DEFAULT_TECHNIQUES}
    assert {
        "nlb-active-passive",
        "nlb-active-active",
        "os-clustering",
        "vm-ha",
        "backup-restore",
        "db-sync-replication",
        "db-async-replication",
        "log-shipping",
        "site-server",
        "find-me-pool",
        "hot-site",
        "warm-site",
        "cold-site",
    } <= keys


def _single(restore_hours: float) -> Topology:
    return Topology(
        components=(Component("app", 0.999, restore_hours=restore_hours),),
        services=(Service("svc", ("app",)),),
    )


def _required(rto: float, mtpd: float, availability: float | None = None):
    base = recommend_objectives(print_service_assessment())
    return replace(
        base,
        recommended_rto_hours=rto,
        mtpd_hours=mtpd,
        recommended_rpo_hours=None,
        required_availability=availability,
    )


@pytest.mark.parametrize(
    ("restore", "severity"),
    [(5.4, "low"), (7.0, "medium"), (11.0, "high"), (30.0, "critical")],
)
def test_rto_gap_severity_follows_the_ratio_to_rto_and_the_mtpd(restore, severity):
    report = analyse_gaps(_single(restore), "svc", _required(rto=5.0, mtpd=24.0))
    assert _gap(report, "rto").severity == severity


@pytest.mark.parametrize(
    ("required", "severity"),
    [(0.99905, "low"), (0.9995, "medium"), (0.9998, "high"), (0.99995, "critical")],
)
def test_availability_gap_severity_follows_the_ratio_of_unavailabilities(required, severity):
    report = analyse_gaps(_single(1.0), "svc", _required(rto=5.0, mtpd=24.0, availability=required))
    assert _gap(report, "availability").severity == severity
