"""Sending a notification: the inbox entry, and email now, in a digest or not at all."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from notifications.models import Delivery, DigestSetting, Kind, Notification
from notifications.services import (
    notification_mark_read,
    notification_preferences_set,
    notification_send,
    notifications_mark_all_read,
)
from tests.conftest import PlanPeople
from tests.helpers import rolled_back

pytestmark = pytest.mark.django_db


def _send(people: PlanPeople, kind: Kind = Kind.BIA_ASSIGNED, **extra: Any) -> Notification:
    return notification_send(
        recipient=people.stakeholder,
        kind=kind,
        title="The BIA of Payroll is yours",
        body="Please answer the questions.",
        link="/plans/1/bia/",
        plan=people.plan,
        **extra,
    )


def _choose(people: PlanPeople, delivery: Delivery) -> None:
    notification_preferences_set(
        user=people.stakeholder,
        deliveries=dict.fromkeys(Kind, delivery),
        digest_time=datetime.time(7, 30),
    )


def test_a_notification_lands_in_the_inbox_unread_and_is_emailed_after_commit(
    people: PlanPeople, mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        sent = _send(people, site="https://bc.example")
    assert mailoutbox == []
    for callback in callbacks:
        callback()
    stored = Notification.objects.get(pk=sent.pk)
    assert (stored.recipient, stored.kind, stored.read_at) == (
        people.stakeholder,
        Kind.BIA_ASSIGNED,
        None,
    )
    (message,) = mailoutbox
    assert message.to == [people.stakeholder.email]
    assert message.subject == f"[{people.plan.name}] The BIA of Payroll is yours"
    assert "Open: https://bc.example/plans/1/bia/" in message.body
    assert stored.emailed_at is not None


def test_a_rolled_back_change_leaves_no_notification_and_no_email(
    people: PlanPeople, mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        rolled_back(lambda: _send(people))
    assert mailoutbox == []
    assert not Notification.objects.exists()


@pytest.mark.parametrize("delivery", [Delivery.DIGEST, Delivery.INBOX])
def test_someone_who_chose_digest_or_inbox_only_is_not_emailed_now(
    people: PlanPeople,
    mailoutbox: list[Any],
    django_capture_on_commit_callbacks: Any,
    delivery: Delivery,
) -> None:
    _choose(people, delivery)
    with django_capture_on_commit_callbacks(execute=True):
        sent = _send(people)
    assert mailoutbox == []
    assert (sent.delivery, sent.emailed_at) == (delivery, None)


def test_a_preference_for_one_kind_leaves_the_others_emailed(
    people: PlanPeople, mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    deliveries = dict.fromkeys(Kind, Delivery.EMAIL)
    deliveries[Kind.BIA_ASSIGNED] = Delivery.INBOX
    notification_preferences_set(
        user=people.stakeholder, deliveries=deliveries, digest_time=datetime.time(8, 0)
    )
    with django_capture_on_commit_callbacks(execute=True):
        _send(people, Kind.BIA_ASSIGNED)
        _send(people, Kind.SIGNOFF_REQUESTED)
    assert len(mailoutbox) == 1


def test_an_unknown_kind_is_refused(people: PlanPeople) -> None:
    unknown: Any = "coffee_break"
    with pytest.raises(ValueError):
        _send(people, unknown)


@pytest.mark.parametrize(
    ("title", "link"),
    [("", "/plans/"), ("two\nlines", "/plans/"), ("x" * 201, "/plans/"), ("ok", "https://evil")],
)
def test_a_malformed_title_or_a_link_off_the_site_is_refused(
    people: PlanPeople, title: str, link: str
) -> None:
    with pytest.raises(ValidationError):
        notification_send(
            recipient=people.stakeholder, kind=Kind.BIA_ASSIGNED, title=title, body="", link=link
        )
    assert not Notification.objects.exists()


def test_marking_read_touches_only_the_readers_own_notification(people: PlanPeople) -> None:
    mine = _send(people)
    assert notification_mark_read(user=people.manager, notification_pk=mine.pk) == 0
    assert notification_mark_read(user=people.stakeholder, notification_pk=mine.pk) == 1
    mine.refresh_from_db()
    assert mine.is_read


def test_mark_all_read_clears_every_unread_notification_of_the_reader(
    people: PlanPeople,
) -> None:
    _send(people)
    _send(people)
    assert notifications_mark_all_read(user=people.stakeholder) == 2
    assert not Notification.objects.filter(read_at__isnull=True).exists()


def test_preferences_store_the_digest_time(people: PlanPeople) -> None:
    _choose(people, Delivery.DIGEST)
    assert DigestSetting.objects.get(user=people.stakeholder).digest_time == datetime.time(7, 30)


def test_preferences_that_leave_out_a_kind_are_refused(people: PlanPeople) -> None:
    with pytest.raises(ValidationError, match="Choose how to hear"):
        notification_preferences_set(
            user=people.stakeholder,
            deliveries={Kind.BIA_ASSIGNED: Delivery.EMAIL},
            digest_time=datetime.time(8, 0),
        )
