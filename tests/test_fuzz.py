"""No 500 from input: every form of the demo plan and every API operation, fuzzed as each role.

Forms are found the way a person finds them: walking the demo plan's pages as each role
and reading every ``<form>`` (``method="post"`` or ``hx-post``) with its fields. Each
form is then posted with values drawn by Hypothesis: the page's own values with one or
more replaced by edge cases (empty, huge, negative, NaN, far-future dates, NUL, markup,
formula prefixes, other scripts and widths, random text and bytes). Query strings of
the pages' GET forms are fuzzed the same way. The API is fuzzed by schemathesis from the
OpenAPI schema, with a token for each role.

Whatever is sent, the answer must not be a server error. The run time is fixed by the
``fuzz`` Hypothesis profile (a fixed number of derandomised examples per form).
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass, field
from html import unescape
from html.parser import HTMLParser
from typing import TYPE_CHECKING, Any
from urllib.parse import urldefrag, urlparse

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import client_for

if TYPE_CHECKING:
    from bcp.demo import DemoData

pytestmark = pytest.mark.django_db

settings.register_profile(
    "fuzz",
    max_examples=4,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
FUZZ = settings.get_profile("fuzz")
# Examples per API operation and role: bounded so the run fits in CI.
API_FUZZ = settings(FUZZ, max_examples=12)

ROLES = ("manager", "stakeholder", "auditor")
MAX_PAGES = 250
SKIP = re.compile(r"/(logout|download|export|admin)/|\.(pdf|csv|xlsx|json|yaml|svg)$|/api/")
# Forms that end the walk for everything after them go last.
LAST = re.compile(r"archive|delete|remove|restore|revise|approve|return|decide|review")
EDGE = [
    "",
    " ",
    "0",
    "-1",
    "1.5",
    "1e309",
    "NaN",
    "-inf",
    "99999999999999999999999999",
    "9999-12-31",
    "0001-01-01",
    "2024-02-30",
    "25:61",
    "\x00",
    "<script>alert(1)</script>",
    "=1+1",
    "１２３",
    "🙂",
    "x" * 5000,
    "a\nb\r\nc",
]
TEXT = st.one_of(
    st.sampled_from(EDGE),
    st.text(max_size=30),
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
)


@dataclass
class Form:
    method: str
    action: str
    page: str
    fields: dict[str, list[str]] = field(default_factory=dict)  # name → known values
    files: list[str] = field(default_factory=list)

    @property
    def key(self) -> tuple[str, str, tuple[str, ...]]:
        shape = re.sub(r"/\d+/", "/N/", urlparse(self.action).path)
        shape = re.sub(r"/[0-9a-f-]{36}/", "/U/", shape)
        return (self.method, shape, tuple(sorted(self.fields)))


class FormReader(HTMLParser):
    def __init__(self, page: str) -> None:
        super().__init__()
        self.page = page
        self.forms: list[Form] = []
        self.current: Form | None = None
        self.select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            method = "post" if (a.get("method", "").lower() == "post" or "hx-post" in a) else "get"
            action = a.get("hx-post") or a.get("action") or self.page
            self.current = Form(method, unescape(action), self.page)
            self.forms.append(self.current)
            return
        if self.current is None:
            return
        name = a.get("name")
        if tag in ("input", "textarea", "select") and name:
            if name == "csrfmiddlewaretoken":
                return
            if a.get("type") == "file":
                self.current.files.append(name)
                return
            values = self.current.fields.setdefault(name, [])
            if tag == "input" and a.get("type") in ("checkbox", "radio"):
                values.append(a.get("value", "on"))
            elif "value" in a:
                values.append(a["value"])
            if tag == "select":
                self.select = name
        elif tag == "option" and self.select:
            self.current.fields[self.select].append(a.get("value", ""))
        elif tag == "button" and name and "value" in a:
            self.current.fields.setdefault(name, []).append(a["value"])

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.current = None
        elif tag == "select":
            self.select = None


def _links(html: str) -> list[str]:
    found = []
    for raw in re.findall(r'href="([^"]+)"', html):
        url = urldefrag(unescape(raw))[0]
        parsed = urlparse(url)
        local = not parsed.scheme and not parsed.netloc and url.startswith("/plans/")
        if local and not SKIP.search(parsed.path):
            found.append(url)
    return found


def _forms_of_the_demo_plan(client: Client, start: str) -> list[Form]:
    queue, seen = deque([start]), {start}
    forms: dict[tuple[str, str, tuple[str, ...]], Form] = {}
    while queue and len(seen) <= MAX_PAGES:
        url = queue.popleft()
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        reader = FormReader(url)
        reader.feed(html)
        for form in reader.forms:
            if form.action.startswith("/plans/") and "logout" not in form.action:
                forms.setdefault(form.key, form)
        for link in _links(html):
            if link not in seen:
                seen.add(link)
                queue.append(link)
    return sorted(forms.values(), key=lambda f: (bool(LAST.search(f.action)), f.action))


def _values(form: Form) -> st.SearchStrategy[dict[str, Any]]:
    """The page's own values, each kept or replaced by an edge case."""
    parts: dict[str, st.SearchStrategy[Any]] = {}
    for name, known in form.fields.items():
        own = st.sampled_from(known) if known else st.just("")
        parts[name] = st.one_of(own, own, TEXT)
    for name in form.files:
        parts[name] = st.binary(max_size=300).map(lambda data: SimpleUploadedFile("fuzz.csv", data))
    return st.fixed_dictionaries(parts)


@pytest.fixture
def demo() -> DemoData:
    from bcp.demo import demo_load

    return demo_load()


@pytest.mark.parametrize("role", ROLES)
def test_no_form_of_the_demo_plan_answers_a_server_error(demo: dict[str, Any], role: str) -> None:
    client = client_for(demo["users"][role])
    forms = _forms_of_the_demo_plan(client, f"/plans/{demo['plan'].pk}/")
    assert forms, "the walk found no form"
    failures: list[str] = []
    for form in forms:
        try:
            _fuzz_form(client, form)()
        except AssertionError as exc:
            failures.append(str(exc)[:600])
    assert not failures, "\n".join(failures)


def _fuzz_form(client: Client, form: Form) -> Any:
    @FUZZ
    @given(values=_values(form))
    def post(values: dict[str, Any]) -> None:
        if form.method == "post":
            response = client.post(form.action, values, HTTP_HX_REQUEST="true")
        else:
            plain = {k: v for k, v in values.items() if isinstance(v, str)}
            response = client.get(form.action, plain)
        assert response.status_code < 500, (form.method, form.action, values)

    return post


# Path ids the API takes, and the demo record each stands for (the first of its kind), so
# record operations reach real records; plan_pk is always the demo plan.
RECORD_IDS = {
    "/sites/": "inventory.Site",
    "/components/": "inventory.Component",
    "/groups/": "inventory.RedundancyGroup",
    "/dependencies/": "inventory.Dependency",
    "/people/": "inventory.Person",
    "/suppliers/": "inventory.Supplier",
    "/person-needs/": "inventory.PersonDependency",
    "/supplier-needs/": "inventory.SupplierDependency",
}


def _demo_ids(plan: Any) -> dict[str, int]:
    from django.apps import apps

    from bia.models import Assessment

    ids = {}
    for marker, label in RECORD_IDS.items():
        first = apps.get_model(label).objects.filter(plan=plan).order_by("pk").first()
        ids[marker] = first.pk if first else 0
    assessment = Assessment.objects.filter(plan=plan, is_current=True).order_by("pk").first()
    ids["assessment_pk"] = assessment.pk if assessment else 0
    return ids


def _aim_at_the_demo(case: Any, plan: int, ids: dict[str, int]) -> None:
    parameters = case.path_parameters or {}
    if "plan_pk" in parameters:
        parameters["plan_pk"] = plan
    if "assessment_pk" in parameters:
        parameters["assessment_pk"] = ids["assessment_pk"]
    if "id" in parameters:
        marker = next((m for m in RECORD_IDS if m in case.operation.path), "")
        parameters["id"] = ids.get(marker, parameters["id"])


@pytest.mark.parametrize("role", ROLES)
def test_no_api_operation_answers_a_server_error(demo: dict[str, Any], role: str) -> None:
    """Every operation, writes included, as each role with a read-write token.

    Each call goes through the WSGI app; a 5xx, or a response whose body does not match
    the schema for its status and media type, fails the test.
    """
    import schemathesis
    from django.core.signals import request_finished, request_started
    from django.core.wsgi import get_wsgi_application
    from django.db import close_old_connections
    from drf_spectacular.generators import SchemaGenerator

    schema = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True))
    schema.app = get_wsgi_application()
    # As Django's test client does: the end of a request must not close the connection
    # that holds the test's transaction.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        _fuzz_every_operation(schema, demo, role)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _fuzz_every_operation(schema: Any, demo: dict[str, Any], role: str) -> None:
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import response_schema_conformance

    from tests.conftest import bearer_secret

    headers = {"Authorization": f"Bearer {bearer_secret(demo['users'][role])}"}
    plan = demo["plan"].pk
    ids = _demo_ids(demo["plan"])
    failures: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert operations
    writes = [op for op in operations if op.method.upper() in ("POST", "PUT", "PATCH")]
    assert writes, "the schema has no write operation"
    for operation in operations:

        @API_FUZZ
        @given(case=operation.as_strategy())
        def call(case: Any) -> None:
            _aim_at_the_demo(case, plan, ids)
            response = case.call(headers=headers)
            case.validate_response(
                response, checks=[not_a_server_error, response_schema_conformance]
            )
            if response.status_code >= 400:
                content_type = response.headers.get("content-type", [""])[0]
                assert "json" in content_type, (case.method, case.formatted_path, content_type)

        try:
            call()
        except Exception as exc:  # every failure is collected, then reported
            failures.append(f"{operation.method.upper()} {operation.path}: {str(exc)[:600]}")
    assert not failures, "\n".join(failures)
