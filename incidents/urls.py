from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from incidents.views import after_action, call_tree, closing, incident, scenarios, steps

INCIDENT = "<int:incident_pk>"
STEP = f"{INCIDENT}/steps/<int:step_pk>"

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
    path(f"{INCIDENT}/call-tree/", call_tree.calltree_start, name="incident_calltree_start"),
    path(
        f"{INCIDENT}/call-tree/resend/", call_tree.calltree_resend, name="incident_calltree_resend"
    ),
    path(
        f"{INCIDENT}/call-tree/<int:notification_pk>/reached/",
        call_tree.notification_reached,
        name="incident_notification_reached",
    ),
    path(
        f"{INCIDENT}/elements/<int:element_pk>/recover/",
        steps.element_recover,
        name="incident_element_recover",
    ),
    path(f"{INCIDENT}/steps/add/", steps.step_add, name="incident_step_add"),
    path(f"{STEP}/assign/", steps.step_assign, name="incident_step_assign"),
    path(f"{STEP}/start/", steps.step_start, name="incident_step_start"),
    path(f"{STEP}/complete/", steps.step_complete, name="incident_step_complete"),
    path(f"{INCIDENT}/log/", steps.log_add, name="incident_log_add"),
    path(f"{INCIDENT}/close/", closing.incident_close, name="incident_close"),
    path(
        f"{INCIDENT}/functions/<int:function_pk>/restore/",
        closing.function_restore,
        name="incident_function_restore",
    ),
    path(f"{INCIDENT}/actions/add/", closing.action_add, name="incident_action_add"),
    path(f"{INCIDENT}/reports/", after_action.report_request, name="incident_report_request"),
    path(
        f"{INCIDENT}/reports/<int:report_pk>/",
        after_action.report_status,
        name="incident_report_status",
    ),
    path(
        f"{INCIDENT}/reports/<int:report_pk>/download/",
        after_action.report_download,
        name="incident_report_download",
    ),
]
