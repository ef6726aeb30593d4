"""The after-action report: timeline, actual against objective, overrun steps, actions.

Rendered as a PDF in the worker only, with the documents app's rendering helper and its
restricted URL fetcher (the report loads the plan stylesheet and fonts and nothing else).
A report rendered while the incident is open is a draft and carries the DRAFT mark;
closing the incident renders the final one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from analysis.formatting import hours as format_hours
from audit.services import system_user
from bcp.concurrency import save_locked
from bcp.history import change_context
from bcp.jobs import ProgressFn, job_enqueue
from bcp.models import Job
from bcp.permissions import Capability
from documents.rendering import render_html_to_pdf
from incidents import selectors
from incidents.exercises import outcome_gaps
from incidents.models import AfterActionReport, Incident, IncidentFunction

REPORT_TASK = "incidents.tasks.report_render"
REPORT_KIND = "incidents_report"
REPORTS_FOLDER = "incidents/reports"


@transaction.atomic
def report_request(*, incident: Incident, user: User) -> AfterActionReport:
    """Queue a rendering of the report; a draft while the incident is open."""
    job = job_enqueue(
        kind=REPORT_KIND,
        task_name=REPORT_TASK,
        user=user,
        plan=incident.plan,
        parameters={"incident": incident.pk},
    )
    draft = incident.is_open
    with change_context(
        user=user, reason="After-action report requested" + (" (draft)" if draft else "")
    ):
        return AfterActionReport.objects.create(incident=incident, job=job, draft=draft)


@dataclass(frozen=True)
class ObjectiveRow:
    """One function's recovery, actual against objective."""

    name: str
    state_at_start: str
    because: list[str]
    rto: str
    actual: str
    rto_met: bool | None
    mtpd: str
    mtpd_met: bool | None
    rpo: str
    data_lost: str
    rpo_met: bool | None
    charged: bool


def _met(actual: float | None, objective: float | None) -> bool | None:
    if actual is None or objective is None:
        return None
    return actual <= objective


def objective_row(entry: IncidentFunction, incident: Incident) -> ObjectiveRow:
    took = (
        (entry.restored_at - incident.started_at).total_seconds() / 3600.0
        if entry.restored_at
        else None
    )
    lost = entry.data_lost_minutes / 60.0 if entry.data_lost_minutes is not None else None
    return ObjectiveRow(
        name=entry.name,
        state_at_start=entry.get_state_at_start_display(),
        because=list(entry.because_at_start),
        rto=format_hours(entry.rto_hours),
        actual=format_hours(took) if took is not None else "not restored yet",
        rto_met=_met(took, entry.rto_hours),
        mtpd=format_hours(entry.mtpd_hours),
        mtpd_met=_met(took, entry.mtpd_hours),
        rpo=format_hours(entry.rpo_hours),
        data_lost="none"
        if lost == 0
        else format_hours(lost)
        if lost is not None
        else "not recorded",
        rpo_met=_met(lost, entry.rpo_hours),
        charged=(
            not incident.is_exercise and incident.budget_charged and entry.state_at_start == "down"
        ),
    )


def report_context(incident: Incident, *, draft: bool, now: dt.datetime) -> dict[str, Any]:
    """Everything the report shows, read from the incident's records."""

    view = selectors.incident_view(
        incident, user=None, capabilities=frozenset({Capability.VIEW}), now=now
    )
    rows = [objective_row(fv.entry, incident) for fv in view.functions]
    overruns = [
        {
            "function": fv.entry.name,
            "position": step.position,
            "instruction": step.instruction,
            "expected": format_hours((step.expected_minutes or 0) / 60.0),
            "actual": format_hours((step.actual_minutes or 0) / 60.0),
        }
        for fv in view.functions
        for step in fv.steps
        if step.overran
    ]
    gaps = [
        gap
        for fv in view.functions
        for gap in outcome_gaps(fv.entry, incident)
        if not incident.is_open
    ]
    return {
        "incident": incident,
        "plan": incident.plan,
        "draft": draft,
        "exercise": incident.is_exercise,
        "view": view,
        "rows": rows,
        "overruns": overruns,
        "gaps": gaps,
        "timeline": selectors.timeline(view),
        "generated_at": now,
        "steps_total": sum(len(fv.steps) for fv in view.functions),
        "steps_done": sum(fv.done_steps for fv in view.functions),
    }


def report_html(incident: Incident, *, draft: bool, now: dt.datetime | None = None) -> str:
    return render_to_string(
        "incidents/pdf/report.html",
        report_context(incident, draft=draft, now=now or timezone.now()),
    )


def report_render(*, job: Job, progress: ProgressFn) -> dict[str, Any]:
    """Render one requested report in the worker and store the PDF on its record."""

    report = AfterActionReport.objects.select_related("incident__plan").get(job=job)
    incident = report.incident
    progress(10, "Collecting the incident's records")
    html = report_html(incident, draft=report.draft)
    pdf = render_html_to_pdf(html, progress=progress)
    name = default_storage.save(
        f"{REPORTS_FOLDER}/plan-{incident.plan_id}/incident-{incident.pk}/report-{report.pk}.pdf",
        ContentFile(pdf.content),
    )
    _report_store(report=report, name=name, sha256=pdf.sha256, pages=pdf.page_count)
    return {"file": name, "sha256": pdf.sha256, "pages": pdf.page_count, "draft": report.draft}


@transaction.atomic
def _report_store(*, report: AfterActionReport, name: str, sha256: str, pages: int) -> None:

    with change_context(user=system_user(), reason="After-action report rendered"):
        save_locked(
            report,
            changes={
                "pdf": name,
                "sha256": sha256,
                "page_count": pages,
                "rendered_at": timezone.now(),
            },
        )
