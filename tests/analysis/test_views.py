"""Analysis pages: dashboard, function page, what-if, settings, incidents."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from analysis.models import AnalysisRun, AnalysisSettings, Incident
from documents import formatting
from tests.analysis.conftest import manager_dashboard, printing_function
from tests.conftest import client_for
from tests.factories import component_edit

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
    plan = demo["plan"]
    component_edit(
        plan,
        "Head office SAN",
        demo["users"]["manager"],
        reason="Vendor figure",
        availability_percent=99.95,
    )
    body = manager_dashboard(demo)
    assert "Out of date" in body


def test_what_if_second_san_elsewhere_removes_the_spof_and_saves_nothing(
    demo: dict[str, Any],
) -> None:
    from inventory.models import Component, Site

    plan = demo["plan"]
    san = Component.objects.get(plan=plan, name="Head office SAN")
    # A top-level site other than the SAN's: a separate failure domain.
    other_site = (
        Site.objects.filter(plan=plan, parent__isnull=True).exclude(pk=san.site_id or 0).last()
    )
    assert other_site is not None
    components_before = Component.objects.count()
    body = _what_if(demo, {"change": "add_peer", "component": san.pk, "site": other_site.pk})
    assert "No longer a single point of failure" in body and "Head office SAN" in body
    assert Component.objects.count() == components_before


def test_what_if_move_without_a_site_is_a_field_error(demo: dict[str, Any]) -> None:
    from inventory.models import Component

    plan = demo["plan"]
    san = Component.objects.get(plan=plan, name="Head office SAN")
    response = _what_if_response(
        demo, {"change": "move_to_site", "component": san.pk, "site": ""}, user="manager"
    )
    assert response.status_code == 400
    assert "Site: Needed for this change." in response.content.decode()


def _function_page(demo: dict[str, Any]) -> str:
    """The demo printing function's analysis page as the plan's manager reads it."""
    plan = demo["plan"]
    kwargs = {"plan_pk": plan.pk, "function_pk": printing_function(plan).pk}
    client = client_for(demo["users"]["manager"])
    return str(client.get(reverse("analysis_function", kwargs=kwargs)).content.decode())


def test_function_page_shows_required_versus_achievable(demo: dict[str, Any]) -> None:
    body = _function_page(demo)
    assert "Required and achievable" in body
    assert "Head office SAN" in body
    assert "6 h 12 min" in body  # durations in words
    assert "99.9500%" in body  # availability as a percentage, one precision


def test_function_page_shows_the_downtime_each_element_costs_as_the_document_does(
    demo: dict[str, Any],
) -> None:
    from documents.snapshot import plan_inputs

    plan = demo["plan"]
    function = printing_function(plan)
    body = _function_page(demo)
    inputs, _ = plan_inputs(plan)
    [document] = [f for f in inputs.analysis.functions if f.name == function.name]
    assert "Where the downtime comes from" in body
    assert "Birnbaum" not in body
    for row in document.importance:  # the same rows, words and precision as the plan
        assert f"{row.element}</td><td>{row.role}</td>" in body
        assert formatting.seconds_to_minute(row.downtime_saved_seconds_per_year) in body


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


def _incident_recorded(demo: dict[str, Any], **fields: str) -> Any:
    """The manager records an incident of the demo's printing function with ``fields``."""
    plan = demo["plan"]
    url = reverse("analysis_incident_add", kwargs={"plan_pk": plan.pk})
    data = {"function": printing_function(plan).pk, "kind": "incident", **fields}
    return client_for(demo["users"]["manager"]).post(url, data)


def test_recorded_incident_spends_this_months_budget(demo: dict[str, Any]) -> None:
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.now()
    response = _incident_recorded(
        demo,
        title="SAN controller reboot",
        started_at=(now - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        ended_at=(now - timedelta(minutes=30)).strftime("%Y-%m-%dT%H:%M"),
        counts_against_budget="on",
        reason="Postmortem INC-12",
    )
    assert response.status_code == 302
    assert Incident.objects.get().history.latest().history_change_reason == "Postmortem INC-12"


def test_incident_ending_before_it_starts_is_a_field_error(demo: dict[str, Any]) -> None:
    response = _incident_recorded(
        demo, title="x", started_at="2026-03-01T10:00", ended_at="2026-03-01T09:00"
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
    body = manager_dashboard(demo)
    assert "Out of date" not in body


def _what_if_response(demo: dict[str, Any], data: dict[str, Any], *, user: str = "auditor") -> Any:
    """``user`` proposes the what-if change ``data`` on the demo's printing function."""
    plan = demo["plan"]
    url = reverse(
        "analysis_function_what_if",
        kwargs={"plan_pk": plan.pk, "function_pk": printing_function(plan).pk},
    )
    return client_for(demo["users"][user]).post(url, data)


def _what_if(demo: dict[str, Any], data: dict[str, Any], *, user: str = "auditor") -> str:
    """The page of a what-if change the form accepts."""
    response = _what_if_response(demo, data, user=user)
    assert response.status_code == 200, response.content.decode()
    return response.content.decode()


def test_what_if_hourly_backups_shows_the_rpo_change(demo: dict[str, Any]) -> None:
    from inventory.models import Component

    plan = demo["plan"]
    san = Component.objects.get(plan=plan, name="Head office SAN")
    body = _what_if(demo, {"change": "set_backup_interval", "component": san.pk, "hours": 1})
    assert "Achievable RPO" in body
    assert "<th>Achievable RPO</th><td>1 d</td><td>1 h</td>" in body.replace("\n", "")


def test_what_if_on_a_group_adds_a_member_and_saves_nothing(demo: dict[str, Any]) -> None:
    from inventory.models import Component, RedundancyGroup

    pair = RedundancyGroup.objects.get(plan=demo["plan"], name="Application server pair")
    before = Component.objects.count()
    body = _what_if(demo, {"change": "add_group_member", "group": pair.pk})
    assert "add a copy of Application server (primary)" in body
    assert Component.objects.count() == before


def test_what_if_removing_one_load_balancer_shows_the_other_becomes_a_spof(
    demo: dict[str, Any],
) -> None:
    from inventory.models import Component

    plan = demo["plan"]
    lb = Component.objects.get(plan=plan, name="Load balancer 1")
    body = _what_if(demo, {"change": "remove_component", "component": lb.pk}, user="manager")
    assert "New single point of failure: Load balancer 2" in body
    assert "Nothing was saved." in body


def test_a_manager_agrees_an_rto_and_the_page_shows_it_beside_the_derived_one(
    demo: dict[str, Any],
) -> None:
    from analysis.models import AgreedObjective

    plan = demo["plan"]
    function = printing_function(plan)
    client = client_for(demo["users"]["manager"])
    url = reverse(
        "analysis_agreed_objectives", kwargs={"plan_pk": plan.pk, "function_pk": function.pk}
    )
    response = client.post(url, {"rto_hours": "12", "agreement": "Agreed with the dean, March"})
    assert response.status_code == 302
    agreed = AgreedObjective.objects.get(function=function)
    assert agreed.rto_hours == 12 and agreed.agreed_by == demo["users"]["manager"]
    assert "Agreed with the dean, March" in _function_page(demo)


def test_agreeing_nothing_is_a_form_error(demo: dict[str, Any]) -> None:
    plan = demo["plan"]
    function = printing_function(plan)
    response = client_for(demo["users"]["manager"]).post(
        reverse(
            "analysis_agreed_objectives", kwargs={"plan_pk": plan.pk, "function_pk": function.pk}
        ),
        {"agreement": "nothing"},
    )
    assert response.status_code == 400
    assert "Agree at least one figure" in response.content.decode()


def test_dashboard_names_the_functions_not_assessed_instead_of_no_gaps(
    demo: dict[str, Any],
) -> None:
    body = manager_dashboard(demo)
    assert 'id="not-assessed"' in body
    assert "No gaps found" not in body


def test_roadmap_says_which_earlier_step_already_closes_a_gap(demo: dict[str, Any]) -> None:
    body = manager_dashboard(demo)
    assert 'id="plan-roadmap"' in body
    assert "already closed by step 1" in body
