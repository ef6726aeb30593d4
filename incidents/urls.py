from __future__ import annotations

from collections.abc import Callable

from django.http.response import HttpResponseBase
from django.urls import URLPattern, URLResolver, path

from incidents.views import after_action, call_tree, closing, incident, scenarios, steps

INCIDENT = "<int:incident_pk>"
STEP = "steps/<int:step_pk>"


def _on_incident(route: str, view: Callable[..., HttpResponseBase], name: str) -> URLPattern:
    """A page of one incident: ``route`` below the incident's own, named ``incident_<name>``."""
    return path(f"{INCIDENT}/{route}", view, name=f"incident_{name}")


urlpatterns: list[URLPattern | URLResolver] = [
    path("", incident.incident_list, name="incident_list"),
    path("declare/", incident.incident_declare, name="incident_declare"),
    path("scenarios/", scenarios.scenario_list, name="incident_scenarios"),
    path("scenarios/add/", scenarios.scenario_create, name="scenario_create"),
    path("scenarios/<int:scenario_pk>/delete/", scenarios.scenario_delete, name="scenario_delete"),
    path("exercises/", scenarios.exercise_schedule, name="exercise_schedule"),
    path("exercises/<int:function_pk>/", scenarios.schedule_edit, name="schedule_edit"),
    path(f"{INCIDENT}/", incident.incident_detail, name="incident_detail"),
    path(f"{INCIDENT}/live/", incident.incident_live, name="incident_live"),
    path(f"{INCIDENT}/edit/", incident.incident_edit, name="incident_edit"),
    _on_incident("call-tree/", call_tree.calltree_start, "calltree_start"),
    _on_incident("call-tree/resend/", call_tree.calltree_resend, "calltree_resend"),
    _on_incident(
        "call-tree/<int:notification_pk>/reached/",
        call_tree.notification_reached,
        "notification_reached",
    ),
    _on_incident("elements/<int:element_pk>/recover/", steps.element_recover, "element_recover"),
    _on_incident("steps/add/", steps.step_add, "step_add"),
    _on_incident(f"{STEP}/assign/", steps.step_assign, "step_assign"),
    _on_incident(f"{STEP}/start/", steps.step_start, "step_start"),
    _on_incident(f"{STEP}/complete/", steps.step_complete, "step_complete"),
    _on_incident("log/", steps.log_add, "log_add"),
    _on_incident("close/", closing.incident_close, "close"),
    _on_incident(
        "functions/<int:function_pk>/restore/", closing.function_restore, "function_restore"
    ),
    _on_incident("actions/add/", closing.action_add, "action_add"),
    _on_incident("reports/", after_action.report_request, "report_request"),
    _on_incident("reports/<int:report_pk>/", after_action.report_status, "report_status"),
    _on_incident(
        "reports/<int:report_pk>/download/", after_action.report_download, "report_download"
    ),
]
