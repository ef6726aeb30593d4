"""Bounds on the analysis API: request size (413), a per-user throttle (429).

The node budget on exact solving (422 or a Monte Carlo estimate) lives in the engine
(``ExactTooCostly``); the views turn it into problem details.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import RequestDataTooBig
from rest_framework.response import Response
from rest_framework.throttling import UserRateThrottle
from rest_framework.views import APIView

from bcp.api import problem_response

PROBLEM_BASE = "/api/problems/"


class AnalysisThrottle(UserRateThrottle):
    """Per-user request rate of the computing endpoints (``DEFAULT_THROTTLE_RATES["analysis"]``)."""

    scope = "analysis"


def body_too_large(request: Any, limit: int) -> Response | None:
    """A 413 problem when the request body is larger than ``limit`` bytes, else None.

    The declared length is checked before anything is read; a body without one is read
    (Django caps what it reads in memory) and measured.
    """
    declared = request.META.get("CONTENT_LENGTH") or "0"
    try:
        size = int(declared)
    except ValueError:
        size = 0
    if size <= limit:
        try:
            size = len(request.body)
        except RequestDataTooBig:
            size = limit + 1
    if size <= limit:
        return None
    return problem_response(
        status=413,
        title="Request too large",
        detail=f"The request body may be at most {limit:,} bytes; this one has {size:,}.",
        type_=f"{PROBLEM_BASE}request-too-large",
        limit_bytes=limit,
    )


class LimitedAPIView(APIView):
    """An API view that computes: throttled per user, with a cap on the request body."""

    throttle_classes = [AnalysisThrottle]
    max_body_bytes = 1024 * 1024
