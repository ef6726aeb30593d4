"""Appending a batch to the chain in one pass keeps every guarantee of row-by-row appends."""

from __future__ import annotations

import json
from typing import Any

import pytest

from audit.chain import chain_batch
from audit.models import ChainEntry
from audit.verify import verify_chain
from bcp.history import UntrackedWriteError, change_context, tracked_bulk_create
from inventory.exchange.applying import inventory_import_apply
from inventory.exchange.document import SCHEMA
from inventory.exchange.reading import read_file
from inventory.models import Component, Site
from tests.audit.tamper import tamper
from tests.conftest import PlanPeople
from tests.inventory.factories import ComponentFactory

pytestmark = pytest.mark.django_db

COMPONENTS = 300


def _import(people: PlanPeople, count: int) -> Any:
    components = [
        {"name": "SAN", "kind": "storage", "availability_percent": 99.99},
        *(
            {"name": f"VM {n}", "kind": "vm", "availability_percent": 99.9, "runs_on": ["SAN"]}
            for n in range(count - 1)
        ),
    ]
    data = json.dumps({"schema": SCHEMA, "components": components}).encode()
    return inventory_import_apply(
        plan=people.plan, parsed=read_file("c.json", data), user=people.manager, ticket="CHG-9"
    )


def test_an_import_is_chained_in_order_and_verifies(people: PlanPeople) -> None:
    before = ChainEntry.objects.count()
    result = _import(people, COMPONENTS)
    entries = ChainEntry.objects.filter(seq__gt=before).order_by("seq")
    # Each component and each "runs on" link: one history row, one chain entry.
    assert entries.count() == 2 * COMPONENTS - 1
    assert {e.batch for e in entries} == {result.batch}
    assert {(e.plan_id, e.user_id, e.ticket) for e in entries} == {
        (people.plan.pk, people.manager.pk, "CHG-9")
    }
    link = entries.filter(model_label="inventory.RunsOn").first()
    assert link is not None and link.object_repr == "VM 0 runs on SAN"
    report = verify_chain()
    assert report.ok, report.summary


def test_chaining_an_import_takes_the_same_number_of_queries_whatever_its_size(
    people: PlanPeople, django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(80):
        _import(people, COMPONENTS)


def test_a_history_row_of_a_batch_edited_afterwards_is_found(people: PlanPeople) -> None:
    _import(people, 20)
    table = Component.history.model._meta.db_table
    tamper(table, "UPDATE {table} SET owner = 'Mallory' WHERE name = %s", ["VM 7"])
    report = verify_chain(check_live=False)
    assert [p.kind for p in report.problems] == ["content changed"]


def test_a_chain_entry_of_a_batch_deleted_afterwards_is_found(people: PlanPeople) -> None:
    _import(people, 20)
    last = ChainEntry.objects.order_by("-seq").first()
    assert last is not None
    tamper(ChainEntry._meta.db_table, "DELETE FROM {table} WHERE seq = %s", [last.seq - 3])
    report = verify_chain(check_live=False)
    assert not report.ok


def test_nothing_is_chained_when_the_batch_fails(people: PlanPeople) -> None:
    before = ChainEntry.objects.count()
    with pytest.raises(RuntimeError), chain_batch():
        with change_context(user=people.manager, reason="test"):
            ComponentFactory.create(plan=people.plan)
        raise RuntimeError("the import stops here")
    assert ChainEntry.objects.count() == before


def test_a_bulk_write_needs_an_actor(people: PlanPeople) -> None:
    with pytest.raises(UntrackedWriteError, match="change_context"):
        tracked_bulk_create(Site, [Site(plan=people.plan, name="Room")])
    assert not Site.objects.filter(plan=people.plan).exists()


def test_bulk_rows_whose_values_the_database_changes_are_chained_as_read_back(
    people: PlanPeople,
) -> None:
    # An int in a float column comes back as 8760.0 and a string in a decimal column as
    # Decimal("1200.50"): hashed as written they would not verify, so they are read back.
    odd = Component(
        plan=people.plan, name="Odd", kind="server", mtbf_hours=8760, cost_per_year="1200.5"
    )
    plain = Component(plan=people.plan, name="Plain", kind="server", mtbf_hours=8760.0)
    with chain_batch(), change_context(user=people.manager, reason="bulk"):
        tracked_bulk_create(Component, [odd, plain])
    report = verify_chain()
    assert report.ok, report.summary
