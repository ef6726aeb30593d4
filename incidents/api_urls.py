from __future__ import annotations

from django.urls import URLPattern, URLResolver, path, register_converter

from incidents import api


class AnyIntConverter:
    """Whole numbers with a sign too, so "-1" reaches the API view and gets its JSON 404
    (a route that does not match answers with the site's HTML 404 page)."""

    regex = "-?[0-9]+"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(AnyIntConverter, "anyint")

urlpatterns: list[URLPattern | URLResolver] = [
    path("impact", api.ImpactView.as_view(), name="api_incident_impact"),
    path("incidents/", api.IncidentListView.as_view(), name="api_incident_list"),
    path(
        "incidents/<anyint:incident_pk>/",
        api.IncidentDetailView.as_view(),
        name="api_incident_detail",
    ),
]
