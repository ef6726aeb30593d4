"""REST plumbing shared by every app: RFC 9457 problem details and plan permissions."""

from __future__ import annotations

from typing import Any, cast

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import render
from drf_spectacular.views import SpectacularAPIView
from rest_framework import exceptions, permissions
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView, exception_handler

from bcp.api_reference import api_reference
from bcp.http import PlanAPIRequest
from bcp.models import Plan
from bcp.permissions import Capability, check_plan_capability, plan_capabilities

PROBLEM_CONTENT_TYPE = "application/problem+json"


def problem_response(
    *, status: int, title: str, detail: str, type_: str = "about:blank", **extra: Any
) -> Response:
    body = {"type": type_, "title": title, "status": status, "detail": detail, **extra}
    return Response(body, status=status, content_type=PROBLEM_CONTENT_TYPE)


def problem_details_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Render every API error as problem details (RFC 9457)."""
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        title, detail = "Invalid request", "One or more fields are invalid."
        extra: dict[str, Any] = {"errors": response.data}
    else:
        data = response.data if isinstance(response.data, dict) else {}
        title = {
            401: "Not authenticated",
            403: "Forbidden",
            404: "Not found",
            413: "Request too large",
            429: "Too many requests",
        }.get(response.status_code, "Request failed")
        detail = str(data.get("detail", exc))
        extra = {}
    problem = problem_response(status=response.status_code, title=title, detail=detail, **extra)
    # Keep the challenge of a 401 and the wait of a 429 (RFC 9110 requires the first).
    for header in ("WWW-Authenticate", "Retry-After"):
        if header in response:
            problem[header] = response[header]
    return problem


class PlanCapabilityPermission(permissions.BasePermission):
    """API counterpart of :func:`bcp.permissions.plan_required`.

    Views set ``required_capability`` and take ``plan_pk`` in the URL.
    """

    def has_permission(self, request: Request, view: APIView) -> bool:
        plan_pk = view.kwargs.get("plan_pk")
        if plan_pk is None:
            return bool(request.user and request.user.is_authenticated)
        if not request.user or not request.user.is_authenticated:
            raise exceptions.NotAuthenticated()
        try:
            plan = Plan.objects.get(pk=plan_pk)
        except Plan.DoesNotExist:
            raise Http404("No such plan.") from None
        capability: Capability = getattr(view, "required_capability", Capability.VIEW)
        try:
            membership = check_plan_capability(request.user, plan, capability)
        except PermissionDenied as exc:
            raise exceptions.PermissionDenied(str(exc)) from None
        # Views declare ``request: PlanAPIRequest`` and read these.
        plan_request = cast(PlanAPIRequest, request)
        plan_request.plan = plan
        plan_request.membership = membership
        plan_request.capabilities = plan_capabilities(membership, plan)
        return True


class ApiSchemaView(SpectacularAPIView):
    """The OpenAPI schema: signed-in users only unless ``API_DOCS_PUBLIC`` is set."""

    def get_permissions(self) -> list[permissions.BasePermission]:
        if settings.API_DOCS_PUBLIC:
            return [permissions.AllowAny()]
        return [permissions.IsAuthenticated()]


def api_docs(request: HttpRequest) -> HttpResponseBase:
    """The API reference, drawn from the OpenAPI schema in our own page; anonymous
    visitors sign in first unless ``API_DOCS_PUBLIC``."""
    if not settings.API_DOCS_PUBLIC and not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return render(request, "bcp/api_reference.html", {"reference": api_reference()})
