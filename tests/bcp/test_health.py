from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import client_for


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_health_is_ok_with_database_broker_and_a_live_worker(celery_worker_process: Any) -> None:
    import time

    deadline = time.monotonic() + 10
    while True:
        response = client_for(None).get("/health/")
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

    WorkerHeartbeat.objects.all().delete()
    response = client_for(None).get("/health/")
    assert response.status_code == 503
    assert response.json()["checks"]["worker"]["ok"] is False
