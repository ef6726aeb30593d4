"""Sign-in throttling keys for django-axes: who is trying, and from where.

Failures are counted per *normalised username and client address together*, on every
form that signs in (ours and the admin's: axes watches ``authenticate()`` itself):

- the username is NFKC-normalised, case-folded and stripped, so "auditor ",
  " auditor" and the full-width "ａuditor" — which Django's login form turns into
  "auditor" before checking the password — count against the same key;
- the address is the client's as the trusted load balancers saw it (see
  :func:`client_address`), so a few bad tries from one address lock out that
  address for that user only, never the user everywhere.
"""

from __future__ import annotations

import ipaddress
import unicodedata
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

# Longer than any username the sign-in forms accept; keeps junk out of the attempt log.
MAX_USERNAME_LENGTH = 150


def normalise_username(raw: str) -> str:
    """The key a sign-in attempt counts against: NFKC, case-folded, stripped."""
    text = unicodedata.normalize("NFKC", raw)
    text = unicodedata.normalize("NFKC", text.casefold())
    return text.strip()[:MAX_USERNAME_LENGTH]


def throttle_username(request: HttpRequest | None, credentials: Mapping[str, Any] | None) -> str:
    """``AXES_USERNAME_CALLABLE``: the normalised username of this attempt."""
    raw: Any = (credentials or {}).get("username")
    if raw is None and request is not None:
        raw = request.POST.get("username", "")
    return normalise_username(str(raw or ""))


def client_address(request: HttpRequest) -> str:
    """``AXES_CLIENT_IP_CALLABLE``: the client's address behind ``TRUSTED_PROXY_COUNT`` proxies.

    Each trusted proxy appends the address it received the connection from to
    ``X-Forwarded-For``, so with N trusted proxies the client is the N-th entry from
    the right; anything further left was written by the client and is ignored. With
    no trusted proxy (the default) ``X-Forwarded-For`` is not read at all. A header
    too short or not an address falls back to the connection's own address.
    """
    remote = str(request.META.get("REMOTE_ADDR", ""))
    count: int = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < count:
        return remote
    candidate = forwarded[-count]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: Mapping[str, Any] | None = None,
) -> HttpResponse:
    """``AXES_LOCKOUT_CALLABLE``: a page that says what happened and for how long, 429."""
    minutes = max(1, -(-settings.LOGIN_THROTTLE_WINDOW // 60))
    return render(request, "registration/locked_out.html", {"minutes": minutes}, status=429)
