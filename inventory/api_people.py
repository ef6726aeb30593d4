"""People and suppliers one by one, and the business functions' needs of them.

Same contract as the other record endpoints (:mod:`inventory.api_records`): ``POST``
creates (201 with ``ETag`` and ``Location``), ``GET``/``PATCH``/``PUT …/<id>/`` read and
update from a version (If-Match or ``version``: 428 without, 412/409 when stale). Each
write is one call of the service the people and supplier pages call
(:mod:`inventory.people_services`), so rules, messages and history are theirs. A need is
created (``POST``) and read; to change one, the pages remove and add it again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.shortcuts import get_object_or_404
from django.urls import URLPattern
from drf_spectacular.utils import extend_schema_view
from rest_framework.response import Response

from bcp.api import PlanCapabilityPermission
from bcp.api_writes import ServiceWriteView, etag_of
from bcp.http import PlanAPIRequest
from bcp.permissions import Capability
from inventory import people_services as services
from inventory.api_people_serializers import (
    PersonNeedSerializer,
    PersonSerializer,
    SupplierNeedSerializer,
    SupplierSerializer,
)
from inventory.api_records import (
    Collection,
    RecordEndpoints,
    RecordWrites,
    endpoint_urls,
    named,
    record_schema,
)
from inventory.people_models import Person, PersonDependency, Supplier, SupplierDependency

PEOPLE = RecordEndpoints(
    RecordWrites(
        "person",
        services.PERSON_FIELDS,
        services.person_create,
        services.person_update,
        links=("deputies",),
    ),
    PersonSerializer,
    Person,
    noun="key person",
    about="A key person (or the holder of a key role); ``deputies`` name other people.",
    about_one="A key person: read them, or change them (and their deputies) from the version read.",
)
SUPPLIERS = RecordEndpoints(
    RecordWrites(
        "supplier", services.SUPPLIER_FIELDS, services.supplier_create, services.supplier_update
    ),
    SupplierSerializer,
    Supplier,
    noun="supplier",
    about="A supplier and its contract: availability, contractual RTO and RPO, support hours.",
    about_one="A supplier: read it, or change it and its contract from the version you read.",
)


class _NeedView(ServiceWriteView):
    permission_classes = [PlanCapabilityPermission]
    required_capability = Capability.VIEW
    serializer_class: type[PersonNeedSerializer] | type[SupplierNeedSerializer]
    model: type[PersonDependency] | type[SupplierDependency]

    def get(self, request: PlanAPIRequest, plan_pk: int, pk: int) -> Response:
        instance = get_object_or_404(self.model, pk=pk, plan=request.plan)
        response = Response(self.serializer_class(instance, plan=request.plan).data)
        response["ETag"] = etag_of(instance)
        return response


@dataclass(frozen=True)
class NeedEndpoints:
    """A business function's needs of one kind of ``target`` (``person`` or ``supplier``):
    ``POST`` creates one through ``create`` (``function=``, ``<target>=``, ``need=``,
    ``notes=``, ``reason=``), ``GET …/<id>/`` reads one; ``about`` describes the
    collection."""

    target: str
    create: Callable[..., PersonDependency | SupplierDependency]
    serializer: type[PersonNeedSerializer] | type[SupplierNeedSerializer]
    model: type[PersonDependency] | type[SupplierDependency]
    about: str

    def views(self) -> tuple[type[Collection], type[_NeedView]]:
        spec = self
        schema = record_schema(spec.serializer, f"function's need of a {spec.target}")

        @extend_schema_view(post=schema["post"])
        class CollectionView(Collection):
            serializer_class = spec.serializer

            def create(self, request: PlanAPIRequest, serializer: Any) -> models.Model:
                data = serializer.validated_data
                return spec.create(
                    function=data["function"],
                    **{spec.target: data[spec.target]},
                    user=request.user,
                    need=data["need"],
                    notes=data.get("notes", ""),
                    reason=data.get("reason", ""),
                )

        @extend_schema_view(get=schema["get"])
        class RecordView(_NeedView):
            serializer_class = spec.serializer
            model = spec.model

        kind = spec.target.capitalize()
        named(CollectionView, f"{kind}NeedCollectionView", spec.about)
        named(RecordView, f"{kind}NeedView", None)
        return CollectionView, RecordView

    def urls(self, route: str, *, name: str, plural: str) -> list[URLPattern]:
        return endpoint_urls(self.views(), route, name=name, plural=plural)


PERSON_NEEDS = NeedEndpoints(
    "person",
    services.person_dependency_create,
    PersonNeedSerializer,
    PersonDependency,
    about="A business function needs a person (or whoever deputises), by names.",
)
SUPPLIER_NEEDS = NeedEndpoints(
    "supplier",
    services.supplier_dependency_create,
    SupplierNeedSerializer,
    SupplierDependency,
    about="A business function needs a supplier's contracted service, by names.",
)
