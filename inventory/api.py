"""Read-only inventory endpoints for automation.

``GET /api/v1/plans/<plan_pk>/inventory/`` returns the plan's inventory as code (the
``continuity.inventory/v1`` document, see docs/inventory-as-code.md) and
``GET /api/v1/plans/<plan_pk>/inventory/topology/`` the engine topology built from it,
ready for the stateless what-if endpoints. Changes go through the import in the app,
which previews and records them.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from analysis.engine.topology_io import topology_to_dict
from bcp.api import PlanCapabilityPermission
from bcp.http import PlanAPIRequest
from bcp.permissions import Capability
from inventory.exchange.document import export_document
from inventory.topology import plan_topology


class InventoryDocumentView(APIView):
    permission_classes = [PlanCapabilityPermission]
    required_capability = Capability.VIEW

    @extend_schema(responses={200: OpenApiTypes.OBJECT}, summary="Inventory as code")
    def get(self, request: PlanAPIRequest, plan_pk: int) -> Response:
        return Response(export_document(request.plan))


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
