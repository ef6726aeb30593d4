"""Digests and review reminders: each leaves once, at the right time, to the right people."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from bcp.models import Plan, Role
from bcp.services import plan_update
from notifications.models import Delivery, Kind, Notification, ReviewReminder
from notifications.periodic import digests_send, review_reminders_send
from notifications.schedule import SCHEDULE, periodic_tasks_ensure
from notifications.services import notification_preferences_set, notification_send
from tests.conftest import PlanPeople
from tests.factories import MembershipFactory, PlanFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def _at(hour: int, minute: int = 0, day: dt.date = TODAY) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _digest_person(people: PlanPeople, at: dt.time = dt.time(8, 0)) -> Any:
    notification_preferences_set(
        user=people.stakeholder, deliveries=dict.fromkeys(Kind, Delivery.DIGEST), digest_time=at
    )
    for title in ("Sign version 2", "BIA of Payroll returned"):
        notification_send(
            recipient=people.stakeholder,
            kind=Kind.SIGNOFF_REQUESTED,
            title=title,
            body="…",
            link="/plans/",
            plan=people.plan,
        )
    return people.stakeholder


def test_a_digest_waits_for_the_persons_chosen_time(
    people: PlanPeople, mailoutbox: list[Any]
) -> None:
    _digest_person(people, dt.time(9, 30))
    assert digests_send(now=_at(9, 15)) == 0
    assert mailoutbox == []
    assert digests_send(now=_at(9, 30)) == 1
    (message,) = mailoutbox
    assert message.to == [people.stakeholder.email]
    assert message.subject == "Continuity digest: 2 new messages"
    assert f"[{people.plan.name}] Sign version 2" in message.body
    assert "BIA of Payroll returned" in message.body


def test_a_digest_leaves_once_a_day_and_carries_only_new_messages(
    people: PlanPeople, mailoutbox: list[Any]
) -> None:
    _digest_person(people)
    assert digests_send(now=_at(8, 0)) == 1
    assert digests_send(now=_at(8, 15)) == 0
    notification_send(
        recipient=people.stakeholder,
        kind=Kind.REVIEW_DUE,
        title="Review due",
        body="",
        link="/plans/",
    )
    assert digests_send(now=_at(23, 0)) == 0
    assert digests_send(now=_at(8, 0, TODAY + dt.timedelta(days=1))) == 1
    assert len(mailoutbox) == 2
    assert "1 new message" in mailoutbox[1].body and "Review due" in mailoutbox[1].body


def test_messages_kept_in_the_inbox_only_never_go_into_a_digest(
    people: PlanPeople, mailoutbox: list[Any]
) -> None:
    notification_preferences_set(
        user=people.stakeholder,
        deliveries=dict.fromkeys(Kind, Delivery.INBOX),
        digest_time=dt.time(0, 0),
    )
    notification_send(
        recipient=people.stakeholder, kind=Kind.REVIEW_DUE, title="Quiet", body="", link="/"
    )
    assert digests_send(now=_at(12, 0)) == 0
    assert mailoutbox == []


def _plan_due(people: PlanPeople, due: dt.date) -> Plan:
    """A plan of its own, due for review on ``due``, with the fixture's manager."""
    plan = PlanFactory.create(next_review=due)
    MembershipFactory.create(plan=plan, user=people.manager, role=Role.MANAGER)
    return plan


def _review_notices(people: PlanPeople) -> list[Notification]:
    return list(Notification.objects.filter(kind=Kind.REVIEW_DUE).order_by("pk"))


def test_no_review_reminder_goes_out_more_than_14_days_ahead(people: PlanPeople) -> None:
    _plan_due(people, TODAY + dt.timedelta(days=15))
    assert review_reminders_send(today=TODAY) == 0


def test_the_managers_are_reminded_once_14_days_before_the_review(people: PlanPeople) -> None:
    plan = _plan_due(people, TODAY + dt.timedelta(days=14))
    assert review_reminders_send(today=TODAY) == 1
    assert review_reminders_send(today=TODAY + dt.timedelta(days=1)) == 0
    (notice,) = _review_notices(people)
    assert notice.recipient == people.manager
    assert notice.title == f"Review of {plan.name} due in 14 days"


def test_the_managers_are_reminded_again_once_when_the_review_is_overdue(
    people: PlanPeople,
) -> None:
    _plan_due(people, TODAY + dt.timedelta(days=3))
    review_reminders_send(today=TODAY)
    assert review_reminders_send(today=TODAY + dt.timedelta(days=5)) == 1
    assert review_reminders_send(today=TODAY + dt.timedelta(days=6)) == 0
    titles = [n.title for n in _review_notices(people)]
    assert titles[1].startswith("Review of Plan ") and " is overdue (due " in titles[1]


def test_a_new_review_date_starts_a_new_reminder_period(people: PlanPeople) -> None:
    plan = _plan_due(people, TODAY)
    assert review_reminders_send(today=TODAY) == 1
    plan_update(
        plan=plan,
        user=people.manager,
        expected_version=plan.version,
        reason="Reviewed",
        next_review=TODAY + dt.timedelta(days=10),
    )
    assert review_reminders_send(today=TODAY) == 1
    assert ReviewReminder.objects.filter(plan=plan).count() == 2


def test_archived_plans_get_no_review_reminder(people: PlanPeople) -> None:
    PlanFactory.create(status=Plan.Status.ARCHIVED, next_review=TODAY)
    assert review_reminders_send(today=TODAY) == 0


def test_the_schedule_rows_are_created_once_and_name_real_tasks() -> None:
    from config.celery import app

    PeriodicTask.objects.filter(name__in=[p.name for p in SCHEDULE]).delete()
    assert periodic_tasks_ensure() == len(SCHEDULE)
    assert periodic_tasks_ensure() == 0
    app.loader.import_default_modules()
    for item in SCHEDULE:
        row = PeriodicTask.objects.get(name=item.name)
        assert row.enabled and row.interval is not None
        assert row.task in app.tasks
