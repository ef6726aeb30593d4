"""Answering a BIA through the API: the questionnaire's answers of one open assessment.

``GET /api/v1/bia/plans/<plan>/assessments/<id>/answers/`` lists the answers;
``PUT`` on the same address saves one answer (or one impact-grid cell) through
:func:`bia.services.answers.answer_save`, the service the questionnaire page autosaves with.
Who may, as on the page: the function's owner and managers answer (stakeholders only
their own functions' BIAs), auditors and managers read every BIA; an answer of a
submitted or approved BIA is refused (422). A first answer needs no version; changing
an answer needs the version it started from (``version``, or ``If-Match``), else 428.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response

from bcp.api import PlanCapabilityPermission
from bcp.api_problems import problem_responses
from bcp.api_writes import ServiceWriteView, TextJSONParser, service_call
from bcp.concurrency import MAX_VERSION, parse_version
from bcp.http import PlanAPIRequest
from bcp.permissions import Capability
from bia.models import Answer, Assessment, Question
from bia.services.answers import answer_save

MAX_VALUES = 100
MAX_VALUE_LENGTH = 5_000


class AnswerSerializer(serializers.Serializer[Any]):
    question = serializers.SlugField(max_length=60, help_text="The question's key.")
    cell = serializers.CharField(
        max_length=80,
        required=False,
        allow_blank=True,
        default="",
        help_text="For impact-grid questions: '<category>@<hours>'.",
    )
    value = serializers.JSONField(
        allow_null=True,
        help_text="Text, a number, true/false, or a list of choices; null clears the answer.",
    )
    version = serializers.IntegerField(
        min_value=0,
        max_value=MAX_VERSION,
        required=False,
        help_text="The answer's version you changed (0 or absent for a first answer).",
    )
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True)

    def validate_value(self, value: Any) -> list[str]:
        """The value as the page's form would send it: a list of strings."""
        items = value if isinstance(value, list) else [value]
        if len(items) > MAX_VALUES:
            raise serializers.ValidationError(f"Give at most {MAX_VALUES} values.")
        raw: list[str] = []
        for item in items:
            if item is None:
                continue
            if isinstance(item, bool):
                raw.append("yes" if item else "no")
            elif isinstance(item, int | float | str):
                text = str(item)
                if len(text) > MAX_VALUE_LENGTH or "\x00" in text:
                    raise serializers.ValidationError(
                        f"Keep each value under {MAX_VALUE_LENGTH:,} characters, without NUL."
                    )
                raw.append(text)
            else:
                raise serializers.ValidationError("Give text, a number, true/false or a list.")
        return raw


class AnswerOutSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    version = serializers.IntegerField()
    question = serializers.CharField(source="question.key")
    cell = serializers.CharField()
    value = serializers.JSONField()


class AssessmentAnswersView(ServiceWriteView):
    permission_classes = [PlanCapabilityPermission]
    parser_classes = [TextJSONParser]

    @property
    def required_capability(self) -> Capability:
        return Capability.VIEW if self.request.method in SAFE_METHODS else Capability.ANSWER

    def _assessment(self, request: PlanAPIRequest, assessment_pk: int) -> Assessment:
        assessment = get_object_or_404(
            Assessment.objects.select_related("function", "template"),
            pk=assessment_pk,
            plan=request.plan,
        )
        sees_all = bool({Capability.EDIT, Capability.AUDIT} & request.capabilities)
        if not sees_all and assessment.function.owner_id != request.user.pk:
            raise exceptions.PermissionDenied(
                "This BIA belongs to another owner; stakeholders answer their own functions' BIAs."
            )
        return assessment

    @extend_schema(
        summary="The answers of one BIA",
        responses={200: AnswerOutSerializer(many=True), **problem_responses(401, 403, 404)},
    )
    def get(self, request: PlanAPIRequest, plan_pk: int, assessment_pk: int) -> Response:
        assessment = self._assessment(request, assessment_pk)
        answers = Answer.objects.filter(assessment=assessment).select_related("question")
        return Response(AnswerOutSerializer(answers, many=True).data)

    @extend_schema(
        summary="Save one answer of an open BIA (create or change)",
        request=AnswerSerializer,
        responses={
            200: AnswerOutSerializer,
            **problem_responses(400, 401, 403, 404, 409, 412, 413, 415, 422, 428),
        },
    )
    def put(self, request: PlanAPIRequest, plan_pk: int, assessment_pk: int) -> Response:
        assessment = self._assessment(request, assessment_pk)
        serializer = AnswerSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        question = get_object_or_404(
            Question.objects.select_related("section"),
            key=data["question"],
            section__template=assessment.template,
        )
        header = request.headers.get("If-Match")
        version = data.get("version")
        if header is not None:
            version = parse_version(header.strip().removeprefix("W/").strip('"')[:20])
            if version is None:
                raise exceptions.ValidationError({"If-Match": ["Send the answer's ETag."]})
        user = request.user
        assert isinstance(user, User)  # the plan permission lets only signed-in people through
        answer = service_call(
            lambda: answer_save(
                assessment=assessment,
                question=question,
                raw=data["value"],
                cell=data["cell"],
                user=user,
                expected_version=version,
                reason=data.get("reason", ""),
            ),
            from_if_match=header is not None,
        )
        response = Response(AnswerOutSerializer(answer).data)
        response["ETag"] = f'"{answer.version}"'
        return response
