from __future__ import annotations

import pytest
from django.urls import reverse

from tests.conftest import client_for
from tests.review.conftest import SanPlan, task_opened

pytestmark = pytest.mark.django_db


def test_the_task_page_names_the_change_and_offers_the_owner_one_button(
    san_plan: SanPlan,
) -> None:
    task = task_opened(san_plan)
    page = client_for(san_plan.people.stakeholder).get(task.get_absolute_url())
    text = page.content.decode()
    assert "The Head office SAN&#x27;s restore time changed from 12 h to 1 d" in text
    assert "Confirm: my BIA still holds" in text
    assert san_plan.function.get_absolute_url() in text


def test_the_auditor_sees_the_task_without_a_confirm_button(san_plan: SanPlan) -> None:
    task = task_opened(san_plan)
    page = client_for(san_plan.people.auditor).get(task.get_absolute_url())
    assert page.status_code == 200
    assert "Confirm: my BIA still holds" not in page.content.decode()


def test_one_click_confirms_and_the_page_says_who_confirmed(san_plan: SanPlan) -> None:
    task = task_opened(san_plan)
    client = client_for(san_plan.people.stakeholder)
    url = reverse("review_task_confirm", args=[san_plan.plan.pk, task.pk])
    page = client.post(url, follow=True)
    assert "Confirmed: the BIA of Student printing still holds." in page.content.decode()
    task.refresh_from_db()
    assert task.status == "confirmed"


def test_confirming_twice_says_it_was_already_confirmed(san_plan: SanPlan) -> None:
    task = task_opened(san_plan)
    client = client_for(san_plan.people.stakeholder)
    url = reverse("review_task_confirm", args=[san_plan.plan.pk, task.pk])
    client.post(url)
    page = client.post(url, follow=True)
    assert "This review was already confirmed; nothing to do." in page.content.decode()


def test_the_owners_home_page_lists_the_review_waiting_for_them(san_plan: SanPlan) -> None:
    task = task_opened(san_plan)
    page = client_for(san_plan.people.stakeholder).get(reverse("home"), follow=True)
    text = page.content.decode()
    assert "Confirm the BIA of Student printing still holds" in text
    assert task.get_absolute_url() in text
