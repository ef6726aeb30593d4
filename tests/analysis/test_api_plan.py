"""The plan analysis API: runs, jobs, results and what-if, with plan permissions and bounds."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from analysis.api_limits import AnalysisThrottle
from analysis.services import analysis_run_execute, analysis_run_start
from bcp.jobs import run_job
from bia.models import BusinessFunction
from tests.analysis.conftest import printing_function
from tests.conftest import PlanPeople

pytestmark = pytest.mark.django_db

ROLES = ("manager", "stakeholder", "auditor", "outsider")


def _api(user: Any | None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def _analysed(people: PlanPeople) -> BusinessFunction:
    """A plan with one function (no dependencies yet) and a finished analysis."""
    function = BusinessFunction.objects.create(plan=people.plan, name="Printing")
    run = analysis_run_start(plan=people.plan, user=people.manager)
    outcome = run_job(str(run.job_id), lambda job, p: analysis_run_execute(job=job, progress=p))
    assert outcome == "succeeded"
    return function


def _urls(people: PlanPeople, function: BusinessFunction) -> dict[str, str]:
    plan = {"plan_pk": people.plan.pk}
    one = {**plan, "function_pk": function.pk}
    return {
        "overview": reverse("api_analysis_overview", kwargs=plan),
        "function": reverse("api_analysis_function", kwargs=one),
        "what_if": reverse("api_analysis_what_if", kwargs=one),
        "runs": reverse("api_analysis_runs", kwargs=plan),
    }


@pytest.mark.parametrize("who", ROLES)
def test_reading_results_needs_the_view_capability(people: PlanPeople, who: str) -> None:
    urls = _urls(people, _analysed(people))
    client = _api(people.user_for(who))
    expected = 403 if who == "outsider" else 200
    assert client.get(urls["overview"]).status_code == expected
    assert client.get(urls["function"]).status_code == expected
    response = client.post(
        urls["what_if"],
        {"changes": [{"type": "add_site", "name": "Recovery site"}]},
        format="json",
    )
    assert response.status_code == expected, response.content


@pytest.mark.parametrize("who", ROLES)
def test_starting_a_run_needs_the_edit_capability(people: PlanPeople, who: str) -> None:
    urls = _urls(people, _analysed(people))
    response = _api(people.user_for(who)).post(urls["runs"], {}, format="json")
    assert response.status_code == (202 if who == "manager" else 403)


def test_anonymous_callers_get_a_problem_and_no_data(people: PlanPeople) -> None:
    urls = _urls(people, _analysed(people))
    response = _api(None).get(urls["overview"])
    assert response.status_code in (401, 403)
    assert response["Content-Type"] == "application/problem+json"


def test_a_started_run_is_followed_through_the_jobs_endpoint(people: PlanPeople) -> None:
    urls = _urls(people, _analysed(people))
    started = _api(people.manager).post(urls["runs"], {}, format="json").json()
    job_url = reverse("api_job", kwargs={"job_pk": started["job"]["id"]})
    assert started["job"]["url"].endswith(job_url)
    body = _api(people.auditor).get(job_url).json()
    assert body["status"] in ("queued", "running", "succeeded", "could_not_queue")
    assert 0 <= body["progress"] <= 100
    assert _api(people.outsider).get(job_url).status_code == 403


def test_a_run_of_a_function_of_another_plan_is_refused(people: PlanPeople) -> None:
    urls = _urls(people, _analysed(people))
    other = BusinessFunction.objects.create(plan=people.outsider.memberships.get().plan, name="X")
    response = _api(people.manager).post(urls["runs"], {"function": other.pk}, format="json")
    assert response.status_code == 404


def test_a_function_without_dependencies_is_not_reported_as_having_no_spofs(
    people: PlanPeople,
) -> None:
    urls = _urls(people, _analysed(people))
    body = _api(people.auditor).get(urls["function"]).json()
    assert body["status"] == "no_dependencies" and body["achievable"] is None
    assert body["stale"] is False and body["run"]["scope"] == "plan"
    overview = _api(people.auditor).get(urls["overview"]).json()
    assert overview["coverage"]["no_gaps"] is False
    assert overview["functions"][0]["status"] == "no_dependencies"


def test_a_plan_without_a_run_answers_not_found_in_words(people: PlanPeople) -> None:
    response = _api(people.manager).get(
        reverse("api_analysis_overview", kwargs={"plan_pk": people.plan.pk})
    )
    assert response.status_code == 404
    assert "start one" in response.json()["detail"]


def test_what_if_with_an_element_of_another_plan_is_a_422_naming_it(people: PlanPeople) -> None:
    from tests.inventory.factories import ComponentFactory

    urls = _urls(people, _analysed(people))
    foreign = ComponentFactory.create()
    response = _api(people.manager).post(
        urls["what_if"],
        {"changes": [{"type": "remove_component", "component": foreign.pk}]},
        format="json",
    )
    assert response.status_code == 422
    assert response.json()["path"] == "changes[0].component"


def test_what_if_with_a_malformed_change_is_a_400_problem(people: PlanPeople) -> None:
    urls = _urls(people, _analysed(people))
    response = _api(people.manager).post(
        urls["what_if"], {"changes": [{"type": "paint_it_blue"}]}, format="json"
    )
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"


def test_what_if_bodies_over_the_limit_are_a_413_problem(people: PlanPeople) -> None:
    urls = _urls(people, _analysed(people))
    padding = "x" * (70 * 1024)
    response = _api(people.manager).post(
        urls["what_if"],
        data=json.dumps({"changes": [{"type": "add_site", "name": padding}]}),
        content_type="application/json",
    )
    assert response.status_code == 413
    assert response.json()["limit_bytes"] == 64 * 1024


def test_what_if_callers_are_throttled_with_a_429_problem(
    people: PlanPeople, monkeypatch: pytest.MonkeyPatch
) -> None:
    urls = _urls(people, _analysed(people))
    rates = {**AnalysisThrottle.THROTTLE_RATES, "analysis": "2/min"}
    monkeypatch.setattr(AnalysisThrottle, "THROTTLE_RATES", rates)
    client = _api(people.auditor)
    body = {"changes": [{"type": "add_site", "name": "Recovery site"}]}
    codes = [client.post(urls["what_if"], body, format="json").status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    throttled = client.post(urls["what_if"], body, format="json")
    assert throttled["Content-Type"] == "application/problem+json"
    assert throttled.json()["title"] == "Too many requests"


def test_the_demo_function_gives_required_achievable_and_proven_gaps(
    demo: dict[str, Any],
) -> None:
    plan = demo["plan"]
    function = printing_function(plan)
    body = (
        _api(demo["users"]["auditor"])
        .get(
            reverse(
                "api_analysis_function", kwargs={"plan_pk": plan.pk, "function_pk": function.pk}
            )
        )
        .json()
    )
    assert set(body["required"]) >= {"availability", "rto_hours", "rpo_hours"}
    assert 0 < body["achievable"]["availability"] < 1
    assert "Head office SAN" in body["achievable"]["single_points_of_failure"]
    san = next(
        g for g in body["gaps"] if g["measure"] == "spof" and g["element"] == "Head office SAN"
    )
    option = san["options"][0]
    assert option["closes_gap"] and option["gap_closed_percent"] == 100
    assert "Head office SAN" not in option["after"]["single_points_of_failure"]
    assert set(option["after"]) >= {
        "availability",
        "rto_hours",
        "rpo_hours",
        "single_points_of_failure",
    }


def test_the_demo_what_if_for_hourly_backups_shows_the_rpo_change(demo: dict[str, Any]) -> None:
    from inventory.models import Component

    plan = demo["plan"]
    function = printing_function(plan)
    san = Component.objects.get(plan=plan, name="Head office SAN")
    response = _api(demo["users"]["stakeholder"]).post(
        reverse("api_analysis_what_if", kwargs={"plan_pk": plan.pk, "function_pk": function.pk}),
        {"changes": [{"type": "set_backup_interval", "component": san.pk, "hours": 1}]},
        format="json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["before"]["rpo_hours"], body["after"]["rpo_hours"]) == (24.0, 1.0)
    assert body["after"]["availability"] == body["before"]["availability"]
    assert body["changes"] == ["back up Head office SAN every 1 h"]
