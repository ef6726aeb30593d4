"""The API reference page is drawn from the OpenAPI schema: every operation, its
parameters, bodies and responses, and every named schema with its fields."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from drf_spectacular.generators import SchemaGenerator

from bcp.api_reference import TypeWords, api_reference, reference_from, type_words
from tests.conftest import PlanPeople, client_for

SMALL: dict[str, Any] = {
    "info": {"title": "Small API", "version": "2.0", "description": "For a test."},
    "paths": {
        "/api/v1/things/{pk}/": {
            "get": {
                "operationId": "thing_get",
                "summary": "One thing",
                "parameters": [
                    {"in": "path", "name": "pk", "required": True, "schema": {"type": "integer"}}
                ],
                "responses": {
                    "200": {
                        "description": "",
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}
                        },
                    },
                    "404": {"description": "No such thing"},
                },
            }
        }
    },
    "components": {
        "schemas": {
            "Thing": {
                "type": "object",
                "required": ["name"],
                "properties": {
                    "name": {"type": "string", "maxLength": 80},
                    "tags": {"type": "array", "items": {"type": "string"}, "nullable": True},
                },
            }
        },
        "securitySchemes": {"apiToken": {"type": "http", "scheme": "bearer"}},
    },
}


def test_a_type_is_put_in_words_naming_the_schema_it_refers_to() -> None:
    assert type_words({"$ref": "#/components/schemas/Thing"}) == TypeWords("", "Thing")
    assert type_words({"type": "array", "items": {"$ref": "#/components/schemas/Thing"}}) == (
        TypeWords("array of ", "Thing")
    )
    assert type_words({"type": "number", "format": "double", "nullable": True}) == TypeWords(
        "number (double), or null"
    )


def test_a_small_schema_becomes_its_operation_parameters_responses_and_fields() -> None:
    reference = reference_from(SMALL)
    (section,) = reference.sections
    (operation,) = section.operations
    assert (section.name, operation.method, operation.summary) == ("things", "GET", "One thing")
    assert [(p.name, p.location, p.required) for p in operation.parameters] == [
        ("pk", "path", True)
    ]
    assert [(a.status, [b.type.schema for b in a.bodies]) for a in operation.answers] == [
        ("200", ["Thing"]),
        ("404", []),
    ]
    (thing,) = reference.schemas
    assert [(f.name, f.required, f.notes) for f in thing.fields] == [
        ("name", True, "Up to 80 characters."),
        ("tags", False, ""),
    ]


def test_the_reference_lists_every_operation_of_the_served_schema() -> None:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    served = {
        (m.upper(), p) for p, item in schema["paths"].items() for m in item if m != "parameters"
    }
    listed = {(o.method, o.path) for s in api_reference().sections for o in s.operations}
    assert listed == served


@pytest.mark.django_db
def test_the_page_shows_each_operation_and_links_the_raw_schema(people: PlanPeople) -> None:
    body = client_for(people.auditor).get(reverse("api_docs")).content.decode()
    assert "/api/v1/bia/plans/{plan_pk}/assessments/{assessment_pk}/answers/" in body
    assert 'href="#schema-AnswerOut"' in body
    assert f'href="{reverse("api_schema")}?format=json"' in body
