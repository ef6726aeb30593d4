"""The documents API: versions with their hashes, and verification by sha256."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.conftest import PlanPeople, client_for
from tests.documents.helpers import publish_now

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.documents.api_urlconf")]


def test_versions_list_gives_hashes_and_supersession(people: PlanPeople) -> None:
    version = publish_now(people.plan, people.manager)
    response = client_for(people.auditor).get(
        reverse("api_documents_versions", kwargs={"plan_pk": people.plan.pk})
    )
    assert response.status_code == 200
    [row] = response.json()
    assert row["pdf_sha256"] == version.pdf_sha256 and row["superseded_by_changes"] is False


def test_verify_by_hash_of_an_unknown_document_is_a_problem_404(people: PlanPeople) -> None:
    response = client_for(people.manager).get(
        reverse("api_documents_verify", kwargs={"plan_pk": people.plan.pk, "sha256": "a" * 64})
    )
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


def test_outsiders_cannot_list_versions(people: PlanPeople) -> None:
    response = client_for(people.outsider).get(
        reverse("api_documents_versions", kwargs={"plan_pk": people.plan.pk})
    )
    assert response.status_code == 403
