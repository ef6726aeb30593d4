"""Input that used to give a server error is answered with 400/404 and a message.

The cases of the production-readiness review, one test each, against real pages, the
real API and the real management command.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from rest_framework.test import APIClient

from tests.conftest import PlanPeople, client_for

pytestmark = pytest.mark.django_db

FAR_FUTURE = "9999-12-31"


def _audit(people: PlanPeople, name: str) -> str:
    return reverse(name, kwargs={"plan_pk": people.plan.pk})


@pytest.mark.parametrize("name", ["audit_timeline", "audit_export_csv", "audit_export_json"])
@pytest.mark.parametrize("field", ["date_to", "date_from"])
def test_an_audit_date_at_the_end_of_the_calendar_is_not_a_server_error(
    people: PlanPeople, name: str, field: str
) -> None:
    response = client_for(people.auditor).get(_audit(people, name), {field: FAR_FUTURE})
    assert response.status_code in (200, 400)
    if response.status_code == 400:
        assert "date" in response.content.decode().lower()


def test_an_as_of_day_at_the_end_of_the_calendar_is_not_a_server_error(
    people: PlanPeople,
) -> None:
    response = client_for(people.auditor).get(_audit(people, "audit_as_of"), {"day": FAR_FUTURE})
    assert response.status_code in (200, 400)


def test_a_history_compare_with_a_huge_version_number_is_a_404_or_400(people: PlanPeople) -> None:
    url = reverse(
        "audit_compare",
        kwargs={"plan_pk": people.plan.pk, "model_label": "bcp.plan", "object_id": people.plan.pk},
    )
    for huge in ("99999999999999999999999999", str(2**63), str(2**63 - 1)):
        response = client_for(people.auditor).get(url, {"a": "1", "b": huge})
        assert response.status_code in (400, 404), huge


def test_availability_with_zero_samples_is_problem_details_not_html() -> None:
    from tests.factories import UserFactory

    api = APIClient()
    api.force_authenticate(UserFactory.create())
    body = {
        "components": [{"id": "a", "availability": 0.99}],
        "services": [{"id": "s", "requires": ["a"]}],
        "samples": 0,
    }
    response = api.post("/api/v1/analysis/availability", body, format="json")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert "samples" in response.content.decode()


def test_an_empty_year_days_is_named_as_the_problem() -> None:
    from tests.factories import UserFactory

    api = APIClient()
    api.force_authenticate(UserFactory.create())
    response = api.get("/api/v1/analysis/budget", {"availability": "99.9", "year_days": ""})
    assert response.status_code == 400
    problem = response.json()
    assert "year_days" in str(problem)
    assert "availability must" not in problem["detail"]


def test_restoring_a_truncated_archive_is_a_clear_error(tmp_path: Path) -> None:
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", "--output", str(archive), stdout=io.StringIO())
    truncated = tmp_path / "truncated.tar.gz"
    truncated.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    with pytest.raises(CommandError) as excinfo:
        call_command("restore", str(truncated), "--replace", stdout=io.StringIO())
    assert "truncated" in str(excinfo.value).lower() or "damaged" in str(excinfo.value).lower()


def test_an_11_mb_upload_is_reported_as_11_mb(people: PlanPeople) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("big.csv", b"name\n" + b"x" * (11 * 1024 * 1024 - 5))
    response: Any = client_for(people.manager).post(
        reverse("inventory_import", kwargs={"plan_pk": people.plan.pk}),
        {"file": upload, "section": "components"},
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "11.0 MB" in body and "10.0 MB is" not in body
