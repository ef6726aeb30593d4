"""Plumbing shared by the write endpoints: bounded bodies, flags, If-Match, problems."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from bcp.api import problem_response
from bcp.concurrency import EditConflict, parse_version

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


# --- records: versions, and the answers a service's refusal gets -------------------------


class VersionRequired(exceptions.APIException):
    status_code = 428
    default_detail = (
        "Say which version you changed: send If-Match with the record's ETag, or its "
        "“version” in the body."
    )


@dataclass(frozen=True)
class ExpectedVersion:
    version: int
    from_if_match: bool


def expected_version(request: Request, body_version: int | None) -> ExpectedVersion:
    """The version an update started from: If-Match ("7" or 7), else the body's ``version``."""
    header = if_match(request)
    if header is not None:
        version = parse_version(header.strip().removeprefix("W/").strip('"'))
        if version is None:
            raise exceptions.ValidationError(
                {"If-Match": ['Send the ETag the record was read with, e.g. "3".']}
            )
        return ExpectedVersion(version, True)
    if body_version is None:
        raise VersionRequired()
    return ExpectedVersion(body_version, False)


def etag_of(instance: Any) -> str:
    return f'"{instance.version}"'


def _plain(value: Any) -> Any:
    return value if value is None or isinstance(value, bool | int | float | str) else str(value)


def service_call(call: Callable[[], Any], *, from_if_match: bool = False) -> Any:
    """Run one service; its refusals become problems.

    A rule broken is a 422; a version conflict a 412 when the version came from If-Match,
    else a 409, and a 428 when no version was sent but one was needed.
    """
    try:
        return call()
    except DjangoValidationError as exc:
        errors = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        raise ServiceRefused(errors) from None
    except EditConflict as exc:
        raise VersionConflict(exc, stale_etag=from_if_match) from None


class ServiceRefused(Exception):
    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("; ".join(m for messages in errors.values() for m in messages))
        self.errors = errors


class VersionConflict(Exception):
    def __init__(self, conflict: EditConflict, *, stale_etag: bool) -> None:
        super().__init__(str(conflict))
        self.conflict = conflict
        self.stale_etag = stale_etag


def refusal_response(exc: ServiceRefused | VersionConflict) -> Response:
    if isinstance(exc, ServiceRefused):
        return problem_response(
            status=422,
            title="Not saved",
            detail=str(exc),
            type_="/api/problems/refused",
            errors=exc.errors,
        )
    conflict = exc.conflict
    if conflict.missing_version:
        response = problem_response(
            status=428,
            title="Version required",
            detail=f"Not saved: {conflict}",
            type_="/api/problems/version-required",
            current_version=conflict.current_version,
        )
        response["ETag"] = f'"{conflict.current_version}"'
        return response
    status = 412 if exc.stale_etag else 409
    response = problem_response(
        status=status,
        title="Changed by someone else",
        detail=f"Not saved: {conflict}",
        type_="/api/problems/edit-conflict",
        current_version=conflict.current_version,
        differences=[
            {"field": d.field, "theirs": _plain(d.theirs), "yours": _plain(d.yours)}
            for d in conflict.differences
        ],
    )
    response["ETag"] = f'"{conflict.current_version}"'
    return response


class ServiceWriteView(APIView):
    """An API view whose writes go through services: their refusals answer as problems.

    A JSON body is bounded by ``max_body_bytes`` (413 before it is read).
    """

    max_body_bytes = 1024 * 1024

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            raise exceptions.ParseError("Content-Length is not a number.") from None
        if declared > self.max_body_bytes:
            raise BodyTooLarge(f"The body is over the limit of {self.max_body_bytes:,} bytes.")
        super().initial(request, *args, **kwargs)

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, ServiceRefused | VersionConflict):
            return refusal_response(exc)
        return super().handle_exception(exc)


def _refuse_nul(value: Any) -> None:
    """Walk a parsed body once (linear in its size, already bounded) for the NUL character,
    which PostgreSQL cannot store in text and no name or note needs."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                raise exceptions.ParseError("Text in the body may not contain the NUL character.")
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


class TextJSONParser(JSONParser):
    """JSON bodies of the write API: as DRF's parser, and refused with 400 when any key or
    text holds the NUL character (a lookup by such a name would fail in the database)."""

    def parse(
        self,
        stream: Any,
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        data = super().parse(stream, media_type, parser_context)
        _refuse_nul(data)
        return data
