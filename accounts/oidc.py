"""Sign-in through an OpenID Connect provider (mozilla-django-oidc), with group-to-role mapping.

The account here is found by the email claim, made at first sign-in with the
``preferred_username`` (or the email) as its username, and updated at every sign-in:
name, email, staff and superuser status from the groups claim (``OIDC_STAFF_GROUP``,
``OIDC_SUPERUSER_GROUP``), and plan roles from ``OIDC_PLAN_ROLES``. The provider asks
for its own second factor; Continuity's applies to local and directory sign-ins.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from accounts import services


def username_from_claims(email: str, claims: dict[str, Any] | None = None) -> str:
    preferred = str((claims or {}).get("preferred_username") or "").strip()
    return (preferred or email)[:150]


def _groups(claims: dict[str, Any]) -> set[str]:
    raw = claims.get(getattr(settings, "OIDC_GROUPS_CLAIM", "groups")) or []
    if isinstance(raw, str):
        raw = [raw]
    return {str(group).strip().lower() for group in raw if str(group).strip()}


class ProviderBackend(OIDCAuthenticationBackend):
    def create_user(self, claims: dict[str, Any]) -> Any:
        user = super().create_user(claims)
        return self.update_user(user, claims)

    def update_user(self, user: Any, claims: dict[str, Any]) -> Any:
        groups = _groups(claims)
        user.first_name = str(claims.get("given_name", ""))[:150]
        user.last_name = str(claims.get("family_name", ""))[:150]
        user.email = str(claims.get("email", user.email))[:254]
        staff_group = getattr(settings, "OIDC_STAFF_GROUP", "")
        superuser_group = getattr(settings, "OIDC_SUPERUSER_GROUP", "")
        if staff_group:
            user.is_staff = staff_group in groups
        if superuser_group:
            user.is_superuser = superuser_group in groups
        user.set_unusable_password()
        user.save()
        services.plan_roles_apply(
            user=user,
            group_dns=groups,
            mapping=getattr(settings, "OIDC_PLAN_ROLES", {}),
            source="OpenID Connect",
        )
        return user


def _only_when_configured(view: Any) -> Any:
    def guarded(request: HttpRequest) -> HttpResponseBase:
        if not getattr(settings, "OIDC_ENABLED", False):
            raise Http404("Single sign-on is not configured.")
        return view(request)

    return guarded


oidc_start = _only_when_configured(OIDCAuthenticationRequestView.as_view())
oidc_callback = _only_when_configured(OIDCAuthenticationCallbackView.as_view())
