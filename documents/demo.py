"""Demo data of the documents app for the print-service plan.

Idempotent: every record is looked up by a natural key first, so a second run
creates nothing. No version is published here: rendering belongs to the worker,
and the demo shows publishing as something the manager does.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from bcp.models import Plan
from bia.models import BusinessFunction
from documents.models import (
    CallTreeEntry,
    Contact,
    Exercise,
    Phase,
    ProcedureStep,
    RecoveryProcedure,
    Vendor,
)

CONTACTS = (
    (
        "Maya Manager",
        "Continuity coordinator",
        "IT services",
        "+44 20 7946 0101",
        "maya@example.org",
    ),
    (
        "Priya Print",
        "Print service administrator",
        "IT services",
        "+44 20 7946 0102",
        "priya@example.org",
    ),
    (
        "Dan Database",
        "Database administrator",
        "IT services",
        "+44 20 7946 0103",
        "dan@example.org",
    ),
    (
        "Nina Network",
        "Network and site engineer",
        "IT services",
        "+44 20 7946 0104",
        "nina@example.org",
    ),
    (
        "Sam Stakeholder",
        "Head of student services",
        "Student services",
        "+44 20 7946 0110",
        "sam@example.org",
    ),
    ("Fiona Finance", "Finance office lead", "Finance", "+44 20 7946 0111", "fiona@example.org"),
)

# (contact, caller, order, responsibility)
CALL_TREE = (
    ("Maya Manager", None, 1, "Decides on activation; keeps the incident log."),
    (
        "Priya Print",
        "Maya Manager",
        1,
        "Assesses the print servers and the print management application.",
    ),
    ("Dan Database", "Priya Print", 1, "Checks the external database and restores it if needed."),
    (
        "Nina Network",
        "Maya Manager",
        2,
        "Checks the head office, the branch site server and the SAN.",
    ),
    ("Sam Stakeholder", "Maya Manager", 3, "Tells student services how to print meanwhile."),
    ("Fiona Finance", "Sam Stakeholder", 1, "Approves emergency spending on replacement hardware."),
)

VENDORS = (
    {
        "name": "Copyline Managed Print",
        "service": "Multi-function devices across both campuses; toner and repairs",
        "contract_reference": "MPS-2024-117",
        "support_phone": "+44 800 555 0199",
        "support_email": "service@copyline.example",
        "support_hours": "Mon–Fri 08:00–18:00",
        "response_time": "Engineer on site within 8 business hours",
    },
    {
        "name": "Stora Systems",
        "service": "Shared SAN under the application and print servers",
        "contract_reference": "SAN-SUP-3391",
        "support_phone": "+44 800 555 0142",
        "support_email": "support@stora.example",
        "support_hours": "24×7",
        "response_time": "4-hour parts replacement",
    },
)

# (function name, title, summary, steps[(instruction, owner, minutes)])
PROCEDURES = (
    (
        "Student printing (head office)",
        "Move printing to the standby print provider",
        "When the primary print server or its site is down and the load balancer has not "
        "failed over.",
        (
            (
                "Confirm in monitoring that the primary print provider is down, not just slow.",
                "Print service administrator",
                10,
            ),
            (
                "Drain the failed provider from the load balancer pool.",
                "Network and site engineer",
                10,
            ),
            (
                "Check that the Find-Me print pool releases jobs on the standby provider.",
                "Print service administrator",
                15,
            ),
            (
                "Ask student services to announce the outage and the release stations in use.",
                "Head of student services",
                10,
            ),
        ),
    ),
    (
        "Secure print release (Find-Me)",
        "Restore the print management application server",
        "When the application server itself is lost: rebuild from the last image and "
        "reconnect the database.",
        (
            (
                "Provision a replacement virtual machine from the last good image.",
                "Print service administrator",
                45,
            ),
            (
                "Reconnect it to the external database and verify licensing.",
                "Database administrator",
                30,
            ),
            (
                "Re-register the print providers and test a release at each site.",
                "Print service administrator",
                30,
            ),
        ),
    ),
)

RECONSTITUTION = (
    "Return to normal operation",
    "Once the primary services are back: move load back, reconcile job logs and close "
    "the incident.",
    (
        (
            "Return the repaired provider to the load balancer pool and watch it for one hour.",
            "Network and site engineer",
            60,
        ),
        (
            "Reconcile print accounting between the standby and primary databases.",
            "Database administrator",
            45,
        ),
        (
            "Hold a short review and record the actual recovery time as an exercise result.",
            "Continuity coordinator",
            30,
        ),
    ),
)


def _function(plan: Plan, name: str) -> BusinessFunction | None:
    return (
        BusinessFunction.objects.filter(plan=plan, name=name).first()
        or BusinessFunction.objects.filter(plan=plan, name__icontains="print")
        .order_by("name")
        .first()
    )


def _procedure(
    plan: Plan,
    function: BusinessFunction | None,
    phase: str,
    position: int,
    title: str,
    summary: str,
    steps: tuple[tuple[str, str, int], ...],
) -> None:
    procedure = RecoveryProcedure.objects.filter(plan=plan, title=title).first()
    if procedure is None:
        procedure = RecoveryProcedure.objects.create(
            plan=plan,
            function=function,
            phase=phase,
            title=title,
            position=position,
            summary=summary,
        )
    for index, (instruction, owner, minutes) in enumerate(steps, start=1):
        if not procedure.steps.filter(position=index).exists():
            ProcedureStep.objects.create(
                procedure=procedure,
                position=index,
                instruction=instruction,
                owner=owner,
                expected_minutes=minutes,
            )


def load(plan: Plan, users: dict[str, Any]) -> None:
    """Runs inside ``demo_load``'s change context and transaction."""
    for name, role, organisation, phone, email in CONTACTS:
        if not Contact.objects.filter(plan=plan, name=name).exists():
            Contact.objects.create(
                plan=plan, name=name, role=role, organisation=organisation, phone=phone, email=email
            )
    entries: dict[str, CallTreeEntry] = {
        e.contact.name: e for e in CallTreeEntry.objects.filter(plan=plan).select_related("contact")
    }
    for contact_name, caller, position, responsibility in CALL_TREE:
        if contact_name in entries:
            continue
        entries[contact_name] = CallTreeEntry.objects.create(
            plan=plan,
            contact=Contact.objects.get(plan=plan, name=contact_name),
            parent=entries.get(caller) if caller else None,
            position=position,
            responsibility=responsibility,
        )
    for vendor in VENDORS:
        if not Vendor.objects.filter(plan=plan, name=vendor["name"]).exists():
            Vendor.objects.create(plan=plan, **vendor)
    for position, (function_name, title, summary, steps) in enumerate(PROCEDURES, start=1):
        _procedure(
            plan, _function(plan, function_name), Phase.RECOVERY, position, title, summary, steps
        )
    title, summary, steps = RECONSTITUTION
    _procedure(plan, None, Phase.RECONSTITUTION, 1, title, summary, steps)
    if not Exercise.objects.filter(plan=plan, title="Print server failover test").exists():
        today = timezone.localdate()
        Exercise.objects.create(
            plan=plan,
            title="Print server failover test",
            kind=Exercise.Kind.FAILOVER,
            function=_function(plan, "Student printing (head office)"),
            scheduled_for=today - dt.timedelta(days=30),
            held_on=today - dt.timedelta(days=30),
            scope="Switch off the primary print provider at head office during term time, 07:00.",
            outcome=Exercise.Outcome.PASSED_WITH_FINDINGS,
            objective_minutes=60,
            actual_minutes=42,
            findings=(
                "Find-Me release moved to the standby provider in 4 minutes; two branch "
                "devices needed a manual restart. Monitoring did not page the on-call engineer."
            ),
        )
    if not Exercise.objects.filter(plan=plan, title="Tabletop: SAN loss at head office").exists():
        Exercise.objects.create(
            plan=plan,
            title="Tabletop: SAN loss at head office",
            kind=Exercise.Kind.TABLETOP,
            scheduled_for=timezone.localdate() + dt.timedelta(days=60),
            scope="Walk through the loss of the shared SAN, as in the data-centre fire case.",
        )
