from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from incidents import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.incident_list, name="incident_list"),
    path("declare/", views.incident_declare, name="incident_declare"),
    path("scenarios/", views.scenario_list, name="incident_scenarios"),
    path("scenarios/add/", views.scenario_create, name="scenario_create"),
    path("scenarios/<int:scenario_pk>/delete/", views.scenario_delete, name="scenario_delete"),
    path("exercises/", views.exercise_schedule, name="exercise_schedule"),
    path("exercises/<int:function_pk>/", views.schedule_edit, name="schedule_edit"),
    path("<int:incident_pk>/", views.incident_detail, name="incident_detail"),
    path("<int:incident_pk>/live/", views.incident_live, name="incident_live"),
    path("<int:incident_pk>/edit/", views.incident_edit, name="incident_edit"),
    path("<int:incident_pk>/call-tree/", views.calltree_start, name="incident_calltree_start"),
    path(
        "<int:incident_pk>/call-tree/resend/",
        views.calltree_resend,
        name="incident_calltree_resend",
    ),
    path(
        "<int:incident_pk>/call-tree/<int:notification_pk>/reached/",
        views.notification_reached,
        name="incident_notification_reached",
    ),
    path(
        "<int:incident_pk>/elements/<int:element_pk>/recover/",
        views.element_recover,
        name="incident_element_recover",
    ),
    path("<int:incident_pk>/steps/add/", views.step_add, name="incident_step_add"),
    path(
        "<int:incident_pk>/steps/<int:step_pk>/assign/",
        views.step_assign,
        name="incident_step_assign",
    ),
    path(
        "<int:incident_pk>/steps/<int:step_pk>/start/", views.step_start, name="incident_step_start"
    ),
    path(
        "<int:incident_pk>/steps/<int:step_pk>/complete/",
        views.step_complete,
        name="incident_step_complete",
    ),
    path("<int:incident_pk>/log/", views.log_add, name="incident_log_add"),
    path("<int:incident_pk>/close/", views.incident_close, name="incident_close"),
    path(
        "<int:incident_pk>/functions/<int:function_pk>/restore/",
        views.function_restore,
        name="incident_function_restore",
    ),
    path("<int:incident_pk>/actions/add/", views.action_add, name="incident_action_add"),
    path("<int:incident_pk>/reports/", views.report_request, name="incident_report_request"),
    path(
        "<int:incident_pk>/reports/<int:report_pk>/",
        views.report_status,
        name="incident_report_status",
    ),
    path(
        "<int:incident_pk>/reports/<int:report_pk>/download/",
        views.report_download,
        name="incident_report_download",
    ),
]
