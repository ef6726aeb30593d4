"""Pages under /plans/<plan_pk>/documents/."""

from __future__ import annotations

from django.db.models import Model
from django.urls import URLPattern, URLResolver, path

from bcp.record_views import RecordPages, View
from documents import record_views, views


def _records(
    route: str, pages: RecordPages[Model], listing: View, detail: View | None = None
) -> list[URLPattern]:
    """A record's list at ``route`` and its create, edit and delete pages below it."""
    return [path(route, listing, name=pages.list_url), *pages.urls(route, detail=detail)]


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
    *_records("contacts/", record_views.CONTACTS, record_views.contact_list),
    *_records("call-tree/", record_views.CALL_TREE, record_views.calltree_list),
    *_records("vendors/", record_views.VENDORS, record_views.vendor_list),
    *_records(
        "procedures/",
        record_views.PROCEDURES,
        record_views.procedure_list,
        detail=record_views.procedure_detail,
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
    *_records("exercises/", record_views.EXERCISES, record_views.exercise_list),
]
