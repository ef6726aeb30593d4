"""Demo data: the print-service organisation from the high-availability whitepaper.

``manage.py load_demo`` calls :func:`demo_load`. It is idempotent: objects are
looked up by natural keys and only created when missing, so a second run
changes nothing (and writes no history).

Each app contributes its part through a ``demo.py`` module with
``load(plan, users) -> None``; they run in dependency order.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import TypedDict

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission, User
from django.db import transaction

from audit.services import system_user
from bcp.history import change_context
from bcp.models import Membership, Plan, Role
from review.services import review_checks_suppressed

DEMO_PLAN_NAME = "Print service continuity"
DEMO_ORGANISATION = "Northbridge College"
DEMO_PASSWORD = "continuity-demo"  # noqa: S105  (printed for the demo logins)


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    role: Role | None
    is_staff: bool = False


DEMO_USERS = (
    DemoUser("manager", "Maya", "Manager", Role.MANAGER),
    DemoUser("stakeholder", "Sam", "Stakeholder", Role.STAKEHOLDER),
    DemoUser("finance", "Fiona", "Finance", Role.STAKEHOLDER),
    DemoUser("auditor", "Alex", "Auditor", Role.AUDITOR),
    DemoUser("admin", "Ada", "Admin", None, is_staff=True),
)

APP_DEMO_MODULES = (
    "bia.demo",
    "inventory.demo",
    "analysis.demo",
    "documents.demo",
    "incidents.demo",
)


class DemoData(TypedDict):
    """What ``demo_load`` made: the demo plan, its users by username, their password."""

    plan: Plan
    users: dict[str, User]
    password: str


@transaction.atomic
def demo_load() -> DemoData:
    """Create (or find) the demo users and plan; return them with the passwords."""
    user_model = get_user_model()

    system = system_user()
    users: dict[str, User] = {}
    for spec in DEMO_USERS:
        user = user_model.objects.filter(username=spec.username).first()
        if user is None:
            user = user_model(
                username=spec.username,
                first_name=spec.first_name,
                last_name=spec.last_name,
                email=f"{spec.username}@example.org",
                is_staff=spec.is_staff,
                is_superuser=spec.is_staff,
            )
            user.set_password(DEMO_PASSWORD)
            user.save()
            if spec.role == Role.MANAGER:
                # The demo's manager is also the programme's coordinator: may create plans.
                user.user_permissions.add(
                    Permission.objects.get_by_natural_key("add_plan", "bcp", "plan")
                )
        users[spec.username] = user

    with change_context(user=system, reason="Demo data"):
        plan = Plan.objects.filter(name=DEMO_PLAN_NAME).first()
        if plan is None:
            plan = Plan.objects.create(
                name=DEMO_PLAN_NAME,
                organisation=DEMO_ORGANISATION,
                scope=(
                    "Printing, copying and scanning for staff and students across the head "
                    "office campus and the remote branch: the print management application "
                    "server, its database, print servers, the branch site server and the "
                    "multi-function devices."
                ),
                classification="Internal",
            )
        for spec in DEMO_USERS:
            if (
                spec.role
                and not Membership.objects.filter(plan=plan, user=users[spec.username]).exists()
            ):
                Membership.objects.create(plan=plan, user=users[spec.username], role=spec.role)
        # The demo's data is the baseline its first review check compares with.
        with review_checks_suppressed():
            for module_name in APP_DEMO_MODULES:
                try:
                    module = importlib.import_module(module_name)
                except ModuleNotFoundError as exc:
                    if exc.name != module_name:
                        raise
                    continue
                module.load(plan=plan, users=users)
    return {"plan": plan, "users": users, "password": DEMO_PASSWORD}
