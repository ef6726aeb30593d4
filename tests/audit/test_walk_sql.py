"""Verification on PostgreSQL: the database recomputes the hashes, the walk checks the links.

The database's verdict only lets an intact entry through quickly; anything it
cannot vouch for is checked the exact way, so a tampered entry is reported the
same wherever it falls: in the middle of a chunk of entries, or at the seam
between two chunks (one connection computes the one, another the next).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from audit import walk_sql
from audit.models import ChainEntry
from audit.tracking import tracked_model_for
from audit.verify import verify_chain
from inventory.models import Component, Site
from tests.audit import factories
from tests.audit.tamper import tamper
from tests.conftest import PlanPeople

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's fast path"),
]

AWKWARD_NAMES = [
    'Quote " and backslash \\ room',
    "Line\nbreak\tand tab",
    "Zürich Rechenzentrum — Süd ✓",
    "Control \x01 character",
]


def _varied_history(people: PlanPeople) -> list[Component]:
    made = []
    for index, name in enumerate(AWKWARD_NAMES):
        site = factories.site(people.plan, people.manager, name=name, description=name * 3)
        made.append(
            factories.component(
                people.plan,
                people.manager,
                name=f"{name} {index}",
                site=site,
                availability_percent=[99.0, 99.37, 100.0, 1e-05][index],
            )
        )
    for component in made:
        factories.changed(
            component, people.manager, 'Reviewed ✓ "twice"', ticket="CHG-7", owner="Team Ω"
        )
    return made


def _entries() -> list[ChainEntry]:
    return list(ChainEntry.objects.order_by("seq"))


@pytest.fixture
def in_chunks_of_five(people: PlanPeople, monkeypatch: pytest.MonkeyPatch) -> None:
    """The varied history, walked five entries at a time: entries 1–5, 6–10, …"""
    monkeypatch.setattr("audit.verify.WALK_CHUNK", 5)
    _varied_history(people)


def _problems() -> list[tuple[str, int | None]]:
    """What a walk of the chain (without the live tables) reports, as (kind, entry)."""
    return [(p.kind, p.seq) for p in verify_chain(check_live=False).problems]


def test_the_database_vouches_for_every_intact_entry_whose_table_it_can_hash(
    people: PlanPeople,
) -> None:
    _varied_history(people)
    top = ChainEntry.objects.order_by("-seq").values_list("seq", flat=True)[0]
    verdicts = walk_sql.RangeCheck("default").between(0, top)
    labels = dict(ChainEntry.objects.values_list("seq", "model_label"))
    hashable = {
        label
        for label in set(labels.values())
        if walk_sql._row_ok(tracked_model_for(label), "default") is not None  # type: ignore[arg-type]
    }
    assert {"inventory.Site", "inventory.Component"} <= hashable
    assert len(verdicts) == top
    for seq, _, _, entry_ok, row_ok in verdicts:
        assert entry_ok is True, seq
        if labels[seq] in hashable:
            assert row_ok is True, (seq, labels[seq])


def test_a_row_edited_in_the_middle_of_a_chunk_is_reported_once(
    in_chunks_of_five: None,
) -> None:
    # Chunks are entries 1–5, 6–10, …: take a component's entry neither first nor last.
    entry = next(
        e for e in _entries() if e.model_label == "inventory.Component" and e.seq % 5 in (2, 3, 4)
    )
    tamper(
        Component.history.model._meta.db_table,
        "UPDATE {table} SET owner = %s WHERE history_id = %s",
        ["Team Mallory", entry.history_id],
    )
    assert _problems() == [("content changed", entry.seq)]


def test_an_entry_altered_at_the_end_of_a_chunk_breaks_the_link_of_the_next_chunk(
    in_chunks_of_five: None,
) -> None:
    seam = 10  # the last entry of the second chunk; entry 11 opens the third
    assert ChainEntry.objects.filter(seq__gt=seam).exists()
    tamper(
        ChainEntry._meta.db_table,
        "UPDATE {table} SET entry_hash = %s WHERE seq = %s",
        ["f" * 64, seam],
    )
    assert _problems() == [
        ("entry altered", seam),
        ("link broken", seam + 1),
    ]


def test_a_history_row_deleted_at_the_start_of_a_chunk_is_reported(
    in_chunks_of_five: None,
) -> None:
    first_of_chunk = next(
        e for e in _entries() if e.model_label == "inventory.Site" and e.seq % 5 == 1
    )
    tamper(
        Site.history.model._meta.db_table,
        "DELETE FROM {table} WHERE history_id = %s",
        [first_of_chunk.history_id],
    )
    assert _problems() == [("row missing", first_of_chunk.seq)]


@pytest.mark.django_db(transaction=True)
def test_chunks_computed_by_two_connections_at_once_find_a_row_edited_at_their_seam(
    people: PlanPeople, monkeypatch: Any
) -> None:
    # Outside a transaction the ranges are computed by two connections in parallel.
    monkeypatch.setattr("audit.verify.WALK_CHUNK", 4)
    _varied_history(people)
    assert not connection.in_atomic_block
    # Ranges are entries 1–4, 5–8, …: take a component's entry that opens one.
    seam = next(e for e in _entries() if e.model_label == "inventory.Component" and e.seq % 4 == 1)
    tamper(
        Component.history.model._meta.db_table,
        "UPDATE {table} SET notes = %s WHERE history_id = %s",
        ["Inserted later", seam.history_id],
    )
    report = verify_chain(check_live=False)
    assert [(p.kind, p.seq) for p in report.problems] == [("content changed", seam.seq)]
    assert report.checked == ChainEntry.objects.count()
