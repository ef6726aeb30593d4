"""Permission-matrix cases for the analysis pages."""

from __future__ import annotations

from typing import Any

from analysis.services import analysis_run_start
from bcp.permissions import Capability
from bia.models import BusinessFunction
from tests.permission_cases import UrlCase


def _function(people: Any) -> dict[str, Any]:
    function, _ = BusinessFunction.objects.get_or_create(plan=people.plan, name="Printing")
    return {"function_pk": function.pk}


def _job(people: Any) -> dict[str, Any]:
    run = analysis_run_start(plan=people.plan, user=people.manager)
    return {"job_pk": run.job.pk}


CASES = [
    UrlCase("analysis_dashboard", Capability.VIEW),
    UrlCase("analysis_run_start", Capability.EDIT, method="post"),
    UrlCase("analysis_job_status", Capability.VIEW, kwargs=_job),
    UrlCase("analysis_function", Capability.VIEW, kwargs=_function),
    UrlCase("analysis_function_recompute", Capability.EDIT, method="post", kwargs=_function),
    UrlCase("analysis_function_what_if", Capability.VIEW, method="post", kwargs=_function),
    UrlCase(
        "analysis_agreed_objectives",
        Capability.EDIT,
        method="post",
        kwargs=_function,
        data={"rto_hours": "4", "agreement": "Agreed with the print service owner"},
    ),
    UrlCase("analysis_settings", Capability.EDIT),
    UrlCase("analysis_incidents", Capability.VIEW),
    UrlCase("analysis_incident_add", Capability.EDIT, method="post"),
]
