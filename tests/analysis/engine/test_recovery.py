"""Elements needed to recover a service: reach time added to the RTO, outside availability."""

from __future__ import annotations

import random

import pytest

from analysis.engine.achievable import achievable_objectives
from analysis.engine.gaps import Requirements, analyse_gaps
from analysis.engine.recovery import recovery_reach, with_recovery
from analysis.engine.topology import Component, Group, Service, Topology


def _people(*people: tuple[str, float]) -> list[Component]:
    return [
        Component(id=name, availability=0.9, kind="person", restore_hours=recall)
        for name, recall in people
    ]


def _print_service(*extra: Component, groups: tuple[Group, ...] = ()) -> Topology:
    san = Component(id="san", availability=0.999, restore_hours=24.0)
    return Topology(
        components=(san, *extra),
        groups=groups,
        services=(Service(id="print", requires=("san",)),),
    )


def test_a_person_with_a_deputy_adds_the_handover_to_the_rto() -> None:
    cover = Group(
        id="cover", mode="active_passive", members=("priya", "tom"), failover_seconds=7200.0
    )
    topology = _print_service(*_people(("priya", 48.0), ("tom", 48.0)), groups=(cover,))
    reach = recovery_reach(topology, "print", ("cover",))
    assert (reach.hours, reach.set_by, reach.single_points_of_failure) == (2.0, "priya", ())
    objectives = with_recovery(achievable_objectives(topology, "print"), reach)
    assert objectives.rto_hours == 26.0
    assert "away, a deputy takes over after a handover of 2 h" in objectives.reasoning[-1]


def test_a_person_without_a_deputy_is_a_single_point_of_failure_for_recovery() -> None:
    topology = _print_service(*_people(("priya", 48.0)))
    reach = recovery_reach(topology, "print", ("priya",))
    assert (reach.hours, reach.single_points_of_failure) == (48.0, ("priya",))
    objectives = with_recovery(achievable_objectives(topology, "print"), reach)
    assert objectives.rto_hours == 72.0
    assert objectives.recovery_single_points_of_failure == ("priya",)


def test_a_need_to_recover_changes_the_rto_but_not_the_availability() -> None:
    topology = _print_service(*_people(("priya", 48.0)))
    plain = analyse_gaps(topology, "print", Requirements(rto_hours=30.0), rank_remedies=False)
    needing = analyse_gaps(
        topology,
        "print",
        Requirements(rto_hours=30.0),
        rank_remedies=False,
        recovery_needs=("priya",),
    )
    assert needing.availability.availability == plain.availability.availability
    assert needing.availability.single_points_of_failure == ("san",)
    assert (plain.before.rto_hours, needing.before.rto_hours) == (24.0, 72.0)
    assert [g.measure for g in plain.gaps if g.measure == "rto"] == []
    rto_gap = next(g for g in needing.gaps if g.measure == "rto")
    assert "recall them or bring in someone else" in rto_gap.evidence


def test_a_role_held_by_two_of_three_needs_two_absences_to_delay_recovery() -> None:
    role = Group(id="role", mode="active_active", members=("a", "b", "c"), k=2)
    topology = _print_service(*_people(("a", 10.0), ("b", 20.0), ("c", 30.0)), groups=(role,))
    reach = recovery_reach(topology, "print", ("role",))
    assert (reach.hours, reach.single_points_of_failure) == (0.0, ())


def test_a_role_held_by_exactly_as_many_as_it_needs_waits_for_the_slowest_recall() -> None:
    role = Group(id="role", mode="active_active", members=("a", "b"), k=2)
    topology = _print_service(*_people(("a", 10.0), ("b", 20.0)), groups=(role,))
    reach = recovery_reach(topology, "print", ("role",))
    assert (reach.hours, reach.set_by) == (20.0, "b")
    assert set(reach.single_points_of_failure) == {"a", "b"}


Groups = dict[str, tuple[int, tuple[str, ...], float, bool]]  # k, members, handover, passive


def _oracle(people: dict[str, float], groups: Groups, needed: str) -> tuple[float, set[str]]:
    """Worst delay over single absences, and who alone leaves nobody, by brute force."""

    def ready(node: str, absent: str) -> bool:
        if node in people:
            return node != absent
        k, members, _, _ = groups[node]
        return sum(ready(m, absent) for m in members) >= k

    def delay(node: str, absent: str) -> float:
        if node in people:
            return people[node] if node == absent else 0.0
        k, members, handover, passive = groups[node]
        delays = sorted(delay(m, absent) for m in members)
        if delays[k - 1] > 0.0:
            return delays[k - 1]
        # Still enough members: only a hit on the active one (passive) costs the handover.
        hit = [delay(m, absent) for m in (members[:1] if passive else members)]
        hit = [d for d in hit if d > 0.0]
        return min(max(hit), handover) if hit else 0.0

    worst = max(delay(needed, person) for person in people)
    alone = {person for person in people if not ready(needed, person)}
    return worst, alone


@pytest.mark.parametrize("seed", range(40))
def test_reach_time_matches_a_brute_force_over_single_absences(seed: int) -> None:
    rng = random.Random(seed)
    names = [f"p{i}" for i in range(rng.randint(1, 5))]
    people = {name: float(rng.choice((4, 24, 48, 72))) for name in names}
    members = tuple(rng.sample(names, rng.randint(1, len(names))))
    k = rng.randint(1, len(members))
    groups: Groups = {"role": (k, members, 0.0, False)}
    engine_groups = (Group(id="role", mode="active_active", members=members, k=k),)
    topology = Topology(
        components=tuple(_people(*people.items())),
        groups=engine_groups,
        services=(),
    )
    reach = recovery_reach(topology, "f", ("role",))
    worst, alone = _oracle(people, groups, "role")
    assert reach.hours == worst
    assert set(reach.single_points_of_failure) == alone


def test_a_chain_of_deputies_costs_at_most_the_first_handover() -> None:
    # Priya → Tom → Uma: Tom's or Uma's absence alone costs nothing while Priya is there.
    people = {"priya": 48.0, "tom": 48.0, "uma": 48.0}
    groups: Groups = {
        "tom_cover": (1, ("tom", "uma"), 3.0, True),
        "cover": (1, ("priya", "tom_cover"), 2.0, True),
    }
    engine_groups = tuple(
        Group(id=key, mode="active_passive", members=members, failover_seconds=handover * 3600)
        for key, (_k, members, handover, _passive) in groups.items()
    )
    topology = Topology(components=tuple(_people(*people.items())), groups=engine_groups)
    reach = recovery_reach(topology, "f", ("cover",))
    assert (reach.hours, set(reach.single_points_of_failure)) == _oracle(people, groups, "cover")
    assert (reach.hours, reach.single_points_of_failure) == (2.0, ())


def test_a_remedys_rto_after_includes_the_time_to_reach_a_deputy() -> None:
    cover = Group(
        id="cover", mode="active_passive", members=("priya", "tom"), failover_seconds=7200.0
    )
    server = Component(id="server", kind="server", availability=0.999, restore_hours=24.0)
    topology = Topology(
        components=(server, *_people(("priya", 48.0), ("tom", 48.0))),
        groups=(cover,),
        services=(Service(id="print", requires=("server",)),),
    )
    report = analyse_gaps(
        topology, "print", Requirements(rto_hours=20.0), recovery_needs=("cover",)
    )
    rto_gap = next(g for g in report.gaps if g.measure == "rto")
    assert report.before.rto_hours == 26.0
    assert rto_gap.options, "a server's restore time has remedies in the default catalogue"
    for option in rto_gap.options:
        assert option.after.objectives.recovery_hours == 2.0
        assert option.after.rto_hours is not None
        assert option.closes_gap == (option.after.rto_hours <= 20.0)
    assert any(o.closes_gap for o in rto_gap.options)


def test_no_remedy_closes_an_rto_gap_while_the_time_to_reach_someone_is_unknown() -> None:
    priya = Component(id="priya", availability=0.9, kind="person", restore_hours=None)
    server = Component(id="server", kind="server", availability=0.999, restore_hours=24.0)
    topology = Topology(
        components=(server, priya), services=(Service(id="print", requires=("server",)),)
    )
    report = analyse_gaps(
        topology, "print", Requirements(rto_hours=20.0), recovery_needs=("priya",)
    )
    rto_gap = next(g for g in report.gaps if g.measure == "rto")
    assert report.before.rto_hours is None
    assert rto_gap.options
    assert all(not o.closes_gap and o.after.rto_hours is None for o in rto_gap.options)
