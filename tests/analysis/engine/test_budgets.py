from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from analysis.engine.budgets import (
    NINES_TABLE,
    PERIODS,
    allowed_downtime,
    availability_for_downtime,
    budget_remaining,
    format_duration,
    nines,
    nines_table,
    period_seconds,
)

GREGORIAN_YEAR_SECONDS = 365.2425 * 86_400


def test_the_default_year_is_the_mean_gregorian_year():
    assert period_seconds("year") == 31_556_952.0


@pytest.mark.parametrize(
    ("period", "seconds"),
    [
        ("quarter", 31_556_952.0 / 4),
        ("month", 2_629_746.0),
        ("week", 604_800.0),
        ("day", 86_400.0),
        ("rolling_28_days", 28 * 86_400.0),
        ("rolling_30_days", 30 * 86_400.0),
    ],
)
def test_each_period_has_its_documented_length(period, seconds):
    assert period_seconds(period) == seconds


@pytest.mark.parametrize("year_days", [365, 365.25, 365.2425])
def test_each_supported_year_convention_scales_the_year(year_days):
    assert period_seconds("year", year_days=year_days) == year_days * 86_400


def test_an_unsupported_year_convention_is_refused_by_name():
    with pytest.raises(ValueError, match=r"year_days must be one of 365.2425, 365.0, 365.25"):
        allowed_downtime(0.999, year_days=360)


@pytest.mark.parametrize("bad", [-0.1, 1.0001, 99.9, math.nan])
def test_availability_outside_zero_to_one_is_refused(bad):
    with pytest.raises(ValueError, match="fraction between 0 and 1"):
        allowed_downtime(bad)


@pytest.mark.parametrize(
    ("label", "text_prefix"),
    [
        ("99%", "3 d 15 h"),
        ("99.9%", "8 h 45 min"),
        ("99.95%", "4 h 22 min"),
        ("99.99%", "52 min"),
        ("99.999%", "5 min"),
    ],
)
def test_the_whitepaper_nines_table_comes_out_of_the_engine(label, text_prefix):
    row = next(r for r in NINES_TABLE if r.label == label)
    assert row.downtime_text.startswith(text_prefix)


def test_the_nines_table_is_exact_to_the_second():
    texts = [row.downtime_text for row in NINES_TABLE]
    assert texts == [
        "3 d 15 h 39 min 30 s",
        "8 h 45 min 57 s",
        "4 h 22 min 58 s",
        "52 min 36 s",
        "5 min 16 s",
    ]


def test_every_nines_row_names_a_business_case():
    assert all(row.business_case for row in NINES_TABLE)


@pytest.mark.parametrize("row", NINES_TABLE, ids=lambda r: r.label)
@pytest.mark.parametrize("year_days", [365, 365.25, 365.2425])
@pytest.mark.parametrize("period", PERIODS)
def test_downtime_round_trips_to_availability(row, year_days, period):
    seconds = allowed_downtime(row.availability, year_days=year_days).seconds(period)
    back = availability_for_downtime(seconds, period, year_days=year_days)
    assert back == pytest.approx(row.availability, abs=1e-12)


@given(st.floats(min_value=0.0, max_value=1.0))
def test_any_availability_round_trips_through_its_yearly_downtime(availability):
    seconds = allowed_downtime(availability).seconds("year")
    assert availability_for_downtime(seconds) == pytest.approx(availability, abs=1e-12)


def test_rounded_seconds_round_halves_away_from_zero():
    budget = allowed_downtime(0.99)
    assert budget.seconds("year") == pytest.approx(315_569.52)
    assert budget.for_period("year").allowed_whole_seconds == 315_570


def test_a_365_day_year_allows_less_downtime_than_the_gregorian_year():
    calendar = allowed_downtime(0.999, year_days=365).seconds("year")
    gregorian = allowed_downtime(0.999).seconds("year")
    assert calendar == pytest.approx(31_536.0)
    assert gregorian - calendar == pytest.approx(20.952)


def test_the_budget_states_its_year_convention():
    assert "Gregorian" in allowed_downtime(0.999).year_convention


def test_downtime_longer_than_the_period_is_refused():
    with pytest.raises(ValueError, match="between 0 and the length of the day"):
        availability_for_downtime(90_000, "day")


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (315_569.52, "3 d 15 h 39 min 30 s"),
        (31_556.952, "8 h 45 min 57 s"),
        (3_155.6952, "52 min 36 s"),
        (3_600, "1 h"),
        (0, "0 s"),
        (0.2, "under 1 s"),
        (-90, "−1 min 30 s"),
    ],
)
def test_durations_read_in_days_hours_minutes_and_seconds(seconds, text):
    assert format_duration(seconds) == text


def test_nines_counts_the_nines():
    assert nines(0.999) == pytest.approx(3.0)
    assert nines(1.0) == math.inf


def test_the_nines_table_follows_the_year_convention():
    assert nines_table(year_days=365)[0].downtime_text == "3 d 15 h 36 min"


def test_what_is_left_of_a_monthly_budget_after_incidents():
    status = budget_remaining(0.999, "month", [1_200, 900])
    assert status.allowed_seconds == pytest.approx(2_629.746)
    assert status.remaining_seconds == pytest.approx(529.746)
    assert status.fraction_spent == pytest.approx(2_100 / 2_629.746)
    assert not status.overspent


def test_an_overspent_budget_goes_negative():
    status = budget_remaining(0.999, "month", [1_200, 900, 1_800])
    assert status.remaining_seconds == pytest.approx(-1_270.254)
    assert status.overspent


def test_a_single_spent_figure_is_accepted():
    assert budget_remaining(0.99, "day", 100).remaining_seconds == pytest.approx(764.0)


def test_negative_spent_downtime_is_refused():
    with pytest.raises(ValueError, match="zero or more seconds"):
        budget_remaining(0.99, "day", [-5])


def test_a_perfect_availability_target_has_no_budget_to_spend():
    status = budget_remaining(1.0, "week", [1])
    assert status.fraction_spent == math.inf
    assert status.overspent
