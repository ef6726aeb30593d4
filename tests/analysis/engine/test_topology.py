from __future__ import annotations

import json

import pytest

from analysis.engine.examples import print_service_topology
from analysis.engine.topology import (
    Component,
    Group,
    Service,
    Site,
    Topology,
    TopologyError,
    effective_availability,
)
from analysis.engine.topology_io import parse_topology, topology_to_dict
from analysis.engine.validation import topology_errors, validate_topology


def _error(topology: Topology) -> TopologyError:
    with pytest.raises(TopologyError) as caught:
        validate_topology(topology)
    return caught.value


def test_availability_comes_from_mtbf_and_mttr_when_not_given():
    assert effective_availability(Component("a", mtbf_hours=4_380, mttr_hours=8)) == pytest.approx(
        4_380 / 4_388
    )


def test_a_given_availability_wins_over_mtbf():
    assert effective_availability(Component("a", 0.9, mtbf_hours=99, mttr_hours=1)) == 0.9


def test_the_print_example_is_valid():
    validate_topology(print_service_topology())


def test_an_unknown_group_member_is_named_with_its_path():
    t = Topology(
        components=(Component("a", 0.9), Component("b", 0.9)),
        groups=(
            Group("g0", "active_active", ("a",)),
            Group("g1", "active_active", ("a",)),
            Group("g2", "active_active", ("a", "ghost")),
        ),
    )
    error = _error(t)
    assert error.code == "unknown_id"
    assert error.path == "groups[2].members[1]"
    assert "'ghost'" in error.message and "'g2'" in error.message


def test_an_unknown_site_is_reported():
    error = _error(Topology(components=(Component("a", 0.9, site="nowhere"),)))
    assert (error.code, error.path) == ("unknown_id", "components[0].site")


def test_runs_on_a_site_id_says_to_use_the_site_field():
    t = Topology(components=(Component("a", 0.9, runs_on=("dc",)),), sites=(Site("dc"),))
    error = _error(t)
    assert error.code == "unknown_id"
    assert "which is a site" in error.message


def test_a_dependency_cycle_is_spelled_out():
    t = Topology(
        components=(
            Component("a", 0.9, runs_on=("b",)),
            Component("b", 0.9, runs_on=("c",)),
            Component("c", 0.9, runs_on=("a",)),
        )
    )
    error = _error(t)
    assert error.code == "cycle"
    assert "a → b → c → a" in error.message
    assert error.path == "components[2].runs_on[0]"


def test_a_cycle_through_groups_and_services_is_found():
    t = Topology(
        components=(Component("a", 0.9, runs_on=("svc",)),),
        groups=(Group("g", "active_active", ("a",)),),
        services=(Service("svc", ("g",)),),
    )
    error = _error(t)
    assert error.code == "cycle"
    assert "a → svc → g → a" in error.message


def test_sites_nested_in_a_loop_are_a_cycle():
    t = Topology(components=(), sites=(Site("x", parent="y"), Site("y", parent="x")))
    error = _error(t)
    assert error.code == "cycle"
    assert "x → y → x" in error.message


def test_a_component_running_on_itself_is_refused():
    error = _error(Topology(components=(Component("a", 0.9, runs_on=("a",)),)))
    assert error.code == "runs_on_itself"
    assert error.path == "components[0].runs_on[0]"
    assert "'a' runs on itself" in error.message


@pytest.mark.parametrize(
    ("group", "code", "said"),
    [
        pytest.param(
            Group("pair", "active_active", ("a", "b"), k=3),
            "k_greater_than_n",
            "needs 3 of 2 members",
            id="k larger than the group",
        ),
        pytest.param(
            Group("g", "active_passive", ("a", "b"), k=2),
            "invalid_k",
            "active_passive",
            id="active_passive groups must have k one",
        ),
    ],
)
def test_a_k_a_pair_of_members_cannot_meet_is_refused(group, code, said):
    t = Topology(components=(Component("a", 0.9), Component("b", 0.9)), groups=(group,))
    error = _error(t)
    assert error.code == code
    assert said in error.message


def test_k_below_one_is_refused():
    t = Topology(
        components=(Component("a", 0.9),), groups=(Group("g", "active_active", ("a",), k=0),)
    )
    error = _error(t)
    assert (error.code, error.path) == ("invalid_k", "groups[0].k")


@pytest.mark.parametrize("bad", [1.5, -0.01, 99.9])
def test_availability_out_of_range_is_refused(bad):
    error = _error(Topology(components=(Component("a", bad),)))
    assert error.code == "availability_out_of_range"
    assert error.path == "components[0].availability"
    assert repr(bad) in error.message


def test_site_availability_out_of_range_is_refused():
    error = _error(Topology(components=(), sites=(Site("dc", availability=2.0),)))
    assert (error.code, error.path) == ("availability_out_of_range", "sites[0].availability")


def test_an_id_used_twice_names_both_places():
    t = Topology(components=(Component("a", 0.9),), groups=(Group("a", "active_active", ("a",)),))
    error = _error(t)
    assert error.code == "duplicate_id"
    assert "components[0].id" in error.message
    assert error.path == "groups[0].id"


def test_a_component_without_any_availability_is_refused():
    error = _error(Topology(components=(Component("a", mtbf_hours=100),)))
    assert error.code == "missing_availability"
    assert "mttr_hours is missing" in error.message


@pytest.mark.parametrize(("mtbf", "mttr", "field"), [(0, 1, "mtbf_hours"), (10, -1, "mttr_hours")])
def test_mtbf_and_mttr_must_be_positive(mtbf, mttr, field):
    error = _error(Topology(components=(Component("a", mtbf_hours=mtbf, mttr_hours=mttr),)))
    assert error.code == "invalid_mttr"
    assert error.path == f"components[0].{field}"


def test_all_problems_are_listed_at_once():
    t = Topology(
        components=(Component("a", 2.0), Component("b", runs_on=("b",))),
        groups=(Group("g", "active_active", ("a", "zzz"), k=5),),
    )
    codes = [e.code for e in topology_errors(t)]
    assert codes == [
        "availability_out_of_range",
        "missing_availability",
        "runs_on_itself",
        "k_greater_than_n",
        "unknown_id",
    ]


def test_the_json_shape_round_trips():
    t = print_service_topology()
    assert parse_topology(json.loads(json.dumps(topology_to_dict(t)))) == t


def test_the_json_shape_is_parsed_into_a_topology():
    t = parse_topology(
        {
            "year_days": 365,
            "method": "exact",
            "sites": [{"id": "dc", "availability": 0.9999}],
            "components": [
                {"id": "san", "availability": 0.9999, "site": "dc"},
                {"id": "app", "mtbf_hours": 1000, "mttr_hours": 2, "runs_on": ["san"]},
            ],
            "groups": [{"id": "g", "mode": "active_passive", "members": ["app"], "k": 1}],
            "services": [{"id": "svc", "requires": ["g"]}],
        }
    )
    assert t.year_days == 365.0
    assert t.method == "exact"
    assert t.components[1].runs_on == ("san",)


def test_a_malformed_field_is_reported_with_its_path():
    with pytest.raises(TopologyError) as caught:
        parse_topology({"components": [{"id": "a", "availability": "high"}]})
    assert (caught.value.code, caught.value.path) == ("invalid", "components[0].availability")


def test_an_unknown_key_is_refused_rather_than_ignored():
    with pytest.raises(TopologyError, match="unknown key"):
        parse_topology({"components": [{"id": "a", "availabilty": 0.9}]})


def test_a_bad_group_mode_is_reported():
    with pytest.raises(TopologyError) as caught:
        parse_topology(
            {
                "components": [{"id": "a", "availability": 0.9}],
                "groups": [{"id": "g", "mode": "mirror", "members": ["a"]}],
            }
        )
    assert caught.value.path == "groups[0].mode"


def test_a_percentage_in_json_is_refused_as_out_of_range():
    with pytest.raises(TopologyError) as caught:
        parse_topology({"components": [{"id": "a", "availability": 99.9}]})
    assert caught.value.code == "availability_out_of_range"
