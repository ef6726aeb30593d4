"""Pages under /plans/<plan_pk>/documents/."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from documents import record_views, views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.documents_home, name="documents_home"),
    path("draft/", views.draft_export_start, name="draft_export_start"),
    path("draft/<uuid:job_pk>/download/", views.draft_download, name="draft_download"),
    path("jobs/<uuid:job_pk>/", views.documents_job, name="documents_job"),
    path("jobs/<uuid:job_pk>/retry/", views.documents_job_retry, name="documents_job_retry"),
    path("publish/", views.version_publish, name="version_publish"),
    path("versions/<int:version_pk>/", views.version_detail, name="version_detail"),
    path("versions/<int:version_pk>/pdf/", views.version_download, name="version_download"),
    path(
        "versions/<int:version_pk>/pdfa/", views.version_download_pdfa, name="version_download_pdfa"
    ),
    path("versions/<int:version_pk>/remind/", views.signoff_remind, name="signoff_remind"),
    path("signoffs/<int:signoff_pk>/", views.signoff_detail, name="signoff_detail"),
    path("signoffs/<int:signoff_pk>/decide/", views.signoff_decide, name="signoff_decide"),
    path("verify/", views.documents_verify, name="documents_verify"),
    path("settings/", views.documents_settings, name="documents_settings"),
    path("contacts/", record_views.contact_list, name="contact_list"),
    path("contacts/new/", record_views.contact_create, name="contact_create"),
    path("contacts/<int:contact_pk>/", record_views.contact_edit, name="contact_edit"),
    path("contacts/<int:contact_pk>/delete/", record_views.contact_delete, name="contact_delete"),
    path("call-tree/", record_views.calltree_list, name="calltree_list"),
    path("call-tree/new/", record_views.calltree_create, name="calltree_create"),
    path("call-tree/<int:entry_pk>/", record_views.calltree_edit, name="calltree_edit"),
    path("call-tree/<int:entry_pk>/delete/", record_views.calltree_delete, name="calltree_delete"),
    path("vendors/", record_views.vendor_list, name="vendor_list"),
    path("vendors/new/", record_views.vendor_create, name="vendor_create"),
    path("vendors/<int:vendor_pk>/", record_views.vendor_edit, name="vendor_edit"),
    path("vendors/<int:vendor_pk>/delete/", record_views.vendor_delete, name="vendor_delete"),
    path("procedures/", record_views.procedure_list, name="procedure_list"),
    path("procedures/new/", record_views.procedure_create, name="procedure_create"),
    path("procedures/<int:procedure_pk>/", record_views.procedure_detail, name="procedure_detail"),
    path("procedures/<int:procedure_pk>/edit/", record_views.procedure_edit, name="procedure_edit"),
    path(
        "procedures/<int:procedure_pk>/delete/",
        record_views.procedure_delete,
        name="procedure_delete",
    ),
    path("procedures/<int:procedure_pk>/steps/new/", record_views.step_create, name="step_create"),
    path(
        "procedures/<int:procedure_pk>/steps/<int:step_pk>/",
        record_views.step_edit,
        name="step_edit",
    ),
    path(
        "procedures/<int:procedure_pk>/steps/<int:step_pk>/delete/",
        record_views.step_delete,
        name="step_delete",
    ),
    path("exercises/", record_views.exercise_list, name="exercise_list"),
    path("exercises/new/", record_views.exercise_create, name="exercise_create"),
    path("exercises/<int:exercise_pk>/", record_views.exercise_edit, name="exercise_edit"),
    path(
        "exercises/<int:exercise_pk>/delete/", record_views.exercise_delete, name="exercise_delete"
    ),
]
