"""The demo print service as a fixture, with business functions even before the BIA demo.

Django imports stay inside the fixtures so the pure-engine tests below this folder can
run with Django disabled (``pytest tests/analysis/engine -p no:django``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from typing import Unpack

    from django.contrib.auth.models import User
    from django.test import Client

    from analysis.models import AnalysisRun
    from analysis.services import SettingsChanges
    from bcp.demo import DemoData
    from bcp.models import Plan
    from bia.models import BusinessFunction

PRINTING = "Staff and student printing"


@pytest.fixture
def demo(db: None) -> DemoData:
    """The whitepaper's print-service plan with its inventory, users and first analysis."""
    from bcp.demo import demo_load
    from bia.models import BusinessFunction

    result = demo_load()
    plan = result["plan"]
    if not BusinessFunction.objects.filter(plan=plan).exists():
        # The BIA demo supplies the functions; without it, name them so the inventory
        # demo can attach their dependencies.
        for name in (PRINTING, "Branch printing"):
            BusinessFunction.objects.create(plan=plan, name=name)
        result = demo_load()
    return result


def printing_function(plan: Plan) -> BusinessFunction:
    """The head-office printing function of the demo, whatever the BIA demo called it."""
    from bia.models import BusinessFunction

    for function in BusinessFunction.objects.filter(plan=plan).order_by("pk"):
        if "print" in function.name.lower() and "branch" not in function.name.lower():
            return function
    raise AssertionError("the demo has no head-office printing function")


def settings_change(
    plan: Plan, user: User, reason: str = "", **changes: Unpack[SettingsChanges]
) -> None:
    """``user`` changes the plan's analysis settings at the version they have now."""
    from analysis.services import analysis_settings_for, analysis_settings_update

    current = analysis_settings_for(plan=plan, user=user)
    analysis_settings_update(
        plan=plan, user=user, expected_version=current.version, reason=reason, **changes
    )


def manager_dashboard(demo: dict[str, Any]) -> str:
    """The analysis dashboard of the demo plan as its manager reads it."""
    from django.urls import reverse

    from tests.conftest import client_for

    url = reverse("analysis_dashboard", kwargs={"plan_pk": demo["plan"].pk})
    return str(client_for(demo["users"]["manager"]).get(url).content.decode())


def plan_run_finished(plan: Plan, client: Client, timeout: float = 120) -> tuple[Any, AnalysisRun]:
    """Press "Run analysis" on the plan's dashboard (an htmx request) as ``client`` and
    wait for a worker to finish the run, which must succeed: the page's answer and the run
    with its results."""
    from django.urls import reverse

    from analysis.models import AnalysisRun
    from tests.helpers import job_wait

    url = reverse("analysis_run_start", kwargs={"plan_pk": plan.pk})
    response = client.post(url, HTTP_HX_REQUEST="true")
    run = AnalysisRun.objects.filter(plan=plan).order_by("-created_at").first()
    assert run is not None
    job = job_wait(run.job, timeout)
    assert job.status == "succeeded", job.error
    run.refresh_from_db()
    return response, run
