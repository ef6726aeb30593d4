from __future__ import annotations

from dataclasses import replace

import pytest

from analysis.engine.examples import print_service_assessment
from analysis.engine.objectives import (
    NEVER_REACHED,
    RTO_FALLBACK_FRACTION,
    ImpactAssessment,
    maximum_tolerable_period,
    recommend_objectives,
    required_tier,
    strictest_objectives,
)

HORIZONS = (1.0, 4.0, 24.0, 72.0, 168.0)


def grid(**impacts: tuple[int, ...]) -> ImpactAssessment:
    return ImpactAssessment(horizons_hours=HORIZONS, impacts=impacts, threshold=3)


def test_mtpd_is_the_first_horizon_where_an_impact_reaches_the_threshold():
    result = maximum_tolerable_period(grid(financial=(0, 1, 2, 3, 4), operational=(0, 1, 3, 3, 4)))
    assert (result.hours, result.horizon_index, result.category) == (24.0, 2, "operational")


def test_the_highest_impact_at_that_horizon_is_named_as_the_trigger():
    result = maximum_tolerable_period(grid(financial=(0, 0, 3, 4, 4), legal=(0, 0, 4, 4, 4)))
    assert (result.category, result.level) == ("legal", 4)


@pytest.mark.parametrize(
    ("assessment", "hours", "named"),
    [
        pytest.param(
            replace(grid(operational=(1, 2, 3, 4, 4)), peak_uplift=1),
            4.0,
            "peak",
            id="peak uplift makes the mtpd earlier",
        ),
        pytest.param(
            replace(grid(operational=(1, 3, 4, 4, 4)), workaround_hours=8.0),
            8.0,
            "workaround",
            id="a workaround holds the mtpd until it runs out",
        ),
    ],
)
def test_peak_uplift_and_workarounds_move_the_mtpd_and_say_why(assessment, hours, named):
    result = maximum_tolerable_period(assessment)
    assert result.hours == hours
    assert named in result.reasoning


def test_peak_uplift_never_goes_above_level_four():
    assessment = replace(grid(operational=(4, 4, 4, 4, 4)), peak_uplift=3, threshold=4)
    assert maximum_tolerable_period(assessment).level == 4


def test_a_workaround_shorter_than_the_trigger_changes_nothing():
    assessment = replace(grid(operational=(0, 0, 3, 4, 4)), workaround_hours=2.0)
    assert maximum_tolerable_period(assessment).hours == 24.0


def test_an_impact_that_never_reaches_the_threshold_has_no_mtpd():
    result = maximum_tolerable_period(grid(financial=(0, 1, 1, 2, 2)))
    assert result.hours is None
    assert result.reasoning.startswith(NEVER_REACHED)


def test_a_malformed_grid_is_refused():
    with pytest.raises(ValueError, match="2 levels for 5 horizons"):
        maximum_tolerable_period(grid(financial=(0, 1)))


def test_horizons_must_increase():
    with pytest.raises(ValueError, match="strictly increasing"):
        maximum_tolerable_period(ImpactAssessment(horizons_hours=(4, 1), impacts={"f": (0, 0)}))


def test_the_print_example_gives_the_documented_objectives():
    r = recommend_objectives(print_service_assessment())
    assert r.mtpd_hours == 8.0
    assert r.recommended_rto_hours == pytest.approx(5.2)
    assert r.recommended_rpo_hours == 4.0
    assert r.required_availability == 0.999
    assert r.availability_tier_label == "99.9%"
    assert r.minimum_service_level_percent == 50.0
    assert r.missing == ()


def test_rto_subtracts_work_recovery_time_and_margin():
    assessment = replace(
        grid(operational=(0, 0, 3, 4, 4)), work_recovery_hours=4.0, margin_hours=2.0
    )
    assert recommend_objectives(assessment).recommended_rto_hours == 18.0


def test_rto_is_a_stated_fraction_of_mtpd_when_wrt_uses_it_all_up():
    assessment = replace(grid(operational=(0, 3, 4, 4, 4)), work_recovery_hours=6.0)
    r = recommend_objectives(assessment)
    assert r.recommended_rto_hours == RTO_FALLBACK_FRACTION * 4.0
    assert any("50% of the MTPD" in line for line in r.reasoning)


def test_rto_never_exceeds_mtpd():
    r = recommend_objectives(grid(operational=(0, 3, 4, 4, 4)))
    assert r.recommended_rto_hours is not None and r.mtpd_hours is not None
    assert 0 < r.recommended_rto_hours <= r.mtpd_hours


def test_wrt_is_labelled_as_cissp_practice_not_nist():
    reasoning = " ".join(recommend_objectives(print_service_assessment()).reasoning)
    assert "CISSP practice, not NIST" in reasoning
    assert "MTD = RTO + WRT" in reasoning


def test_the_rpo_is_the_data_loss_tolerance():
    assessment = replace(grid(operational=(0, 0, 3, 4, 4)), data_loss_tolerance_hours=0.25)
    assert recommend_objectives(assessment).recommended_rpo_hours == 0.25


def test_the_least_strict_tier_within_the_tolerated_downtime_is_required():
    tier, reason = required_tier(10.4)
    assert tier == 0.999
    assert "8 h 45 min 57 s" in reason


def test_a_tolerance_below_every_tier_asks_for_the_strictest_and_says_so():
    tier, reason = required_tier(0.01)
    assert tier == 0.99999
    assert "even 99.999%" in reason


def test_the_yearly_tolerance_is_incidents_times_rto():
    once = replace(print_service_assessment(), expected_incidents_per_year=1.0)
    r = recommend_objectives(once)
    assert r.tolerated_downtime_hours_per_year == pytest.approx(5.2)
    # 99.9% allows 8 h 46 min a year, more than 5.2 h; 99.95% allows 4 h 23 min.
    assert r.required_availability == 0.9995


def test_the_reasoning_counts_incidents_in_words():
    once = replace(print_service_assessment(), expected_incidents_per_year=1.0)
    twice = replace(print_service_assessment(), expected_incidents_per_year=2.0)
    assert "1 incident a year × RTO" in recommend_objectives(once).reasoning[-1]
    assert "2 incidents a year × RTO" in recommend_objectives(twice).reasoning[-1]


def test_missing_inputs_are_listed_not_crashed_on():
    r = recommend_objectives(ImpactAssessment())
    assert r.missing == ("impact grid", "data-loss tolerance", "minimum service level (MBCO)")
    assert r.mtpd_hours is None and r.recommended_rto_hours is None
    assert r.required_availability is None


def test_missing_data_loss_tolerance_leaves_rpo_unset_not_zero():
    r = recommend_objectives(grid(operational=(0, 0, 3, 4, 4)))
    assert r.recommended_rpo_hours is None
    assert "data-loss tolerance" in r.missing


def test_a_function_that_never_reaches_the_threshold_gets_no_rto():
    r = recommend_objectives(grid(financial=(0, 0, 1, 1, 2)))
    assert r.recommended_rto_hours is None
    assert r.reasoning[0].startswith(NEVER_REACHED)


def _rec(rto: float | None, rpo: float | None, availability: float | None):
    base = recommend_objectives(print_service_assessment())
    return replace(
        base,
        recommended_rto_hours=rto,
        recommended_rpo_hours=rpo,
        required_availability=availability,
    )


def test_a_shared_component_inherits_the_strictest_objectives_and_names_who_sets_them():
    inherited = strictest_objectives(
        {"payroll": _rec(4.0, 1.0, None), "printing": _rec(5.2, 4.0, 0.999)},
        {"san": {"payroll", "printing"}},
    )["san"]
    assert (inherited.rto_hours, inherited.rto_set_by) == (4.0, "payroll")
    assert (inherited.rpo_hours, inherited.rpo_set_by) == (1.0, "payroll")
    assert (inherited.availability, inherited.availability_set_by) == (0.999, "printing")


def test_a_component_used_by_one_function_inherits_that_functions_objectives():
    inherited = strictest_objectives({"printing": _rec(5.2, 4.0, 0.999)}, {"mfd": {"printing"}})[
        "mfd"
    ]
    assert inherited.rto_set_by == inherited.rpo_set_by == "printing"


def test_functions_without_a_recommendation_are_ignored():
    inherited = strictest_objectives({}, {"nas": {"archive"}})["nas"]
    assert inherited.rto_hours is None and inherited.rto_set_by is None
