from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from audit.models import ChainEntry
from bcp.models import Job
from bia.services.functions import function_create
from review.models import ReviewTask
from review.services import REVIEW_CHECK_KIND, review_checks_suppressed, review_task_confirm
from tests.review.conftest import SanPlan, run_check, set_san, storage_add, task_opened

pytestmark = pytest.mark.django_db


def test_a_restore_time_change_that_moves_the_achievable_rto_opens_a_task_saying_so(
    san_plan: SanPlan,
) -> None:
    set_san(san_plan.san, san_plan.people.manager, restore_hours=24.0)
    run_check(san_plan.plan, san_plan.people.manager)
    (task,) = ReviewTask.objects.filter(function=san_plan.function, status="open")
    assert task.owner == san_plan.people.stakeholder
    message = task.changes[0]["message"]
    assert message.startswith("The Head office SAN's restore time changed from 12 h to 1 d")
    assert "achievable RTO 12 h → 1 d" in message
    assert message.endswith("please confirm your BIA still holds.")


def test_a_change_that_moves_no_figure_opens_no_task(san_plan: SanPlan) -> None:
    manager = san_plan.people.manager
    set_san(san_plan.san, manager, notes="Rack A1, second shelf", owner="Storage team")
    run_check(san_plan.plan, manager)
    assert not ReviewTask.objects.filter(plan=san_plan.plan).exists()


def test_a_component_no_function_uses_opens_no_task(san_plan: SanPlan) -> None:
    manager = san_plan.people.manager
    storage_add(san_plan.plan, manager, "Spare SAN", availability_percent=95.0, restore_hours=500.0)
    run_check(san_plan.plan, manager)
    assert not ReviewTask.objects.filter(plan=san_plan.plan).exists()


def test_a_second_change_is_added_to_the_open_task_not_a_new_one(san_plan: SanPlan) -> None:
    manager = san_plan.people.manager
    set_san(san_plan.san, manager, restore_hours=24.0)
    run_check(san_plan.plan, manager)
    set_san(san_plan.san, manager, availability_percent=99.0)
    run_check(san_plan.plan, manager)
    (task,) = ReviewTask.objects.filter(function=san_plan.function)
    assert len(task.changes) == 2
    assert "availability changed from 99.9 % to 99 %" in task.changes[1]["message"]


def test_the_owner_is_emailed_when_a_task_opens(
    san_plan: SanPlan, django_capture_on_commit_callbacks: Any
) -> None:
    manager = san_plan.people.manager
    set_san(san_plan.san, manager, restore_hours=24.0)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        run_check(san_plan.plan, manager)
    (message,) = [m for m in mail.outbox if san_plan.people.stakeholder.email in m.to]
    assert "Student printing" in message.subject
    assert "restore time changed from 12 h to 1 d" in message.body


def test_the_owner_confirms_and_the_confirmation_is_in_history(san_plan: SanPlan) -> None:
    people = san_plan.people
    task = task_opened(san_plan)
    review_task_confirm(task=task, user=people.stakeholder, comment="Still fine")
    task.refresh_from_db()
    assert task.status == "confirmed" and task.confirmed_by == people.stakeholder
    entry = ChainEntry.objects.filter(model_label="review.ReviewTask").latest("seq")
    assert entry.user_id == people.stakeholder.pk
    assert entry.reason == "Owner confirmed the BIA still holds: Still fine"


def test_a_confirmed_task_cannot_be_confirmed_twice(san_plan: SanPlan) -> None:
    people = san_plan.people
    task = task_opened(san_plan)
    review_task_confirm(task=task, user=people.stakeholder)
    with pytest.raises(ValidationError):
        review_task_confirm(task=task, user=people.stakeholder)


def test_someone_who_is_neither_owner_nor_manager_cannot_confirm(san_plan: SanPlan) -> None:
    people = san_plan.people
    task = task_opened(san_plan)
    with pytest.raises(PermissionDenied):
        review_task_confirm(task=task, user=people.auditor)


def test_after_confirming_a_new_change_opens_a_new_task(san_plan: SanPlan) -> None:
    people = san_plan.people
    review_task_confirm(task=task_opened(san_plan), user=people.stakeholder)
    set_san(san_plan.san, people.manager, restore_hours=36.0)
    run_check(san_plan.plan, people.manager)
    assert ReviewTask.objects.filter(function=san_plan.function).count() == 2


def test_a_change_the_owner_made_asks_nothing_of_them(san_plan: SanPlan) -> None:
    people = san_plan.people
    other = function_create(
        plan=san_plan.plan, user=people.manager, name="Manager's function", owner=people.manager
    )
    assert other.owner == people.manager
    set_san(san_plan.san, people.manager, restore_hours=24.0)
    run_check(san_plan.plan, people.manager)
    assert not ReviewTask.objects.filter(function=other).exists()


def test_the_owner_finds_the_task_in_their_inbox(san_plan: SanPlan) -> None:
    from notifications.models import Notification

    set_san(san_plan.san, san_plan.people.manager, restore_hours=24.0)
    run_check(san_plan.plan, san_plan.people.manager)
    (note,) = Notification.objects.filter(
        recipient_id=san_plan.people.stakeholder.pk, kind="review_task"
    )
    task = ReviewTask.objects.get(function=san_plan.function)
    assert note.link == task.get_absolute_url()
    assert "restore time changed from 12 h to 1 d" in note.body


def test_changes_made_while_checks_are_suppressed_queue_no_check(san_plan: SanPlan) -> None:
    Job.objects.filter(kind=REVIEW_CHECK_KIND).delete()
    with review_checks_suppressed():
        set_san(san_plan.san, san_plan.people.manager, restore_hours=48)
    assert not Job.objects.filter(kind=REVIEW_CHECK_KIND).exists()
    set_san(san_plan.san, san_plan.people.manager, restore_hours=72)
    assert Job.objects.filter(kind=REVIEW_CHECK_KIND).count() == 1
