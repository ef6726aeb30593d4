from __future__ import annotations

from django.urls import URLPattern, path

from accounts import views

urlpatterns: list[URLPattern] = [
    path("login/code/", views.mfa_verify, name="mfa_verify"),
    path("second-factor/", views.mfa_setup, name="mfa_setup"),
    path("second-factor/recovery-codes/", views.recovery_codes_new, name="mfa_recovery_codes"),
    path("second-factor/remove/", views.mfa_turn_off, name="mfa_remove"),
    path("api-tokens/", views.api_tokens, name="api_tokens"),
    path("api-tokens/<int:token_pk>/revoke/", views.api_token_revoke, name="api_token_revoke"),
]
