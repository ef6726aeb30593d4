"""Complete coverage: every model of ours is tracked, chained and attributed to a plan."""

from __future__ import annotations

import uuid

import pytest
from django.apps import apps

from audit.models import ChainEntry
from audit.tracking import history_model, plan_path, tracked_models
from bcp import services
from bcp.history import change_context
from bcp.models import Membership, Plan, Role
from bcp.selectors import PLANNING_APPS
from tests.bcp.test_history import UNTRACKED as FOUNDATION_UNTRACKED
from tests.conftest import PlanPeople
from tests.factories import UserFactory

# Models of ours that are deliberately not tracked, each with the reason. Other
# apps register theirs in the foundation's list, which this test shares.
UNTRACKED = {
    **FOUNDATION_UNTRACKED,
    "audit.ChainEntry": "the hash chain over history itself; append-only",
}


def _our_models() -> list[str]:
    return [
        model._meta.label
        for model in apps.get_models()
        if model._meta.app_label in PLANNING_APPS
        and not hasattr(model, "instance_type")
        and not model._meta.auto_created
    ]


def test_every_model_of_ours_is_tracked_or_listed_with_a_reason() -> None:
    tracked = {model._meta.label for model in tracked_models()}
    untracked = [label for label in _our_models() if label not in tracked | set(UNTRACKED)]
    assert not untracked, f"Models without change history: {untracked}"


def test_every_tracked_model_has_ticket_and_batch_columns_in_its_history() -> None:
    missing = [
        model._meta.label
        for model in tracked_models()
        if not {"history_ticket", "history_batch"}
        <= {f.name for f in history_model(model)._meta.fields}
    ]
    assert not missing, f"History tables without ticket/batch: {missing}"


def test_every_tracked_model_of_ours_leads_to_a_plan() -> None:
    orphans = [
        model._meta.label
        for model in tracked_models()
        if model._meta.app_label in PLANNING_APPS and plan_path(model) is None
    ]
    assert not orphans, f"Tracked models whose history cannot be shown on a plan: {orphans}"


@pytest.mark.django_db
def test_create_update_and_delete_are_each_chained_with_user_reason_and_ticket(
    people: PlanPeople,
) -> None:
    newcomer = UserFactory.create(username="fiona")
    membership = services.membership_add(
        plan=people.plan,
        user=people.manager,
        member=newcomer,
        role=Role.STAKEHOLDER,
        reason="Finance joins",
    )
    services.membership_change_role(
        membership=membership,
        user=people.manager,
        role=Role.AUDITOR,
        expected_version=membership.version,
        reason="Now reviews evidence",
    )
    services.membership_remove(
        membership=Membership.objects.get(pk=membership.pk), user=people.manager, reason="Left"
    )
    entries = list(
        ChainEntry.objects.filter(model_label="bcp.Membership", object_id=str(membership.pk))
        .order_by("seq")
        .values_list("history_type", "user_id", "reason", "plan_id")
    )
    assert entries == [
        ("+", people.manager.pk, "Finance joins", people.plan.pk),
        ("~", people.manager.pk, "Now reviews evidence", people.plan.pk),
        ("-", people.manager.pk, "Left", people.plan.pk),
    ]


@pytest.mark.django_db
def test_changes_made_in_one_batch_share_its_batch_id(people: PlanPeople) -> None:
    batch = uuid.uuid4()
    with change_context(user=people.manager, reason="Import", ticket="CHG-7", batch=batch):
        first = Plan.objects.create(name="A", organisation="Northbridge College")
        second = Plan.objects.create(name="B", organisation="Northbridge College")
    batched = ChainEntry.objects.filter(batch=batch)
    assert sorted(batched.values_list("object_id", flat=True)) == sorted(
        [str(first.pk), str(second.pk)]
    )
    assert set(batched.values_list("ticket", flat=True)) == {"CHG-7"}


@pytest.mark.django_db
def test_an_import_records_one_entry_per_changed_object_under_one_batch(
    people: PlanPeople,
) -> None:
    from inventory.exchange.applying import inventory_import_apply
    from inventory.exchange.exporting import export_xlsx
    from inventory.exchange.reading import read_file
    from tests.audit import factories

    source = Plan.objects.create(name="Source", organisation="Northbridge College")
    site = factories.site(source, people.manager, name="Head office data centre")
    for name in ("Print server A", "Print server B"):
        factories.component(source, people.manager, name=name, site=site, availability_percent=99.5)
    parsed = read_file("inventory.xlsx", export_xlsx(source))
    before = ChainEntry.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    result = inventory_import_apply(
        plan=people.plan, parsed=parsed, user=people.manager, ticket="CHG-88"
    )
    imported = ChainEntry.objects.filter(seq__gt=before)
    assert imported.count() == result.created + result.updated >= 3
    assert set(imported.values_list("batch", flat=True)) == {result.batch}
    assert set(imported.values_list("user_id", "ticket", "plan_id")) == {
        (people.manager.pk, "CHG-88", people.plan.pk)
    }
    assert imported.filter(model_label="inventory.Component").count() == 2
