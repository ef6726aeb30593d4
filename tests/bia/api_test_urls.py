"""The project's URLs plus the BIA API, until bcp/api_urls.py includes it."""

from __future__ import annotations

from django.urls import include, path

from config.urls import handler400, handler403, handler404, handler500
from config.urls import urlpatterns as project

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]

urlpatterns = [
    path("api/v1/bia/", include("bia.api_urls")),
    *project,
]
