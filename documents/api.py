"""REST endpoints of the documents app: published versions and document verification."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from bcp.api import PlanCapabilityPermission, problem_response
from bcp.http import PlanAPIRequest
from bcp.permissions import Capability
from documents import selectors
from documents.forms import SHA256_RE


class VersionSerializer(serializers.Serializer[Any]):
    number = serializers.IntegerField()
    status = serializers.CharField()
    published_at = serializers.DateTimeField()
    published_by = serializers.CharField()
    pdf_sha256 = serializers.CharField()
    pdfa_sha256 = serializers.CharField()
    snapshot_sha256 = serializers.CharField()
    superseded_by_changes = serializers.BooleanField()
    superseded_by_version = serializers.IntegerField(allow_null=True)


def _version_data(state: selectors.VersionState) -> dict[str, Any]:
    v = state.version
    return {
        "number": v.number,
        "status": v.status,
        "published_at": v.published_at,
        "published_by": v.published_by.get_username(),
        "pdf_sha256": v.pdf_sha256,
        "pdfa_sha256": v.pdfa_sha256,
        "snapshot_sha256": v.snapshot_sha256,
        "superseded_by_changes": state.superseded_by_changes,
        "superseded_by_version": state.superseded_by_version,
    }


class VersionListView(APIView):
    """The plan's published versions, newest first, with their hashes and supersession."""

    permission_classes = [PlanCapabilityPermission]
    required_capability = Capability.VIEW

    @extend_schema(responses=VersionSerializer(many=True))
    def get(self, request: PlanAPIRequest, plan_pk: int) -> Response:
        states = selectors.versions_with_state(request.plan)
        return Response(VersionSerializer([_version_data(s) for s in states], many=True).data)


class VerifyView(APIView):
    """Look a document up by its sha256 within the plan."""

    permission_classes = [PlanCapabilityPermission]
    required_capability = Capability.VIEW

    @extend_schema(responses={200: OpenApiTypes.OBJECT, 400: OpenApiTypes.OBJECT})
    def get(self, request: PlanAPIRequest, plan_pk: int, sha256: str) -> Response:
        if not SHA256_RE.match(sha256):
            return problem_response(
                status=400, title="Invalid request", detail="A sha256 is 64 hexadecimal characters."
            )
        result = selectors.verify_document(sha256)
        if result.version is None or result.version.plan_id != request.plan.pk:
            return problem_response(
                status=404,
                title="Not found",
                detail="This document was not issued for this plan by this installation.",
            )
        state = selectors.version_state(result.version)
        return Response(
            {
                **VersionSerializer(_version_data(state)).data,
                "variant": result.variant,
                "signoffs": [
                    {
                        "stakeholder": s.stakeholder.get_username(),
                        "status": s.status,
                        "decided_at": s.decided_at,
                        "document_sha256": s.document_sha256,
                    }
                    for s in result.signoffs
                ],
            }
        )
