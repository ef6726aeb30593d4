"""OpenID Connect sign-in settings, read from environment variables.

Nothing is configured unless ``OIDC_CLIENT_ID`` is set. :func:`oidc_settings` returns
the ``OIDC_*`` settings mozilla-django-oidc reads, plus ``OIDC_PLAN_ROLES`` (group →
plan id and role), ``OIDC_GROUPS_CLAIM``, ``OIDC_STAFF_GROUP``, ``OIDC_SUPERUSER_GROUP``
and ``OIDC_PROVIDER_NAME`` read by :mod:`accounts.oidc` and the sign-in page.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ImproperlyConfigured

from config.directory import parse_plan_roles
from config.env import env_int, env_str

ENDPOINTS = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "OIDC_AUTHORIZATION_ENDPOINT",
    "OIDC_OP_TOKEN_ENDPOINT": "OIDC_TOKEN_ENDPOINT",
    "OIDC_OP_USER_ENDPOINT": "OIDC_USERINFO_ENDPOINT",
    "OIDC_OP_JWKS_ENDPOINT": "OIDC_JWKS_ENDPOINT",
}


def oidc_settings(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The settings for OpenID Connect sign-in, or ``{}`` when ``OIDC_CLIENT_ID`` is not set."""
    client_id = env_str("OIDC_CLIENT_ID", "", environ=environ).strip()
    if not client_id:
        return {}
    found: dict[str, Any] = {}
    for setting, variable in ENDPOINTS.items():
        url = env_str(variable, environ=environ).strip()
        if not url.startswith(("https://", "http://")):
            raise ImproperlyConfigured(
                f"Environment variable {variable}={url!r} is not an http(s) address."
            )
        found[setting] = url
    return {
        **found,
        "OIDC_RP_CLIENT_ID": client_id,
        "OIDC_RP_CLIENT_SECRET": env_str("OIDC_CLIENT_SECRET", environ=environ),
        "OIDC_RP_SIGN_ALGO": env_str("OIDC_SIGN_ALGO", "RS256", environ=environ),
        "OIDC_RP_SCOPES": env_str("OIDC_SCOPES", "openid email profile groups", environ=environ),
        "OIDC_USE_PKCE": True,
        "OIDC_TIMEOUT": env_int("OIDC_TIMEOUT", 5, minimum=1, environ=environ),
        "OIDC_USERNAME_ALGO": "accounts.oidc.username_from_claims",
        "LOGIN_REDIRECT_URL_FAILURE": "/accounts/login/?sso=failed",
        "OIDC_GROUPS_CLAIM": env_str("OIDC_GROUPS_CLAIM", "groups", environ=environ),
        "OIDC_STAFF_GROUP": env_str("OIDC_STAFF_GROUP", "", environ=environ).strip().lower(),
        "OIDC_SUPERUSER_GROUP": env_str("OIDC_SUPERUSER_GROUP", "", environ=environ)
        .strip()
        .lower(),
        "OIDC_PROVIDER_NAME": env_str("OIDC_PROVIDER_NAME", "single sign-on", environ=environ),
        "OIDC_PLAN_ROLES": parse_plan_roles(
            "OIDC_PLAN_ROLES", env_str("OIDC_PLAN_ROLES", "", environ=environ)
        ),
    }
