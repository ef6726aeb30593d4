"""Demo people and suppliers: the print administrator (with one deputy) and the
managed-print supplier, needed by the head office print functions.

The supplier's contract promises an 8 h restore, but only in business hours, so a
failure on a Friday evening is fixed on Monday afternoon (70 h later): the analysis
shows that as an RTO gap naming the contract. The print functions keep printing while
the print administrator is away; she is needed to recover them, so the time to reach
her (or, when she is away, the 2 h handover to her deputy) adds to their achievable RTO.
The deputy has no deputy of their own. The print service desk is a role both hold (one
is enough): the print functions need it to recover, and with two holders one absence
costs nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth.base_user import AbstractBaseUser

from bcp.models import Plan
from inventory import people_services as services
from inventory import role_services
from inventory.people_models import (
    Need,
    NeededTo,
    Person,
    PersonDependency,
    Role,
    RoleDependency,
    Supplier,
    SupplierDependency,
    SupportHours,
)

if TYPE_CHECKING:
    from bia.models import BusinessFunction

REASON = "Demo inventory"
ADMINISTRATOR = "Priya Shah"
DEPUTY = "Tom Baker"
SUPPLIER = "PrintCare Ltd"
ROLE = "Print service desk"

PEOPLE: tuple[dict[str, object], ...] = (
    {
        "name": ADMINISTRATOR,
        "role": "Print administrator",
        "contact": "print-admin@example.org",
        "absence_days_per_year": 30.0,
        "handover_hours": 2.0,
        "recall_hours": 48.0,
        "notes": "Runs the print management system, queues and the month-end export.",
    },
    {
        "name": DEPUTY,
        "role": "Service desk lead",
        "contact": "service-desk@example.org",
        "absence_days_per_year": 30.0,
        "handover_hours": 4.0,
        "recall_hours": 48.0,
        "notes": "Trained on the print management console; stands in for the print administrator.",
    },
)
SUPPLIERS: tuple[dict[str, object], ...] = (
    {
        "name": SUPPLIER,
        "service": "Managed print: MFD service, parts and consumables",
        "contract_reference": "MPS-2024-017",
        "service_availability_percent": 99.5,
        "contract_rto_hours": 8.0,
        "contract_rpo_hours": None,
        "support_hours": SupportHours.BUSINESS,
        "contact": "servicedesk@printcare.example",
        "notes": "Four-hour on-site response, fix within eight support hours.",
    },
)


def load(plan: Plan, user: AbstractBaseUser, head_office_functions: list[BusinessFunction]) -> None:
    """Create the demo people and supplier (once) and make the print functions need them."""
    people = {p.name: p for p in Person.objects.filter(plan=plan)}
    for spec in PEOPLE:
        if spec["name"] not in people:
            person = services.person_create(plan=plan, user=user, values=spec, reason=REASON)
            people[person.name] = person
    administrator = people[ADMINISTRATOR]
    if not administrator.deputy_links.exists():
        services.person_update(
            person=administrator,
            user=user,
            expected_version=administrator.version,
            values={},
            deputies=[people[DEPUTY]],
            reason=REASON,
        )
    role = Role.objects.filter(plan=plan, name=ROLE).first()
    if role is None:
        role = role_services.role_create(
            plan=plan,
            user=user,
            values={"name": ROLE, "holders_needed": 1, "notes": "Logs and triages print faults."},
            holders=[people[DEPUTY], administrator],
            reason=REASON,
        )
    suppliers = {s.name: s for s in Supplier.objects.filter(plan=plan)}
    for spec in SUPPLIERS:
        if spec["name"] not in suppliers:
            supplier = services.supplier_create(plan=plan, user=user, values=spec, reason=REASON)
            suppliers[supplier.name] = supplier
    for function in head_office_functions:
        if not PersonDependency.objects.filter(function=function, person=administrator).exists():
            services.person_dependency_create(
                function=function,
                person=administrator,
                user=user,
                need=Need.FULL,
                needed_to=NeededTo.RECOVER,
                reason=REASON,
            )
        if not RoleDependency.objects.filter(function=function, role=role).exists():
            role_services.role_dependency_create(
                function=function,
                role=role,
                user=user,
                needed_to=NeededTo.RECOVER,
                reason=REASON,
            )
        supplier = suppliers[SUPPLIER]
        if not SupplierDependency.objects.filter(function=function, supplier=supplier).exists():
            services.supplier_dependency_create(
                function=function,
                supplier=supplier,
                user=user,
                need=Need.FULL,
                reason=REASON,
            )
