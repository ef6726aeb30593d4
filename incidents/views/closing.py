"""Closing an incident: restoration times, follow-up actions and the close itself.

The three forms share one page (``incidents/close.html``); a refused form shows that page
again with its errors and the others as they were.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from bcp.concurrency import EditConflict, keep_input_after_conflict
from bcp.editing import add_service_errors, form_saved, save_with
from bcp.http import PlanRequest
from bcp.permissions import Capability, plan_required
from incidents import forms, reports, selectors
from incidents.models import Incident, IncidentFunction
from incidents.services import closing, recovery
from incidents.views.common import incident_for


def _close_page(
    request: PlanRequest,
    incident: Incident,
    *,
    close_form: forms.CloseForm | None = None,
    action_form: forms.ActionForm | None = None,
    restore_forms: dict[int, forms.RestoreForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    view = selectors.incident_view(incident, user=request.user, capabilities=request.capabilities)
    people = selectors.plan_people(request.plan)
    restore_forms = restore_forms or {}
    rows = []
    for fv in view.functions:
        entry = fv.entry
        form = restore_forms.get(entry.pk) or forms.RestoreForm(
            prefix=f"f{entry.pk}",
            initial={
                "restored_at": timezone.localtime(
                    entry.restored_at or entry.back_at or timezone.now()
                ).replace(second=0, microsecond=0),
                "data_lost_minutes": entry.data_lost_minutes,
            },
        )
        rows.append((fv, form, reports.objective_row(entry, incident)))
    return render(
        request,
        "incidents/close.html",
        {
            "incident": incident,
            "view": view,
            "rows": rows,
            "close_form": close_form
            or forms.CloseForm(
                initial={
                    "summary": incident.summary,
                    "lessons": incident.lessons,
                    "version": incident.version,
                }
            ),
            "action_form": action_form or forms.ActionForm(people=people),
        },
        status=status,
    )


@plan_required(Capability.EDIT)
def incident_close(request: PlanRequest, incident_pk: int) -> HttpResponse:
    incident = incident_for(request, incident_pk)
    if request.method != "POST":
        return _close_page(request, incident)
    form = forms.CloseForm(request.POST)
    if form.is_valid():
        fields = ("summary", "lessons")
        close = save_with(
            request, closing.incident_close, fields, versioned=True, incident=incident
        )
        try:
            close(form.cleaned_data)
        except EditConflict as exc:
            keep_input_after_conflict(form, exc)
            form.add_error(None, f"Not closed: {exc} Check the page and close again.")
            return _close_page(request, incident, close_form=form, status=409)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, "Closed. The after-action report is being rendered in the background."
            )
            return redirect(incident)
    return _close_page(request, incident, close_form=form, status=400)


@require_POST
@plan_required(Capability.EDIT)
def function_restore(request: PlanRequest, incident_pk: int, function_pk: int) -> HttpResponse:
    incident = incident_for(request, incident_pk)
    entry = get_object_or_404(IncidentFunction, pk=function_pk, incident=incident)
    form = forms.RestoreForm(request.POST, prefix=f"f{entry.pk}")

    fields = ("restored_at", "data_lost_minutes")
    save = save_with(request, recovery.function_restore, fields, incident_function=entry)
    if form_saved(request, form, save, f"{entry.name}: restoration recorded."):
        return redirect(reverse("incident_close", args=[request.plan.pk, incident.pk]))
    return _close_page(request, incident, restore_forms={entry.pk: form}, status=400)


@require_POST
@plan_required(Capability.EDIT)
def action_add(request: PlanRequest, incident_pk: int) -> HttpResponse:
    incident = incident_for(request, incident_pk)
    form = forms.ActionForm(request.POST, people=selectors.plan_people(request.plan))

    def save(data: dict[str, Any]) -> object:
        return closing.action_add(incident=incident, user=request.user, **data)

    if form_saved(request, form, save, "Follow-up action recorded."):
        return redirect(reverse("incident_close", args=[request.plan.pk, incident.pk]))
    return _close_page(request, incident, action_form=form, status=400)
