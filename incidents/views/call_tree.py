"""Call-tree pages: start it, email again, record a phone call, and the emailed link."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_POST

from bcp.http import PlanRequest
from bcp.permissions import Capability, plan_required
from bcp.words import counted
from incidents import calltree
from incidents.models import Incident, Notification
from incidents.views.common import back_to, flash_errors, incident_for

# ``calltree.calltree_start`` and ``calltree_resend`` share this shape.
Send = Callable[..., list[Notification]]


@require_POST
@plan_required(Capability.EDIT)
def calltree_start(request: PlanRequest, incident_pk: int) -> HttpResponse:
    return _send(
        request, incident_pk, calltree.calltree_start, "Call tree started: {} of {} emailed"
    )


@require_POST
@plan_required(Capability.EDIT)
def calltree_resend(request: PlanRequest, incident_pk: int) -> HttpResponse:
    return _send(request, incident_pk, calltree.calltree_resend, "Emailed again: {} of {}")


def _send(request: PlanRequest, incident_pk: int, send: Send, lead: str) -> HttpResponse:
    """Send the call-tree emails; say how many went and who is left to phone."""
    incident: Incident = incident_for(request, incident_pk)
    site = f"{request.scheme}://{request.get_host()}"
    try:
        sent = send(incident=incident, user=request.user, site=site)
    except ValidationError as exc:
        flash_errors(request, exc)
    else:
        emailed = sum(1 for n in sent if n.sent_at)
        text = lead.format(emailed, counted(len(sent), "person", "people"))
        if emailed < len(sent):
            text += f"; call the other {len(sent) - emailed} by phone"
        messages.success(request, text + ".")
    return back_to(incident, "call-tree")


@require_POST
@plan_required(Capability.EDIT)
def notification_reached(
    request: PlanRequest, incident_pk: int, notification_pk: int
) -> HttpResponse:
    incident = incident_for(request, incident_pk)
    notification = get_object_or_404(Notification, pk=notification_pk, incident=incident)
    user = request.user
    who = user.get_full_name() or user.get_username()
    try:
        calltree.notification_acknowledge(
            notification=notification, via=f"reached by phone, recorded by {who}", user=user
        )
    except calltree.AcknowledgeRefused as exc:
        messages.error(request, exc.message)
    return back_to(incident, "call-tree")


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
