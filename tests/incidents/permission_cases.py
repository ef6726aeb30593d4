"""Permission-matrix cases for every page of the incidents app.

Steps are worked by managers and by the stakeholder who owns the step's function; the
stakeholder of the fixture owns head office printing, not branch printing.
"""

from __future__ import annotations

from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from bcp.jobs import job_enqueue
from bcp.permissions import Capability
from incidents.calltree import calltree_start
from incidents.models import AfterActionReport, IncidentStep
from incidents.reports import REPORT_KIND, REPORT_TASK
from incidents.services.scenarios import scenario_create
from tests.incidents.factories import declare, entry_for, small_estate
from tests.permission_cases import UrlCase


def _incident(people: Any) -> dict[str, Any]:
    return {"incident_pk": declare(small_estate(people)).pk}


def _step_of(function_attr: str) -> Any:
    def build(people: Any) -> dict[str, Any]:
        estate = small_estate(people)
        incident = declare(estate)
        entry = entry_for(incident, getattr(estate, function_attr))
        step = IncidentStep.objects.get(incident_function=entry)
        return {"incident_pk": incident.pk, "step_pk": step.pk}

    return build


def _step_case(name: str, function_attr: str) -> UrlCase:
    """Working a step of ``function_attr``'s recovery: managers, and the stakeholder only
    where the function is theirs (head office printing)."""
    return UrlCase(
        name,
        Capability.ANSWER,
        method="post",
        kwargs=_step_of(function_attr),
        stakeholder_allowed=function_attr == "head_office",
    )


def _element(people: Any) -> dict[str, Any]:
    incident = declare(small_estate(people))
    return {"incident_pk": incident.pk, "element_pk": incident.elements.get().pk}


def _function(people: Any) -> dict[str, Any]:
    estate = small_estate(people)
    incident = declare(estate)
    return {"incident_pk": incident.pk, "function_pk": entry_for(incident, estate.head_office).pk}


def _notification(people: Any) -> dict[str, Any]:
    incident = declare(small_estate(people))
    notification = calltree_start(incident=incident, user=people.manager)[0]
    return {"incident_pk": incident.pk, "notification_pk": notification.pk}


def _call_tree(people: Any) -> dict[str, Any]:
    return {"incident_pk": _notification(people)["incident_pk"]}


def _report(people: Any, *, rendered: bool) -> dict[str, Any]:
    incident = declare(small_estate(people))
    job = job_enqueue(
        kind=REPORT_KIND, task_name=REPORT_TASK, user=people.manager, plan=people.plan
    )
    report = AfterActionReport.objects.create(incident=incident, job=job, draft=True)
    if rendered:
        report.pdf = default_storage.save(
            f"incidents/reports/test/report-{report.pk}.pdf", ContentFile(b"%PDF-1.7 report")
        )
        report.sha256 = "0" * 64
        report.save()
    return {"incident_pk": incident.pk, "report_pk": report.pk}


def _scenario(people: Any) -> dict[str, Any]:
    estate = small_estate(people)
    scenario = scenario_create(
        plan=people.plan,
        user=people.manager,
        name="Lose the SAN",
        description="",
        failed_keys=[estate.key(estate.san)],
    )
    return {"scenario_pk": scenario.pk}


def _schedule(people: Any) -> dict[str, Any]:
    return {"function_pk": small_estate(people).head_office.pk}


CASES = [
    UrlCase("incident_list", Capability.VIEW),
    UrlCase("incident_declare", Capability.EDIT),
    UrlCase("incident_scenarios", Capability.VIEW),
    UrlCase("scenario_create", Capability.EDIT, method="post"),
    UrlCase("scenario_delete", Capability.EDIT, method="post", kwargs=_scenario),
    UrlCase("exercise_schedule", Capability.VIEW),
    UrlCase("schedule_edit", Capability.EDIT, kwargs=_schedule),
    UrlCase("incident_detail", Capability.VIEW, kwargs=_incident),
    UrlCase("incident_live", Capability.VIEW, kwargs=_incident),
    UrlCase("incident_edit", Capability.EDIT, kwargs=_incident),
    UrlCase("incident_calltree_start", Capability.EDIT, method="post", kwargs=_incident),
    UrlCase("incident_calltree_resend", Capability.EDIT, method="post", kwargs=_call_tree),
    UrlCase("incident_notification_reached", Capability.EDIT, method="post", kwargs=_notification),
    UrlCase("incident_element_recover", Capability.EDIT, method="post", kwargs=_element),
    UrlCase("incident_step_add", Capability.ANSWER, method="post", kwargs=_incident),
    _step_case("incident_step_assign", "head_office"),
    _step_case("incident_step_start", "head_office"),
    _step_case("incident_step_complete", "head_office"),
    # Branch printing belongs to someone else: the fixture's stakeholder may not work it.
    _step_case("incident_step_complete", "branch"),
    UrlCase("incident_log_add", Capability.ANSWER, method="post", kwargs=_incident),
    UrlCase("incident_close", Capability.EDIT, kwargs=_incident),
    UrlCase("incident_function_restore", Capability.EDIT, method="post", kwargs=_function),
    UrlCase("incident_action_add", Capability.EDIT, method="post", kwargs=_incident),
    UrlCase("incident_report_request", Capability.EDIT, method="post", kwargs=_incident),
    UrlCase(
        "incident_report_status",
        Capability.VIEW,
        kwargs=lambda people: _report(people, rendered=False),
    ),
    UrlCase(
        "incident_report_download",
        Capability.VIEW,
        kwargs=lambda people: _report(people, rendered=True),
    ),
]
