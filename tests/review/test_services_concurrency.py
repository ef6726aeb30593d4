"""A change that relies on a waiting review check must be seen by that check."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction
from django.utils import timezone

from bcp.jobs import job_claim
from bcp.models import Job
from review.services import REVIEW_CHECK_KIND, REVIEW_CHECK_TASK, review_check_request
from tests.review.conftest import SanPlan

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_waiting_check_cannot_be_claimed_until_the_change_relying_on_it_commits(
    san_plan: SanPlan,
) -> None:
    manager = san_plan.people.manager
    # A check waiting as job_enqueue leaves it, but with no message sent: a worker that
    # earlier tests of this session started listens on the same queue and would claim a
    # sent check before the claim this test makes, whatever the lock does.
    waiting = Job.objects.create(
        kind=REVIEW_CHECK_KIND,
        task_name=REVIEW_CHECK_TASK,
        plan=san_plan.plan,
        created_by=manager,
        queued_at=timezone.now(),
    )
    assert waiting.status == Job.Status.QUEUED
    claimed = threading.Event()

    def worker_claims() -> None:
        try:
            if job_claim(waiting.pk) is not None:
                claimed.set()
        finally:
            connection.close()

    with transaction.atomic():
        # This change relies on the waiting check instead of queuing its own.
        assert review_check_request(plan=san_plan.plan, user=manager) is None
        worker = threading.Thread(target=worker_claims)
        worker.start()
        # The worker's claim waits on the lock the change holds; had it gone through
        # here, the check would read the inputs without this change.
        assert not claimed.wait(timeout=2.0)
    worker.join(timeout=30)
    assert claimed.is_set()
