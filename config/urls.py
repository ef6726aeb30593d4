"""URL map. Plan pages live under /plans/<plan_pk>/ so one decorator guards them all."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import URLPattern, URLResolver, include, path
from django.views import View

from accounts import oidc
from accounts.views import SignInView
from bcp import views
from bcp.api import ApiSchemaView, api_docs
from incidents.views.call_tree import acknowledge as incident_acknowledge

PLAN_APPS = ("bia", "inventory", "analysis", "documents", "incidents", "audit", "review")

plan_patterns: list[URLPattern | URLResolver] = [
    path("", views.plan_detail, name="plan_detail"),
    path("edit/", views.plan_edit, name="plan_edit"),
    path("archive/", views.plan_archive, name="plan_archive"),
    path("restore/", views.plan_restore, name="plan_restore"),
    path("members/", views.member_list, name="member_list"),
    path("members/add/", views.member_add, name="member_add"),
    path("members/<int:member_pk>/", views.member_edit, name="member_edit"),
    path("members/<int:member_pk>/remove/", views.member_remove, name="member_remove"),
    path("history/", views.plan_history, name="plan_history"),
    path("jobs/<uuid:job_pk>/", views.job_status, name="job_status"),
    path("jobs/<uuid:job_pk>/retry/", views.job_retry, name="job_retry"),
    # Each app's plan pages under /plans/<plan_pk>/<app>/, from its own urls module.
    *(path(f"{app}/", include(f"{app}.urls")) for app in PLAN_APPS),
]

# Django's own password reset and change pages, under accounts/.
PASSWORD_PAGES: list[tuple[str, type[View[Any]], str]] = [
    ("accounts/password-reset/", auth_views.PasswordResetView, "password_reset"),
    ("accounts/password-reset/done/", auth_views.PasswordResetDoneView, "password_reset_done"),
    (
        "accounts/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView,
        "password_reset_confirm",
    ),
    ("accounts/reset/done/", auth_views.PasswordResetCompleteView, "password_reset_complete"),
    ("accounts/password-change/", auth_views.PasswordChangeView, "password_change"),
    ("accounts/password-change/done/", auth_views.PasswordChangeDoneView, "password_change_done"),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("health/", views.health, name="health"),
    path("portfolio/", views.portfolio, name="portfolio"),
    path("accounts/login/", SignInView.as_view(), name="login"),
    path("accounts/", include("accounts.urls")),
    path("inbox/", include("notifications.urls")),
    # OpenID Connect: /oidc/authenticate/ starts, /oidc/callback/ finishes (when configured).
    path("oidc/authenticate/", oidc.oidc_start, name="oidc_authentication_init"),
    path("oidc/callback/", oidc.oidc_callback, name="oidc_authentication_callback"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    *(path(route, view.as_view(), name=name) for route, view, name in PASSWORD_PAGES),
    path("plans/", views.plan_list, name="plan_list"),
    path("plans/new/", views.plan_create, name="plan_create"),
    path("plans/<int:plan_pk>/", include(plan_patterns)),
    path("staff/users/", views.user_list, name="user_list"),
    # The acknowledge link of a call-tree email: no sign-in, the signed token says who.
    path("acknowledge/<str:token>/", incident_acknowledge, name="incident_acknowledge"),
    path("api/v1/", include("config.api_urls")),
    path("api/schema/", ApiSchemaView.as_view(), name="api_schema"),
    # The split view serves its start-up script as a file, so the CSP needs no inline script.
    path("api/docs/", api_docs, name="api_docs"),
    # The admin signs in through the same two steps as everyone else.
    path("admin/login/", SignInView.as_view(), name="admin_login"),
    path("admin/", admin.site.urls),
]

handler400 = "bcp.views.error_400"
handler403 = "bcp.views.error_403"
handler404 = "bcp.views.error_404"
handler500 = "bcp.views.error_500"
