"""Stateless REST endpoints for automation and for checking our arithmetic.

Nothing here reads or writes the database: a topology goes in, numbers come out.
Errors are RFC 9457 problem details naming the exact problem. Every request is bounded:
at most ``MAX_BODY_BYTES`` of JSON (413), ``AnalysisThrottle``'s rate per user (429), a
node budget on exact solving (``"method": "exact"`` past it is a 422 naming the limit;
``"auto"`` estimates that service by Monte Carlo instead) and a budget of Monte Carlo
work (samples × variables, 422 past it).
"""

from __future__ import annotations

import math
from typing import Any, TypedDict, cast

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from analysis.api_limits import LimitedAPIView, body_too_large
from analysis.engine.availability import (
    DEFAULT_NODE_LIMIT,
    AvailabilityAnalyzer,
    ExactTooCostly,
    ServiceAvailability,
)
from analysis.engine.budgets import YEAR_CONVENTIONS, allowed_downtime
from analysis.engine.topology import Topology, TopologyError
from analysis.engine.topology_io import parse_topology
from bcp.api import problem_response

PROBLEM_BASE = "/api/problems/"
MAX_MONTE_CARLO_SAMPLES = 2_000_000
MAX_BODY_BYTES = 1024 * 1024
NODE_LIMIT = DEFAULT_NODE_LIMIT
# Monte Carlo work allowed per request: samples × variables summed over the services
# estimated (about 5 s on one core at the measured 2·10⁸ variable-samples a second).
MAX_SAMPLE_WORK = 1_000_000_000


class TopologySerializer(serializers.Serializer[dict[str, Any]]):
    """Documents the request shape; the engine's parser does the validation."""

    year_days = serializers.FloatField(required=False, default=365.2425)
    components = serializers.ListField(child=serializers.DictField())
    groups = serializers.ListField(child=serializers.DictField(), required=False)
    services = serializers.ListField(child=serializers.DictField())
    sites = serializers.ListField(child=serializers.DictField(), required=False)
    method = serializers.ChoiceField(
        choices=["auto", "exact", "monte_carlo"], required=False, default="auto"
    )
    samples = serializers.IntegerField(required=False, min_value=1)
    seed = serializers.IntegerField(required=False)


def topology_problem(error: TopologyError) -> Response:
    return problem_response(
        status=400,
        title="Invalid topology",
        detail=error.message,
        type_=f"{PROBLEM_BASE}topology-{error.code.replace('_', '-')}",
        code=error.code,
        path=error.path,
    )


def _service_payload(result: ServiceAvailability) -> dict[str, Any]:
    return {
        "id": result.service_id,
        "availability": result.availability,
        "unavailability": result.unavailability,
        "downtime_seconds_per_year": result.downtime_seconds_per_year,
        "method": result.method,
        "confidence_interval_95": (
            None if result.ci95_low is None else {"low": result.ci95_low, "high": result.ci95_high}
        ),
        "samples": result.samples,
        "seed": result.seed,
        "single_points_of_failure": list(result.single_points_of_failure),
        "importance": [
            {
                "id": item.element_id,
                "kind": item.element_kind,
                "birnbaum": item.birnbaum,
                "criticality": item.criticality,
                "is_single_point_of_failure": item.is_spof,
            }
            for item in result.importance
        ],
        "notes": list(result.notes),
    }


def _limit_problem(title: str, detail: str, kind: str, **extra: Any) -> Response:
    return problem_response(
        status=422, title=title, detail=detail, type_=f"{PROBLEM_BASE}{kind}", **extra
    )


class AvailabilityView(LimitedAPIView):
    """Composite availability of every service in a posted topology."""

    # Computes and saves nothing: a read-only API token may POST here.
    saves_nothing = True

    max_body_bytes = MAX_BODY_BYTES

    @extend_schema(
        request=TopologySerializer,
        responses={
            200: OpenApiTypes.OBJECT,
            400: OpenApiTypes.OBJECT,
            413: OpenApiTypes.OBJECT,
            422: OpenApiTypes.OBJECT,
            429: OpenApiTypes.OBJECT,
        },
        examples=[
            OpenApiExample(
                "Two servers on one SAN",
                value={
                    "components": [
                        {"id": "san", "availability": 0.999},
                        {"id": "app1", "availability": 0.99, "runs_on": ["san"]},
                        {"id": "app2", "availability": 0.99, "runs_on": ["san"]},
                    ],
                    "groups": [
                        {"id": "pair", "mode": "active_active", "k": 1, "members": ["app1", "app2"]}
                    ],
                    "services": [{"id": "printing", "requires": ["pair"]}],
                },
                request_only=True,
            )
        ],
        summary="Composite availability, downtime, SPOFs and importance per service",
    )
    def post(self, request: Request) -> Response:
        too_large = body_too_large(request, self.max_body_bytes)
        if too_large is not None:
            return too_large
        data = request.data
        if not isinstance(data, dict):
            return _invalid_topology("Send a JSON object.", path="")
        options = _sampling_options(data)
        if isinstance(options, Response):
            return options
        topology_data = {k: v for k, v in data.items() if k not in ("samples", "seed")}
        try:
            topology = parse_topology(topology_data)
            analyzer = AvailabilityAnalyzer(topology, node_limit=NODE_LIMIT, **options)
        except TopologyError as error:
            return topology_problem(error)
        results = _services_within_limits(topology, analyzer)
        if isinstance(results, Response):
            return results
        return Response(
            {
                "year_days": topology.year_days,
                "year_convention": YEAR_CONVENTIONS.get(
                    topology.year_days, f"{topology.year_days} days"
                ),
                "method_requested": analyzer.method,
                "node_limit": NODE_LIMIT,
                "services": [_service_payload(result) for result in results],
            }
        )


def _invalid_topology(detail: str, *, path: str) -> Response:
    return problem_response(
        status=400,
        title="Invalid topology",
        detail=detail,
        type_=f"{PROBLEM_BASE}topology-invalid",
        code="invalid",
        path=path,
    )


class SamplingOptions(TypedDict, total=False):
    samples: int
    seed: int


def _sampling_options(data: dict[str, Any]) -> SamplingOptions | Response:
    """The posted ``samples`` and ``seed``, checked, or the problem naming the bad one."""
    options = {key: data[key] for key in ("samples", "seed") if key in data}
    for key, value in options.items():
        # A seed may be 0; a Monte Carlo run needs at least one sample.
        least = 1 if key == "samples" else 0
        if not isinstance(value, int) or isinstance(value, bool) or value < least:
            wanted = "a positive" if least else "a non-negative"
            return _invalid_topology(f"{key} must be {wanted} integer.", path=key)
    if options.get("samples", 0) > MAX_MONTE_CARLO_SAMPLES:
        return _invalid_topology(
            f"samples may be at most {MAX_MONTE_CARLO_SAMPLES}.", path="samples"
        )
    return cast(SamplingOptions, options)


def _services_within_limits(
    topology: Topology, analyzer: AvailabilityAnalyzer
) -> list[ServiceAvailability] | Response:
    """Every service's availability, or the problem saying which limit stopped it: the
    Monte Carlo work bound or the exact method's node budget."""
    results = []
    work = 0
    for service in topology.services:
        if analyzer.method == "monte_carlo":
            work += analyzer.samples * len(analyzer.model.variables(service.id))
        if work > MAX_SAMPLE_WORK:
            return _limit_problem(
                "Too much Monte Carlo work",
                f"Estimating these services needs more than {MAX_SAMPLE_WORK:,} "
                "sampled component states; send fewer samples or fewer services.",
                "monte-carlo-too-costly",
                sample_work_limit=MAX_SAMPLE_WORK,
            )
        try:
            result = analyzer.service(service.id)
        except ExactTooCostly as error:
            return _limit_problem(
                "Exact calculation too costly",
                f"Service '{error.service_id}': {error.reason}. Ask for \"auto\" to get "
                'a Monte Carlo estimate instead, or "monte_carlo".',
                "exact-too-costly",
                node_limit=error.node_limit,
                service=error.service_id,
            )
        if result.method == "monte_carlo" and analyzer.method == "auto":
            work += analyzer.samples * result.variables
        results.append(result)
    return results


class BudgetView(APIView):
    """Allowed downtime for an availability, per period."""

    # Computes and saves nothing: a read-only API token may POST here.
    saves_nothing = True

    @extend_schema(
        parameters=[
            OpenApiParameter("availability", float, description="Percent, e.g. 99.95"),
            OpenApiParameter(
                "year_days",
                float,
                required=False,
                description="365.2425 (default, Gregorian mean year), 365 or 365.25",
            ),
        ],
        responses={200: OpenApiTypes.OBJECT, 400: OpenApiTypes.OBJECT},
        summary="Downtime budget in seconds per period",
    )
    def get(self, request: Request) -> Response:
        raw = request.query_params.get("availability")
        raw_year = request.query_params.get("year_days", "365.2425")
        # Each value is parsed on its own, so a bad year length is never blamed on
        # the availability (an empty year_days= used to read as a bad availability).
        percent = _number(raw)
        year_days = _number(raw_year)
        if not math.isfinite(percent) or not 0 <= percent <= 100:
            return problem_response(
                status=400,
                title="Invalid availability",
                detail="availability must be a percentage between 0 and 100, e.g. 99.95.",
                type_=f"{PROBLEM_BASE}budget-availability",
                code="availability_out_of_range",
            )
        if year_days not in YEAR_CONVENTIONS:
            allowed = ", ".join(str(days) for days in YEAR_CONVENTIONS)
            return problem_response(
                status=400,
                title="Invalid year length",
                detail=f"year_days must be one of {allowed}.",
                type_=f"{PROBLEM_BASE}budget-year-days",
                code="invalid_year_days",
            )
        budget = allowed_downtime(percent / 100, year_days=year_days)
        return Response(
            {
                "availability_percent": percent,
                "year_days": budget.year_days,
                "year_convention": budget.year_convention,
                "periods": {
                    item.period: {
                        "period_seconds": item.period_seconds,
                        "downtime_seconds": item.allowed_seconds,
                        "downtime_whole_seconds": item.allowed_whole_seconds,
                        "label": item.label,
                    }
                    for item in budget.periods
                },
            }
        )


def _number(raw: str | None) -> float:
    """A finite float from a query value, or NaN (missing, empty or not a number)."""
    try:
        return float(raw) if raw is not None else math.nan
    except ValueError:
        return math.nan
