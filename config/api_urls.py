"""API v1: each app contributes its endpoints here."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, include, path

from analysis.api_plan import JobView
from bcp.api_portfolio import PortfolioView

urlpatterns: list[URLPattern | URLResolver] = [
    path("analysis/", include("analysis.api_urls")),
    path("bia/", include("bia.api_urls")),
    path("documents/", include("documents.api_urls")),
    path("plans/<int:plan_pk>/inventory/", include("inventory.api_urls")),
    path("plans/<int:plan_pk>/", include("incidents.api_urls")),
    path("plans/<int:plan_pk>/analysis/", include("analysis.api_plan_urls")),
    path("jobs/<uuid:job_pk>/", JobView.as_view(), name="api_job"),
    path("portfolio/", PortfolioView.as_view(), name="api_portfolio"),
]
