"""The after-action report: what it says, and rendering it in a real worker."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.utils import timezone
from pypdf import PdfReader

from bcp.models import Job
from incidents import reports
from incidents.models import AfterActionReport, Incident
from incidents.services.closing import action_add
from incidents.services.recovery import function_restore
from incidents.services.steps import step_complete, step_start
from tests.conftest import PlanPeople, client_for
from tests.helpers import downloaded, job_wait, on_worker
from tests.incidents.factories import Estate, close, declare, entry_for, first_step, print_estate


def _closed_exercise(estate: Estate) -> Incident:
    started = timezone.now() - dt.timedelta(hours=2)
    incident = declare(estate, kind="exercise", title="SAN drill", started_at=started)
    head = entry_for(incident, estate.head_office)
    head.rto_hours, head.mtpd_hours, head.rpo_hours = 0.5, 4.0, 1.0
    head.save()
    step = first_step(incident, estate.head_office)
    step_start(step=step, user=estate.people.manager, now=started)
    step_complete(step=step, user=estate.people.manager, now=started + dt.timedelta(minutes=40))
    for entry in incident.functions.all():
        function_restore(
            incident_function=entry,
            user=estate.people.manager,
            restored_at=started + dt.timedelta(minutes=50),
            data_lost_minutes=90 if entry.pk == head.pk else 0,
        )
    action_add(
        incident=incident,
        user=estate.people.manager,
        description="Buy a spare SAN controller.",
        owner=estate.people.manager,
        due_on=timezone.localdate() + dt.timedelta(days=30),
    )
    return close(
        incident,
        estate.people.manager,
        summary="The drill went as planned.",
        lessons="Script the release check.",
    )


@pytest.mark.django_db
def test_the_report_compares_actual_with_objective_and_lists_overruns_and_actions(
    people: PlanPeople,
) -> None:
    estate = print_estate(people)
    incident = _closed_exercise(estate)
    html = reports.report_html(incident, draft=False)
    assert 'class="watermark"' not in html
    assert "EXERCISE — nothing really failed" in html
    table = html.split('id="objective-table"')[1].split("</table>")[0]
    assert "50 min (missed)" in table  # RTO 30 min
    assert "1 h 30 min (missed)" in table  # RPO 1 h
    assert "Step 1 took 40 min against 10 min planned" in html
    assert 'id="overrun-table"' in html
    assert "Buy a spare SAN controller." in html
    assert "Not charged: exercises do not spend downtime budget." in html


@pytest.mark.django_db
def test_the_report_timeline_says_who_recorded_each_restoration(people: PlanPeople) -> None:
    estate = print_estate(people)
    incident = _closed_exercise(estate)
    html = reports.report_html(incident, draft=False)
    timeline = html.split('id="timeline"')[1].split("</table>")[0]
    manager = people.manager.get_full_name()
    assert f'Head office printing restored</td><td class="who">{manager}</td>' in timeline


@pytest.mark.django_db
def test_a_report_of_an_open_incident_is_a_draft(people: PlanPeople) -> None:
    estate = print_estate(people)
    incident = declare(estate)
    report = reports.report_request(incident=incident, user=estate.people.manager)
    assert report.draft
    html = reports.report_html(incident, draft=report.draft)
    assert '<div class="watermark">DRAFT</div>' in html
    assert "not restored yet" in html


@on_worker
def test_the_worker_renders_a_draft_pdf_with_the_draft_and_exercise_marks(
    people: PlanPeople, celery_worker_process: Any
) -> None:
    estate = print_estate(people)
    incident = declare(estate, kind="exercise", title="SAN drill")
    client = client_for(estate.people.manager)
    url = f"/plans/{estate.plan.pk}/incidents/{incident.pk}/reports/"
    assert client.post(url).status_code == 302
    report = AfterActionReport.objects.get(incident=incident)
    job = job_wait(report.job)
    assert job.status == Job.Status.SUCCEEDED, job.error
    report.refresh_from_db()
    download = client.get(f"{url}{report.pk}/download/")
    assert download["Content-Disposition"].endswith('-DRAFT.pdf"')
    pdf = downloaded(download)
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "DRAFT" in text
    assert "EXERCISE — nothing really failed" in text
    assert "Actual against objective" in text
    assert report.page_count and report.page_count >= 4
