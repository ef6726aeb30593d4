from __future__ import annotations

from django.urls import URLPattern, path

from accounts import views

urlpatterns: list[URLPattern] = [
    path("login/code/", views.mfa_verify, name="mfa_verify"),
    path("second-factor/", views.mfa_setup, name="mfa_setup"),
    path("second-factor/recovery-codes/", views.recovery_codes_new, name="mfa_recovery_codes"),
    path("second-factor/remove/", views.mfa_turn_off, name="mfa_remove"),
]
