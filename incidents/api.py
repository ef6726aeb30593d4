"""REST endpoints of the incidents app: the blast radius, declaring, and reading an incident.

Session or token authentication; the plan's roles apply as on the pages (reading needs
*view*, declaring needs *edit*). Errors are RFC 9457 problem details naming the exact
problem, e.g. every element name that matches nothing.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
)
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from analysis.inputs import load_inputs
from bcp.api import PlanCapabilityPermission, problem_response
from bcp.http import PlanAPIRequest
from bcp.permissions import Capability
from bcp.permissions import Capability as Cap
from incidents import selectors
from incidents.impact import (
    MAX_FAILED,
    MAX_NAME_LENGTH,
    ImpactUnavailable,
    PlanImpact,
    UnknownElements,
    plan_impact,
    resolve_names,
)
from incidents.models import Incident, Kind
from incidents.services.declaring import declaration_check, incident_declare

PROBLEM_BASE = "/api/problems/"


class FailedSerializer(serializers.Serializer[Any]):
    failed = serializers.ListField(
        child=serializers.CharField(max_length=MAX_NAME_LENGTH),
        min_length=1,
        max_length=MAX_FAILED,
        help_text="Names of the failed sites, components or redundancy groups "
        "(kind:name when a name is used by more than one kind).",
    )


class FunctionImpactSerializer(serializers.Serializer[Any]):
    name = serializers.CharField()
    state = serializers.ChoiceField(choices=["down", "degraded", "up"])
    because = serializers.ListField(child=serializers.CharField())
    rto_hours = serializers.FloatField(allow_null=True)
    mtpd_hours = serializers.FloatField(allow_null=True)


class ImpactSerializer(serializers.Serializer[Any]):
    failed = serializers.ListField(child=serializers.CharField())
    functions = FunctionImpactSerializer(many=True)


class DeclareSerializer(FailedSerializer):
    title = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=Kind.values, default=Kind.INCIDENT)
    started_at = serializers.DateTimeField()


class StepSerializer(serializers.Serializer[Any]):
    position = serializers.IntegerField()
    instruction = serializers.CharField()
    owner = serializers.CharField()
    expected_minutes = serializers.IntegerField(allow_null=True)
    status = serializers.CharField(help_text='"to do", "started" or "done".')
    assignee = serializers.CharField(allow_null=True)
    started_at = serializers.DateTimeField(allow_null=True)
    started_by = serializers.CharField(allow_null=True)
    completed_at = serializers.DateTimeField(allow_null=True)
    completed_by = serializers.CharField(allow_null=True)
    added_during_incident = serializers.BooleanField()


class IncidentFunctionSerializer(FunctionImpactSerializer):
    state_at_start = serializers.ChoiceField(choices=["down", "degraded"])
    rpo_hours = serializers.FloatField(allow_null=True)
    back_at = serializers.DateTimeField(allow_null=True)
    restored_at = serializers.DateTimeField(allow_null=True)
    data_lost_minutes = serializers.FloatField(allow_null=True)
    steps = StepSerializer(many=True)


class ElementSerializer(serializers.Serializer[Any]):
    name = serializers.CharField()
    kind = serializers.CharField()
    recovered_at = serializers.DateTimeField(allow_null=True)


class AcknowledgementSerializer(serializers.Serializer[Any]):
    name = serializers.CharField()
    role = serializers.CharField()
    emailed_at = serializers.DateTimeField(allow_null=True)
    acknowledged_at = serializers.DateTimeField(allow_null=True)
    acknowledged_via = serializers.CharField()


class LogSerializer(serializers.Serializer[Any]):
    at = serializers.DateTimeField()
    kind = serializers.CharField()
    text = serializers.CharField()
    author = serializers.CharField()


class IncidentSummarySerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    title = serializers.CharField()
    kind = serializers.ChoiceField(choices=Kind.values)
    status = serializers.ChoiceField(choices=Incident.Status.values)
    started_at = serializers.DateTimeField()
    closed_at = serializers.DateTimeField(allow_null=True)


class IncidentSerializer(IncidentSummarySerializer):
    declared_by = serializers.CharField()
    failed = ElementSerializer(many=True)
    functions = IncidentFunctionSerializer(many=True)
    acknowledgements = AcknowledgementSerializer(many=True)
    log = LogSerializer(many=True)


class DeclaredSerializer(IncidentSerializer):
    impact = FunctionImpactSerializer(many=True)


def _impact_data(impact: PlanImpact) -> dict[str, Any]:
    return {
        "failed": [e.name for e in impact.failed],
        "functions": [
            {
                "name": f.name,
                "state": f.state,
                "because": list(f.because),
                "rto_hours": f.objectives.rto_hours,
                "mtpd_hours": f.objectives.mtpd_hours,
            }
            for f in impact.functions
        ],
    }


def _name(user: User | None) -> str | None:
    return user.get_username() if user is not None else None


def incident_data(incident: Incident) -> dict[str, Any]:

    view = selectors.incident_view(incident, user=None, capabilities=frozenset({Cap.VIEW}))
    return {
        "id": incident.pk,
        "title": incident.title,
        "kind": incident.kind,
        "status": incident.status,
        "started_at": incident.started_at,
        "closed_at": incident.closed_at,
        "declared_by": incident.declared_by.get_username(),
        "failed": [
            {"name": e.name, "kind": e.kind, "recovered_at": e.recovered_at} for e in view.elements
        ],
        "functions": [
            {
                "name": fv.entry.name,
                "state": fv.entry.state,
                "state_at_start": fv.entry.state_at_start,
                "because": list(fv.entry.because),
                "rto_hours": fv.entry.rto_hours,
                "mtpd_hours": fv.entry.mtpd_hours,
                "rpo_hours": fv.entry.rpo_hours,
                "back_at": fv.entry.back_at,
                "restored_at": fv.entry.restored_at,
                "data_lost_minutes": fv.entry.data_lost_minutes,
                "steps": [
                    {
                        "position": s.position,
                        "instruction": s.instruction,
                        "owner": s.owner_label,
                        "expected_minutes": s.expected_minutes,
                        "status": s.status,
                        "assignee": _name(s.assignee),
                        "started_at": s.started_at,
                        "started_by": _name(s.started_by),
                        "completed_at": s.completed_at,
                        "completed_by": _name(s.completed_by),
                        "added_during_incident": s.added_during_incident,
                    }
                    for s in fv.steps
                ],
            }
            for fv in view.functions
        ],
        "acknowledgements": [
            {
                "name": n.contact_name,
                "role": n.contact_role,
                "emailed_at": n.sent_at,
                "acknowledged_at": n.acknowledged_at,
                "acknowledged_via": n.acknowledged_via,
            }
            for n in view.notifications
        ],
        "log": [
            {
                "at": entry.at,
                "kind": entry.kind,
                "text": entry.text,
                "author": entry.author.get_username(),
            }
            for entry in sorted(view.log, key=lambda e: (e.at, e.pk))
        ],
    }


def _problem(
    status: int, title: str, slug: str, error: Exception, **extensions: object
) -> Response:
    """An RFC 9457 problem of type ``slug`` whose detail is what ``error`` says."""
    return problem_response(
        status=status, title=title, detail=str(error), type_=PROBLEM_BASE + slug, **extensions
    )


def _unknown_problem(error: UnknownElements) -> Response:
    unknown, ambiguous = list(error.unknown), list(error.ambiguous)
    return _problem(
        400, "Unknown elements", "unknown-elements", error, unknown=unknown, ambiguous=ambiguous
    )


def _unavailable_problem(error: ImpactUnavailable) -> Response:
    title = "Inventory cannot be evaluated"
    return _problem(409, title, "inventory-invalid", error, problems=list(error.problems))


def _invalid(errors: Any) -> Response:
    return problem_response(
        status=400,
        title="Invalid request",
        detail="One or more fields are invalid.",
        errors=errors,
    )


PROBLEM = OpenApiResponse(description="RFC 9457 problem details")


class ImpactView(APIView):
    """What stops and what runs degraded if these elements fail. Saves nothing."""

    # Computes and saves nothing: a read-only API token may POST here.
    saves_nothing = True

    permission_classes = [PlanCapabilityPermission]
    required_capability = Capability.VIEW

    @extend_schema(
        request=FailedSerializer,
        responses={200: ImpactSerializer, 400: PROBLEM, 403: PROBLEM, 404: PROBLEM, 409: PROBLEM},
        examples=[
            OpenApiExample("Lose the SAN", value={"failed": ["Head office SAN"]}, request_only=True)
        ],
        summary="Blast radius of failed elements: each function down, degraded or up, and why",
    )
    def post(self, request: PlanAPIRequest, plan_pk: int) -> Response:
        body = FailedSerializer(data=request.data)
        if not body.is_valid():
            return _invalid(body.errors)
        inputs = load_inputs(request.plan)
        try:
            keys = resolve_names(inputs.topology, body.validated_data["failed"])
            impact = plan_impact(request.plan, keys, inputs=inputs)
        except UnknownElements as error:
            return _unknown_problem(error)
        except ImpactUnavailable as error:
            return _unavailable_problem(error)
        return Response(ImpactSerializer(_impact_data(impact)).data)


class IncidentListView(APIView):
    """The plan's incidents and exercises (GET), or declare one (POST)."""

    permission_classes = [PlanCapabilityPermission]

    @property
    def required_capability(self) -> Capability:
        return Capability.EDIT if self.request.method == "POST" else Capability.VIEW

    @extend_schema(responses={200: IncidentSummarySerializer(many=True), 403: PROBLEM})
    def get(self, request: PlanAPIRequest, plan_pk: int) -> Response:
        rows = [
            {
                "id": i.pk,
                "title": i.title,
                "kind": i.kind,
                "status": i.status,
                "started_at": i.started_at,
                "closed_at": i.closed_at,
            }
            for i in selectors.incidents_for_list(request.plan)[:500]
        ]
        return Response(IncidentSummarySerializer(rows, many=True).data)

    @extend_schema(
        request=DeclareSerializer,
        responses={201: DeclaredSerializer, 400: PROBLEM, 403: PROBLEM, 409: PROBLEM},
        examples=[
            OpenApiExample(
                "SAN failure",
                value={
                    "title": "SAN controller failure",
                    "kind": "incident",
                    "failed": ["Head office SAN"],
                    "started_at": "2026-03-02T07:40:00Z",
                },
                request_only=True,
            )
        ],
        summary="Declare an incident or start an exercise; returns it with its blast radius",
    )
    def post(self, request: PlanAPIRequest, plan_pk: int) -> Response:
        body = DeclareSerializer(data=request.data)
        if not body.is_valid():
            return _invalid(body.errors)
        data = body.validated_data
        inputs = load_inputs(request.plan)
        try:
            keys = resolve_names(inputs.topology, data["failed"])
        except UnknownElements as error:
            return _unknown_problem(error)
        try:
            declaration = declaration_check(
                plan=request.plan,
                kind=data["kind"],
                title=data["title"],
                started_at=data["started_at"],
                failed_keys=keys,
                inputs=inputs,
            )
        except ValidationError as exc:
            return _invalid(exc.message_dict if hasattr(exc, "error_dict") else exc.messages)
        incident = incident_declare(declaration=declaration, user=request.user)
        payload = {
            **incident_data(incident),
            "impact": _impact_data(declaration.impact)["functions"],
        }
        return Response(DeclaredSerializer(payload).data, status=201)


class IncidentDetailView(APIView):
    """One incident with its functions, steps, failed elements, acknowledgements and log."""

    permission_classes = [PlanCapabilityPermission]
    required_capability = Capability.VIEW

    @extend_schema(
        parameters=[OpenApiParameter("incident_pk", int, OpenApiParameter.PATH)],
        responses={200: IncidentSerializer, 403: PROBLEM, 404: PROBLEM},
    )
    def get(self, request: PlanAPIRequest, plan_pk: int, incident_pk: int) -> Response:
        incident = get_object_or_404(
            Incident.objects.select_related("declared_by", "plan"),
            pk=incident_pk,
            plan=request.plan,
        )
        return Response(IncidentSerializer(incident_data(incident)).data)
