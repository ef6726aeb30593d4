"""Checkpoints: a chain head recorded outside the database must still be in the chain."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from audit.models import ChainEntry
from audit.selectors import chain_head
from audit.verify import parse_checkpoint, verify_chain
from bcp.history import change_context
from inventory.models import Site
from tests.audit import factories
from tests.audit.tamper import drop_newest_entry_with_its_row, tamper
from tests.conftest import PlanPeople

pytestmark = pytest.mark.django_db


def test_a_checkpoint_that_is_still_in_the_chain_is_confirmed(people: PlanPeople) -> None:
    head = chain_head()
    factories.site(people.plan, people.manager)
    report = verify_chain(checkpoints=[parse_checkpoint(head.checkpoint)])
    assert report.ok, report.summary
    assert report.checkpoints_confirmed == [head.seq]
    assert f"Checkpoint entry {head.seq} matches its recorded hash." in report.summary


def test_removing_the_newest_entries_and_their_rows_fails_against_a_checkpoint(
    people: PlanPeople,
) -> None:
    site = factories.site(people.plan, people.manager, name="Branch server room")
    factories.changed(site, people.manager, "Renamed", name="Branch comms room")
    head = chain_head()
    dropped = drop_newest_entry_with_its_row(Site.history.model._meta.db_table)
    # Undo the change in the live table too, so that nothing inside the database differs:
    # put back the version history now ends with, as a plain insert (no history written).
    previous = Site.history.filter(id=site.pk).order_by("-history_id")[0].instance
    tamper(Site._meta.db_table, "DELETE FROM {table} WHERE id = %s", [site.pk])
    previous.save_base(raw=True)
    assert verify_chain().ok, "without the checkpoint, the loss cannot be seen"
    report = verify_chain(checkpoints=[(head.seq, head.entry_hash)])
    assert not report.ok
    first = report.first_problem
    assert first is not None
    assert (first.kind, first.seq) == ("entries missing", dropped.seq)
    assert f"the chain ends at entry {dropped.seq - 1}" in first.detail
    assert report.intact_up_to == dropped.seq - 1


def test_a_checkpoint_with_another_hash_is_a_rewritten_chain(people: PlanPeople) -> None:
    head = chain_head()
    report = verify_chain(checkpoints=[(head.seq, "a" * 64)])
    first = report.first_problem
    assert first is not None
    assert (first.kind, first.seq) == ("checkpoint differs", head.seq)


def test_the_command_accepts_the_checkpoint_printed_in_exports(people: PlanPeople) -> None:
    head = chain_head()
    out = io.StringIO()
    call_command("verify_history", "--checkpoint", head.checkpoint, stdout=out)
    assert f"Checkpoint entry {head.seq} matches" in out.getvalue()
    with pytest.raises(CommandError, match="rewritten up to here"):
        call_command(
            "verify_history", "--checkpoint", f"{head.seq}:{'b' * 64}", stderr=io.StringIO()
        )


@pytest.mark.parametrize("text", ["", "12", "12:abc", "x:" + "a" * 64, "12:" + "g" * 64])
def test_a_malformed_checkpoint_is_refused_with_its_format(text: str) -> None:
    with pytest.raises(ValueError, match="SEQ:HASH"):
        parse_checkpoint(text)
    with pytest.raises(CommandError, match="SEQ:HASH"):
        call_command("verify_history", "--checkpoint", text)


def test_the_fast_reading_of_history_rows_hashes_like_the_exact_one(people: PlanPeople) -> None:
    from decimal import Decimal

    from audit.chain import column_names, content_of
    from audit.tracking import history_model, tracked_model_for
    from audit.verify_reading import RowReader

    factories.component(
        people.plan, people.manager, availability_percent=99.95, cost_per_year=Decimal("1200.5")
    )
    with change_context(user=people.manager, reason="Ticketed", ticket="CHG-7"):
        factories.site(people.plan, people.manager, name="Annex")
    labels = set(ChainEntry.objects.values_list("model_label", flat=True))
    assert {"bcp.Plan", "inventory.Component", "inventory.Site"} <= labels
    for label in labels:
        model = tracked_model_for(label)
        assert model is not None
        table = history_model(model)
        columns = column_names(table)
        exact = list(table._default_manager.values(*columns))
        fast = RowReader(table, "default").rows([row["history_id"] for row in exact])
        for row in exact:
            assert content_of(fast[row["history_id"]], columns) == content_of(row, columns)
