"""Drift: live rows changed, deleted or created behind the application's back are reported."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from audit.drift import CHANGED, CREATED, DELETED, RESURRECTED
from audit.models import ChainEntry
from audit.verify import verify_chain
from bcp.history import change_context
from inventory.models import Component, Site
from tests.audit import factories
from tests.audit.tamper import drop_newest_entry_with_its_row
from tests.conftest import PlanPeople

pytestmark = pytest.mark.django_db

COMPONENTS = Component._meta.db_table
SITES = Site._meta.db_table


def _raw(sql: str, params: list[Any]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _insert_site(values: dict[str, object]) -> None:
    """A plain INSERT into the live table, as a database session would do it."""
    columns = [f for f in Site._meta.concrete_fields if f.attname in values]
    names = ", ".join(connection.ops.quote_name(f.get_attname_column()[1] or "") for f in columns)
    prepared = [f.get_db_prep_save(values[f.attname], connection) for f in columns]
    _raw(f"INSERT INTO {SITES} ({names}) VALUES ({', '.join(['%s'] * len(columns))})", prepared)


def _values(site: Site, **changes: object) -> dict[str, object]:
    values = {f.attname: getattr(site, f.attname) for f in Site._meta.concrete_fields}
    return {**values, **changes}


def test_live_data_written_through_the_application_matches_its_history(
    people: PlanPeople,
) -> None:
    component = factories.component(people.plan, people.manager, availability_percent=99.9)
    factories.changed(component, people.manager, "Moved", owner="Facilities")
    site = factories.site(people.plan, people.manager)
    with change_context(user=people.manager, reason="Closed"):
        site.delete()
    report = verify_chain()
    assert report.ok, report.summary
    assert report.live_checked
    assert report.live_rows >= 3
    assert "The live data matches its history" in report.summary


def test_an_update_on_a_live_table_is_reported_by_table_and_id(people: PlanPeople) -> None:
    component = factories.component(people.plan, people.manager, availability_percent=99.9)
    _raw(f"UPDATE {COMPONENTS} SET availability_percent = 50 WHERE id = %s", [component.pk])
    report = verify_chain()
    assert report.chain_ok, "history itself was not touched"
    assert not report.ok
    assert report.drift_by_table == {COMPONENTS: 1}
    [drift] = report.drift
    assert (drift.kind, drift.table, drift.object_id) == (CHANGED, COMPONENTS, component.pk)
    assert drift.plan_id == people.plan.pk
    assert "availability (%) (availability_percent) is 50.0 in the table but 99.9" in drift.detail
    latest = ChainEntry.objects.filter(model_label="inventory.Component").order_by("-seq")[0]
    assert drift.seq == latest.seq
    assert f"{COMPONENTS}: 1" in report.summary


def test_a_delete_on_a_live_table_is_reported(people: PlanPeople) -> None:
    site = factories.site(people.plan, people.manager)
    _raw(f"DELETE FROM {SITES} WHERE id = %s", [site.pk])
    [drift] = verify_chain().drift
    assert (drift.kind, drift.table, drift.object_id) == (DELETED, SITES, site.pk)
    assert "gone from the table" in drift.detail


def test_a_row_inserted_into_a_live_table_without_history_is_reported(
    people: PlanPeople,
) -> None:
    site = factories.site(people.plan, people.manager)
    values = _values(site, name="Unrecorded room")
    del values["id"]
    _insert_site(values)
    unrecorded = Site.objects.get(name="Unrecorded room")
    [drift] = verify_chain().drift
    assert (drift.kind, drift.object_id, drift.seq) == (CREATED, unrecorded.pk, None)


def test_a_deleted_row_put_back_without_history_is_reported(people: PlanPeople) -> None:
    site = factories.site(people.plan, people.manager)
    values = _values(site)
    with change_context(user=people.manager, reason="Closed"):
        site.delete()
    _insert_site(values)
    [drift] = verify_chain().drift
    assert drift.kind == RESURRECTED


def test_removing_the_newest_history_row_and_its_entry_shows_as_drift(
    people: PlanPeople,
) -> None:
    component = factories.component(people.plan, people.manager, owner="IT")
    factories.changed(component, people.manager, "Handed over", owner="Facilities")
    drop_newest_entry_with_its_row(Component.history.model._meta.db_table)
    report = verify_chain()
    assert report.chain_ok, "the chain alone cannot tell its newest entry is gone"
    [drift] = report.drift
    assert (drift.kind, drift.object_id) == (CHANGED, component.pk)
    assert "Facilities in the table but IT in its history" in drift.detail


def test_the_command_fails_and_lists_drift_by_table_and_id(people: PlanPeople) -> None:
    component = factories.component(people.plan, people.manager, availability_percent=99.9)
    _raw(f"UPDATE {COMPONENTS} SET availability_percent = 50 WHERE id = %s", [component.pk])
    errors = io.StringIO()
    with pytest.raises(CommandError, match="live data differs from its history in 1 row") as caught:
        call_command("verify_history", "--all", stderr=errors)
    assert caught.value.returncode == 1
    assert f"{COMPONENTS} #{component.pk}" in errors.getvalue()
    out = io.StringIO()
    call_command("verify_history", "--chain-only", stdout=out)
    assert "History intact" in out.getvalue()
    assert "not compared" in out.getvalue()
