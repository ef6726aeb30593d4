"""The stateless API against independent brute-force enumeration, and its problem details."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from analysis.engine.examples import print_service_topology
from analysis.engine.topology_io import parse_topology, topology_to_dict
from tests.analysis.engine.conftest import brute_force
from tests.conftest import bearer_secret
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def api() -> APIClient:
    client = APIClient()
    client.force_authenticate(UserFactory.create())
    return client


def _c(
    cid: str, a: float, runs_on: tuple[str, ...] = (), site: str | None = None
) -> dict[str, Any]:
    item: dict[str, Any] = {"id": cid, "availability": a, "runs_on": list(runs_on)}
    if site:
        item["site"] = site
    return item


def _print_chain_without_failover() -> dict[str, Any]:
    data: dict[str, Any] = topology_to_dict(print_service_topology())
    for group in data.get("groups", []):  # brute force has no failover windows
        group["failover_seconds"] = 0
    return data


CASES: dict[str, dict[str, Any]] = {
    "series": {
        "components": [_c("lb", 0.9995), _c("app", 0.999), _c("db", 0.9999)],
        "services": [{"id": "svc", "requires": ["lb", "app", "db"]}],
    },
    "parallel": {
        "components": [_c("a", 0.99), _c("b", 0.95)],
        "groups": [{"id": "g", "mode": "active_active", "k": 1, "members": ["a", "b"]}],
        "services": [{"id": "svc", "requires": ["g"]}],
    },
    "two_of_three_non_identical": {
        "components": [_c("m1", 0.9), _c("m2", 0.95), _c("m3", 0.99)],
        "groups": [{"id": "g", "mode": "active_active", "k": 2, "members": ["m1", "m2", "m3"]}],
        "services": [{"id": "svc", "requires": ["g"]}],
    },
    "bridge": {
        # Paths a-d, b-e, a-c-e, b-c-d between source and sink: the classic bridge.
        "components": [_c("a", 0.9), _c("b", 0.8), _c("c", 0.95), _c("d", 0.85), _c("e", 0.7)],
        "services": [
            {"id": "p1", "requires": ["a", "d"]},
            {"id": "p2", "requires": ["b", "e"]},
            {"id": "p3", "requires": ["a", "c", "e"]},
            {"id": "p4", "requires": ["b", "c", "d"]},
        ],
        "groups": [
            {"id": "any_path", "mode": "active_active", "k": 1, "members": ["p1", "p2", "p3", "p4"]}
        ],
    },
    "shared_san": {
        "components": [
            _c("san", 0.999),
            _c("app1", 0.99, ("san",)),
            _c("app2", 0.99, ("san",)),
        ],
        "groups": [{"id": "pair", "mode": "active_active", "k": 1, "members": ["app1", "app2"]}],
        "services": [{"id": "printing", "requires": ["pair"]}],
    },
    "shared_site": {
        "sites": [{"id": "dc", "availability": 0.9995}],
        "components": [_c("s1", 0.99, site="dc"), _c("s2", 0.99, site="dc")],
        "groups": [{"id": "pair", "mode": "active_active", "k": 1, "members": ["s1", "s2"]}],
        "services": [{"id": "svc", "requires": ["pair"]}],
    },
    "nested_groups": {
        "components": [_c("a", 0.9), _c("b", 0.9), _c("c", 0.8), _c("d", 0.85)],
        "groups": [
            {"id": "inner", "mode": "active_active", "k": 1, "members": ["a", "b"]},
            {"id": "outer", "mode": "active_active", "k": 2, "members": ["inner", "c", "d"]},
        ],
        "services": [{"id": "svc", "requires": ["outer"]}],
    },
    "print_chain": _print_chain_without_failover(),
}


def _bridge_service(data: dict[str, Any]) -> dict[str, Any]:
    data = copy.deepcopy(data)
    data["services"].append({"id": "bridge", "requires": ["any_path"]})
    return data


CASES["bridge"] = _bridge_service(CASES["bridge"])


@pytest.mark.parametrize("name", sorted(CASES))
def test_api_availability_equals_brute_force(api: APIClient, name: str) -> None:
    data = CASES[name]
    response = api.post(reverse("api_availability"), data, format="json")
    assert response.status_code == 200, response.content
    topology = parse_topology(data)
    for service in response.json()["services"]:
        truth = brute_force(topology, service["id"])
        assert service["method"] == "exact_bdd"
        assert service["availability"] == pytest.approx(truth.availability, abs=1e-12)
        assert set(service["single_points_of_failure"]) == set(truth.spofs)
        for item in service["importance"]:
            assert item["birnbaum"] == pytest.approx(truth.birnbaum[item["id"]], abs=1e-12)


def test_shared_san_is_reported_as_the_single_point_of_failure(api: APIClient) -> None:
    response = api.post(reverse("api_availability"), CASES["shared_san"], format="json")
    service = response.json()["services"][0]
    assert service["single_points_of_failure"] == ["san"]
    assert service["downtime_seconds_per_year"] == pytest.approx(
        (1 - service["availability"]) * 365.2425 * 86400
    )


def test_monte_carlo_on_request_states_method_seed_and_interval(api: APIClient) -> None:
    data = {**CASES["shared_san"], "method": "monte_carlo", "samples": 20000, "seed": 7}
    service = api.post(reverse("api_availability"), data, format="json").json()["services"][0]
    assert service["method"] == "monte_carlo"
    assert service["seed"] == 7 and service["samples"] == 20000
    interval = service["confidence_interval_95"]
    assert interval["low"] <= service["availability"] <= interval["high"]


@pytest.mark.parametrize(
    ("mutation", "code"),
    [
        (lambda d: d["services"][0]["requires"].append("ghost"), "unknown_id"),
        (lambda d: d["components"].append(_c("app1", 0.5)), "duplicate_id"),
        (lambda d: d["groups"][0].update(k=3), "k_greater_than_n"),
        (lambda d: d["components"][0].update(availability=1.5), "availability_out_of_range"),
        (lambda d: d["components"][0].update(runs_on=["app1"]), "cycle"),
    ],
    ids=["unknown id", "duplicate id", "k > n", "availability > 1", "cycle"],
)
def test_bad_topology_is_a_problem_details_400_naming_the_problem(
    api: APIClient, mutation: Any, code: str
) -> None:
    data = copy.deepcopy(CASES["shared_san"])
    mutation(data)
    response = api.post(reverse("api_availability"), data, format="json")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
    body = response.json()
    assert body["code"] == code
    assert body["status"] == 400 and body["title"] and body["detail"]


def test_cycle_problem_names_the_cycle(api: APIClient) -> None:
    data = copy.deepcopy(CASES["shared_san"])
    data["components"][0]["runs_on"] = ["app1"]
    detail = api.post(reverse("api_availability"), data, format="json").json()["detail"]
    assert "san" in detail and "app1" in detail


def test_budget_for_99_95_percent_over_a_365_day_year(api: APIClient) -> None:
    response = api.get(reverse("api_budget"), {"availability": "99.95", "year_days": "365"})
    assert response.status_code == 200
    year = response.json()["periods"]["year"]
    assert year["downtime_seconds"] == pytest.approx(0.0005 * 365 * 86400)
    assert year["downtime_whole_seconds"] == 15768


@pytest.mark.parametrize(
    "params",
    [
        {"availability": "101"},
        {"availability": "abc"},
        {},
        {"availability": "99", "year_days": "360"},
    ],
)
def test_bad_budget_query_is_a_problem_details_400(api: APIClient, params: dict[str, str]) -> None:
    response = api.get(reverse("api_budget"), params)
    assert response.status_code == 400
    assert response.json()["status"] == 400


def test_api_accepts_token_authentication() -> None:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {bearer_secret(UserFactory.create())}")
    response = client.get(reverse("api_budget"), {"availability": "99.9"})
    assert response.status_code == 200


def test_api_refuses_anonymous_callers_with_problem_details() -> None:
    response = APIClient().get(reverse("api_budget"), {"availability": "99.9"})
    assert response.status_code in (401, 403)
    assert response["Content-Type"].startswith("application/problem+json")


def test_openapi_schema_documents_both_endpoints(api: APIClient) -> None:
    schema = api.get(reverse("api_schema"), {"format": "json"}).content.decode()
    assert "/api/v1/analysis/availability" in schema and "/api/v1/analysis/budget" in schema


def test_api_docs_page_uses_no_external_assets() -> None:
    from tests.conftest import client_for

    response = client_for(UserFactory.create()).get(reverse("api_docs"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Continuity API reference" in body
    assert "https://" not in body and "http://" not in body.replace("http://testserver", "")


def _adversarial(pairs: int) -> dict[str, Any]:
    """(x1 ∧ y1) ∨ … ∨ (xn ∧ yn) with every x compiled before any y: its decision diagram
    doubles with each pair (about 2^(n+1) nodes)."""
    xs = [_c(f"x{i}", 0.9) for i in range(pairs)]
    ys = [_c(f"y{i}", 0.9) for i in range(pairs)]
    ps = [_c(f"p{i}", 0.99, (f"x{i}", f"y{i}")) for i in range(pairs)]
    return {
        "components": [*xs, _c("z", 0.5), *ys, *ps],
        "groups": [
            {"id": "a", "mode": "active_active", "k": 1, "members": [*(x["id"] for x in xs), "z"]},
            {"id": "b", "mode": "active_active", "k": 1, "members": [p["id"] for p in ps]},
        ],
        "services": [{"id": "svc", "requires": ["a", "b"]}],
    }


def test_exact_past_the_node_budget_is_a_422_naming_the_limit(api: APIClient) -> None:
    from analysis.api import NODE_LIMIT

    body = {**_adversarial(18), "method": "exact"}
    response = api.post(reverse("api_availability"), body, format="json")
    assert response.status_code == 422
    problem = response.json()
    assert problem["node_limit"] == NODE_LIMIT and problem["service"] == "svc"
    assert f"{NODE_LIMIT:,}" in problem["detail"]


def test_auto_past_the_node_budget_is_a_monte_carlo_estimate_that_says_so(api: APIClient) -> None:
    body = {**_adversarial(18), "method": "auto", "samples": 20_000}
    response = api.post(reverse("api_availability"), body, format="json")
    assert response.status_code == 200
    [service] = response.json()["services"]
    assert service["method"] == "monte_carlo"
    assert service["confidence_interval_95"] is not None
    assert any("node limit" in note for note in service["notes"])


def test_a_body_over_the_size_limit_is_a_413_problem(api: APIClient) -> None:
    from analysis.api import MAX_BODY_BYTES

    components = [_c(f"c{i:06d}", 0.99) for i in range(MAX_BODY_BYTES // 40)]
    body = {"components": components, "services": [{"id": "s", "requires": ["c000000"]}]}
    response = api.post(reverse("api_availability"), body, format="json")
    assert response.status_code == 413
    assert response["Content-Type"] == "application/problem+json"


def test_too_much_monte_carlo_work_is_a_422_problem(api: APIClient) -> None:
    components = [_c(f"c{i}", 0.99) for i in range(600)]
    body = {
        "components": components,
        "services": [{"id": "s", "requires": [c["id"] for c in components]}],
        "method": "monte_carlo",
        "samples": 2_000_000,
    }
    response = api.post(reverse("api_availability"), body, format="json")
    assert response.status_code == 422
    assert response.json()["sample_work_limit"] > 0
