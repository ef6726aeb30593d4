"""Plan analysis API routes; included under plans/<int:plan_pk>/analysis/ by config/api_urls.py."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from analysis import api_plan

urlpatterns: list[URLPattern | URLResolver] = [
    path("", api_plan.AnalysisOverviewView.as_view(), name="api_analysis_overview"),
    path("runs/", api_plan.AnalysisRunsView.as_view(), name="api_analysis_runs"),
    path(
        "functions/<int:function_pk>/",
        api_plan.FunctionAnalysisView.as_view(),
        name="api_analysis_function",
    ),
    path(
        "functions/<int:function_pk>/what-if",
        api_plan.WhatIfView.as_view(),
        name="api_analysis_what_if",
    ),
]
