"""Auditor pages under /plans/<plan_pk>/audit/."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from audit import views

RECORD = "records/<str:model_label>/<str:object_id>/"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.timeline, name="audit_timeline"),
    path("entries/<int:seq>/", views.entry_detail, name="audit_entry"),
    path(RECORD, views.object_history, name="audit_object"),
    path(RECORD + "compare/", views.compare, name="audit_compare"),
    path(RECORD + "restore/<int:history_id>/", views.rollback_view, name="audit_rollback"),
    path("as-of/", views.as_of, name="audit_as_of"),
    path("verify/", views.verify, name="audit_verify"),
    path("verify/start/", views.verify_start, name="audit_verify_start"),
    path("verify/jobs/<uuid:job_pk>/", views.verify_status, name="audit_verify_status"),
    path("export.csv", views.export_csv, name="audit_export_csv"),
    path("export.json", views.export_json, name="audit_export_json"),
    path("reports/", views.report_start, name="audit_report_start"),
    path("reports/<uuid:job_pk>/", views.report_status, name="audit_report"),
    path("reports/<uuid:job_pk>/report.pdf", views.report_download, name="audit_report_download"),
]
