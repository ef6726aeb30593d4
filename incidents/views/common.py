"""Request helpers every incident page shares: the incident of the URL, flashing, going back."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect

from bcp.http import PlanRequest
from incidents.models import Incident


def incident_for(request: PlanRequest, incident_pk: int) -> Incident:
    """The incident of the URL; another plan's incident is a 404."""
    return get_object_or_404(
        Incident.objects.select_related("plan", "declared_by"), pk=incident_pk, plan=request.plan
    )


def flash_errors(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, str(message))


def back_to(incident: Incident, anchor: str = "") -> HttpResponse:
    """Back to the live page, scrolled to the part the user just worked on."""
    return redirect(incident.get_absolute_url() + (f"#{anchor}" if anchor else ""))
