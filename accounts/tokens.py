"""API token secrets and the DRF authentication that checks them.

A token is ``ct_`` and 43 URL-safe characters (256 random bits), sent as
``Authorization: Bearer <token>``. The database holds its SHA-256 only. On each call
the token must exist, be neither revoked nor expired, and its owner active (else 401);
a plan token only reaches its plan, and a read-only token only reads (else 403).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from django.utils import timezone
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.permissions import SAFE_METHODS
from rest_framework.request import Request

from accounts.models import ApiToken, TokenAccess
from bcp.history import API_CALLER_META

PREFIX = "ct_"
MAX_TOKEN_LENGTH = 100
# last_used_at is written at most this often per token, not on every call.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def new_secret() -> str:
    return PREFIX + secrets.token_urlsafe(32)


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def check_token_plan(request: Any, plan_id: int) -> None:
    """403 when the call's token is for another plan than ``plan_id``."""
    token = getattr(request, "auth", None)
    if isinstance(token, ApiToken) and token.plan_id is not None and token.plan_id != plan_id:
        raise exceptions.PermissionDenied(f"The token “{token.name}” is for another plan only.")


class ApiTokenAuthentication(BaseAuthentication):
    keyword = "Bearer"

    def authenticate_header(self, request: Request) -> str:
        return self.keyword

    def authenticate(self, request: Request) -> tuple[Any, ApiToken] | None:
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword.lower().encode():
            return None
        if len(parts) != 2 or len(parts[1]) > MAX_TOKEN_LENGTH:
            raise exceptions.AuthenticationFailed("Malformed bearer token.")
        try:
            secret = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed("Malformed bearer token.") from None
        token = ApiToken.objects.select_related("user").filter(key_hash=hash_secret(secret)).first()
        if token is None:
            raise exceptions.AuthenticationFailed("Unknown API token.")
        now = timezone.now()
        if token.revoked_at is not None:
            raise exceptions.AuthenticationFailed(f"The API token “{token.name}” was revoked.")
        if token.expires_at <= now:
            raise exceptions.AuthenticationFailed(f"The API token “{token.name}” has expired.")
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed("The token's owner is deactivated.")
        self._check_scope(request, token)
        if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
            token.last_used_at = now
        # History rows written during this request name the token (bcp.history).
        request._request.META[API_CALLER_META] = token.name
        return token.user, token

    @staticmethod
    def _check_scope(request: Request, token: ApiToken) -> None:
        context: dict[str, Any] = getattr(request, "parser_context", None) or {}
        view = context.get("view")
        plan_pk = (context.get("kwargs") or {}).get("plan_pk")
        if token.plan_id is not None and plan_pk is not None and int(plan_pk) != token.plan_id:
            raise exceptions.PermissionDenied(f"The token “{token.name}” is for another plan only.")
        if (
            token.access == TokenAccess.READ
            and request.method not in SAFE_METHODS
            and not getattr(view, "saves_nothing", False)
        ):
            raise exceptions.PermissionDenied(
                f"The token “{token.name}” is read-only; this call changes data."
            )
