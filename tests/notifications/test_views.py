"""The inbox, the top bar's unread count and the notification choices page."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from notifications.models import Delivery, DigestSetting, Kind, Notification
from notifications.services import notification_send
from tests.conftest import PlanPeople, client_for
from tests.factories import PlanFactory

pytestmark = pytest.mark.django_db


def _send(user: Any, title: str = "Sign version 2", plan: Any = None) -> Notification:
    return notification_send(
        recipient=user,
        kind=Kind.SIGNOFF_REQUESTED,
        title=title,
        body="Please sign.",
        link="/plans/",
        plan=plan,
    )


def _choices(delivery: Delivery, digest_time: str = "07:45") -> dict[str, str]:
    data = {f"kind_{k.value}": delivery.value for k in Kind}
    data["digest_time"] = digest_time
    return data


def test_the_top_bar_shows_the_unread_count_in_words_for_screen_readers(
    people: PlanPeople,
) -> None:
    _send(people.stakeholder)
    _send(people.stakeholder)
    body = client_for(people.stakeholder).get(reverse("plan_list")).content.decode()
    assert '<span class="badge rounded-pill text-bg-warning" id="nav-inbox-count">2' in body
    assert '<span class="visually-hidden"> unread</span>' in body


def test_the_top_bar_says_nothing_unread_when_all_is_read(people: PlanPeople) -> None:
    body = client_for(people.stakeholder).get(reverse("plan_list")).content.decode()
    assert 'id="nav-inbox-count"' not in body
    assert ", nothing unread" in body


def test_the_inbox_lists_only_the_readers_own_notifications(people: PlanPeople) -> None:
    _send(people.stakeholder, "For Sam")
    _send(people.manager, "For Maya")
    body = client_for(people.stakeholder).get(reverse("inbox")).content.decode()
    assert "For Sam" in body and "For Maya" not in body


def test_the_inbox_page_runs_a_fixed_number_of_queries(
    people: PlanPeople, django_assert_max_num_queries: Any
) -> None:
    plans = PlanFactory.create_batch(5)
    for i in range(60):
        _send(people.stakeholder, f"Message {i}", plan=plans[i % 5])
    client = client_for(people.stakeholder)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("inbox"))
    assert response.content.decode().count('class="list-group-item') == 50


def test_marking_one_read_lowers_the_count(people: PlanPeople) -> None:
    first = _send(people.stakeholder)
    _send(people.stakeholder)
    client = client_for(people.stakeholder)
    response = client.post(reverse("notification_read", args=[first.pk]))
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.read_at is not None
    body = client.get(reverse("inbox")).content.decode()
    assert 'id="nav-inbox-count">1<' in body


def test_someone_cannot_mark_another_persons_notification_read(people: PlanPeople) -> None:
    theirs = _send(people.manager)
    client_for(people.stakeholder).post(reverse("notification_read", args=[theirs.pk]))
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_all_read_empties_the_unread_view(people: PlanPeople) -> None:
    _send(people.stakeholder)
    _send(people.stakeholder)
    client = client_for(people.stakeholder)
    client.post(reverse("notifications_read_all"))
    body = client.get(reverse("inbox") + "?unread=1").content.decode()
    assert "No unread notifications." in body


def test_marking_read_needs_a_post(people: PlanPeople) -> None:
    mine = _send(people.stakeholder)
    response = client_for(people.stakeholder).get(reverse("notification_read", args=[mine.pk]))
    assert response.status_code == 405


def test_the_inbox_needs_sign_in() -> None:
    response = client_for(None).get(reverse("inbox"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_user_menu_links_to_the_notification_choices(people: PlanPeople) -> None:
    body = client_for(people.stakeholder).get(reverse("plan_list")).content.decode()
    assert reverse("notification_preferences") in body


def test_choices_are_saved_with_the_digest_time(people: PlanPeople) -> None:
    response = client_for(people.stakeholder).post(
        reverse("notification_preferences"), _choices(Delivery.DIGEST)
    )
    assert response.status_code == 302
    assert DigestSetting.objects.get(user=people.stakeholder).digest_time.strftime("%H:%M") == (
        "07:45"
    )


@pytest.mark.parametrize("bad", ["25:00", "12:61", "noon", "", "1" * 50])
def test_a_digest_time_that_does_not_exist_gets_a_field_error_and_nothing_is_saved(
    people: PlanPeople, bad: str
) -> None:
    response = client_for(people.stakeholder).post(
        reverse("notification_preferences"), _choices(Delivery.DIGEST, bad)
    )
    assert response.status_code == 400
    assert "Enter a time of day between 00:00 and 23:59" in response.content.decode()
    assert not DigestSetting.objects.exists()


def test_an_unknown_delivery_gets_a_field_error(people: PlanPeople) -> None:
    data = _choices(Delivery.EMAIL)
    data["kind_bia_assigned"] = "carrier-pigeon"
    response = client_for(people.stakeholder).post(reverse("notification_preferences"), data)
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()


def test_unsubscribing_from_every_kind_is_saved_with_a_clear_warning_and_keeps_the_inbox(
    people: PlanPeople,
) -> None:
    _send(people.stakeholder, "Kept message")
    client = client_for(people.stakeholder)
    response = client.post(
        reverse("notification_preferences"), _choices(Delivery.INBOX), follow=True
    )
    body = response.content.decode()
    assert "Continuity will not email you at all" in body
    assert 'id="no-email-warning"' in body
    assert "Kept message" in client.get(reverse("inbox")).content.decode()
