"""OpenAPI descriptions of the API's RFC 9457 problem bodies, for write operations.

``problem_responses(412, 428)`` gives the ``responses`` entries of an ``extend_schema``:
each status answered as ``application/problem+json`` with :class:`ProblemSerializer`.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import serializers

from bcp.api import PROBLEM_CONTENT_TYPE


class ProblemItemSerializer(serializers.Serializer[Any]):
    where = serializers.CharField(help_text="The record: section[index] “name”, or “document”.")
    column = serializers.CharField(help_text="The field, or empty for the whole record.")
    message = serializers.CharField()


ProblemSerializer = inline_serializer(
    "Problem",
    {
        "type": serializers.CharField(),
        "title": serializers.CharField(),
        "status": serializers.IntegerField(),
        "detail": serializers.CharField(),
        "errors": serializers.DictField(required=False, help_text="Field errors (400, 422)."),
        "problems": ProblemItemSerializer(many=True, required=False),
        "etag": serializers.CharField(required=False, help_text="The current ETag, after a 412."),
        "current_version": serializers.IntegerField(required=False),
        "differences": serializers.ListField(child=serializers.DictField(), required=False),
    },
)


DESCRIPTIONS = {
    400: "The request is malformed (problem details)",
    401: "No token, or an unknown, expired or revoked one (problem details)",
    403: "The role or the token does not allow this (problem details)",
    404: "No such plan or record here (problem details)",
    409: "The record changed since the version sent (problem details with the diff)",
    412: "If-Match names an older version (problem details)",
    413: "The body is larger than allowed (problem details)",
    415: "The body's Content-Type is not accepted (problem details)",
    422: "The content breaks a rule; every problem is listed (problem details)",
    428: "If-Match is required for this call (problem details)",
}


def problem_responses(*statuses: int) -> dict[Any, Any]:
    return {
        (status, PROBLEM_CONTENT_TYPE): OpenApiResponse(
            response=ProblemSerializer, description=DESCRIPTIONS[status]
        )
        for status in statuses
    }
