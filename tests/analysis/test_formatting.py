"""One set of words, units and precision for analysis figures."""

from __future__ import annotations

import pytest

from analysis import formatting


@pytest.mark.parametrize(
    ("fraction", "text"),
    [
        (0.998558749605597, "99.8558%"),
        (0.9995, "99.9500%"),
        (1.0, "100.0000%"),
        (0.0, "0.0000%"),
        (None, "unknown"),
    ],
)
def test_availability_reads_as_a_percentage_with_four_decimals(
    fraction: float | None, text: str
) -> None:
    assert formatting.percent(fraction) == text


def test_availability_is_never_rounded_up_to_a_better_figure() -> None:
    assert formatting.percent(0.99999996) == "99.9999%"


@pytest.mark.parametrize(
    ("hours", "text"),
    [
        (6.2, "6 h 12 min"),
        (60.8, "2 d 12 h 48 min"),
        (0.25, "15 min"),
        (168, "7 d"),
        (0, "0 s"),
        (None, "unknown"),
    ],
)
def test_durations_read_in_words(hours: float | None, text: str) -> None:
    assert formatting.hours(hours) == text


def test_durations_keep_seconds_and_signs() -> None:
    assert formatting.duration(45_481) == "12 h 38 min 1 s"
    assert formatting.duration(-90) == "−1 min 30 s"
    assert formatting.duration(0.2) == "under 1 s"


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (4_344, "1 h 12 min"),
        (171_504, "1 d 23 h 38 min"),
        (171_529.9, "1 d 23 h 39 min"),
        (20, "under 1 min"),
        (0, "0 s"),
        (None, "unknown"),
    ],
)
def test_downtime_saved_reads_in_hours_and_minutes(seconds: float | None, text: str) -> None:
    assert formatting.duration_to_minute(seconds) == text


def test_methods_and_measures_read_in_words() -> None:
    assert formatting.method("exact") == "exact"
    assert formatting.method("monte_carlo") == "Monte Carlo estimate"
    assert formatting.measure("spof") == "single point of failure"
    assert formatting.measure_value("rto", 6.2) == "6 h 12 min"
    assert formatting.measure_value("availability", 0.9995) == "99.9500%"
