"""``GET /api/v1/portfolio/``: the portfolio page's readiness figures as JSON."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from bcp import selectors
from bcp.portfolio import ReadinessRow, readiness_rows


class GapsOpenSerializer(serializers.Serializer[Any]):
    critical = serializers.IntegerField(allow_null=True)
    high = serializers.IntegerField(allow_null=True)


class PortfolioRowSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()
    bia_reviewed = serializers.IntegerField(help_text="Functions with a submitted or approved BIA.")
    bia_total = serializers.IntegerField(help_text="All the plan's business functions.")
    analysis_stale = serializers.BooleanField(
        allow_null=True,
        help_text="Whether inputs changed since the latest finished whole-plan analysis; "
        "null when there is none, or its results cannot be read.",
    )
    gaps_open = GapsOpenSerializer(
        help_text="Critical and high gaps of the latest analysis; null when unknown."
    )
    next_review = serializers.DateField()
    signoff_state = serializers.CharField(
        allow_null=True,
        help_text="Status of the newest version (published, in_review, approved, returned, "
        "rendering); null when nothing is published.",
    )
    signoff_label = serializers.CharField(help_text="The same state in the pages' words.")


def _row_data(row: ReadinessRow) -> dict[str, Any]:
    readable = row.analysis.run_pk is not None and row.analysis.gaps is not None
    return {
        "id": row.plan.pk,
        "name": row.plan.name,
        "bia_reviewed": row.bia.reviewed,
        "bia_total": row.bia.functions,
        "analysis_stale": row.analysis.stale if readable else None,
        "gaps_open": {"critical": row.critical_gaps, "high": row.high_gaps},
        "next_review": row.plan.next_review,
        "signoff_state": row.signoff.state,
        "signoff_label": row.signoff.label,
    }


class PortfolioView(APIView):
    """Readiness of every active plan the caller is a member of, by plan name."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=PortfolioRowSerializer(many=True))
    def get(self, request: Request) -> Response:
        rows = readiness_rows(selectors.plan_list(request.user))
        return Response(PortfolioRowSerializer([_row_data(r) for r in rows], many=True).data)
