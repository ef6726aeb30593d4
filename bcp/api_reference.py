"""The API reference page, drawn on the server from the OpenAPI schema.

drf-spectacular builds the schema (the same one ``/api/schema/`` serves to tools); this
module reads it into plain records the template lists: each operation with its
parameters, request body and responses, and each named schema with its fields. The page
is ours, so it meets the same accessibility rules as every other page.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from drf_spectacular.generators import SchemaGenerator

METHODS = ("get", "post", "put", "patch", "delete")
REF_PREFIX = "#/components/schemas/"


@dataclass(frozen=True)
class TypeWords:
    """A type in words: ``before`` and ``after`` around an optional named schema."""

    before: str
    schema: str = ""
    after: str = ""


@dataclass(frozen=True)
class Field:
    name: str
    type: TypeWords
    required: bool
    notes: str


@dataclass(frozen=True)
class Body:
    media_type: str
    type: TypeWords


@dataclass(frozen=True)
class Parameter:
    name: str
    location: str
    type: TypeWords
    required: bool
    description: str


@dataclass(frozen=True)
class Answer:
    status: str
    description: str
    bodies: tuple[Body, ...]


@dataclass(frozen=True)
class Operation:
    anchor: str
    method: str
    path: str
    summary: str
    description: str
    parameters: tuple[Parameter, ...]
    request: tuple[Body, ...]
    request_required: bool
    answers: tuple[Answer, ...]


@dataclass(frozen=True)
class Section:
    name: str
    anchor: str
    operations: tuple[Operation, ...]

    @property
    def title(self) -> str:
        """ "BIA" for the short names that are abbreviations, "Inventory" for the rest."""
        return self.name.upper() if len(self.name) <= 3 else self.name.capitalize()


@dataclass(frozen=True)
class Schema:
    name: str
    type: TypeWords
    description: str
    fields: tuple[Field, ...]
    values: tuple[str, ...]


@dataclass(frozen=True)
class Scheme:
    name: str
    words: str


@dataclass(frozen=True)
class Reference:
    title: str
    version: str
    description: str
    schemes: tuple[Scheme, ...]
    sections: tuple[Section, ...]
    schemas: tuple[Schema, ...]

    @property
    def operation_count(self) -> int:
        return sum(len(s.operations) for s in self.sections)


def type_words(schema: Mapping[str, Any]) -> TypeWords:
    """What a schema holds, in a few words, naming the referenced schema if any."""
    nullable = ", or null" if schema.get("nullable") else ""
    ref = schema.get("$ref")
    if isinstance(ref, str):
        return TypeWords("", ref.removeprefix(REF_PREFIX), nullable)
    for combined, joiner in (("allOf", " and "), ("oneOf", " or "), ("anyOf", " or ")):
        parts = schema.get(combined)
        if isinstance(parts, list) and parts:
            if len(parts) == 1:
                inner = type_words(parts[0])
                return TypeWords(inner.before, inner.schema, inner.after + nullable)
            words = joiner.join(_plain(type_words(p)) for p in parts)
            return TypeWords(words + nullable)
    kind = str(schema.get("type", "any value"))
    if kind == "array":
        inner = type_words(schema.get("items", {}))
        return TypeWords("array of " + inner.before, inner.schema, inner.after + nullable)
    if "enum" in schema:
        values = ", ".join(str(v) for v in schema["enum"] if v not in ("", None))
        return TypeWords(f"{kind}, one of: {values}{nullable}")
    if kind == "object" and isinstance(schema.get("additionalProperties"), Mapping):
        inner = type_words(schema["additionalProperties"])
        return TypeWords("object of " + inner.before, inner.schema, inner.after + nullable)
    fmt = schema.get("format")
    return TypeWords(f"{kind} ({fmt}){nullable}" if fmt else kind + nullable)


def _plain(words: TypeWords) -> str:
    return f"{words.before}{words.schema}{words.after}"


def field_notes(schema: Mapping[str, Any]) -> str:
    """The description and the limits a value must keep, as one sentence list."""
    notes = [str(schema["description"]).strip()] if schema.get("description") else []
    if schema.get("readOnly"):
        notes.append("Read only.")
    if schema.get("writeOnly"):
        notes.append("Write only.")
    limits = (
        ("minimum", "At least {}."),
        ("maximum", "At most {}."),
        ("maxLength", "Up to {} characters."),
        ("minItems", "At least {} items."),
        ("maxItems", "Up to {} items."),
        ("pattern", "Matches {}."),
        ("default", "Default {}."),
    )
    notes += [words.format(schema[key]) for key, words in limits if key in schema]
    return " ".join(notes)


def _bodies(content: Mapping[str, Any]) -> tuple[Body, ...]:
    return tuple(
        Body(media_type, type_words(entry.get("schema", {})))
        for media_type, entry in content.items()
    )


def _operation(path: str, method: str, spec: Mapping[str, Any]) -> Operation:
    parameters = tuple(
        Parameter(
            name=p["name"],
            location=p["in"],
            type=type_words(p.get("schema", {})),
            required=bool(p.get("required")),
            description=str(p.get("description", "")),
        )
        for p in spec.get("parameters", [])
    )
    request = spec.get("requestBody", {})
    answers = tuple(
        Answer(status, str(answer.get("description", "")), _bodies(answer.get("content", {})))
        for status, answer in sorted(spec.get("responses", {}).items())
    )
    return Operation(
        anchor=f"op-{spec['operationId']}",
        method=method.upper(),
        path=path,
        summary=str(spec.get("summary", "")),
        description=str(spec.get("description", "")),
        parameters=parameters,
        request=_bodies(request.get("content", {})),
        request_required=bool(request.get("required")),
        answers=answers,
    )


def section_of(path: str) -> str:
    """The part of the API a path belongs to: the segment after ``/api/v1/``."""
    parts = [p for p in path.split("/") if p]
    return parts[2] if len(parts) > 2 and parts[:2] == ["api", "v1"] else "other"


def _schema(name: str, spec: Mapping[str, Any]) -> Schema:
    required = set(spec.get("required", []))
    fields = tuple(
        Field(field, type_words(inner), field in required, field_notes(inner))
        for field, inner in spec.get("properties", {}).items()
    )
    values = tuple(str(v) for v in spec.get("enum", []) if v not in ("", None))
    return Schema(name, type_words(spec), str(spec.get("description", "")), fields, values)


def _scheme(name: str, spec: Mapping[str, Any]) -> Scheme:
    if spec.get("type") == "http":
        words = f"HTTP {spec.get('scheme', '')} authentication"
    else:
        words = f"{spec.get('type', '')} in the {spec.get('in', '')} named “{spec.get('name', '')}”"
    description = spec.get("description")
    return Scheme(name, f"{words}. {description}" if description else f"{words}.")


def reference_from(schema: Mapping[str, Any]) -> Reference:
    """The reference page's records from an OpenAPI 3 document."""
    grouped: dict[str, list[Operation]] = {}
    for path, item in schema.get("paths", {}).items():
        for method in METHODS:
            if method in item:
                grouped.setdefault(section_of(path), []).append(
                    _operation(path, method, item[method])
                )
    components = schema.get("components", {})
    info = schema.get("info", {})
    return Reference(
        title=str(info.get("title", "API")),
        version=str(info.get("version", "")),
        description=str(info.get("description", "")),
        schemes=tuple(_scheme(n, s) for n, s in components.get("securitySchemes", {}).items()),
        sections=tuple(
            Section(name, f"section-{name}", tuple(ops)) for name, ops in sorted(grouped.items())
        ),
        schemas=tuple(_schema(n, s) for n, s in sorted(components.get("schemas", {}).items())),
    )


@functools.cache
def api_reference() -> Reference:
    """The running application's API, read once per process (the schema follows the code)."""
    return reference_from(SchemaGenerator().get_schema(request=None, public=True))
