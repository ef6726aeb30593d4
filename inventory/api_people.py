"""People and suppliers one by one, and the business functions' needs of them.

Same contract as the other record endpoints (:mod:`inventory.api_records`): ``POST``
creates (201 with ``ETag`` and ``Location``), ``GET``/``PATCH``/``PUT …/<id>/`` read and
update from a version (If-Match or ``version``: 428 without, 412/409 when stale). Each
write is one call of the service the people and supplier pages call
(:mod:`inventory.people_services`), so rules, messages and history are theirs. A need is
created (``POST``) and read; to change one, the pages remove and add it again.
"""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_view
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
    READ_PROBLEMS,
    Collection,
    Record,
    RecordWrites,
    record_schema,
)
from inventory.people_models import Person, PersonDependency, Supplier, SupplierDependency

PERSON = RecordWrites(
    "person",
    services.PERSON_FIELDS,
    services.person_create,
    services.person_update,
    links=("deputies",),
)
SUPPLIER = RecordWrites(
    "supplier",
    services.SUPPLIER_FIELDS,
    services.supplier_create,
    services.supplier_update,
)

_PERSON = record_schema(PersonSerializer, "key person")


@extend_schema_view(post=_PERSON["post"])
class PersonCollectionView(Collection):
    """A key person (or the holder of a key role); ``deputies`` name other people."""

    serializer_class = PersonSerializer
    writes = PERSON


@extend_schema_view(get=_PERSON["get"], patch=_PERSON["patch"], put=_PERSON["put"])
class PersonView(Record):
    """A key person: read them, or change them (and their deputies) from the version read."""

    serializer_class = PersonSerializer
    model = Person
    writes = PERSON


_SUPPLIER = record_schema(SupplierSerializer, "supplier")


@extend_schema_view(post=_SUPPLIER["post"])
class SupplierCollectionView(Collection):
    """A supplier and its contract: availability, contractual RTO and RPO, support hours."""

    serializer_class = SupplierSerializer
    writes = SUPPLIER


@extend_schema_view(get=_SUPPLIER["get"], patch=_SUPPLIER["patch"], put=_SUPPLIER["put"])
class SupplierView(Record):
    """A supplier: read it, or change it and its contract from the version you read."""

    serializer_class = SupplierSerializer
    model = Supplier
    writes = SUPPLIER


_PERSON_NEED = record_schema(PersonNeedSerializer, "function's need of a person")


@extend_schema_view(post=_PERSON_NEED["post"])
class PersonNeedCollectionView(Collection):
    """A business function needs a person (or whoever deputises), by names."""

    serializer_class = PersonNeedSerializer

    def create(self, request: PlanAPIRequest, serializer: Any) -> PersonDependency:
        data = serializer.validated_data
        return services.person_dependency_create(
            function=data["function"],
            person=data["person"],
            user=request.user,
            need=data["need"],
            notes=data.get("notes", ""),
            reason=data.get("reason", ""),
        )


_SUPPLIER_NEED = record_schema(SupplierNeedSerializer, "function's need of a supplier")


@extend_schema_view(post=_SUPPLIER_NEED["post"])
class SupplierNeedCollectionView(Collection):
    """A business function needs a supplier's contracted service, by names."""

    serializer_class = SupplierNeedSerializer

    def create(self, request: PlanAPIRequest, serializer: Any) -> SupplierDependency:
        data = serializer.validated_data
        return services.supplier_dependency_create(
            function=data["function"],
            supplier=data["supplier"],
            user=request.user,
            need=data["need"],
            notes=data.get("notes", ""),
            reason=data.get("reason", ""),
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


@extend_schema_view(
    get=extend_schema(
        summary="Read a function's need of a person",
        responses={200: PersonNeedSerializer, **READ_PROBLEMS},
    )
)
class PersonNeedView(_NeedView):
    serializer_class = PersonNeedSerializer
    model = PersonDependency


@extend_schema_view(
    get=extend_schema(
        summary="Read a function's need of a supplier",
        responses={200: SupplierNeedSerializer, **READ_PROBLEMS},
    )
)
class SupplierNeedView(_NeedView):
    serializer_class = SupplierNeedSerializer
    model = SupplierDependency
