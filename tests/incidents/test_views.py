"""The incident pages: declare with a preview first, the live page, closing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from incidents.models import Incident, IncidentStep
from incidents.services.declaring import incident_edit
from incidents.services.recovery import function_restore, log_add
from incidents.services.scenarios import scenario_create
from incidents.services.steps import step_add, step_complete
from tests.conftest import client_for
from tests.incidents.factories import Estate, declare, entry_for, first_step

pytestmark = pytest.mark.django_db


def _url(estate: Estate, tail: str = "") -> str:
    return f"/plans/{estate.plan.pk}/incidents/{tail}"


def _declare_data(estate: Estate, action: str, **extra: Any) -> dict[str, Any]:
    started = timezone.localtime() - dt.timedelta(minutes=10)
    return {
        "kind": "incident",
        "title": "SAN controller failure",
        "started_at": started.strftime("%Y-%m-%dT%H:%M"),
        "failed": [estate.key(estate.san)],
        "action": action,
        **extra,
    }


def test_the_preview_shows_what_stops_and_what_runs_degraded_and_saves_nothing(
    estate: Estate, manager_client: Client
) -> None:
    response = manager_client.post(_url(estate, "declare/"), _declare_data(estate, "preview"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="impact-down"' in html and "Head office printing" in html
    assert 'data-state="degraded"' in html and "Branch printing" in html
    assert 'id="declare-button"' in html
    assert not Incident.objects.exists()


def test_declaring_creates_the_incident_and_opens_its_live_page(
    estate: Estate, manager_client: Client
) -> None:
    response = manager_client.post(_url(estate, "declare/"), _declare_data(estate, "declare"))
    incident = Incident.objects.get()
    assert response.status_code == 302 and response["Location"] == incident.get_absolute_url()
    page = manager_client.get(incident.get_absolute_url())
    assert b"Check the SAN controllers." in page.content
    assert b"Down because of" in page.content


def test_a_future_start_and_nothing_failed_are_shown_on_the_form(
    estate: Estate, manager_client: Client
) -> None:
    future = (timezone.localtime() + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = manager_client.post(
        _url(estate, "declare/"),
        _declare_data(estate, "declare", failed=[], started_at=future),
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "The start cannot be in the future" in html
    assert "Say what has failed" in html
    assert not Incident.objects.exists()


def test_a_saved_scenario_declares_its_failures(estate: Estate, manager_client: Client) -> None:
    scenario = scenario_create(
        plan=estate.plan,
        user=estate.people.manager,
        name="Lose the SAN",
        description="",
        failed_keys=[estate.key(estate.san)],
    )
    data = _declare_data(estate, "declare", failed=[], scenario=scenario.pk)
    assert manager_client.post(_url(estate, "declare/"), data).status_code == 302
    incident = Incident.objects.get()
    assert incident.scenario_name == "Lose the SAN"
    assert list(incident.elements.values_list("name", flat=True)) == ["SAN"]


def test_the_live_part_answers_no_content_until_something_changes(estate: Estate) -> None:
    incident = declare(estate)
    client = client_for(estate.people.auditor)
    first = client.get(_url(estate, f"{incident.pk}/live/"))
    assert first.status_code == 200
    stamp = first.content.decode().split('data-stamp="')[1].split('"')[0]
    unchanged = client.get(_url(estate, f"{incident.pk}/live/"), {"stamp": stamp})
    assert unchanged.status_code == 204
    step_complete(step=first_step(incident, estate.head_office), user=estate.people.manager)
    changed = client.get(_url(estate, f"{incident.pk}/live/"), {"stamp": stamp})
    assert changed.status_code == 200
    assert b"Done by" in changed.content


def test_the_auditor_reads_the_live_page_without_any_controls(estate: Estate) -> None:
    incident = declare(estate)
    html = client_for(estate.people.auditor).get(incident.get_absolute_url()).content.decode()
    assert "Check the SAN controllers." in html
    for control in ("Complete</button>", "Mark recovered", "Start the call tree", "Log it"):
        assert control not in html


def test_the_stakeholder_gets_step_controls_only_for_their_own_function(estate: Estate) -> None:
    incident = declare(estate)
    step_add(
        incident_function=entry_for(incident, estate.branch),
        user=estate.people.manager,
        instruction="Send urgent jobs by courier.",
    )
    html = client_for(estate.people.stakeholder).get(incident.get_absolute_url()).content.decode()
    assert "Send urgent jobs by courier." in html
    assert html.count("Complete</button>") == 2  # the two head office steps only


def test_completing_a_step_twice_shows_who_completed_it(estate: Estate) -> None:
    incident = declare(estate)
    step = first_step(incident, estate.head_office)
    stakeholder = client_for(estate.people.stakeholder)
    url = _url(estate, f"{incident.pk}/steps/{step.pk}/complete/")
    assert stakeholder.post(url).status_code == 302
    again = client_for(estate.people.manager).post(url, follow=True)
    assert b"already completed by" in again.content
    assert IncidentStep.objects.get(pk=step.pk).completed_by == estate.people.stakeholder


def test_the_live_page_reads_in_a_fixed_number_of_queries(
    estate: Estate, django_assert_max_num_queries: Any
) -> None:
    incident = declare(estate)
    for _ in range(5):
        log_add(incident=incident, user=estate.people.manager, kind="note", text="x")
    client = client_for(estate.people.manager)
    with django_assert_max_num_queries(30):
        assert client.get(incident.get_absolute_url()).status_code == 200


def test_closing_without_restoration_times_says_which_functions_are_missing(
    estate: Estate, manager_client: Client
) -> None:
    incident = declare(estate)
    response = manager_client.post(
        _url(estate, f"{incident.pk}/close/"),
        {"summary": "Done", "lessons": "", "version": incident.version},
    )
    assert response.status_code == 400
    assert "not yet restored: Branch printing, Head office printing" in response.content.decode()
    assert Incident.objects.get().is_open


def test_restoring_each_function_then_closing_queues_the_final_report(
    estate: Estate, manager_client: Client
) -> None:
    incident = declare(estate)
    restored = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    for entry in incident.functions.all():
        prefix = f"f{entry.pk}"
        response = manager_client.post(
            _url(estate, f"{incident.pk}/functions/{entry.pk}/restore/"),
            {f"{prefix}-restored_at": restored, f"{prefix}-data_lost_minutes": "0"},
        )
        assert response.status_code == 302
    incident.refresh_from_db()
    response = manager_client.post(
        _url(estate, f"{incident.pk}/close/"),
        {
            "summary": "Replaced a controller.",
            "lessons": "Spare parts.",
            "version": incident.version,
        },
    )
    assert response.status_code == 302
    closed = Incident.objects.get()
    assert not closed.is_open
    report = closed.reports.get()
    assert not report.draft
    assert report.job.task_name == "incidents.tasks.report_render"


def test_two_managers_closing_from_the_same_page_get_a_conflict_for_the_second(
    estate: Estate, manager_client: Client
) -> None:
    incident = declare(estate)
    for entry in incident.functions.all():
        function_restore(
            incident_function=entry,
            user=estate.people.manager,
            restored_at=timezone.now(),
            data_lost_minutes=None,
        )
    stale = incident.version
    incident_edit(
        incident=incident,
        user=estate.people.manager,
        expected_version=Incident.objects.get().version,
        title="SAN controller failure",
        started_at=incident.started_at,
    )
    response = manager_client.post(
        _url(estate, f"{incident.pk}/close/"), {"summary": "Done", "lessons": "", "version": stale}
    )
    assert response.status_code == 409
    assert Incident.objects.get().is_open
