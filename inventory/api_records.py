"""Create and update inventory records one by one: sites, components, groups, dependencies.

``POST …/inventory/<kind>/`` creates (201, with the record, its ``ETag`` and
``Location``); ``GET``, ``PATCH`` and ``PUT …/inventory/<kind>/<id>/`` read and update.
An update says which version it started from (``If-Match: "<version>"`` or ``version``
in the body; neither is a 428); a stale If-Match is a 412 and a stale ``version`` a 409,
both listing what differs. Managers write, every member reads, as on the pages. Each
write is one call of the service the edit page calls, so rules, messages and history
(actor, reason, the API token's name) are the same.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.shortcuts import get_object_or_404
from django.urls import URLPattern, path
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.permissions import SAFE_METHODS
from rest_framework.request import Request
from rest_framework.response import Response

from bcp.api import PlanCapabilityPermission
from bcp.api_problems import problem_responses
from bcp.api_writes import (
    ExpectedVersion,
    ServiceWriteView,
    TextJSONParser,
    etag_of,
    expected_version,
    service_call,
)
from bcp.http import PlanAPIRequest
from bcp.permissions import Capability
from inventory.api_serializers import (
    ComponentSerializer,
    DependencyChangeSerializer,
    DependencySerializer,
    GroupSerializer,
    PlanRecordSerializer,
    SiteSerializer,
)
from inventory.fields import COMPONENT_FORM_FIELDS, GROUP_FIELDS, SITE_FIELDS
from inventory.models import Component, Dependency, RedundancyGroup, Site
from inventory.services.components import component_create, component_update
from inventory.services.dependencies import dependency_create, dependency_update
from inventory.services.groups import group_create, group_update
from inventory.services.sites import site_create, site_update

READ_PROBLEMS = problem_responses(401, 403, 404)
CREATE_PROBLEMS = problem_responses(400, 401, 403, 404, 413, 415, 422)
UPDATE_PROBLEMS = problem_responses(400, 401, 403, 404, 409, 412, 413, 415, 422, 428)


def _saved(
    request: Request, serializer: PlanRecordSerializer, instance: Any, status: int
) -> Response:
    body = type(serializer)(instance, plan=serializer.plan).data
    response = Response(body, status=status)
    response["ETag"] = etag_of(instance)
    if status == 201:
        response["Location"] = request.build_absolute_uri(f"{request.path}{instance.pk}/")
    return response


@dataclass(frozen=True)
class RecordWrites:
    """The services a record's endpoints write through, called as the edit pages call them.

    ``create(plan=, user=, values=, <link>=, reason=, ticket=)`` and
    ``update(<key>=record, user=, expected_version=, values=, <link>=, reason=, ticket=)``:
    ``values`` are the ``fields`` sent; each of ``links`` (names of other records) is
    passed on by its name, ``[]`` on a create and ``None`` (leave as is) on an update
    that does not send it.
    """

    key: str
    fields: tuple[str, ...]
    create: Callable[..., models.Model]
    update: Callable[..., models.Model]
    links: tuple[str, ...] = ()

    def changes(self, serializer: PlanRecordSerializer, *, creating: bool) -> dict[str, object]:
        """``values=``, the links and ``reason=``/``ticket=`` of a validated ``serializer``."""
        data = serializer.validated_data
        return {
            "values": serializer.values(self.fields),
            **{link: data.get(link, [] if creating else None) for link in self.links},
            **serializer.why(),
        }


class Collection(ServiceWriteView):
    """POST creates one record of ``serializer_class``'s model through ``writes.create``."""

    permission_classes = [PlanCapabilityPermission]
    required_capability = Capability.EDIT
    parser_classes = [TextJSONParser]
    serializer_class: type[PlanRecordSerializer]
    writes: RecordWrites

    def create(self, request: PlanAPIRequest, serializer: Any) -> Any:
        return self.writes.create(
            plan=request.plan, user=request.user, **self.writes.changes(serializer, creating=True)
        )

    def post(self, request: PlanAPIRequest, plan_pk: int) -> Response:
        serializer = self.serializer_class(data=request.data, plan=request.plan)
        serializer.is_valid(raise_exception=True)
        instance = service_call(lambda: self.create(request, serializer))
        return _saved(request, serializer, instance, 201)


class Record(ServiceWriteView):
    """GET reads, PATCH and PUT update one record through ``update`` (by default
    ``writes.update``)."""

    permission_classes = [PlanCapabilityPermission]
    parser_classes = [TextJSONParser]
    serializer_class: type[PlanRecordSerializer]
    model: type[Any]
    writes: RecordWrites

    @property
    def required_capability(self) -> Capability:
        return Capability.VIEW if self.request.method in SAFE_METHODS else Capability.EDIT

    def update(
        self, request: PlanAPIRequest, instance: Any, serializer: Any, version: ExpectedVersion
    ) -> Any:
        return self.writes.update(
            **{self.writes.key: instance},
            user=request.user,
            expected_version=version.version,
            **self.writes.changes(serializer, creating=False),
        )

    def _instance(self, request: PlanAPIRequest, pk: int) -> Any:
        return get_object_or_404(self.model, pk=pk, plan=request.plan)

    def get(self, request: PlanAPIRequest, plan_pk: int, pk: int) -> Response:
        instance = self._instance(request, pk)
        response = Response(self.serializer_class(instance, plan=request.plan).data)
        response["ETag"] = etag_of(instance)
        return response

    def _change(self, request: PlanAPIRequest, pk: int, *, partial: bool) -> Response:
        instance = self._instance(request, pk)
        serializer = self.serializer_class(
            instance, data=request.data, plan=request.plan, partial=partial
        )
        serializer.is_valid(raise_exception=True)
        version = expected_version(request, serializer.validated_data.get("version"))
        saved = service_call(
            lambda: self.update(request, instance, serializer, version),
            from_if_match=version.from_if_match,
        )
        return _saved(request, serializer, saved, 200)

    def patch(self, request: PlanAPIRequest, plan_pk: int, pk: int) -> Response:
        return self._change(request, pk, partial=True)

    def put(self, request: PlanAPIRequest, plan_pk: int, pk: int) -> Response:
        return self._change(request, pk, partial=False)


def record_schema(serializer: Any, noun: str) -> dict[str, Any]:
    """OpenAPI of a collection (post) and a record (get, patch, put) of ``serializer``."""
    return {
        "post": extend_schema(
            summary=f"Create a {noun}",
            request=serializer,
            responses={201: serializer, **CREATE_PROBLEMS},
        ),
        "get": extend_schema(
            summary=f"Read a {noun}", responses={200: serializer, **READ_PROBLEMS}
        ),
        "patch": extend_schema(
            summary=f"Change some fields of a {noun}",
            request=serializer,
            responses={200: serializer, **UPDATE_PROBLEMS},
        ),
        "put": extend_schema(
            summary=f"Change a {noun}",
            request=serializer,
            responses={200: serializer, **UPDATE_PROBLEMS},
        ),
    }


@dataclass(frozen=True)
class RecordEndpoints:
    """One kind's collection (``POST`` creates) and record (``GET``, ``PATCH``, ``PUT``)
    endpoints over ``writes``, documented as ``noun``: ``about`` describes the
    collection and ``about_one`` the record."""

    writes: RecordWrites
    serializer: type[PlanRecordSerializer]
    model: type[models.Model]
    noun: str
    about: str
    about_one: str

    def views(self) -> tuple[type[Collection], type[Record]]:
        spec = self
        schema = record_schema(spec.serializer, spec.noun)

        @extend_schema_view(post=schema["post"])
        class CollectionView(Collection):
            serializer_class = spec.serializer
            writes = spec.writes

        @extend_schema_view(get=schema["get"], patch=schema["patch"], put=schema["put"])
        class RecordView(Record):
            serializer_class = spec.serializer
            model = spec.model
            writes = spec.writes

        kind = spec.writes.key.capitalize()
        named(CollectionView, f"{kind}CollectionView", spec.about)
        named(RecordView, f"{kind}View", spec.about_one)
        return CollectionView, RecordView

    def urls(self, route: str, *, name: str, plural: str) -> list[URLPattern]:
        return endpoint_urls(self.views(), route, name=name, plural=plural)


def endpoint_urls(
    views: tuple[type[ServiceWriteView], type[ServiceWriteView]],
    route: str,
    *,
    name: str,
    plural: str,
) -> list[URLPattern]:
    """``route`` serves the collection (URL name ``plural``), ``route<pk>/`` the record."""
    collection, record = views
    return [
        path(route, collection.as_view(), name=plural),
        path(f"{route}<int:pk>/", record.as_view(), name=name),
    ]


def named(view: type[ServiceWriteView], name: str, about: str | None) -> None:
    """Names a view class made by a function as if it were declared here, with ``about``
    as its docstring (the endpoint's description in the API reference)."""
    view.__name__ = view.__qualname__ = name
    view.__doc__ = about


SITES = RecordEndpoints(
    RecordWrites("site", SITE_FIELDS, site_create, site_update),
    SiteSerializer,
    Site,
    noun="site",
    about="A site (failure domain) of the plan, named; inside another site by its name.",
    about_one="A site of the plan: read it, or change it from the version you read.",
)
COMPONENTS = RecordEndpoints(
    RecordWrites(
        "component", COMPONENT_FORM_FIELDS, component_create, component_update, links=("runs_on",)
    ),
    ComponentSerializer,
    Component,
    noun="component",
    about="A component of the plan; ``site`` and ``runs_on`` name other records.",
    about_one="A component of the plan: read it, or change it from the version you read.",
)
GROUPS = RecordEndpoints(
    RecordWrites("group", GROUP_FIELDS, group_create, group_update, links=("members",)),
    GroupSerializer,
    RedundancyGroup,
    noun="redundancy group",
    about="A redundancy group; ``members`` name components or groups, in order.",
    about_one="A redundancy group: read it, or change it from the version you read.",
)

_DEPENDENCY = record_schema(DependencySerializer, "dependency of a function")


@extend_schema_view(post=_DEPENDENCY["post"])
class DependencyCollectionView(Collection):
    """A business function's dependency on a component or group, by names."""

    serializer_class = DependencySerializer

    def create(self, request: PlanAPIRequest, serializer: Any) -> Dependency:
        data = serializer.validated_data
        return dependency_create(
            function=data["function"],
            target=data["needs"],
            user=request.user,
            need=data["need"],
            notes=data.get("notes", ""),
            **serializer.why(),
        )


_CHANGE = record_schema(DependencyChangeSerializer, "dependency of a function")


@extend_schema_view(
    get=_DEPENDENCY["get"],
    patch=extend_schema(
        summary="Change how much a function needs its target",
        request=DependencyChangeSerializer,
        responses={200: DependencySerializer, **UPDATE_PROBLEMS},
    ),
    put=extend_schema(
        summary="Change how much a function needs its target",
        request=DependencyChangeSerializer,
        responses={200: DependencySerializer, **UPDATE_PROBLEMS},
    ),
)
class DependencyView(Record):
    """A function's dependency: read it, or change its need and notes."""

    serializer_class = DependencySerializer
    model = Dependency

    def _change(self, request: PlanAPIRequest, pk: int, *, partial: bool) -> Response:
        dependency = self._instance(request, pk)
        change = DependencyChangeSerializer(data=request.data, partial=partial)
        change.is_valid(raise_exception=True)
        data = change.validated_data
        version = expected_version(request, data.get("version"))
        saved = service_call(
            lambda: dependency_update(
                dependency=dependency,
                user=request.user,
                expected_version=version.version,
                need=data.get("need", dependency.need),
                notes=data.get("notes", dependency.notes),
                reason=data.get("reason", ""),
                ticket=data.get("ticket", ""),
            ),
            from_if_match=version.from_if_match,
        )
        response = Response(DependencySerializer(saved, plan=request.plan).data)
        response["ETag"] = etag_of(saved)
        return response
