"""The plan analysis API, for automation: start runs, follow jobs, read results, ask what-if.

Session or token authentication; plan permissions exactly as on the pages (viewing needs
``view``, starting a run ``edit``); errors are RFC 9457 problem details. Results are the
checked ``analysis.results`` types, documented in the OpenAPI schema from those types.

* ``POST /api/v1/plans/<plan>/analysis/runs/`` — start a run (optional ``{"function": id}``),
  202 with the job;
* ``GET /api/v1/jobs/<job>/`` — a job's status and progress;
* ``GET /api/v1/plans/<plan>/analysis/`` — the latest finished run, ``stale``, and a
  summary per function;
* ``GET /api/v1/plans/<plan>/analysis/functions/<function>/`` — required, achievable,
  gaps with proven options, roadmap;
* ``POST /api/v1/plans/<plan>/analysis/functions/<function>/what-if`` — changes in,
  before and after out; nothing is saved.
"""

from __future__ import annotations

from typing import Any, TypedDict

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.tokens import check_token_plan
from analysis import selectors, services, whatif_specs
from analysis.api_limits import LimitedAPIView, body_too_large
from analysis.api_schema import serializer_for
from analysis.models import AnalysisRun
from analysis.results import Context, Coverage, FunctionResult, PlanResults, RoadmapStep
from analysis.summaries import FunctionSummary, WhatIfOutcome
from bcp.api import PlanCapabilityPermission, problem_response
from bcp.http import PlanAPIRequest
from bcp.models import Job
from bcp.permissions import Capability, check_plan_capability
from bia.models import BusinessFunction

PROBLEM_BASE = "/api/problems/"
WHAT_IF_MAX_BYTES = 64 * 1024


class JobInfo(TypedDict):
    id: str
    kind: str
    status: str
    progress: int
    message: str
    error: str
    url: str


class RunInfo(TypedDict):
    id: int
    scope: str
    created_at: str
    finished_at: str | None
    inputs_hash: str


class AnalysisOverview(TypedDict):
    run: RunInfo
    stale: bool
    context: Context
    coverage: Coverage
    functions: list[FunctionSummary]
    roadmap: list[RoadmapStep]


class FunctionAnalysis(FunctionResult):
    run: RunInfo
    stale: bool


def _job(job: Job, request: Any) -> JobInfo:
    return {
        "id": str(job.pk),
        "kind": job.kind,
        "status": job.status,
        "progress": job.progress,
        "message": job.message,
        "error": job.error,
        "url": request.build_absolute_uri(f"/api/v1/jobs/{job.pk}/"),
    }


def _run(run: AnalysisRun) -> RunInfo:
    return {
        "id": run.pk,
        "scope": "function" if run.function_id else "plan",
        "created_at": run.created_at.isoformat(),
        "finished_at": run.finished_at.isoformat() if run.finished_at else None,
        "inputs_hash": run.inputs_hash,
    }


def _no_results(detail: str, status: int = 404) -> Response:
    return problem_response(
        status=status,
        title="No analysis results",
        detail=detail,
        type_=f"{PROBLEM_BASE}analysis-not-run",
    )


class StartRunSerializer(serializers.Serializer[Any]):
    function = serializers.IntegerField(
        required=False, help_text="Recompute only this business function."
    )


class AnalysisRunsView(APIView):
    """Start an analysis of the whole plan, or of one function."""

    permission_classes = [PlanCapabilityPermission]
    required_capability = Capability.EDIT

    @extend_schema(
        request=StartRunSerializer,
        responses={202: OpenApiResponse(description="The queued job (see GET /api/v1/jobs/{id}/)")},
        summary="Start an analysis run",
    )
    def post(self, request: PlanAPIRequest, plan_pk: int) -> Response:
        body = StartRunSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        function = None
        if "function" in body.validated_data:
            function = BusinessFunction.objects.filter(
                plan=request.plan, pk=body.validated_data["function"]
            ).first()
            if function is None:
                return problem_response(
                    status=404,
                    title="Not found",
                    detail="No such business function in this plan.",
                )
        run = services.analysis_run_start(plan=request.plan, user=request.user, function=function)
        return Response({"job": _job(run.job, request), "run_id": run.pk}, status=202)


class JobView(APIView):
    """Status and progress of a job, for members of its plan."""

    @extend_schema(responses={200: serializer_for(JobInfo)}, summary="A job's status and progress")
    def get(self, request: Any, job_pk: str) -> Response:
        job = get_object_or_404(Job, pk=job_pk)
        if job.plan is None:
            return problem_response(status=404, title="Not found", detail="No such job.")
        check_token_plan(request, job.plan.pk)
        check_plan_capability(request.user, job.plan, Capability.VIEW)
        return Response(_job(job, request))


class AnalysisOverviewView(APIView):
    """The latest finished whole-plan analysis: stale or not, and a line per function."""

    permission_classes = [PlanCapabilityPermission]
    required_capability = Capability.VIEW

    @extend_schema(
        responses={200: serializer_for(AnalysisOverview), 404: OpenApiResponse()},
        summary="The plan's latest analysis",
    )
    def get(self, request: PlanAPIRequest, plan_pk: int) -> Response:
        run = selectors.latest_run(request.plan)
        if run is None:
            return _no_results("No whole-plan analysis has finished yet; start one.")
        read = selectors.run_results(run)
        if read.results is None:
            return _no_results(str(read.problem), status=409)
        results: PlanResults = read.results
        body: AnalysisOverview = {
            "run": _run(run),
            "stale": selectors.run_is_stale(run),
            "context": results["context"],
            "coverage": results["coverage"],
            "functions": selectors.function_summaries(results),
            "roadmap": results["roadmap"],
        }
        return Response(body)


class FunctionAnalysisView(APIView):
    """One function's required and achievable figures, gaps with proven options, roadmap."""

    permission_classes = [PlanCapabilityPermission]
    required_capability = Capability.VIEW

    @extend_schema(
        responses={200: serializer_for(FunctionAnalysis), 404: OpenApiResponse()},
        summary="One function's analysis",
    )
    def get(self, request: PlanAPIRequest, plan_pk: int, function_pk: int) -> Response:
        function = get_object_or_404(BusinessFunction, pk=function_pk, plan=request.plan)
        read, entry = selectors.latest_function_result(request.plan, function.pk)
        if read is None:
            return _no_results("No analysis has finished yet; start one.")
        if read.results is None:
            return _no_results(str(read.problem), status=409)
        if entry is None:
            return _no_results("The latest analysis does not cover this function; run it again.")
        body: FunctionAnalysis = {
            **entry,
            "run": _run(read.run),
            "stale": selectors.run_is_stale(read.run),
        }
        return Response(body)


class ChangeSerializer(serializers.Serializer[Any]):
    type = serializers.ChoiceField(choices=list(whatif_specs.CHANGE_TYPES))
    component = serializers.IntegerField(required=False)
    group = serializers.IntegerField(required=False)
    site = serializers.IntegerField(required=False)
    new_site = serializers.CharField(required=False, max_length=200)
    availability_percent = serializers.FloatField(required=False)
    mtbf_hours = serializers.FloatField(required=False)
    mttr_hours = serializers.FloatField(required=False)
    hours = serializers.FloatField(required=False)
    seconds = serializers.FloatField(required=False)
    mode = serializers.ChoiceField(choices=["none", "async", "sync"], required=False)
    lag_seconds = serializers.FloatField(required=False)
    name = serializers.CharField(required=False, max_length=200)
    parent_site = serializers.IntegerField(
        required=False, help_text="For add_site: the existing site the new one sits in."
    )


class WhatIfSerializer(serializers.Serializer[Any]):
    changes = serializers.ListField(
        child=ChangeSerializer(), min_length=1, max_length=whatif_specs.MAX_WHAT_IF_CHANGES
    )


class WhatIfView(LimitedAPIView):
    """Before and after of proposed changes to the plan's inventory. Nothing is saved."""

    # Computes and saves nothing: a read-only API token may POST here.
    saves_nothing = True

    permission_classes = [PlanCapabilityPermission]
    required_capability = Capability.VIEW
    max_body_bytes = WHAT_IF_MAX_BYTES

    @extend_schema(
        request=WhatIfSerializer,
        responses={
            200: serializer_for(WhatIfOutcome),
            400: OpenApiResponse(description="Malformed request (problem details)"),
            413: OpenApiResponse(description="Body larger than 64 KiB"),
            422: OpenApiResponse(description="A change does not fit the plan or the engine"),
            429: OpenApiResponse(description="Too many requests"),
        },
        examples=[
            OpenApiExample(
                "Hourly backups of a component",
                value={"changes": [{"type": "set_backup_interval", "component": 12, "hours": 1}]},
                request_only=True,
            )
        ],
        summary="What-if on one function",
    )
    def post(self, request: PlanAPIRequest, plan_pk: int, function_pk: int) -> Response:
        too_large = body_too_large(request, self.max_body_bytes)
        if too_large is not None:
            return too_large
        function = get_object_or_404(BusinessFunction, pk=function_pk, plan=request.plan)
        body = WhatIfSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        specs = []
        for change in body.validated_data["changes"]:
            fields = dict(change)
            if "parent_site" in fields:
                fields["parent"] = fields.pop("parent_site")
            specs.append(whatif_specs.ChangeSpec(**fields))
        try:
            outcome = services.function_what_if(plan=request.plan, function=function, specs=specs)
        except whatif_specs.WhatIfInvalid as error:
            return problem_response(
                status=422,
                title="Change does not fit the plan",
                detail=error.message,
                type_=f"{PROBLEM_BASE}what-if-invalid-change",
                path=f"changes[{error.index}].{error.field}",
            )
        except services.WhatIfRefused as error:
            extra: dict[str, Any] = {}
            kind = "what-if-refused"
            if error.node_limit is not None:
                extra["node_limit"] = error.node_limit
                kind = "exact-too-costly"
            return problem_response(
                status=422,
                title="The engine cannot apply this change",
                detail=error.message,
                type_=f"{PROBLEM_BASE}{kind}",
                **extra,
            )
        return Response(outcome)
