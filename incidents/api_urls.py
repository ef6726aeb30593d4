from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from incidents import api

urlpatterns: list[URLPattern | URLResolver] = [
    path("impact", api.ImpactView.as_view(), name="api_incident_impact"),
    path("incidents/", api.IncidentListView.as_view(), name="api_incident_list"),
    path(
        "incidents/<int:incident_pk>/",
        api.IncidentDetailView.as_view(),
        name="api_incident_detail",
    ),
]
