"""Rollback: restore an earlier version as a recorded change, refusing what would break."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.db import models
from django.urls import reverse

from audit.models import ChainEntry
from audit.rollback import RollbackConflict, RollbackRefused, object_rollback, rollback_preview
from bcp import services
from bcp.history import change_context
from bcp.models import Plan
from inventory.models import Component, Site
from tests.audit import factories
from tests.conftest import PlanPeople, client_for
from tests.factories import MembershipFactory, PlanFactory

pytestmark = pytest.mark.django_db


def _versions(model: Any, pk: int) -> list[Any]:
    return list(model.history.filter(id=pk).order_by("history_id"))


def _edit(obj: Any, user: Any, reason: str, **changes: Any) -> Any:
    from bcp.concurrency import save_if_current

    with change_context(user=user, reason=reason):
        return save_if_current(obj, expected_version=obj.version, changes=changes)


def _manager_restores(
    people: PlanPeople, history_id: int, version: int, **options: Any
) -> models.Model:
    """The manager rolls a component of the plan back to its history row ``history_id``,
    having seen the component at ``version`` (0: it is deleted)."""
    return object_rollback(
        plan=people.plan,
        user=people.manager,
        model=Component,
        history_id=history_id,
        expected_version=version,
        **options,
    )


def test_a_manager_restores_an_earlier_version_as_a_recorded_change(people: PlanPeople) -> None:
    component = factories.component(people.plan, people.manager, owner="Print team")
    _edit(component, people.manager, "Handed over", owner="Facilities")
    first = _versions(Component, component.pk)[0]
    restored = _manager_restores(
        people, first.history_id, 2, reason="Handover cancelled", ticket="CHG-12"
    )
    assert isinstance(restored, Component)
    assert restored.owner == "Print team"
    assert restored.version == 3
    entry = ChainEntry.objects.order_by("-seq").first()
    assert entry is not None
    assert entry.reason == (
        f"Rolled back to version 1 (history #{first.history_id}): Handover cancelled"
    )
    assert (entry.user_id, entry.ticket, entry.history_type) == (people.manager.pk, "CHG-12", "~")


def test_the_preview_lists_what_would_change(people: PlanPeople) -> None:
    component = factories.component(people.plan, people.manager, owner="Print team")
    _edit(component, people.manager, "Handed over", owner="Facilities")
    preview = rollback_preview(
        plan=people.plan,
        model=Component,
        history_id=_versions(Component, component.pk)[0].history_id,
    )
    assert [(c.label, c.old, c.new) for c in preview.changes] == [
        ("Owner", "Facilities", "Print team")
    ]
    assert preview.expected_version == 2


def test_a_rollback_after_someone_else_changed_the_record_asks_again(people: PlanPeople) -> None:
    component = factories.component(people.plan, people.manager, owner="Print team")
    _edit(component, people.manager, "Handed over", owner="Facilities")
    first = _versions(Component, component.pk)[0]
    _edit(Component.objects.get(pk=component.pk), people.manager, "Meanwhile", owner="Vendor")
    with pytest.raises(RollbackConflict, match="changed by"):
        _manager_restores(people, first.history_id, 2)
    assert Component.objects.get(pk=component.pk).owner == "Vendor"


def _moved_off_a_deleted_site(people: PlanPeople) -> tuple[Component, Site, Site]:
    """A component moved from the branch site to head office, then the branch site deleted:
    its first version names a site that no longer exists."""
    old_site = factories.site(people.plan, people.manager, name="Branch site server room")
    new_site = factories.site(people.plan, people.manager, name="Head office")
    component = factories.component(people.plan, people.manager, site=old_site)
    _edit(component, people.manager, "Moved", site=new_site)
    with change_context(user=people.manager, reason="Branch closed"):
        Site.objects.get(pk=old_site.pk).delete()
    return component, old_site, new_site


def test_a_version_referring_to_a_deleted_site_is_refused_naming_it(people: PlanPeople) -> None:
    component, _, new_site = _moved_off_a_deleted_site(people)
    first = _versions(Component, component.pk)[0]
    with pytest.raises(RollbackRefused, match="Branch site server room") as refused:
        _manager_restores(people, first.history_id, 2)
    assert [(m.model_label, m.restorable) for m in refused.value.missing] == [
        ("inventory.Site", True)
    ]
    assert Component.objects.get(pk=component.pk).site_id == new_site.pk


def test_restoring_the_deleted_site_too_makes_the_rollback_possible(people: PlanPeople) -> None:
    component, old_site, _ = _moved_off_a_deleted_site(people)
    _manager_restores(
        people, _versions(Component, component.pk)[0].history_id, 2, restore_missing=True
    )
    assert Site.objects.get(pk=old_site.pk).name == "Branch site server room"
    assert Component.objects.get(pk=component.pk).site_id == old_site.pk
    site_entry = ChainEntry.objects.filter(model_label="inventory.Site").order_by("-seq").first()
    component_entry = ChainEntry.objects.order_by("-seq").first()
    assert site_entry is not None and component_entry is not None
    assert site_entry.history_type == "+"
    assert site_entry.reason.startswith("Restored from version 1")
    assert site_entry.batch == component_entry.batch


def test_a_deleted_record_is_re_created_from_its_last_version(people: PlanPeople) -> None:
    component = factories.component(people.plan, people.manager, owner="Print team")
    pk = component.pk
    with change_context(user=people.manager, reason="Decommissioned"):
        component.delete()
    last = _versions(Component, pk)[-1]
    restored = _manager_restores(people, last.history_id, 0)
    assert restored.pk == pk
    assert Component.objects.get(pk=pk).owner == "Print team"
    assert Component.objects.get(pk=pk).version == 2


def test_a_rollback_that_would_duplicate_a_name_is_refused(people: PlanPeople) -> None:
    component = factories.component(people.plan, people.manager, name="Print server A")
    _edit(component, people.manager, "Renamed", name="Print server B")
    factories.component(people.plan, people.manager, name="Print server A")
    with pytest.raises(RollbackRefused, match="would break a rule"):
        _manager_restores(people, _versions(Component, component.pk)[0].history_id, 2)


def test_a_version_of_another_plan_is_refused(people: PlanPeople) -> None:
    other = PlanFactory.create()
    with pytest.raises(PermissionDenied):
        rollback_preview(
            plan=people.plan, model=Plan, history_id=_versions(Plan, other.pk)[0].history_id
        )


def _rollback_url(plan_pk: int, label: str, object_id: int, history_id: int) -> str:
    return reverse(
        "audit_rollback",
        kwargs={
            "plan_pk": plan_pk,
            "model_label": label,
            "object_id": str(object_id),
            "history_id": history_id,
        },
    )


def test_the_rollback_page_refuses_a_version_of_another_plan_with_403(people: PlanPeople) -> None:
    other = PlanFactory.create()
    MembershipFactory.create(plan=other, user=people.manager)
    version = _versions(Plan, other.pk)[0]
    url = _rollback_url(people.plan.pk, "bcp.Plan", other.pk, version.history_id)
    assert client_for(people.manager).get(url).status_code == 403
    assert client_for(people.manager).post(url, {"expected_version": 1}).status_code == 403


def test_the_rollback_page_refuses_an_auditor_with_403(people: PlanPeople) -> None:
    version = _versions(Plan, people.plan.pk)[0]
    url = _rollback_url(people.plan.pk, "bcp.Plan", people.plan.pk, version.history_id)
    response = client_for(people.auditor).post(url, {"expected_version": 1})
    assert response.status_code == 403


def test_a_manager_previews_and_restores_through_the_page(people: PlanPeople) -> None:
    plan = Plan.objects.get(pk=people.plan.pk)
    services.plan_update(
        plan=plan, user=people.manager, expected_version=plan.version, scope="Head office only"
    )
    first = _versions(Plan, plan.pk)[0]
    url = _rollback_url(plan.pk, "bcp.Plan", plan.pk, first.history_id)
    client = client_for(people.manager)
    preview = client.get(url)
    assert preview.status_code == 200
    assert b"Head office only" in preview.content
    response = client.post(url, {"expected_version": 2, "reason": "Branch is back in scope"})
    assert response.status_code == 302
    assert Plan.objects.get(pk=plan.pk).scope == first.scope


def test_the_page_asks_again_when_the_record_changed_after_the_preview(people: PlanPeople) -> None:
    plan = Plan.objects.get(pk=people.plan.pk)
    first = _versions(Plan, plan.pk)[0]
    services.plan_update(
        plan=plan, user=people.manager, expected_version=plan.version, scope="Changed meanwhile"
    )
    url = _rollback_url(plan.pk, "bcp.Plan", plan.pk, first.history_id)
    response = client_for(people.manager).post(url, {"expected_version": 1, "reason": "Undo"})
    assert response.status_code == 409
    assert b"Someone changed this record" in response.content
    assert b'name="expected_version" value="2"' in response.content
    assert b'value="Undo"' in response.content
