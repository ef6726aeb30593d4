"""The hash chain: every history row is linked, and edits, deletions and insertions show."""

from __future__ import annotations

import datetime as dt
import decimal
import io
import itertools
import uuid
from typing import Unpack

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.utils import DatabaseError

from audit.chain import content_hash_of, content_of
from audit.models import GENESIS_HASH, ChainEntry
from audit.protection import protected_tables
from audit.verify import verify_chain
from bcp import services
from bcp.canonical import chain_json
from bcp.history import change_context
from bcp.models import Membership, Plan
from bcp.services import PlanChanges
from tests.audit.tamper import tamper
from tests.conftest import PlanPeople
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

HISTORICAL_PLAN = Plan.history.model._meta.db_table


def _edit_plan(people: PlanPeople, **changes: Unpack[PlanChanges]) -> Plan:
    plan = Plan.objects.get(pk=people.plan.pk)
    return services.plan_update(
        plan=plan,
        user=people.manager,
        expected_version=plan.version,
        reason="Scope agreed in the BIA workshop",
        ticket="CHG-1042",
        **changes,
    )


def test_every_history_row_gets_a_chain_entry_linked_to_the_one_before(
    people: PlanPeople,
) -> None:
    _edit_plan(people, scope="Printing at head office and the branch.")
    entries = list(ChainEntry.objects.order_by("seq"))
    assert [e.seq for e in entries] == list(range(1, len(entries) + 1))
    assert entries[0].prev_hash == GENESIS_HASH
    for earlier, later in itertools.pairwise(entries):
        assert later.prev_hash == earlier.entry_hash
    last = entries[-1]
    assert last.model_label == "bcp.Plan"
    assert last.plan_id == people.plan.pk
    assert (last.user_id, last.reason, last.ticket) == (
        people.manager.pk,
        "Scope agreed in the BIA workshop",
        "CHG-1042",
    )


def test_membership_entries_belong_to_their_plan(people: PlanPeople) -> None:
    labels = set(
        ChainEntry.objects.filter(plan_id=people.plan.pk).values_list("model_label", flat=True)
    )
    assert labels == {"bcp.Plan", "bcp.Membership"}


def test_an_untouched_chain_is_reported_intact_up_to_its_last_entry(people: PlanPeople) -> None:
    report = verify_chain()
    last = ChainEntry.objects.order_by("-seq").first()
    assert last is not None
    assert report.ok
    assert report.intact_up_to == last.seq
    assert report.summary.startswith(f"History intact up to entry {last.seq} ")


def test_a_history_row_edited_in_the_database_is_caught(people: PlanPeople) -> None:
    _edit_plan(people, scope="Printing at head office.")
    entry = ChainEntry.objects.filter(model_label="bcp.Plan").order_by("-seq").first()
    assert entry is not None
    tamper(
        HISTORICAL_PLAN,
        "UPDATE {table} SET scope = %s WHERE history_id = %s",
        ["Nothing in scope.", entry.history_id],
    )
    report = verify_chain()
    assert not report.ok
    first = report.first_problem
    assert first is not None
    assert (first.seq, first.kind) == (entry.seq, "content changed")
    assert report.intact_up_to == entry.seq - 1
    assert f"intact up to entry {entry.seq - 1}" in report.summary
    assert "was edited after it was recorded" in report.summary


def test_a_history_row_deleted_from_the_database_is_caught(people: PlanPeople) -> None:
    _edit_plan(people, scope="Printing at head office.")
    entry = ChainEntry.objects.filter(model_label="bcp.Plan").order_by("seq").first()
    assert entry is not None
    tamper(HISTORICAL_PLAN, "DELETE FROM {table} WHERE history_id = %s", [entry.history_id])
    report = verify_chain()
    first = report.first_problem
    assert first is not None
    assert (first.seq, first.kind) == (entry.seq, "row missing")
    assert "deleted from the history table" in report.summary


def test_a_history_row_inserted_into_the_database_is_caught(people: PlanPeople) -> None:
    historical = Plan.history.model
    forged = historical(
        id=people.plan.pk,
        name="Forged",
        organisation="Northbridge College",
        scope="",
        classification="Internal",
        status="active",
        version=99,
        created_at=people.plan.created_at,
        updated_at=people.plan.updated_at,
        history_date=people.plan.created_at + dt.timedelta(seconds=1),
        history_type="~",
        history_change_reason="backdated",
        history_ticket="",
    )
    # Model.save() is simple-history's own insert path; a raw INSERT is what an attacker does.
    columns = [f for f in historical._meta.concrete_fields if f.attname != "history_id"]
    names = ", ".join(connection.ops.quote_name(f.column) for f in columns)
    placeholders = ", ".join(["%s"] * len(columns))
    values = [f.get_db_prep_save(getattr(forged, f.attname), connection) for f in columns]
    tamper(HISTORICAL_PLAN, f"INSERT INTO {{table}} ({names}) VALUES ({placeholders})", values)
    report = verify_chain()
    first = report.first_problem
    assert first is not None
    assert first.kind == "row not in chain"
    assert first.seq is None
    assert "inserted outside the application" in report.summary
    # It claims a date right after the plan was created, so the chain is only good up to there.
    plan_created = ChainEntry.objects.get(
        model_label="bcp.Plan", history_type="+", object_id=str(people.plan.pk)
    )
    assert report.intact_up_to >= plan_created.seq


def test_an_altered_chain_entry_is_caught(people: PlanPeople) -> None:
    entry = ChainEntry.objects.order_by("seq")[1]
    tamper(
        ChainEntry._meta.db_table,
        "UPDATE {table} SET object_repr = %s WHERE seq = %s",
        ["Someone else", entry.seq],
    )
    first = verify_chain().first_problem
    assert first is not None
    assert (first.seq, first.kind) == (entry.seq, "entry altered")


def test_a_deleted_chain_entry_is_caught(people: PlanPeople) -> None:
    entry = ChainEntry.objects.order_by("seq")[1]
    tamper(ChainEntry._meta.db_table, "DELETE FROM {table} WHERE seq = %s", [entry.seq])
    first = verify_chain().first_problem
    assert first is not None
    assert (first.seq, first.kind) == (entry.seq, "entries missing")


def test_verify_history_command_says_intact_up_to_entry_n(people: PlanPeople) -> None:
    out = io.StringIO()
    call_command("verify_history", stdout=out)
    last = ChainEntry.objects.order_by("-seq").first()
    assert last is not None
    assert f"History intact up to entry {last.seq}" in out.getvalue()


def test_verify_history_command_fails_naming_the_first_broken_entry(people: PlanPeople) -> None:
    entry = ChainEntry.objects.filter(model_label="bcp.Membership").order_by("seq").first()
    assert entry is not None
    tamper(
        Membership.history.model._meta.db_table,
        "UPDATE {table} SET role = %s WHERE history_id = %s",
        ["auditor", entry.history_id],
    )
    with pytest.raises(CommandError, match=f"First broken: entry {entry.seq} ") as caught:
        call_command("verify_history", stderr=io.StringIO())
    assert caught.value.returncode == 1


def test_adopting_rows_written_before_the_chain_makes_the_chain_whole(people: PlanPeople) -> None:
    historical = Plan.history.model
    tamper(ChainEntry._meta.db_table, "DELETE FROM {table}")
    assert not verify_chain().ok
    out = io.StringIO()
    call_command("verify_history", "--adopt-unchained", stdout=out)
    assert "Appended" in out.getvalue()
    assert verify_chain().ok
    assert ChainEntry.objects.filter(model_label="bcp.Plan").count() == historical.objects.count()


def test_canonical_content_is_stable_for_decimals_datetimes_and_uuids() -> None:
    moment = dt.datetime(2026, 3, 1, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    row = {
        "cost": decimal.Decimal("1200.50"),
        "when": moment,
        "batch": uuid.UUID(int=1),
        "ratio": 0.1,
        "name": "Print server",
    }
    content = content_of(row, row)
    assert content == {
        "cost": "1200.50",
        "when": "2026-03-01T08:30:00+00:00",
        "batch": "00000000-0000-0000-0000-000000000001",
        "ratio": "0.1",
        "name": "Print server",
    }
    assert chain_json(content).startswith(b'{"batch":')
    assert content_hash_of(content) == content_hash_of(dict(reversed(list(content.items()))))


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
def test_postgresql_refuses_update_and_delete_on_history_tables(people: PlanPeople) -> None:
    assert HISTORICAL_PLAN in protected_tables()
    for sql in (
        f"UPDATE {HISTORICAL_PLAN} SET scope = 'x'",
        f"DELETE FROM {HISTORICAL_PLAN}",
        f"UPDATE {ChainEntry._meta.db_table} SET reason = 'x'",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql)


def test_a_user_who_appears_in_history_cannot_be_deleted(people: PlanPeople) -> None:
    from django.db.models import ProtectedError

    _edit_plan(people, scope="Printing at head office.")
    with pytest.raises(ProtectedError, match="deactivate"):
        people.manager.delete()


def test_a_change_without_an_actor_is_recorded_as_the_system_user() -> None:
    with change_context(reason="Nightly import"):
        plan = Plan.objects.create(name="Imported", organisation="Northbridge College")
    entry = ChainEntry.objects.get(model_label="bcp.Plan", object_id=str(plan.pk))
    assert entry.user is not None
    assert entry.user.username == "system"
    assert not entry.user.has_usable_password()


def test_a_change_by_a_named_user_keeps_that_user() -> None:
    user = UserFactory.create(username="fiona")
    with change_context(user=user, reason="Added"):
        plan = Plan.objects.create(name="Finance", organisation="Northbridge College")
    assert ChainEntry.objects.get(object_id=str(plan.pk), model_label="bcp.Plan").user == user


def test_a_chain_archived_up_to_a_checkpoint_verifies_from_the_checkpoint(
    people: PlanPeople,
) -> None:
    from audit.tracking import history_model, tracked_model_for

    _edit_plan(people, scope="Printing at head office.")
    cut = ChainEntry.objects.order_by("seq")[2]
    for archived in ChainEntry.objects.filter(seq__lte=cut.seq):
        model = tracked_model_for(archived.model_label)
        assert model is not None
        tamper(
            history_model(model)._meta.db_table,
            "DELETE FROM {table} WHERE history_id = %s",
            [archived.history_id],
        )
    tamper(ChainEntry._meta.db_table, "DELETE FROM {table} WHERE seq <= %s", [cut.seq])
    last = ChainEntry.objects.order_by("-seq").first()
    assert last is not None
    report = verify_chain(checkpoints=[(cut.seq, cut.entry_hash)])
    assert report.ok, report.summary
    assert report.intact_up_to == last.seq
    forged = verify_chain(checkpoints=[(cut.seq, "f" * 64)])
    assert forged.first_problem is not None
    assert forged.first_problem.kind == "link broken"
