"""Pages of BIA workshops: the workshop screen, its autosave and action items."""

from __future__ import annotations

import json

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from bcp.concurrency import EditConflict, parse_version
from bcp.editing import add_service_errors, save_with
from bcp.http import PlanRequest
from bcp.permissions import Capability, plan_required
from bia.durations import format_hours
from bia.forms.workshops import ActionForm, WorkshopForm
from bia.models import ActionItem, Workshop
from bia.selectors import workshops as workshop_selectors
from bia.services import workshops as workshop_services
from bia.views.common import bia_form_page, can, require_sees_all


@plan_required(Capability.VIEW)
def workshop_list(request: PlanRequest) -> HttpResponse:
    require_sees_all(request)
    workshops = (
        Workshop.objects.filter(plan=request.plan)
        .select_related("facilitator")
        .prefetch_related("covered__function")
    )
    return render(request, "bia/workshop_list.html", {"workshops": workshops})


@plan_required(Capability.EDIT)
def workshop_create(request: PlanRequest) -> HttpResponse:
    plan = request.plan
    form = WorkshopForm(request.POST or None, plan=plan)
    fields = ("title", "held_on", "functions", "attendees")
    create = save_with(request, workshop_services.workshop_create, fields, plan=plan)
    if request.method == "POST" and form.is_valid():
        try:
            workshop = create(form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect("bia_workshop", plan_pk=plan.pk, workshop_pk=workshop.pk)
    return bia_form_page(request, form, "New BIA workshop")


@plan_required(Capability.VIEW)
def workshop_detail(request: PlanRequest, workshop_pk: int) -> HttpResponse:
    require_sees_all(request)
    plan = request.plan
    workshop = get_object_or_404(
        Workshop.objects.select_related("facilitator", "plan"), pk=workshop_pk, plan=plan
    )
    editing = can(request, Capability.EDIT)
    screen = workshop_selectors.workshop_screen(workshop, editing=editing)
    fields = [
        (name, label, getattr(workshop, name))
        for name, label in (
            ("attendees", "Attendees"),
            ("notes", "Notes"),
            ("decisions", "Decisions"),
        )
    ]
    return render(
        request,
        "bia/workshop.html",
        {
            "workshop": workshop,
            "panels": screen.panels,
            "categories": screen.categories,
            "horizon_labels": [format_hours(h) for h in screen.horizons],
            "fields": fields,
            "actions": workshop.actions.select_related("owner"),
            "action_form": ActionForm(plan=plan),
            "editing": editing,
        },
    )


@require_POST
@plan_required(Capability.EDIT)
def workshop_field(request: PlanRequest, workshop_pk: int) -> HttpResponse:
    plan = request.plan
    workshop = get_object_or_404(Workshop, pk=workshop_pk, plan=plan)
    name = request.POST.get("field", "")
    if name not in workshop_services.WORKSHOP_AUTOSAVE_FIELDS:
        raise Http404("No such field.")
    value = request.POST.get("value", "")
    status = 200
    conflict = None
    try:
        workshop = workshop_services.workshop_update_field(
            workshop=workshop,
            user=request.user,
            field=name,
            value=value,
            expected_version=parse_version(request.POST.get("version")),
            original=request.POST.get("original"),
        )
    except EditConflict as exc:
        conflict, status = exc, 409
        stored = exc.instance
        assert isinstance(stored, Workshop)
        workshop = stored
    except ValidationError as exc:
        return render(
            request,
            "bia/_workshop_error.html",
            {"name": name, "error": " ".join(exc.messages)},
            status=422,
        )
    context = {
        "workshop": workshop,
        "name": name,
        "label": name.capitalize(),
        "value": getattr(workshop, name) if conflict is None else value,
        "theirs": getattr(workshop, name),
        "yours": value,
        "conflict": conflict,
        "editing": True,
        "theirs_json": json.dumps(
            {
                "field": name,
                "value": getattr(workshop, name),
                "version": workshop.version,
                "resolve": "1",
            }
        ),
        "yours_json": json.dumps(
            {"field": name, "value": value, "version": workshop.version, "resolve": "1"}
        ),
    }
    template = (
        "bia/_workshop_field.html" if request.POST.get("resolve") else "bia/_workshop_status.html"
    )
    if request.POST.get("resolve"):
        context["value"] = getattr(workshop, name)
    return render(request, template, context, status=status)


@require_POST
@plan_required(Capability.EDIT)
def action_add(request: PlanRequest, workshop_pk: int) -> HttpResponse:
    plan = request.plan
    workshop = get_object_or_404(Workshop, pk=workshop_pk, plan=plan)
    form = ActionForm(request.POST, plan=plan)
    status = 200
    fields = ("text", "owner", "due_date")
    add = save_with(request, workshop_services.action_add, fields, workshop=workshop)
    if form.is_valid():
        try:
            add(form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
            status = 400
        else:
            form = ActionForm(plan=plan)
    else:
        status = 400
    return _actions_fragment(request, workshop, form, status=status)


@require_POST
@plan_required(Capability.EDIT)
def action_done(request: PlanRequest, action_pk: int) -> HttpResponse:
    plan = request.plan
    action = get_object_or_404(ActionItem, pk=action_pk, workshop__plan=plan)
    status = 200
    try:
        workshop_services.action_set_done(
            action=action,
            user=request.user,
            done=request.POST.get("done") == "1",
            expected_version=parse_version(request.POST.get("version")),
        )
    except EditConflict:
        status = 409
    form = ActionForm(plan=plan)
    return _actions_fragment(
        request, action.workshop, form, status=status, action_conflict=status == 409
    )


def _actions_fragment(
    request: PlanRequest,
    workshop: Workshop,
    form: ActionForm,
    *,
    status: int,
    action_conflict: bool = False,
) -> HttpResponse:
    """The workshop's action items and the form to add one, as htmx swaps them in after
    an action is added or ticked off."""
    context = {
        "workshop": workshop,
        "actions": workshop.actions.select_related("owner"),
        "action_form": form,
        "editing": True,
        "action_conflict": action_conflict,
    }
    return render(request, "bia/_actions.html", context, status=status)
