"""BIA API routes, meant to be included at /api/v1/bia/ by bcp/api_urls.py."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from bia import api, api_answers

urlpatterns: list[URLPattern | URLResolver] = [
    path("plans/<int:plan_pk>/", api.PlanBiaView.as_view(), name="api_bia_plan"),
    path(
        "plans/<int:plan_pk>/assessments/<int:assessment_pk>/answers/",
        api_answers.AssessmentAnswersView.as_view(),
        name="api_bia_answers",
    ),
]
