"""A change that relies on a waiting review check must be seen by that check."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction

from bcp.jobs import job_claim
from review.services import review_check_request
from tests.review.conftest import SanPlan

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_waiting_check_cannot_be_claimed_until_the_change_relying_on_it_commits(
    san_plan: SanPlan,
) -> None:
    manager = san_plan.people.manager
    waiting = review_check_request(plan=san_plan.plan, user=manager)
    assert waiting is not None
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
