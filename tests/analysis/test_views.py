"""Analysis pages: dashboard, function page, what-if, settings, incidents."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from analysis.models import AnalysisRun, AnalysisSettings, Incident
from tests.analysis.conftest import printing_function
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def test_dashboard_shows_the_san_among_ranked_spofs(demo: dict[str, Any]) -> None:
    plan = demo["plan"]
    response = client_for(demo["users"]["auditor"]).get(
        reverse("analysis_dashboard", kwargs={"plan_pk": plan.pk})
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Head office SAN" in body
    assert "Run analysis" not in body  # auditors change nothing


def test_dashboard_says_stale_after_an_inventory_change(demo: dict[str, Any]) -> None:
    from inventory.models import Component
    from inventory.services import component_update

    plan = demo["plan"]
    san = Component.objects.get(plan=plan, name="Head office SAN")
    component_update(
        component=san,
        user=demo["users"]["manager"],
        expected_version=san.version,
        values={"availability_percent": 99.95},
        reason="Vendor figure",
    )
    body = (
        client_for(demo["users"]["manager"])
        .get(reverse("analysis_dashboard", kwargs={"plan_pk": plan.pk}))
        .content.decode()
    )
    assert "Out of date" in body


def test_what_if_second_san_elsewhere_removes_the_spof_and_saves_nothing(
    demo: dict[str, Any],
) -> None:
    from inventory.graph import component_key, site_key
    from inventory.models import Component, Site

    plan = demo["plan"]
    function = printing_function(plan)
    san = Component.objects.get(plan=plan, name="Head office SAN")
    # A top-level site other than the SAN's: a separate failure domain.
    other_site = (
        Site.objects.filter(plan=plan, parent__isnull=True).exclude(pk=san.site_id or 0).last()
    )
    assert other_site is not None
    components_before = Component.objects.count()
    response = client_for(demo["users"]["auditor"]).post(
        reverse(
            "analysis_function_what_if", kwargs={"plan_pk": plan.pk, "function_pk": function.pk}
        ),
        {"change": "add_peer", "component": component_key(san.pk), "site": site_key(other_site.pk)},
    )
    body = response.content.decode()
    assert response.status_code == 200, body
    assert "No longer a single point of failure" in body and "Head office SAN" in body
    assert Component.objects.count() == components_before


def test_what_if_move_without_a_site_is_a_field_error(demo: dict[str, Any]) -> None:
    from inventory.graph import component_key
    from inventory.models import Component

    plan = demo["plan"]
    san = Component.objects.get(plan=plan, name="Head office SAN")
    response = client_for(demo["users"]["manager"]).post(
        reverse(
            "analysis_function_what_if",
            kwargs={"plan_pk": plan.pk, "function_pk": printing_function(plan).pk},
        ),
        {"change": "move_site", "component": component_key(san.pk), "site": ""},
    )
    assert response.status_code == 400
    assert "Choose the site" in response.content.decode()


def test_function_page_shows_required_versus_achievable(demo: dict[str, Any]) -> None:
    plan = demo["plan"]
    function = printing_function(plan)
    body = (
        client_for(demo["users"]["manager"])
        .get(reverse("analysis_function", kwargs={"plan_pk": plan.pk, "function_pk": function.pk}))
        .content.decode()
    )
    assert "Required versus achievable" in body
    assert "Head office SAN" in body


def test_settings_refuse_a_margin_of_100_percent(demo: dict[str, Any]) -> None:
    plan = demo["plan"]
    current = AnalysisSettings.objects.get(plan=plan)
    response = client_for(demo["users"]["manager"]).post(
        reverse("analysis_settings", kwargs={"plan_pk": plan.pk}),
        {
            "year_convention": "365",
            "method": "auto",
            "monte_carlo_samples": 10000,
            "monte_carlo_seed": 1,
            "rto_margin_percent": 100,
            "expected_incidents_per_year": 1,
            "budget_period": "month",
            "version": current.version,
        },
    )
    assert response.status_code == 400
    assert "below 100%" in response.content.decode()


def test_recorded_incident_spends_this_months_budget(demo: dict[str, Any]) -> None:
    from datetime import timedelta

    from django.utils import timezone

    plan = demo["plan"]
    function = printing_function(plan)
    now = timezone.now()
    client = client_for(demo["users"]["manager"])
    response = client.post(
        reverse("analysis_incident_add", kwargs={"plan_pk": plan.pk}),
        {
            "function": function.pk,
            "kind": "incident",
            "title": "SAN controller reboot",
            "started_at": (now - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
            "ended_at": (now - timedelta(minutes=30)).strftime("%Y-%m-%dT%H:%M"),
            "counts_against_budget": "on",
            "reason": "Postmortem INC-12",
        },
    )
    assert response.status_code == 302
    assert Incident.objects.get().history.latest().history_change_reason == "Postmortem INC-12"


def test_incident_ending_before_it_starts_is_a_field_error(demo: dict[str, Any]) -> None:
    plan = demo["plan"]
    response = client_for(demo["users"]["manager"]).post(
        reverse("analysis_incident_add", kwargs={"plan_pk": plan.pk}),
        {
            "function": printing_function(plan).pk,
            "kind": "incident",
            "title": "x",
            "started_at": "2026-03-01T10:00",
            "ended_at": "2026-03-01T09:00",
        },
    )
    assert response.status_code == 400
    assert "The end must be after the start." in response.content.decode()


def test_dashboard_query_count_does_not_grow_with_runs(
    demo: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    plan = demo["plan"]
    client = client_for(demo["users"]["auditor"])
    url = reverse("analysis_dashboard", kwargs={"plan_pk": plan.pk})
    client.get(url)
    assert AnalysisRun.objects.filter(plan=plan).exists()
    with django_assert_max_num_queries(60):
        client.get(url)


def test_fresh_analysis_is_not_reported_stale(demo: dict[str, Any]) -> None:
    body = (
        client_for(demo["users"]["manager"])
        .get(reverse("analysis_dashboard", kwargs={"plan_pk": demo["plan"].pk}))
        .content.decode()
    )
    assert "Out of date" not in body
