from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from analysis import api

urlpatterns: list[URLPattern | URLResolver] = [
    path("availability", api.AvailabilityView.as_view(), name="api_availability"),
    path("budget", api.BudgetView.as_view(), name="api_budget"),
]
