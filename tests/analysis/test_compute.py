"""The engine run over the demo plan's real inventory (database in, declared results out)."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from analysis.compute import analyse_plan
from analysis.engine.objectives import ImpactAssessment
from analysis.inputs import AgreedInput, AnalysisInputs, inputs_hash, load_inputs
from analysis.results import FunctionResult, PlanResults, function_result
from inventory.graph import function_key
from tests.analysis.conftest import printing_function, settings_change
from tests.factories import component_edit

pytestmark = pytest.mark.django_db

# Printing stops mattering fast in term time: major operational impact at 4 h.
ASSESSMENT = ImpactAssessment(
    horizons_hours=(1, 4, 24, 72, 168),
    impacts={"operational": (1, 3, 4, 4, 4), "financial": (0, 1, 2, 3, 4)},
    threshold=3,
    work_recovery_hours=0.5,
    data_loss_tolerance_hours=1.0,
)


def _new_san_restore_time(demo: dict[str, Any]) -> None:
    component_edit(
        demo["plan"],
        "Head office SAN",
        demo["users"]["manager"],
        reason="New restore test result",
        restore_hours=12.0,
    )


def _inputs_with_bia(demo: dict[str, Any]) -> tuple[AnalysisInputs, str]:
    plan = demo["plan"]
    inputs = load_inputs(plan)
    key = function_key(printing_function(plan).pk)
    inputs.assessments[key] = ASSESSMENT
    return inputs, key


def _entry(results: PlanResults, key: str) -> FunctionResult:
    entry = next((e for e in results["functions"] if e["key"] == key), None)
    assert entry is not None
    return entry


def test_shared_san_is_a_single_point_of_failure_of_printing(demo: dict[str, Any]) -> None:
    inputs, key = _inputs_with_bia(demo)
    achievable = _entry(analyse_plan(inputs).results, key)["achievable"]
    assert achievable is not None
    assert "Head office SAN" in achievable["single_points_of_failure"]


def test_san_is_ranked_among_the_spofs_that_stop_printing(demo: dict[str, Any]) -> None:
    inputs, _ = _inputs_with_bia(demo)
    ranking = analyse_plan(inputs).results["spof_ranking"]
    san = next(row for row in ranking if row["element"] == "Head office SAN")
    assert printing_function(demo["plan"]).name in san["functions"]
    assert san["hidden_behind"] == ["Application server pair"]


def test_the_san_gap_has_a_roadmap_step_that_removes_the_san_spof(demo: dict[str, Any]) -> None:
    inputs, key = _inputs_with_bia(demo)
    entry = _entry(analyse_plan(inputs).results, key)
    step = next(
        s for s in entry["roadmap"] if s["measure"] == "spof" and s["element"] == "Head office SAN"
    )
    assert step["after"] is not None and step["closes_gap"]
    assert "Head office SAN" in step["before"]["single_points_of_failure"]
    assert "Head office SAN" not in step["after"]["single_points_of_failure"]


def test_every_option_percentage_agrees_with_its_after_figures(demo: dict[str, Any]) -> None:
    inputs, key = _inputs_with_bia(demo)
    entry = _entry(analyse_plan(inputs).results, key)
    assert entry["gaps"]
    for gap in entry["gaps"]:
        for option in gap["options"]:
            after, required = option["after"], gap["required"]
            assert (required is None) == (gap["measure"] == "spof")
            if gap["measure"] == "spof":
                met = gap["element"] not in after["single_points_of_failure"]
            elif required is None:
                raise AssertionError(gap)
            elif gap["measure"] == "rto":
                met = after["rto_hours"] is not None and after["rto_hours"] <= required
            elif gap["measure"] == "rpo":
                met = after["rpo_hours"] is not None and after["rpo_hours"] <= required
            else:
                met = after["availability"] >= required
            assert option["closes_gap"] == met, (gap["id"], option["technique"])
            assert (option["gap_closed_percent"] == 100) == met


def test_site_techniques_are_offered_only_for_sites(demo: dict[str, Any]) -> None:
    inputs, key = _inputs_with_bia(demo)
    entry = _entry(analyse_plan(inputs).results, key)
    for gap in entry["gaps"]:
        for option in gap["options"]:
            site_technique = option["technique_key"] in ("hot-site", "warm-site", "cold-site")
            assert site_technique == (option["target_kind"] == "site"), option


def test_function_without_a_bia_is_not_assessed_and_says_what_is_missing(
    demo: dict[str, Any],
) -> None:
    inputs = load_inputs(demo["plan"])
    key = function_key(printing_function(demo["plan"]).pk)
    inputs.assessments[key] = None
    entry = _entry(analyse_plan(inputs, only=key).results, key)
    assert entry["required"] is None and entry["status"] == "not_assessed"
    assert any("BIA" in item for item in entry["missing"])
    assert entry["achievable"] is not None  # the inventory side is still analysed
    assert entry["gaps"] == []


def test_function_without_dependencies_is_not_said_to_have_no_spofs(demo: dict[str, Any]) -> None:
    from bia.models import BusinessFunction

    lonely = BusinessFunction.objects.create(plan=demo["plan"], name="Poster printing")
    inputs = load_inputs(demo["plan"])
    key = function_key(lonely.pk)
    inputs.assessments[key] = ASSESSMENT
    results = analyse_plan(inputs, only=key).results
    entry = _entry(results, key)
    assert entry["status"] == "no_dependencies" and entry["achievable"] is None
    assert "dependencies on inventory components" in entry["missing"]
    assert results["coverage"]["no_dependencies"][0]["pk"] == lonely.pk
    assert results["coverage"]["no_gaps"] is False


def test_no_gaps_is_claimed_only_when_every_function_is_assessed(demo: dict[str, Any]) -> None:
    inputs, _ = _inputs_with_bia(demo)
    coverage = analyse_plan(inputs).results["coverage"]
    assert coverage["assessed"] < coverage["functions"]
    assert coverage["no_gaps"] is False
    assert len(coverage["not_assessed"]) + coverage["assessed"] == coverage["functions"]


def test_required_objectives_carry_their_reasoning(demo: dict[str, Any]) -> None:
    inputs, key = _inputs_with_bia(demo)
    required = _entry(analyse_plan(inputs, only=key).results, key)["required"]
    assert required is not None and required["derived"] is not None
    assert required["mtpd_hours"] == 4
    assert required["rto_hours"] is not None and required["rto_hours"] < 4
    assert required["rto_source"] == "derived"
    assert any("CISSP" in line for line in required["derived"]["reasoning"])


def test_an_agreed_rto_replaces_the_derived_one_and_gaps_say_so(demo: dict[str, Any]) -> None:
    inputs, key = _inputs_with_bia(demo)
    inputs.agreed[key] = AgreedInput(
        rto_hours=200.0,
        rpo_hours=None,
        availability=None,
        reason="The board accepts a week without printing",
        agreed_by="Maya Manager",
        agreed_at="2026-01-01T00:00:00+00:00",
    )
    entry = _entry(analyse_plan(inputs, only=key).results, key)
    required = entry["required"]
    assert required is not None and required["derived"] is not None
    assert (required["rto_hours"], required["rto_source"]) == (200.0, "agreed")
    assert required["derived"]["rto_hours"] != 200.0
    assert required["rpo_source"] == "derived"
    assert not [g for g in entry["gaps"] if g["measure"] == "rto"]  # 7 d is within 200 h
    assert all("(agreed)" in g["evidence"] for g in entry["gaps"] if g["measure"] == "rto")


def test_shared_component_inherits_the_strictest_objective_and_names_its_function(
    demo: dict[str, Any],
) -> None:
    inputs, _ = _inputs_with_bia(demo)
    inherited = analyse_plan(inputs).results["inherited_objectives"]
    san = next(item for item in inherited if item["element"] == "Head office SAN")
    assert san["rto_set_by"] == printing_function(demo["plan"]).name


def test_inputs_hash_changes_when_the_inventory_changes(demo: dict[str, Any]) -> None:
    plan = demo["plan"]
    before = inputs_hash(load_inputs(plan))
    _new_san_restore_time(demo)
    assert inputs_hash(load_inputs(plan)) != before


def test_inputs_hash_is_stable_when_nothing_changes(demo: dict[str, Any]) -> None:
    plan = demo["plan"]
    assert inputs_hash(load_inputs(plan)) == inputs_hash(load_inputs(plan))


def test_settings_change_the_year_used_for_downtime(demo: dict[str, Any]) -> None:
    settings_change(
        demo["plan"],
        demo["users"]["manager"],
        "Finance reports on 365-day years",
        year_convention="365",
    )
    inputs, key = _inputs_with_bia(demo)
    assert inputs.settings.year_days == 365.0
    results = analyse_plan(inputs, only=key).results
    achievable = _entry(results, key)["achievable"]
    assert achievable is not None and results["context"]["year_days"] == 365.0
    assert achievable["downtime_seconds_per_year"] == pytest.approx(
        (1 - achievable["availability"]) * 365 * 86400, rel=1e-6
    )


def test_under_monte_carlo_the_headline_and_the_gaps_use_the_plans_samples_and_seed(
    demo: dict[str, Any],
) -> None:
    inputs, key = _inputs_with_bia(demo)
    inputs.settings = dataclasses.replace(
        inputs.settings, method="monte_carlo", samples=20_000, seed=7
    )
    entry = _entry(analyse_plan(inputs, only=key).results, key)
    achievable = entry["achievable"]
    assert achievable is not None
    method = achievable["method"]
    assert (method["code"], method["samples"], method["seed"]) == ("monte_carlo", 20_000, 7)
    for gap in entry["gaps"]:
        assert gap["before"]["availability"] == achievable["availability"]
        assert gap["before"]["method"]["seed"] == 7
        for option in gap["options"]:
            assert option["after"]["method"]["samples"] == 20_000


def test_the_san_is_flagged_as_hidden_behind_the_application_server_pair(
    demo: dict[str, Any],
) -> None:
    inputs, key = _inputs_with_bia(demo)
    achievable = _entry(analyse_plan(inputs, only=key).results, key)["achievable"]
    assert achievable is not None
    san = [
        h
        for h in achievable["hidden_single_points_of_failure"]
        if h["element"] == "Head office SAN"
    ]
    assert san and san[0]["behind"] == ["Application server pair"]


def test_large_plan_runs_grade_gaps_but_defer_remedies(demo: dict[str, Any]) -> None:
    inputs, key = _inputs_with_bia(demo)
    results = analyse_plan(inputs, rank_remedies=False).results
    entry = _entry(results, key)
    assert results["remedies_ranked"] is False and entry["remedies_ranked"] is False
    assert entry["gaps"] and all(not gap["options"] for gap in entry["gaps"])
    assert all(gap["plan_of_action"] is None for gap in entry["gaps"])
    assert results["roadmap"] == []


def test_recomputing_one_function_always_ranks_its_remedies(demo: dict[str, Any]) -> None:
    inputs, key = _inputs_with_bia(demo)
    results = analyse_plan(inputs, only=key).results
    assert function_result(results, printing_function(demo["plan"]).pk) is not None
    entry = _entry(results, key)
    assert entry["remedies_ranked"] is True
    assert any(gap["options"] for gap in entry["gaps"])


def test_one_function_loaded_alone_gets_exactly_the_results_of_a_whole_plan_load(
    demo: dict[str, Any],
) -> None:
    from bia.models import BusinessFunction

    plan = demo["plan"]
    whole = load_inputs(plan)
    functions = list(BusinessFunction.objects.filter(plan=plan).order_by("pk"))
    assert functions
    for function in functions:
        key = function_key(function.pk)
        alone = load_inputs(plan, function=function)
        assert alone.function_ids() == [key]
        assert analyse_plan(alone, only=key).results == analyse_plan(whole, only=key).results


def test_one_function_load_reads_only_its_own_part_of_the_inventory(
    demo: dict[str, Any],
) -> None:
    from bia.models import BusinessFunction

    plan = demo["plan"]
    whole = load_inputs(plan).topology.topology
    function = BusinessFunction.objects.filter(plan=plan).order_by("pk").first()
    assert function is not None
    part = load_inputs(plan, function=function).topology.topology
    assert len(part.components) < len(whole.components)
    assert [s.id for s in part.sites] == [s.id for s in whole.sites]


def test_the_hash_of_one_function_moves_when_its_own_part_changes(
    demo: dict[str, Any],
) -> None:
    plan = demo["plan"]
    printing = printing_function(plan)
    before = inputs_hash(load_inputs(plan, function=printing))
    _new_san_restore_time(demo)
    assert inputs_hash(load_inputs(plan, function=printing)) != before
