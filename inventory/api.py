"""Inventory endpoints for automation.

``GET /api/v1/plans/<plan_pk>/inventory/`` returns the plan's inventory as code (the
``continuity.inventory/v1`` document, see docs/inventory-as-code.md) with its ETag;
``PUT`` on the same address checks a document (``?dry_run=true``) or applies it all or
nothing (:mod:`inventory.exchange.putting`); ``GET …/inventory/topology/`` returns the
engine topology built from it, ready for the stateless what-if endpoints. Components,
groups, sites and dependencies one by one: :mod:`inventory.api_records`.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response
from rest_framework.views import APIView

from analysis.engine.topology_io import topology_to_dict
from bcp.api import PlanCapabilityPermission, problem_response
from bcp.api_problems import problem_responses
from bcp.api_writes import bounded_body, if_match, query_flag
from bcp.http import PlanAPIRequest
from bcp.permissions import Capability
from inventory.exchange import putting
from inventory.exchange.document import export_document
from inventory.topology import plan_topology

PROBLEMS = "/api/problems/"

PutResultSerializer = inline_serializer(
    "InventoryPutResult",
    {
        "dry_run": serializers.BooleanField(),
        "applied": serializers.BooleanField(),
        "clean": serializers.BooleanField(help_text="True when the document has no problem."),
        "etag": serializers.CharField(help_text="The inventory's ETag after this call."),
        "counts": serializers.DictField(child=serializers.IntegerField()),
        "changes": serializers.ListField(child=serializers.DictField()),
        "problems": serializers.ListField(child=serializers.DictField()),
        "batch": serializers.CharField(allow_null=True),
        "delete": serializers.DictField(
            child=serializers.ListField(child=serializers.CharField()),
            help_text="By section, the plan's records the document leaves out: a put replaces "
            "the inventory, so these are removed (or would be, on a dry run); dependencies "
            "as “function → needs”. HA techniques are never removed.",
        ),
    },
)


class InventoryDocumentView(APIView):
    permission_classes = [PlanCapabilityPermission]

    @property
    def required_capability(self) -> Capability:
        return Capability.VIEW if self.request.method in SAFE_METHODS else Capability.EDIT

    @property
    def saves_nothing(self) -> bool:
        """A dry run writes nothing, so a read-only token may make one."""
        return self.request.query_params.get("dry_run", "").strip().lower() in ("true", "1", "yes")

    @extend_schema(responses={200: OpenApiTypes.OBJECT}, summary="Inventory as code")
    def get(self, request: PlanAPIRequest, plan_pk: int) -> Response:
        response = Response(export_document(request.plan))
        response["ETag"] = putting.inventory_etag(request.plan)
        return response

    @extend_schema(
        summary="Replace the inventory by a document (dry run, or apply all or nothing)",
        request={
            "application/json": OpenApiTypes.OBJECT,
            "application/yaml": OpenApiTypes.STR,
            "application/x-yaml": OpenApiTypes.STR,
        },
        parameters=[
            OpenApiParameter("dry_run", bool, description="Check only; nothing is saved."),
            OpenApiParameter("reason", str, description="Why (recorded in the history)."),
            OpenApiParameter("ticket", str, description="Change ticket id (history)."),
            OpenApiParameter(
                "If-Match",
                str,
                OpenApiParameter.HEADER,
                description="The ETag from GET; required to apply.",
            ),
        ],
        responses={
            200: PutResultSerializer,
            **problem_responses(400, 401, 403, 404, 412, 413, 415, 422, 428),
        },
    )
    def put(self, request: PlanAPIRequest, plan_pk: int) -> Response:
        media_type = (request.content_type or "").split(";")[0].strip().lower()
        if media_type not in putting.MEDIA_TYPES:
            return problem_response(
                status=415,
                title="Unsupported media type",
                detail="Send the document as application/json or application/yaml.",
            )
        user = request.user
        assert isinstance(user, User)  # the permission let only members in
        dry_run = query_flag(request, "dry_run")
        parsed = putting.read_document(bounded_body(request, putting.LIMITS.max_bytes), media_type)
        try:
            outcome = putting.inventory_document_put(
                plan=request.plan,
                user=user,
                parsed=parsed,
                dry_run=dry_run,
                if_match=if_match(request),
                reason=request.query_params.get("reason", ""),
                ticket=request.query_params.get("ticket", ""),
            )
        except putting.PreconditionRequired as exc:
            return problem_response(
                status=428, title="If-Match required", detail=str(exc), type_=f"{PROBLEMS}no-etag"
            )
        except putting.PreconditionFailed as exc:
            response = problem_response(
                status=412,
                title="Inventory changed",
                detail=str(exc),
                type_=f"{PROBLEMS}stale-etag",
                etag=exc.current,
            )
            response["ETag"] = exc.current
            return response
        return _put_response(outcome, dry_run=dry_run)


def _put_response(outcome: putting.PutOutcome, *, dry_run: bool) -> Response:
    preview = outcome.preview
    problems = [p.as_dict() for p in preview.problems]
    if not dry_run and not outcome.applied:
        count = len(problems)
        plural = "s" if count != 1 else ""
        response = problem_response(
            status=422,
            title="Document refused",
            detail=f"Nothing was saved: {count} problem{plural} in the document.",
            type_=f"{PROBLEMS}inventory-refused",
            problems=problems,
        )
    else:
        result = outcome.result
        counts = (
            {
                "create": result.created,
                "update": result.updated,
                "unchanged": result.unchanged,
                "delete": result.deleted,
            }
            if result is not None
            else {
                action: preview.count(action)
                for action in ("create", "update", "unchanged", "delete")
            }
        )
        body: dict[str, Any] = {
            "dry_run": dry_run,
            "applied": outcome.applied,
            "clean": not problems,
            "etag": outcome.etag,
            "counts": counts,
            "changes": preview.as_dict()["changes"],
            "problems": problems,
            "batch": str(result.batch) if result is not None else None,
            "delete": outcome.deleted,
        }
        response = Response(body)
    response["ETag"] = outcome.etag
    return response


class InventoryTopologyView(APIView):
    permission_classes = [PlanCapabilityPermission]
    required_capability = Capability.VIEW

    @extend_schema(responses={200: OpenApiTypes.OBJECT}, summary="Engine topology of the plan")
    def get(self, request: PlanAPIRequest, plan_pk: int) -> Response:
        pt = plan_topology(request.plan)
        body: dict[str, Any] = dict(topology_to_dict(pt.topology))
        body["names"] = {key: pt.name(key) for key in pt.all_ids()}
        body["errors"] = pt.error_messages()
        return Response(body)
