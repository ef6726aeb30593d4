"""Plumbing shared by the write endpoints: bounded bodies, flags, If-Match, problems."""

from __future__ import annotations

from rest_framework import exceptions
from rest_framework.request import Request

MAX_IF_MATCH_LENGTH = 1000
TRUE, FALSE = ("true", "1", "yes"), ("false", "0", "no", "")


class BodyTooLarge(exceptions.APIException):
    status_code = 413
    default_detail = "The request body is too large."


def bounded_body(request: Request, limit: int) -> bytes:
    """The raw body, refused with 413 beyond ``limit`` bytes (never read past it)."""
    raw = request._request
    try:
        declared = int(raw.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        raise exceptions.ParseError("Content-Length is not a number.") from None
    too_large = BodyTooLarge(f"The body is over the limit of {limit / (1024 * 1024):g} MB.")
    if declared > limit:
        raise too_large
    data = raw.read(limit + 1)
    if len(data) > limit:
        raise too_large
    return data


def query_flag(request: Request, name: str) -> bool:
    """A true/false query parameter (absent is false); anything else is a 400."""
    value = request.query_params.get(name, "").strip().lower()
    if value in TRUE:
        return True
    if value in FALSE:
        return False
    raise exceptions.ValidationError({name: ["Give true or false."]})


def if_match(request: Request) -> str | None:
    value = request.headers.get("If-Match")
    if value is not None and len(value) > MAX_IF_MATCH_LENGTH:
        raise exceptions.ValidationError({"If-Match": ["The header is too long."]})
    return value
