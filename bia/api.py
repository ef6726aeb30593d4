"""Read-only BIA endpoints for automation: the plan's BIA as the documents see it."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from bcp.api import PlanCapabilityPermission, problem_response
from bcp.http import PlanAPIRequest
from bcp.permissions import Capability
from bia.selectors.snapshot import plan_snapshot


class PlanBiaView(APIView):
    """Functions, impact scales, reviewed answers and derived MTPD/RPO of one plan."""

    permission_classes = [PlanCapabilityPermission]
    required_capability = Capability.VIEW

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request: PlanAPIRequest, plan_pk: int) -> Response:
        plan = request.plan
        capabilities = request.capabilities
        if not {Capability.EDIT, Capability.AUDIT} & capabilities:
            return problem_response(
                status=403,
                title="Forbidden",
                detail="Stakeholders see only the BIAs of the functions they own.",
            )
        data: dict[str, Any] = plan_snapshot(plan)
        return Response({"plan": plan.pk, **data})
