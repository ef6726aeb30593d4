"""Demo data of the incidents app for the print-service plan.

Two saved failure scenarios (the head office SAN, the head office data centre) and one
exercise held six weeks ago: print server 1 switched off during term time. The print
provider pool ran on its two other servers, so head office printing ran degraded; the
team worked the runbook, one step took longer than planned, and the exercise was closed
with its results, so the exercise schedule shows "recovery tested on" and a gap. Its
after-action report is not rendered here: rendering belongs to the worker, and a render
queued by ``load_demo`` would change the data after the command returned.

Idempotent: scenarios and the exercise are looked up by name first, so a second run
creates nothing. Everything goes through the app's services, as a user would.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.models import User
from django.utils import timezone

from bcp.models import Plan
from incidents.models import Incident, IncidentStep, Kind, Scenario
from incidents.services.closing import action_add, incident_close
from incidents.services.declaring import declaration_check, incident_declare
from incidents.services.recovery import element_recover, function_restore, log_add
from incidents.services.scenarios import scenario_create
from incidents.services.steps import step_complete, step_start
from inventory.graph import component_key, site_key
from inventory.models import Component, Site

EXERCISE_TITLE = "Print server failover exercise"
SCENARIOS = (
    (
        "Lose the head office SAN",
        "The shared SAN under both application servers and the print database fails "
        "(the data-centre fire case).",
        ("component", "Head office SAN"),
    ),
    (
        "Lose the head office data centre",
        "Fire, flood or power loss in the server room: everything in it is gone.",
        ("site", "Head office data centre"),
    ),
)


def _element_key(plan: Plan, kind: str, name: str) -> str | None:

    if kind == "site":
        site = Site.objects.filter(plan=plan, name=name).first()
        return site_key(site.pk) if site else None
    component = Component.objects.filter(plan=plan, name=name).first()
    return component_key(component.pk) if component else None


def _scenarios(plan: Plan, user: User) -> None:
    for name, description, (kind, element) in SCENARIOS:
        if Scenario.objects.filter(plan=plan, name=name).exists():
            continue
        key = _element_key(plan, kind, name=element)
        if key is None:
            continue
        scenario_create(plan=plan, user=user, name=name, description=description, failed_keys=[key])


def _exercise(plan: Plan, users: dict[str, Any]) -> None:
    if Incident.objects.filter(plan=plan, title=EXERCISE_TITLE).exists():
        return
    key = _element_key(plan, "component", "Print server 1")
    if key is None:
        return
    manager, stakeholder = users["manager"], users["stakeholder"]
    day = timezone.localdate() - dt.timedelta(days=42)
    start = timezone.make_aware(dt.datetime.combine(day, dt.time(7, 0)))
    declaration = declaration_check(
        plan=plan,
        kind=Kind.EXERCISE,
        title=EXERCISE_TITLE,
        started_at=start,
        failed_keys=[key],
    )
    incident = incident_declare(declaration=declaration, user=manager)
    log_add(
        incident=incident,
        user=manager,
        kind="decision",
        text="Print server 1 switched off at 07:00 as planned; no change freeze needed.",
        now=start + dt.timedelta(minutes=2),
    )
    # Minutes after the start at which each runbook step started and finished: the third
    # step (checking Find-Me release on the standby provider) took 25 minutes, not 15.
    timings = ((3, 12), (12, 20), (20, 45), (45, 52))
    for entry in incident.functions.select_related("function").order_by("name"):
        worker = stakeholder if entry.function.owner_id == stakeholder.pk else manager
        steps = list(IncidentStep.objects.filter(incident_function=entry).order_by("position"))
        for step, (begin, end) in zip(steps, timings, strict=False):
            step_start(step=step, user=worker, now=start + dt.timedelta(minutes=begin))
            step_complete(step=step, user=worker, now=start + dt.timedelta(minutes=end))
    for element in incident.elements.all():
        element_recover(element=element, user=manager, now=start + dt.timedelta(minutes=55))
    for entry in incident.functions.all():
        function_restore(
            incident_function=entry,
            user=manager,
            restored_at=start + dt.timedelta(minutes=55),
            data_lost_minutes=0.0,
            now=start + dt.timedelta(minutes=56),
        )
    action_add(
        incident=incident,
        user=manager,
        description="Page the on-call engineer when a print provider leaves the pool.",
        owner=manager,
        due_on=day + dt.timedelta(days=30),
    )
    incident = Incident.objects.get(pk=incident.pk)
    incident_close(
        incident=incident,
        user=manager,
        expected_version=incident.version,
        summary=(
            "Print server 1 was switched off during term time. The pool carried the load on "
            "two servers; Find-Me release moved to the standby providers."
        ),
        lessons="Checking release at every device took longer than planned; script it.",
        now=start + dt.timedelta(hours=1),
        # No report queued: demo data leaves no work for a worker to finish later (the
        # manager renders it from the exercise page, as publishing a plan version is).
        render_report=False,
    )


def load(plan: Plan, users: dict[str, Any]) -> None:
    """Runs inside ``demo_load``'s change context and transaction."""
    _scenarios(plan, users["manager"])
    _exercise(plan, users)
