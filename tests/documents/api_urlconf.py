"""The project's URLs plus the documents API, until bcp/api_urls.py includes it."""

from __future__ import annotations

from django.urls import include, path

from config.urls import urlpatterns as project_urlpatterns

urlpatterns = [
    path("api/v1/documents/", include("documents.api_urls")),
    *project_urlpatterns,
]
