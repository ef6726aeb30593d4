"""Pages of the incidents app. Thin: parse the form, call one service or selector, render."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from analysis.inputs import load_inputs
from bcp.concurrency import EditConflict, keep_input_after_conflict
from bcp.editing import add_service_errors, edit_page
from bcp.http import PlanRequest
from bcp.permissions import Capability, plan_required
from bcp.words import counted
from bia.models import BusinessFunction
from incidents import calltree, exercises, forms, reports, selectors, services
from incidents.impact import elements
from incidents.models import (
    AfterActionReport,
    ExerciseSchedule,
    Incident,
    IncidentElement,
    IncidentFunction,
    IncidentStep,
    Kind,
    Notification,
    Scenario,
)
from inventory.topology import plan_topology

LIVE_POLL_SECONDS = 5


def _incident(request: PlanRequest, incident_pk: int) -> Incident:
    return get_object_or_404(
        Incident.objects.select_related("plan", "declared_by"), pk=incident_pk, plan=request.plan
    )


def _flash(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, str(message))


def _back(incident: Incident, anchor: str = "") -> HttpResponse:
    return redirect(incident.get_absolute_url() + (f"#{anchor}" if anchor else ""))


def _site(request: HttpRequest) -> str:
    return f"{request.scheme}://{request.get_host()}"


# --- list and declaration ------------------------------------------------------------------


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
            declaration = services.declaration_check(
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
                incident = services.incident_declare(declaration=declaration, user=request.user)
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
    incident = _incident(request, incident_pk)
    context = _detail_context(request, incident)
    context["log_form"] = forms.LogForm()
    context["step_form"] = forms.StepAddForm()
    return render(request, "incidents/detail.html", context)


@plan_required(Capability.VIEW)
def incident_live(request: PlanRequest, incident_pk: int) -> HttpResponse:
    """The polled part of the live page; 204 (nothing to swap) when nothing changed."""
    incident = _incident(request, incident_pk)
    if request.GET.get("stamp") == selectors.live_stamp(incident):
        return HttpResponse(status=204)
    return render(request, "incidents/_live.html", _detail_context(request, incident))


@plan_required(Capability.EDIT)
def incident_edit(request: PlanRequest, incident_pk: int) -> HttpResponse:
    incident = _incident(request, incident_pk)
    initial = {
        "title": incident.title,
        "started_at": timezone.localtime(incident.started_at),
        "version": incident.version,
    }
    form = forms.IncidentEditForm(
        request.POST if request.method == "POST" else None, initial=initial
    )

    def save(data: dict[str, Any]) -> Incident:
        return services.incident_edit(
            incident=incident,
            user=request.user,
            expected_version=data["version"],
            title=data["title"],
            started_at=data["started_at"],
            reason=data["reason"],
            ticket=data["ticket"],
        )

    return edit_page(
        request,
        form,
        save=save,
        saved_message="Saved.",
        template="incidents/form.html",
        context={"incident": incident, "title": "Correct the details"},
    )


# --- call tree ------------------------------------------------------------------------------


@require_POST
@plan_required(Capability.EDIT)
def calltree_start(request: PlanRequest, incident_pk: int) -> HttpResponse:
    incident = _incident(request, incident_pk)
    try:
        sent = calltree.calltree_start(incident=incident, user=request.user, site=_site(request))
    except ValidationError as exc:
        _flash(request, exc)
    else:
        emailed = sum(1 for n in sent if n.sent_at)
        people = counted(len(sent), "person", "people")
        messages.success(
            request, _emailed_message(f"Call tree started: {emailed} of {people} emailed", sent)
        )
    return _back(incident, "call-tree")


def _emailed_message(lead: str, sent: list[Any]) -> str:
    """``lead``, then who is left to phone when some emails could not be sent."""
    emailed = sum(1 for n in sent if n.sent_at)
    if emailed < len(sent):
        lead += f"; call the other {len(sent) - emailed} by phone"
    return lead + "."


@require_POST
@plan_required(Capability.EDIT)
def calltree_resend(request: PlanRequest, incident_pk: int) -> HttpResponse:
    incident = _incident(request, incident_pk)
    try:
        sent = calltree.calltree_resend(incident=incident, user=request.user, site=_site(request))
    except ValidationError as exc:
        _flash(request, exc)
    else:
        emailed = sum(1 for n in sent if n.sent_at)
        people = counted(len(sent), "person", "people")
        messages.success(request, _emailed_message(f"Emailed again: {emailed} of {people}", sent))
    return _back(incident, "call-tree")


@require_POST
@plan_required(Capability.EDIT)
def notification_reached(
    request: PlanRequest, incident_pk: int, notification_pk: int
) -> HttpResponse:
    incident = _incident(request, incident_pk)
    notification = get_object_or_404(Notification, pk=notification_pk, incident=incident)
    user = request.user
    who = user.get_full_name() or user.get_username()
    try:
        calltree.notification_acknowledge(
            notification=notification, via=f"reached by phone, recorded by {who}", user=user
        )
    except calltree.AcknowledgeRefused as exc:
        messages.error(request, exc.message)
    return _back(incident, "call-tree")


def acknowledge(request: HttpRequest, token: str) -> HttpResponse:
    """The link in a call-tree email: no sign-in; the token says who. POST records it."""
    try:
        notification = calltree.ack_resolve(token)
    except calltree.AcknowledgeRefused as exc:
        return render(request, "incidents/acknowledge.html", {"refused": exc.message}, status=400)
    recorded = None
    refused = None
    if request.method == "POST":
        try:
            notification, recorded = calltree.notification_acknowledge(
                notification=notification, via="email link"
            )
        except calltree.AcknowledgeRefused as exc:
            refused = exc.message
    return render(
        request,
        "incidents/acknowledge.html",
        {
            "notification": notification,
            "incident": notification.incident,
            "recorded": recorded,
            "refused": refused,
        },
        status=400 if refused else 200,
    )


# --- steps, log, recovery ---------------------------------------------------------------------


def _step(request: PlanRequest, incident: Incident, step_pk: int) -> IncidentStep:
    return get_object_or_404(IncidentStep, pk=step_pk, incident_function__incident=incident)


@require_POST
@plan_required(Capability.ANSWER)
def step_assign(request: PlanRequest, incident_pk: int, step_pk: int) -> HttpResponse:
    incident = _incident(request, incident_pk)
    step = _step(request, incident, step_pk)
    if request.POST.get("me"):
        assignee: User | None = request.user
    else:
        form = forms.AssignForm(request.POST, people=selectors.plan_people(request.plan))
        if not form.is_valid():
            messages.error(request, "Choose a member of this plan.")
            return _back(incident, f"step-{step.pk}")
        assignee = form.cleaned_data["assignee"]
    try:
        services.step_assign(step=step, user=request.user, assignee=assignee)
    except ValidationError as exc:
        _flash(request, exc)
    return _back(incident, f"step-{step.pk}")


@require_POST
@plan_required(Capability.ANSWER)
def step_start(request: PlanRequest, incident_pk: int, step_pk: int) -> HttpResponse:
    return _step_mark(request, incident_pk, step_pk, services.step_start)


@require_POST
@plan_required(Capability.ANSWER)
def step_complete(request: PlanRequest, incident_pk: int, step_pk: int) -> HttpResponse:
    return _step_mark(request, incident_pk, step_pk, services.step_complete)


def _step_mark(
    request: PlanRequest, incident_pk: int, step_pk: int, mark: Callable[..., IncidentStep]
) -> HttpResponse:
    incident = _incident(request, incident_pk)
    step = _step(request, incident, step_pk)
    try:
        mark(step=step, user=request.user)
    except ValidationError as exc:
        _flash(request, exc)
    return _back(incident, f"step-{step.pk}")


@require_POST
@plan_required(Capability.ANSWER)
def step_add(request: PlanRequest, incident_pk: int) -> HttpResponse:
    incident = _incident(request, incident_pk)
    function_pk = str(request.POST.get("function", ""))
    if not function_pk.isdigit():
        messages.error(request, "Choose the function the step belongs to.")
        return _back(incident, "add-step")
    entry = get_object_or_404(
        IncidentFunction.objects.select_related("function", "incident__plan"),
        pk=int(function_pk),
        incident=incident,
    )
    form = forms.StepAddForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return _back(incident, "add-step")
    try:
        step = services.step_add(incident_function=entry, user=request.user, **form.cleaned_data)
    except ValidationError as exc:
        _flash(request, exc)
        return _back(incident, "add-step")
    return _back(incident, f"step-{step.pk}")


@require_POST
@plan_required(Capability.ANSWER)
def log_add(request: PlanRequest, incident_pk: int) -> HttpResponse:
    incident = _incident(request, incident_pk)
    form = forms.LogForm(request.POST)
    if form.is_valid():
        try:
            services.log_add(incident=incident, user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _flash(request, exc)
    else:
        messages.error(request, "Write something to log (at most 4,000 characters).")
    return _back(incident, "log")


@require_POST
@plan_required(Capability.EDIT)
def element_recover(request: PlanRequest, incident_pk: int, element_pk: int) -> HttpResponse:
    incident = _incident(request, incident_pk)
    element = get_object_or_404(IncidentElement, pk=element_pk, incident=incident)
    try:
        result = services.element_recover(element=element, user=request.user)
    except ValidationError as exc:
        _flash(request, exc)
    else:
        back = [f.name for f in result.changed if f.state == "up"]
        text = f"{element.name} marked recovered."
        if back:
            text += " Running again: " + ", ".join(back) + "."
        messages.success(request, text)
        if result.left_out:
            messages.warning(
                request,
                "No longer in the inventory, so left out of the engine's assessment: "
                + ", ".join(result.left_out)
                + ".",
            )
    return _back(incident, "failed-elements")


# --- closing ------------------------------------------------------------------------------


def _close_page(
    request: PlanRequest,
    incident: Incident,
    *,
    close_form: Any = None,
    action_form: Any = None,
    restore_forms: dict[int, Any] | None = None,
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
    incident = _incident(request, incident_pk)
    if request.method != "POST":
        return _close_page(request, incident)
    form = forms.CloseForm(request.POST)
    if form.is_valid():
        try:
            services.incident_close(
                incident=incident,
                user=request.user,
                expected_version=form.cleaned_data["version"],
                summary=form.cleaned_data["summary"],
                lessons=form.cleaned_data["lessons"],
            )
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
    incident = _incident(request, incident_pk)
    entry = get_object_or_404(IncidentFunction, pk=function_pk, incident=incident)
    form = forms.RestoreForm(request.POST, prefix=f"f{entry.pk}")
    if form.is_valid():
        try:
            services.function_restore(
                incident_function=entry,
                user=request.user,
                restored_at=form.cleaned_data["restored_at"],
                data_lost_minutes=form.cleaned_data["data_lost_minutes"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"{entry.name}: restoration recorded.")
            return redirect(reverse("incident_close", args=[request.plan.pk, incident.pk]))
    return _close_page(request, incident, restore_forms={entry.pk: form}, status=400)


@require_POST
@plan_required(Capability.EDIT)
def action_add(request: PlanRequest, incident_pk: int) -> HttpResponse:
    incident = _incident(request, incident_pk)
    form = forms.ActionForm(request.POST, people=selectors.plan_people(request.plan))
    if form.is_valid():
        try:
            services.action_add(incident=incident, user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Follow-up action recorded.")
            return redirect(reverse("incident_close", args=[request.plan.pk, incident.pk]))
    return _close_page(request, incident, action_form=form, status=400)


# --- reports ---------------------------------------------------------------------------------


@require_POST
@plan_required(Capability.EDIT)
def report_request(request: PlanRequest, incident_pk: int) -> HttpResponse:
    incident = _incident(request, incident_pk)
    report = reports.report_request(incident=incident, user=request.user)
    if request.htmx:
        return render(request, "incidents/_report.html", {"report": report, "incident": incident})
    return _back(incident, "reports")


@plan_required(Capability.VIEW)
def report_status(request: PlanRequest, incident_pk: int, report_pk: int) -> HttpResponse:
    incident = _incident(request, incident_pk)
    report = get_object_or_404(
        AfterActionReport.objects.select_related("job"), pk=report_pk, incident=incident
    )
    return render(request, "incidents/_report.html", {"report": report, "incident": incident})


@plan_required(Capability.VIEW)
def report_download(request: PlanRequest, incident_pk: int, report_pk: int) -> HttpResponse:
    incident = _incident(request, incident_pk)
    report = get_object_or_404(AfterActionReport, pk=report_pk, incident=incident)
    name = report.pdf.name if report.pdf else None
    if not name or not default_storage.exists(name):
        raise Http404("This report has not been rendered yet.")
    kind = "exercise" if incident.is_exercise else "incident"
    suffix = "-DRAFT" if report.draft else ""
    response: Any = FileResponse(
        default_storage.open(name, "rb"),
        as_attachment=True,
        filename=f"after-action-{kind}-{incident.pk}{suffix}.pdf",
        content_type="application/pdf",
    )
    return response


# --- scenarios and exercise schedules ------------------------------------------------------------


def _scenario_page(request: PlanRequest, form: Any, status: int = 200) -> HttpResponse:
    return render(
        request,
        "incidents/scenarios.html",
        {"scenarios": selectors.scenarios_for_list(request.plan), "form": form},
        status=status,
    )


@plan_required(Capability.VIEW)
def scenario_list(request: PlanRequest) -> HttpResponse:

    form = None
    if Capability.EDIT in request.capabilities:
        form = forms.ScenarioForm(elements=elements(plan_topology(request.plan)))
    return _scenario_page(request, form)


@require_POST
@plan_required(Capability.EDIT)
def scenario_create(request: PlanRequest) -> HttpResponse:

    form = forms.ScenarioForm(request.POST, elements=elements(plan_topology(request.plan)))
    if form.is_valid():
        try:
            services.scenario_create(
                plan=request.plan,
                user=request.user,
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
                failed_keys=form.cleaned_data["failed"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Scenario saved.")
            return redirect("incident_scenarios", plan_pk=request.plan.pk)
    return _scenario_page(request, form, status=400)


@require_POST
@plan_required(Capability.EDIT)
def scenario_delete(request: PlanRequest, scenario_pk: int) -> HttpResponse:
    scenario = get_object_or_404(Scenario, pk=scenario_pk, plan=request.plan)
    services.scenario_delete(scenario=scenario, user=request.user)
    messages.success(request, f"Scenario “{scenario.name}” removed.")
    return redirect("incident_scenarios", plan_pk=request.plan.pk)


@plan_required(Capability.VIEW)
def exercise_schedule(request: PlanRequest) -> HttpResponse:
    return render(
        request,
        "incidents/schedule.html",
        {
            "rows": exercises.plan_readiness(request.plan),
            "today": timezone.localdate(),
            "defaults": exercises.DEFAULT_INTERVAL_DAYS,
        },
    )


@plan_required(Capability.EDIT)
def schedule_edit(request: PlanRequest, function_pk: int) -> HttpResponse:

    function = get_object_or_404(BusinessFunction, pk=function_pk, plan=request.plan)
    row = next(r for r in exercises.plan_readiness(request.plan) if r.function_id == function.pk)
    existing = ExerciseSchedule.objects.filter(function=function).first()
    initial = {
        "interval_days": row.interval_days,
        "next_due": row.next_due,
        "version": existing.version if existing else None,
    }
    form = forms.ScheduleForm(request.POST if request.method == "POST" else None, initial=initial)

    def save(data: dict[str, Any]) -> ExerciseSchedule:
        return exercises.schedule_set(
            plan=request.plan,
            function=function,
            user=request.user,
            interval_days=data["interval_days"],
            next_due=data["next_due"],
            expected_version=data["version"],
            reason=data["reason"],
            ticket=data["ticket"],
        )

    back = reverse("exercise_schedule", args=[request.plan.pk])
    return edit_page(
        request,
        form,
        save=save,
        saved_message=f"Exercise schedule of {function.name} saved.",
        template="incidents/form.html",
        context={"title": f"Exercise schedule: {function.name}", "back": back},
        success_url=lambda _saved: back,
    )
