"""History lists page by entry number: older and newer pages, at any depth, without counting."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from audit.models import ChainEntry
from audit.views import PAGE_SIZE
from tests.audit.bulk import build_history
from tests.conftest import PlanPeople

pytestmark = pytest.mark.django_db


def _seqs(client: Client, url: str) -> tuple[list[int], str]:
    response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    return [row.entry.seq for row in response.context["rows"]], response.content.decode()


def _link(html: str, label: str) -> str | None:
    found = re.search(rf'href="\?([^"]*)"[^>]*>{label}</a>', html)
    return found.group(1).replace("&amp;", "&") if found else None


def test_following_older_then_newer_links_visits_every_entry_once_each_way(
    people: PlanPeople, auditor_client: Client
) -> None:
    build_history(people.plan, [people.manager], entries=2 * PAGE_SIZE + 7)
    entries = ChainEntry.objects.filter(plan_id=people.plan.pk).order_by("-seq")
    every = list(entries.values_list("seq", flat=True))
    base = reverse("audit_timeline", kwargs={"plan_pk": people.plan.pk})
    seen, query = [], ""
    pages = []
    while True:
        seqs, html = _seqs(auditor_client, f"{base}?{query}")
        seen.extend(seqs)
        pages.append(seqs)
        older = _link(html, "Older")
        if older is None:
            break
        query = older
    assert seen == every
    assert "Newest" in html
    back = []
    while (newer := _link(html, "Newer")) is not None:
        seqs, html = _seqs(auditor_client, f"{base}?{newer}")
        back.append(seqs)
    assert back == pages[-2::-1]
    assert _link(html, "Newest") is None


def test_an_older_page_keeps_the_filters(people: PlanPeople, auditor_client: Client) -> None:
    build_history(people.plan, [people.manager, people.stakeholder], entries=3 * PAGE_SIZE)
    base = reverse("audit_timeline", kwargs={"plan_pk": people.plan.pk})
    first, html = _seqs(auditor_client, f"{base}?user={people.stakeholder.pk}")
    older = _link(html, "Older")
    assert older is not None and f"user={people.stakeholder.pk}" in older
    second, _ = _seqs(auditor_client, f"{base}?{older}")
    users = set(ChainEntry.objects.filter(seq__in=first + second).values_list("user_id", flat=True))
    assert users == {people.stakeholder.pk}
    assert max(second) < min(first)


def test_a_page_cursor_that_is_not_an_entry_number_is_refused_with_a_message(
    people: PlanPeople, auditor_client: Client
) -> None:
    base = reverse("audit_timeline", kwargs={"plan_pk": people.plan.pk})
    response = auditor_client.get(f"{base}?before=yesterday")
    assert response.status_code == 400
    assert b"is not an entry number" in response.content
    both = auditor_client.get(f"{base}?before=5&after=2")
    assert both.status_code == 400
    assert b"not both" in both.content


def test_a_page_past_the_oldest_entry_is_empty_and_offers_the_newest(
    people: PlanPeople, auditor_client: Client
) -> None:
    base = reverse("audit_timeline", kwargs={"plan_pk": people.plan.pk})
    seqs, html = _seqs(auditor_client, f"{base}?before=1")
    assert seqs == []
    assert _link(html, "Newest") == ""


def test_a_records_history_pages_by_entry_number_too(
    people: PlanPeople, auditor_client: Client
) -> None:
    build_history(people.plan, [people.manager], entries=2 * PAGE_SIZE + 10)
    url = reverse(
        "audit_object",
        kwargs={"plan_pk": people.plan.pk, "model_label": "bcp.Plan", "object_id": people.plan.pk},
    )
    first, html = _seqs(auditor_client, url)
    older = _link(html, "Older")
    assert older is not None and older.startswith("before=")
    second, _ = _seqs(auditor_client, f"{url}?{older}")
    assert len(first) == PAGE_SIZE and second and max(second) < min(first)
    assert auditor_client.get(f"{url}?after=-3").status_code == 400
