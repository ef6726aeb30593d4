from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from bcp.models import Plan, Role
from tests.conftest import PlanPeople, client_for
from tests.documents.factories import PlanVersionFactory
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def _portfolio(user: Any) -> Any:
    return client_for(user).get(reverse("api_portfolio"))


def test_the_portfolio_api_gives_each_visible_plans_readiness(people: PlanPeople) -> None:
    PlanVersionFactory.create(plan=people.plan, number=1)
    response = _portfolio(people.auditor)
    assert response.status_code == 200
    [row] = response.json()
    assert row == {
        "id": people.plan.pk,
        "name": people.plan.name,
        "bia_reviewed": 0,
        "bia_total": 0,
        "analysis_stale": None,
        "gaps_open": {"critical": None, "high": None},
        "next_review": people.plan.next_review.isoformat(),
        "signoff_state": "published",
        "signoff_label": "Published",
    }


def test_the_portfolio_api_leaves_out_plans_the_caller_is_not_a_member_of(
    people: PlanPeople,
) -> None:
    mine = MembershipFactory.create(user=people.outsider, role=Role.AUDITOR).plan
    ids = {row["id"] for row in _portfolio(people.outsider).json()}
    assert mine.pk in ids and people.plan.pk not in ids
    assert ids == set(
        Plan.objects.filter(memberships__user=people.outsider).values_list("pk", flat=True)
    )


def test_the_portfolio_api_refuses_an_anonymous_caller_with_a_problem(db: None) -> None:
    response = _portfolio(None)
    assert response.status_code in (401, 403)
    assert response["Content-Type"] == "application/problem+json"
