from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import client_for
from tests.helpers import on_worker


@on_worker
def test_health_is_ok_with_database_broker_and_a_live_worker(celery_worker_process: Any) -> None:
    import time

    from tests.factories import UserFactory

    staff = UserFactory.create(is_staff=True)
    deadline = time.monotonic() + 10
    while True:
        response = client_for(staff).get("/health/")
        if response.status_code == 200 or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    body = response.json()
    assert response.status_code == 200, body
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "broker", "worker"}


@pytest.mark.django_db
def test_health_is_503_when_no_worker_has_reported() -> None:
    from bcp.models import WorkerHeartbeat
    from tests.factories import UserFactory

    WorkerHeartbeat.objects.all().delete()
    response = client_for(UserFactory.create(is_staff=True)).get("/health/")
    assert response.status_code == 503
    assert response.json()["checks"]["worker"]["ok"] is False


@pytest.mark.django_db
def test_anonymous_callers_learn_only_ok_or_unavailable() -> None:
    response = client_for(None).get("/health/")
    assert response.json() == {"status": "unavailable"}
    assert "broker" not in response.content.decode()


@pytest.mark.django_db
def test_staff_see_what_is_down() -> None:
    from tests.factories import UserFactory

    response = client_for(UserFactory.create(is_staff=True)).get("/health/")
    assert response.status_code == 503
    assert response.json()["checks"]["worker"]["ok"] is False


@pytest.mark.django_db
def test_signed_in_non_staff_see_no_details(people: Any) -> None:
    assert client_for(people.manager).get("/health/").json() == {"status": "unavailable"}
