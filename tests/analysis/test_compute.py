"""The engine run over the demo plan's real inventory (database in, JSON out)."""

from __future__ import annotations

from typing import Any

import pytest

from analysis.compute import analyse_plan
from analysis.engine import ImpactAssessment
from analysis.inputs import inputs_hash, load_inputs
from inventory.graph import function_key
from tests.analysis.conftest import printing_function

pytestmark = pytest.mark.django_db

# Printing stops mattering fast in term time: major operational impact at 4 h.
ASSESSMENT = ImpactAssessment(
    horizons_hours=(1, 4, 24, 72, 168),
    impacts={"operational": (1, 3, 4, 4, 4), "financial": (0, 1, 2, 3, 4)},
    threshold=3,
    work_recovery_hours=0.5,
    data_loss_tolerance_hours=1.0,
)


def _inputs_with_bia(demo: dict[str, Any]) -> tuple[Any, str]:
    plan = demo["plan"]
    inputs = load_inputs(plan)
    key = function_key(printing_function(plan).pk)
    inputs.assessments[key] = ASSESSMENT
    return inputs, key


def test_shared_san_is_a_hidden_single_point_of_failure_of_printing(
    demo: dict[str, Any],
) -> None:
    inputs, key = _inputs_with_bia(demo)
    results = analyse_plan(inputs)
    spofs = results["functions"][key]["achievable"]["single_points_of_failure"]
    assert "Head office SAN" in spofs


def test_san_is_ranked_among_the_spofs_that_stop_printing(demo: dict[str, Any]) -> None:
    inputs, _ = _inputs_with_bia(demo)
    ranking = analyse_plan(inputs)["spof_ranking"]
    san = next(row for row in ranking if row["name"] == "Head office SAN")
    assert printing_function(demo["plan"]).name in san["functions"]


def test_roadmap_offers_an_option_that_removes_the_san_spof(demo: dict[str, Any]) -> None:
    inputs, key = _inputs_with_bia(demo)
    entry = analyse_plan(inputs)["functions"][key]
    san_gaps = [
        g for g in entry["gaps"] if g["kind"] == "spof" and g["element"] == "Head office SAN"
    ]
    assert san_gaps, [g["element"] for g in entry["gaps"]]
    options = san_gaps[0]["options"]
    assert any("Head office SAN" not in o["spofs_after"] for o in options)


def test_function_without_a_bia_says_what_is_missing(demo: dict[str, Any]) -> None:
    inputs = load_inputs(demo["plan"])
    key = function_key(printing_function(demo["plan"]).pk)
    inputs.assessments[key] = None
    entry = analyse_plan(inputs, only=key)["functions"][key]
    assert entry["required"] is None
    assert any("BIA" in item for item in entry["missing"])
    assert entry["availability"] is not None  # the inventory side is still analysed


def test_function_without_dependencies_cannot_be_recommended(demo: dict[str, Any]) -> None:
    from bia.models import BusinessFunction

    lonely = BusinessFunction.objects.create(plan=demo["plan"], name="Poster printing")
    inputs = load_inputs(demo["plan"])
    key = function_key(lonely.pk)
    inputs.assessments[key] = ASSESSMENT
    entry = analyse_plan(inputs, only=key)["functions"][key]
    assert entry["availability"] is None
    assert "dependencies on inventory components" in entry["missing"]


def test_required_objectives_carry_their_reasoning(demo: dict[str, Any]) -> None:
    inputs, key = _inputs_with_bia(demo)
    required = analyse_plan(inputs, only=key)["functions"][key]["required"]
    assert required["mtpd_hours"] == 4
    assert required["rto_hours"] < required["mtpd_hours"]
    assert any("CISSP" in line for line in required["reasoning"])


def test_shared_component_inherits_the_strictest_objective_and_names_its_function(
    demo: dict[str, Any],
) -> None:
    inputs, _ = _inputs_with_bia(demo)
    results = analyse_plan(inputs)
    san = next(
        item
        for item in results["inherited_objectives"].values()
        if item["name"] == "Head office SAN"
    )
    assert san["rto_set_by"] == printing_function(demo["plan"]).name


def test_inputs_hash_changes_when_the_inventory_changes(demo: dict[str, Any]) -> None:
    from inventory.models import Component
    from inventory.services import component_update

    plan = demo["plan"]
    before = inputs_hash(load_inputs(plan))
    san = Component.objects.get(plan=plan, name="Head office SAN")
    component_update(
        component=san,
        user=demo["users"]["manager"],
        expected_version=san.version,
        values={"restore_hours": 12.0},
        reason="New restore test result",
    )
    assert inputs_hash(load_inputs(plan)) != before


def test_inputs_hash_is_stable_when_nothing_changes(demo: dict[str, Any]) -> None:
    plan = demo["plan"]
    assert inputs_hash(load_inputs(plan)) == inputs_hash(load_inputs(plan))


def test_settings_change_the_year_used_for_downtime(demo: dict[str, Any]) -> None:
    from analysis.services import analysis_settings_for, analysis_settings_update

    plan = demo["plan"]
    current = analysis_settings_for(plan=plan)
    analysis_settings_update(
        plan=plan,
        user=demo["users"]["manager"],
        expected_version=current.version,
        year_convention="365",
        reason="Finance reports on 365-day years",
    )
    inputs, key = _inputs_with_bia(demo)
    assert inputs.settings.year_days == 365.0
    entry = analyse_plan(inputs, only=key)["functions"][key]
    unavailability = entry["availability"]["unavailability"]
    assert entry["availability"]["downtime_seconds_per_year"] == pytest.approx(
        unavailability * 365 * 86400
    )


def test_san_is_flagged_as_hidden_behind_the_application_server_pair(
    demo: dict[str, Any],
) -> None:
    inputs, key = _inputs_with_bia(demo)
    hidden = analyse_plan(inputs, only=key)["functions"][key]["hidden_spofs"]
    san = [h for h in hidden if h["name"] == "Head office SAN"]
    assert san, hidden
    assert "server" in san[0]["behind"].lower()


def test_large_plan_runs_grade_gaps_but_defer_ranking_remedies(demo: dict[str, Any]) -> None:
    inputs, key = _inputs_with_bia(demo)
    results = analyse_plan(inputs, rank_remedies=False)
    entry = results["functions"][key]
    assert results["remedies_ranked"] is False
    assert entry["gaps"] and entry["remedies_deferred"] is True
    assert all(not gap["options"] for gap in entry["gaps"])
    assert entry["action_plan"] == []


def test_recomputing_one_function_always_ranks_its_remedies(demo: dict[str, Any]) -> None:
    inputs, key = _inputs_with_bia(demo)
    entry = analyse_plan(inputs, only=key)["functions"][key]
    assert "remedies_deferred" not in entry
    assert any(gap["options"] for gap in entry["gaps"])
