from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from bcp.concurrency import EditConflict
from bcp.history import UntrackedWriteError
from inventory.models import Component, GroupMember, RedundancyGroup, RunsOn, Site, Technique
from inventory.services.components import component_create, component_update
from inventory.services.groups import group_create, group_update
from inventory.services.sites import site_delete, site_update
from inventory.services.techniques import technique_apply, technique_catalogue_seed
from tests.conftest import PlanPeople
from tests.inventory.factories import (
    ComponentFactory,
    GroupFactory,
    GroupMemberFactory,
    RunsOnFactory,
    SiteFactory,
    TechniqueFactory,
)

pytestmark = pytest.mark.django_db


def _values(**extra: object) -> dict[str, object]:
    return {
        "name": "Print server 1",
        "kind": "print_provider",
        "availability_percent": 99.5,
        **extra,
    }


def test_component_create_records_user_and_reason(people: PlanPeople) -> None:
    component = component_create(
        plan=people.plan, user=people.manager, values=_values(), reason="New print server"
    )
    record = component.history.latest()
    assert record.history_user == people.manager
    assert record.history_change_reason == "New print server"


def test_availability_above_100_is_refused_in_percent_words(people: PlanPeople) -> None:
    with pytest.raises(ValidationError) as excinfo:
        component_create(
            plan=people.plan, user=people.manager, values=_values(availability_percent=100.5)
        )
    assert excinfo.value.message_dict["availability_percent"] == [
        "Availability is a percentage between 0 and 100; got 100.5."
    ]


def test_negative_availability_is_refused(people: PlanPeople) -> None:
    with pytest.raises(ValidationError, match="between 0 and 100"):
        component_create(
            plan=people.plan, user=people.manager, values=_values(availability_percent=-1)
        )


def test_mttr_of_zero_is_refused(people: PlanPeople) -> None:
    values = _values(availability_percent=None, mtbf_hours=4380.0, mttr_hours=0.0)
    with pytest.raises(ValidationError) as excinfo:
        component_create(plan=people.plan, user=people.manager, values=values)
    assert excinfo.value.message_dict["mttr_hours"] == ["MTTR must be greater than 0; got 0."]


def test_a_component_needs_an_availability_or_mtbf_and_mttr(people: PlanPeople) -> None:
    with pytest.raises(ValidationError, match="Give an availability"):
        component_create(
            plan=people.plan, user=people.manager, values=_values(availability_percent=None)
        )


def test_mtbf_and_mttr_are_enough_without_a_percentage(people: PlanPeople) -> None:
    values = _values(availability_percent=None, mtbf_hours=4380.0, mttr_hours=8.0)
    component = component_create(plan=people.plan, user=people.manager, values=values)
    assert component.mtbf_hours == 4380.0


def _runs_on_errors(
    people: PlanPeople, component: Component, runs_on: list[Component | RedundancyGroup]
) -> object:
    """The ``runs_on`` errors refusing the manager's change of what ``component`` runs on."""
    with pytest.raises(ValidationError) as excinfo:
        component_update(
            component=component,
            user=people.manager,
            expected_version=component.version,
            values={},
            runs_on=runs_on,
        )
    return excinfo.value.message_dict["runs_on"]


def test_a_component_cannot_run_on_itself(people: PlanPeople) -> None:
    server = ComponentFactory.create(plan=people.plan, name="App server")
    assert _runs_on_errors(people, server, [server]) == ["“App server” cannot run on itself."]


def test_a_dependency_cycle_is_refused_and_named(people: PlanPeople) -> None:
    app = ComponentFactory.create(plan=people.plan, name="App server")
    vm = ComponentFactory.create(plan=people.plan, name="VM")
    san = ComponentFactory.create(plan=people.plan, name="SAN")
    RunsOnFactory.create(component=app, on_component=vm)
    RunsOnFactory.create(component=vm, on_component=san)
    assert _runs_on_errors(people, san, [app]) == [
        "This would make a dependency cycle: SAN → App server → VM → SAN"
    ]
    assert not RunsOn.objects.filter(component=san).exists()


def test_a_cycle_through_a_group_is_named_too(people: PlanPeople) -> None:
    host = ComponentFactory.create(plan=people.plan, name="Host")
    pool = GroupFactory.create(plan=people.plan, name="Host pool")
    GroupMemberFactory.create(group=pool, component=host)
    assert _runs_on_errors(people, host, [pool]) == [
        "This would make a dependency cycle: Host → Host pool → Host"
    ]


def test_group_needing_more_members_than_it_has_is_refused(people: PlanPeople) -> None:
    a = ComponentFactory.create(plan=people.plan)
    b = ComponentFactory.create(plan=people.plan)
    with pytest.raises(ValidationError) as excinfo:
        group_create(
            plan=people.plan,
            user=people.manager,
            values={"name": "MFD pool", "mode": "active_active", "k": 3},
            members=[a, b],
        )
    assert excinfo.value.message_dict["k"] == [
        "The group needs 3 members up but has only 2; it could never be up."
    ]


def test_active_passive_group_must_need_one_member(people: PlanPeople) -> None:
    a = ComponentFactory.create(plan=people.plan)
    b = ComponentFactory.create(plan=people.plan)
    with pytest.raises(ValidationError, match="k must be 1"):
        group_create(
            plan=people.plan,
            user=people.manager,
            values={"name": "Pair", "mode": "active_passive", "k": 2},
            members=[a, b],
        )


def test_groups_nest_and_keep_member_order(people: PlanPeople) -> None:
    a, b, c = (ComponentFactory.create(plan=people.plan) for _ in range(3))
    inner = group_create(
        plan=people.plan,
        user=people.manager,
        values={"name": "Inner", "mode": "active_active", "k": 1},
        members=[b, c],
    )
    outer = group_create(
        plan=people.plan,
        user=people.manager,
        values={"name": "Outer", "mode": "active_passive", "k": 1, "failover_seconds": 60.0},
        members=[a, inner],
    )
    assert [m.target for m in outer.members.order_by("position")] == [a, inner]


def test_a_group_cannot_contain_a_group_that_contains_it(people: PlanPeople) -> None:
    a = ComponentFactory.create(plan=people.plan)
    outer = GroupFactory.create(plan=people.plan, name="Outer")
    inner = GroupFactory.create(plan=people.plan, name="Inner")
    GroupMemberFactory.create(group=outer, member_group=inner)
    GroupMemberFactory.create(group=inner, component=a)
    with pytest.raises(ValidationError, match="Inner → Outer → Inner"):
        group_update(
            group=inner,
            user=people.manager,
            expected_version=inner.version,
            values={},
            members=[a, outer],
        )


def test_component_and_group_names_cannot_clash(people: PlanPeople) -> None:
    GroupFactory.create(plan=people.plan, name="Print providers")
    with pytest.raises(ValidationError, match="redundancy group named “Print providers”"):
        component_create(
            plan=people.plan, user=people.manager, values=_values(name="Print providers")
        )


def test_sites_cannot_contain_each_other(people: PlanPeople) -> None:
    building = SiteFactory.create(plan=people.plan, name="Building")
    room = SiteFactory.create(plan=people.plan, name="Room", parent=building)
    with pytest.raises(ValidationError, match="Building → Room → Building"):
        site_update(
            site=building,
            user=people.manager,
            expected_version=building.version,
            values={"parent": room},
        )


def test_a_site_that_still_holds_components_is_not_removed(people: PlanPeople) -> None:
    site = SiteFactory.create(plan=people.plan, name="Rack A1")
    ComponentFactory.create(plan=people.plan, name="SAN", site=site)
    with pytest.raises(ValidationError, match="still holds SAN"):
        site_delete(site=site, user=people.manager)
    assert Site.objects.filter(pk=site.pk).exists()


def test_stale_component_edit_is_refused(people: PlanPeople) -> None:
    server = ComponentFactory.create(plan=people.plan, owner="Infra")
    start = server.version
    component_update(
        component=server, user=people.manager, expected_version=start, values={"owner": "Ops"}
    )
    with pytest.raises(EditConflict):
        component_update(
            component=server, user=people.manager, expected_version=start, values={"owner": "Me"}
        )
    assert Component.objects.get(pk=server.pk).owner == "Ops"


def test_applying_a_technique_prefills_recovery_capability(people: PlanPeople) -> None:
    technique = TechniqueFactory.create(
        plan=people.plan,
        name="Asynchronous database replication",
        failover_seconds=300.0,
        replication="async",
        replication_lag_seconds=60.0,
    )
    database = ComponentFactory.create(plan=people.plan, kind="database")
    updated = technique_apply(
        technique=technique, target=database, user=people.manager, expected_version=database.version
    )
    assert isinstance(updated, Component)
    assert (updated.failover_seconds, updated.replication, updated.replication_lag_seconds) == (
        300.0,
        "async",
        60.0,
    )
    assert updated.technique == technique
    assert "Asynchronous database replication" in updated.history.latest().history_change_reason


def test_applying_an_active_passive_technique_turns_a_group_into_a_pair(people: PlanPeople) -> None:
    technique = TechniqueFactory.create(
        plan=people.plan, group_mode="active_passive", failover_seconds=120.0
    )
    group = GroupFactory.create(plan=people.plan, mode="active_active", k=1)
    GroupMemberFactory.create(group=group, component=ComponentFactory.create(plan=people.plan))
    updated = technique_apply(
        technique=technique, target=group, user=people.manager, expected_version=group.version
    )
    assert (updated.mode, updated.failover_seconds) == ("active_passive", 120.0)  # type: ignore[union-attr]


def test_catalogue_seed_adds_the_whitepaper_techniques_once(people: PlanPeople) -> None:
    added = technique_catalogue_seed(plan=people.plan, user=people.manager)
    again = technique_catalogue_seed(plan=people.plan, user=people.manager)
    keys = set(Technique.objects.filter(plan=people.plan).values_list("key", flat=True))
    assert added == len(keys) and again == 0
    assert {"find-me-pool", "site-server", "log-shipping", "hot-site", "cold-site"} <= keys
    assert {"nlb-round-robin", "nlb-least-connection", "nlb-server-affinity"} <= keys


def test_links_refuse_bulk_writes_that_history_cannot_see(people: PlanPeople) -> None:
    with pytest.raises(UntrackedWriteError):
        GroupMember.objects.filter(group__plan=people.plan).update(position=3)
