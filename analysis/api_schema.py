"""OpenAPI documentation of the analysis API, generated from the declared result types.

``serializer_for(PlanResults)`` builds a DRF serializer class whose fields mirror the
TypedDict (nested types become nested serializers, ``X | None`` nullable fields,
``Literal`` choices), so the schema drf-spectacular publishes is the same shape the
results are checked against. The serializers only document: responses are the checked
results themselves.
"""

from __future__ import annotations

import types
import typing
from typing import Any, Literal, Union

from rest_framework import serializers

from analysis.results import (
    ElementKind,
    FunctionStatus,
    Measure,
    MethodCode,
    MethodRequested,
    ObjectiveSource,
    RemedyKind,
    Severity,
    VariableKind,
)

_CACHE: dict[type[Any], type[serializers.Serializer[Any]]] = {}


def _is_typed_dict(tp: object) -> bool:
    return isinstance(tp, type) and issubclass(tp, dict) and hasattr(tp, "__required_keys__")


def _field(hint: Any, *, allow_null: bool = False) -> serializers.Field[Any, Any, Any, Any]:
    origin = typing.get_origin(hint)
    if origin is Union or origin is types.UnionType:
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        nullable = len(args) < len(typing.get_args(hint))
        if len(args) != 1:
            raise TypeError(f"cannot document the union {hint!r}")
        return _field(args[0], allow_null=allow_null or nullable)
    if origin is Literal:
        return serializers.ChoiceField(
            choices=[str(a) for a in typing.get_args(hint)], allow_null=allow_null
        )
    if origin is list:
        (item,) = typing.get_args(hint)
        if _is_typed_dict(item):
            return serializer_for(item)(many=True, allow_null=allow_null)
        return serializers.ListField(child=_field(item), allow_null=allow_null)
    if origin is dict:
        _key, item = typing.get_args(hint)
        return serializers.DictField(child=_field(item), allow_null=allow_null)
    if _is_typed_dict(hint):
        return serializer_for(hint)(allow_null=allow_null)
    if hint is bool:
        return serializers.BooleanField(allow_null=allow_null)
    if hint is int:
        return serializers.IntegerField(allow_null=allow_null)
    if hint is float:
        return serializers.FloatField(allow_null=allow_null)
    if hint is str:
        return serializers.CharField(allow_null=allow_null)
    raise TypeError(f"cannot document values of type {hint!r}")


def serializer_for(tp: type[Any]) -> type[serializers.Serializer[Any]]:
    """A documenting serializer for the TypedDict ``tp`` (one class per type)."""
    cached = _CACHE.get(tp)
    if cached is not None:
        return cached
    fields = {name: _field(hint) for name, hint in typing.get_type_hints(tp).items()}
    doc = (tp.__doc__ or "").strip()
    serializer = type(
        f"Analysis{tp.__name__}Serializer",
        (serializers.Serializer,),
        {**fields, "__doc__": doc, "__module__": __name__},
    )
    _CACHE[tp] = serializer
    return serializer


# Choice sets several fields share, named once in the schema
# (SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"] points here).
METHOD_USED_CHOICES = [(code, code) for code in typing.get_args(MethodCode)]
METHOD_REQUESTED_CHOICES = [(code, code) for code in typing.get_args(MethodRequested)]
SOURCE_CHOICES = [(code, code) for code in typing.get_args(ObjectiveSource)]
FUNCTION_STATUS_CHOICES = [(code, code) for code in typing.get_args(FunctionStatus)]
VARIABLE_KIND_CHOICES = [(code, code) for code in typing.get_args(VariableKind)]
ELEMENT_KIND_CHOICES = [(code, code) for code in typing.get_args(ElementKind)]
MEASURE_CHOICES = [(code, code) for code in typing.get_args(Measure)]
SEVERITY_CHOICES = [(code, code) for code in typing.get_args(Severity)]
REMEDY_CHOICES = [(code, code) for code in typing.get_args(RemedyKind)]
