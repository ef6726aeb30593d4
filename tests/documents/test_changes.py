"""The change appendix: a summary by section and record, not the raw list of changes."""

from __future__ import annotations

import pytest

from audit.selectors import chain_head
from documents import services
from documents.changes import change_summary, latest_data_change, superseded_by_changes
from documents.selectors import version_state
from tests.conftest import PlanPeople
from tests.documents.factories import ContactFactory
from tests.documents.helpers import publish_now

pytestmark = pytest.mark.django_db


def test_the_first_version_says_it_is_the_first_and_counts_what_built_it(
    people: PlanPeople,
) -> None:
    ContactFactory.create(plan=people.plan)
    summary = change_summary(
        people.plan, since_seq=None, until_seq=chain_head().seq, previous_number=None, since=None
    )
    assert summary.first_version and summary.rows == ()
    assert summary.total >= 5  # the plan, its three members, the contact
    assert summary.first_entry is not None and summary.last_entry == chain_head().seq


def test_a_later_version_counts_changes_by_section_and_record(people: PlanPeople) -> None:
    head = chain_head().seq
    contact = services.contact_create(plan=people.plan, user=people.manager, name="Priya Print")
    services.contact_create(plan=people.plan, user=people.manager, name="Dan Database")
    services.contact_update(
        contact=contact, user=people.manager, expected_version=contact.version, phone="0102"
    )
    services.vendor_create(plan=people.plan, user=people.manager, name="Stora", service="SAN")
    summary = change_summary(
        people.plan, since_seq=head, until_seq=chain_head().seq, previous_number=1, since="x"
    )
    assert not summary.first_version and summary.total == 4
    [contacts, vendors] = summary.rows
    assert (contacts.section, contacts.record) == ("Contacts, call tree and vendors", "Contacts")
    assert (contacts.added, contacts.changed, contacts.removed) == (2, 1, 0)
    assert "Priya Print: phone empty → 0102" in contacts.notable
    assert (vendors.record, vendors.added) == ("Vendors", 1)
    assert summary.first_entry is not None and summary.first_entry > head


def test_the_notable_changes_are_few_per_record(people: PlanPeople) -> None:
    head = chain_head().seq
    for n in range(6):
        services.contact_create(plan=people.plan, user=people.manager, name=f"Person {n}")
    summary = change_summary(
        people.plan, since_seq=head, until_seq=chain_head().seq, previous_number=1, since="x"
    )
    [row] = summary.rows
    assert row.added == 6 and len(row.notable) == 3


def test_changes_of_another_plan_are_not_counted(people: PlanPeople) -> None:
    head = chain_head().seq
    ContactFactory.create()  # on a plan of its own
    summary = change_summary(
        people.plan, since_seq=head, until_seq=chain_head().seq, previous_number=1, since="x"
    )
    assert summary.total == 0 and summary.rows == ()


H_FROZEN, H_NOW = "a" * 64, "b" * 64


def test_a_version_is_superseded_when_the_document_differs_after_a_recorded_change() -> None:
    assert superseded_by_changes(
        snapshot_sha256=H_FROZEN, history_seq=10, current_sha256=H_NOW, latest_change=11
    )


def test_a_document_worded_differently_with_no_change_recorded_supersedes_nothing() -> None:
    # An upgrade that rewords the analysis part changes the hash, not the data.
    assert not superseded_by_changes(
        snapshot_sha256=H_FROZEN, history_seq=10, current_sha256=H_NOW, latest_change=10
    )


def test_a_change_put_back_as_it_was_supersedes_nothing() -> None:
    assert not superseded_by_changes(
        snapshot_sha256=H_FROZEN, history_seq=10, current_sha256=H_FROZEN, latest_change=12
    )


def test_a_version_without_a_checkpoint_is_judged_on_the_document_alone() -> None:
    assert superseded_by_changes(
        snapshot_sha256=H_FROZEN, history_seq=None, current_sha256=H_NOW, latest_change=None
    )


def test_publishing_and_sign_off_are_not_data_changes(people: PlanPeople) -> None:
    ContactFactory.create(plan=people.plan)
    before = latest_data_change(people.plan)
    version = publish_now(people.plan, people.manager)
    assert latest_data_change(people.plan) == before
    assert not version_state(version).superseded_by_changes
