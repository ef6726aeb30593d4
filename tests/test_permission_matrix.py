"""Walk every plan URL as every role, a non-member and an anonymous visitor."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from bcp.permissions import ROLE_CAPABILITIES
from tests.conftest import PlanPeople, client_for
from tests.permission_cases import CASES, UrlCase

TESTS = Path(__file__).resolve().parent


def _all_cases() -> list[UrlCase]:
    cases = list(CASES)
    for path in sorted(TESTS.glob("*/permission_cases.py")):
        module = importlib.import_module(f"tests.{path.parent.name}.permission_cases")
        cases.extend(module.CASES)
    return cases


ALL_CASES = _all_cases()


def _plan_url_names() -> set[str]:
    names: set[str] = set()

    def walk(patterns: list[Any], prefix: str) -> None:
        for entry in patterns:
            route = prefix + str(entry.pattern)
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, route)
            elif (
                isinstance(entry, URLPattern)
                and entry.name
                and "<int:plan_pk>" in route
                and not route.startswith("api/")
            ):
                names.add(entry.name)

    walk(get_resolver().url_patterns, "")
    return names


def test_every_plan_url_has_a_permission_case() -> None:
    missing = _plan_url_names() - {case.name for case in ALL_CASES}
    assert not missing, f"URLs without a permission-matrix case: {sorted(missing)}"


def _request(client: Any, case: UrlCase, url: str) -> Any:
    if case.method == "post":
        return client.post(url, case.data)
    return client.get(url)


@pytest.mark.django_db
@pytest.mark.parametrize("case", ALL_CASES, ids=lambda c: c.name)
@pytest.mark.parametrize("who", ["anonymous", "outsider", "manager", "stakeholder", "auditor"])
def test_permission_matrix(people: PlanPeople, case: UrlCase, who: str) -> None:
    url = reverse(case.name, kwargs={"plan_pk": people.plan.pk, **case.kwargs(people)})
    user = None if who == "anonymous" else people.user_for(who)
    response = _request(client_for(user), case, url)
    if who == "anonymous":
        assert response.status_code == 302, (url, response.status_code)
        assert response["Location"].startswith(reverse("login"))
        return
    if who == "outsider":
        assert response.status_code == 403, (url, response.status_code)
        return
    allowed = case.capability in ROLE_CAPABILITIES[who]
    if who == "stakeholder" and case.stakeholder_allowed is not None:
        allowed = case.stakeholder_allowed
    if allowed:
        assert response.status_code in (200, 201, 204, 302, 400), (url, who, response.status_code)
    else:
        assert response.status_code == 403, (url, who, response.status_code)


@pytest.mark.django_db
def test_unknown_plan_is_a_404_page(manager_client: Any) -> None:
    response = manager_client.get(reverse("plan_detail", kwargs={"plan_pk": 999999}))
    assert response.status_code == 404
    assert b"Nothing here" in response.content
