"""After-action report pages: request a render, poll its status, download the PDF."""

from __future__ import annotations

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_POST

from bcp.http import PlanRequest, stored_pdf
from bcp.permissions import Capability, plan_required
from incidents import reports
from incidents.models import AfterActionReport
from incidents.views.common import back_to, incident_for


@require_POST
@plan_required(Capability.EDIT)
def report_request(request: PlanRequest, incident_pk: int) -> HttpResponse:
    incident = incident_for(request, incident_pk)
    report = reports.report_request(incident=incident, user=request.user)
    if request.htmx:
        return render(request, "incidents/_report.html", {"report": report, "incident": incident})
    return back_to(incident, "reports")


@plan_required(Capability.VIEW)
def report_status(request: PlanRequest, incident_pk: int, report_pk: int) -> HttpResponse:
    incident = incident_for(request, incident_pk)
    report = get_object_or_404(
        AfterActionReport.objects.select_related("job"), pk=report_pk, incident=incident
    )
    return render(request, "incidents/_report.html", {"report": report, "incident": incident})


@plan_required(Capability.VIEW)
def report_download(request: PlanRequest, incident_pk: int, report_pk: int) -> FileResponse:
    incident = incident_for(request, incident_pk)
    report = get_object_or_404(AfterActionReport, pk=report_pk, incident=incident)
    name = report.pdf.name if report.pdf else None
    if not name or not default_storage.exists(name):
        raise Http404("This report has not been rendered yet.")
    kind = "exercise" if incident.is_exercise else "incident"
    suffix = "-DRAFT" if report.draft else ""
    return stored_pdf(name, f"after-action-{kind}-{incident.pk}{suffix}.pdf")
