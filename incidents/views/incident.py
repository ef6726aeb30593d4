"""The incident itself: the list, declaring, the live page and correcting its details."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from analysis.inputs import load_inputs
from bcp.editing import REASON, add_service_errors, edit_page, save_with
from bcp.http import PlanRequest
from bcp.permissions import Capability, plan_required
from incidents import forms, selectors
from incidents.impact import elements
from incidents.models import Incident, Kind
from incidents.services import declaring
from incidents.views.common import incident_for
from inventory.topology import plan_topology

LIVE_POLL_SECONDS = 5


@plan_required(Capability.VIEW)
def incident_list(request: PlanRequest) -> HttpResponse:
    return render(
        request,
        "incidents/list.html",
        {"incidents": selectors.incidents_for_list(request.plan)[:200]},
    )


@plan_required(Capability.EDIT)
def incident_declare(request: PlanRequest) -> HttpResponse:
    """GET: the form. POST "preview": the blast radius, nothing saved. POST "declare": create."""

    plan = request.plan
    # Choosing needs only the inventory; the blast radius needs the BIA objectives too.
    inputs = load_inputs(plan) if request.method == "POST" else None
    choices = elements(inputs.topology if inputs else plan_topology(plan))
    initial = {
        "kind": request.GET.get("kind", Kind.INCIDENT),
        "title": request.GET.get("title", "")[:200],
    }
    posted = request.POST if request.method == "POST" else None
    form = forms.DeclareForm(posted, plan=plan, elements=choices, initial=initial)
    declaration = None
    if request.method == "POST" and form.is_valid():
        data: dict[str, Any] = form.cleaned_data
        try:
            declaration = declaring.declaration_check(
                plan=plan,
                kind=data["kind"],
                title=data["title"],
                started_at=data["started_at"],
                failed_keys=data["failed"],
                scenario=data["scenario"],
                inputs=inputs,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if request.POST.get("action") == "declare":
                incident = declaring.incident_declare(declaration=declaration, user=request.user)
                label = "Exercise" if incident.is_exercise else "Incident"
                messages.success(request, f"{label} declared. Start the call tree when ready.")
                return redirect(incident)
    status = 400 if request.method == "POST" and form.errors else 200
    return render(
        request,
        "incidents/declare.html",
        {"form": form, "declaration": declaration, "element_count": len(choices)},
        status=status,
    )


# --- the live incident page ------------------------------------------------------------------


def _detail_context(request: PlanRequest, incident: Incident) -> dict[str, Any]:
    view = selectors.incident_view(incident, user=request.user, capabilities=request.capabilities)
    people = selectors.plan_people(request.plan)
    return {
        "incident": incident,
        "view": view,
        "stamp": selectors.live_stamp(incident, now=view.now),
        "poll_seconds": LIVE_POLL_SECONDS,
        "people": people,
        "can_edit": Capability.EDIT in request.capabilities and incident.is_open,
        "can_log": Capability.ANSWER in request.capabilities and incident.is_open,
        "workable": [fv for fv in view.functions if fv.can_work],
        "reports": list(selectors.reports_of(incident)[:10]),
    }


@plan_required(Capability.VIEW)
def incident_detail(request: PlanRequest, incident_pk: int) -> HttpResponse:
    incident = incident_for(request, incident_pk)
    context = _detail_context(request, incident)
    context["log_form"] = forms.LogForm()
    context["step_form"] = forms.StepAddForm()
    return render(request, "incidents/detail.html", context)


@plan_required(Capability.VIEW)
def incident_live(request: PlanRequest, incident_pk: int) -> HttpResponse:
    """The polled part of the live page; 204 (nothing to swap) when nothing changed."""
    incident = incident_for(request, incident_pk)
    if request.GET.get("stamp") == selectors.live_stamp(incident):
        return HttpResponse(status=204)
    return render(request, "incidents/_live.html", _detail_context(request, incident))


@plan_required(Capability.EDIT)
def incident_edit(request: PlanRequest, incident_pk: int) -> HttpResponse:
    incident = incident_for(request, incident_pk)
    initial = {
        "title": incident.title,
        "started_at": timezone.localtime(incident.started_at),
        "version": incident.version,
    }
    form = forms.IncidentEditForm(
        request.POST if request.method == "POST" else None, initial=initial
    )

    fields = ("title", "started_at", *REASON)
    save = save_with(request, declaring.incident_edit, fields, versioned=True, incident=incident)
    return edit_page(
        request,
        form,
        save=save,
        saved_message="Saved.",
        template="incidents/form.html",
        context={"incident": incident, "title": "Correct the details"},
    )
