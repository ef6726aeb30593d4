"""``load_demo`` builds the print-service plan once; a second run changes nothing."""

from __future__ import annotations

from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command

from bcp.models import Job, Membership, Plan, Role

pytestmark = pytest.mark.django_db


def _row_counts() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.app_label
        in {"bcp", "bia", "inventory", "analysis", "documents", "incidents", "audit"}
        and model.__name__ not in {"Job", "WorkerHeartbeat", "AnalysisRun"}
    }


def test_load_demo_prints_one_login_per_role() -> None:
    out = StringIO()
    call_command("load_demo", stdout=out)
    text = out.getvalue()
    for username in ("manager", "stakeholder", "auditor", "admin"):
        assert username in text
    assert "continuity-demo" in text


def test_demo_plan_has_one_member_per_role() -> None:
    call_command("load_demo", stdout=StringIO())
    plan = Plan.objects.get(name="Print service continuity")
    roles = set(Membership.objects.filter(plan=plan).values_list("role", flat=True))
    assert roles == {Role.MANAGER, Role.STAKEHOLDER, Role.AUDITOR}


def test_running_load_demo_twice_changes_nothing() -> None:
    call_command("load_demo", stdout=StringIO())
    before = _row_counts()
    call_command("load_demo", stdout=StringIO())
    assert _row_counts() == before


def test_load_demo_leaves_no_work_queued_for_a_worker() -> None:
    # Work queued here would change the demo data after the command returned (a worker
    # rendering a report adds its history), so a backup taken right after would differ.
    call_command("load_demo", stdout=StringIO())
    active = Job.objects.filter(status__in=Job.UNFINISHED_STATUSES)
    assert list(active.values_list("kind", "status")) == []
