"""API routes of the documents app, included at /api/v1/documents/."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from documents import api

urlpatterns: list[URLPattern | URLResolver] = [
    path(
        "plans/<int:plan_pk>/versions/",
        api.VersionListView.as_view(),
        name="api_documents_versions",
    ),
    path(
        "plans/<int:plan_pk>/verify/<str:sha256>/",
        api.VerifyView.as_view(),
        name="api_documents_verify",
    ),
]
