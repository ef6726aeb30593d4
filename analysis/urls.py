from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from analysis import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.dashboard, name="analysis_dashboard"),
    path("run/", views.run_start, name="analysis_run_start"),
    path("jobs/<uuid:job_pk>/", views.job_status, name="analysis_job_status"),
    path("functions/<int:function_pk>/", views.function_analysis, name="analysis_function"),
    path(
        "functions/<int:function_pk>/recompute/",
        views.function_recompute,
        name="analysis_function_recompute",
    ),
    path(
        "functions/<int:function_pk>/what-if/",
        views.function_what_if,
        name="analysis_function_what_if",
    ),
    path(
        "functions/<int:function_pk>/objectives/",
        views.agreed_objective_edit,
        name="analysis_agreed_objectives",
    ),
    path("settings/", views.settings_edit, name="analysis_settings"),
    path("incidents/", views.incident_list, name="analysis_incidents"),
    path("incidents/add/", views.incident_add, name="analysis_incident_add"),
]
