"""The auditor pages at 100,000 history entries: a constant, small number of queries."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audit.models import ChainEntry
from tests.audit.bulk import build_history
from tests.conftest import PlanPeople

pytestmark = pytest.mark.django_db
ENTRIES = 100_000
# Session, user, plan, membership, plan menu, filter choices, the page and whether it has
# neighbours, one query per history table on the page, names of related records —
# independent of the entry count.
MAX_QUERIES = 16


def test_auditor_pages_stay_at_a_constant_query_count_with_100000_entries(
    people: PlanPeople, auditor_client: Client, django_assert_max_num_queries: Any
) -> None:
    build_history(people.plan, [people.manager, people.stakeholder], entries=ENTRIES)
    assert ChainEntry.objects.filter(plan_id=people.plan.pk).count() >= ENTRIES
    base = reverse("audit_timeline", kwargs={"plan_pk": people.plan.pk})
    week_ago = (timezone.localdate() - dt.timedelta(days=7)).isoformat()
    today = timezone.localdate().isoformat()
    object_url = reverse(
        "audit_object",
        kwargs={"plan_pk": people.plan.pk, "model_label": "bcp.Plan", "object_id": people.plan.pk},
    )
    as_of_url = reverse("audit_as_of", kwargs={"plan_pk": people.plan.pk})
    # A page deep in the history (the 1,500th of 50 entries at 100,000 entries).
    deep = ChainEntry.objects.filter(plan_id=people.plan.pk).order_by("-seq")[75_000].seq
    pages = [
        base,
        f"{base}?before={deep}",
        f"{base}?user={people.stakeholder.pk}",
        f"{base}?user={people.manager.pk}&date_from={week_ago}&date_to={today}",
        f"{base}?reason=review+9999",
        f"{base}?ticket=CHG-42&model=inventory.Site",
        object_url,
        f"{object_url}?before={deep}",
        f"{as_of_url}?day={week_ago}",
    ]
    for url in pages:
        with django_assert_max_num_queries(MAX_QUERIES):
            response = auditor_client.get(url)
        assert response.status_code == 200, url
    filtered = auditor_client.get(
        f"{base}?user={people.manager.pk}&date_from={week_ago}&date_to={today}"
    )
    rows = filtered.context["rows"]
    assert len(rows) == 50
    assert {row.entry.user_id for row in rows} == {people.manager.pk}
