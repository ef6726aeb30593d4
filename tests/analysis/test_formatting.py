"""One set of words, units and precision for analysis figures."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from analysis import formatting


@pytest.mark.parametrize(
    ("words", "value", "text"),
    [
        # An availability reads as a percentage with four decimals.
        (formatting.percent, 0.998558749605597, "99.8558%"),
        (formatting.percent, 0.9995, "99.9500%"),
        (formatting.percent, 1.0, "100.0000%"),
        (formatting.percent, 0.0, "0.0000%"),
        (formatting.percent, None, "unknown"),
        # A duration in hours reads in words.
        (formatting.hours, 6.2, "6 h 12 min"),
        (formatting.hours, 60.8, "2 d 12 h 48 min"),
        (formatting.hours, 0.25, "15 min"),
        (formatting.hours, 168, "7 d"),
        (formatting.hours, 0, "0 s"),
        (formatting.hours, None, "unknown"),
        # Downtime saved, in seconds, reads in hours and minutes.
        (formatting.duration_to_minute, 4_344, "1 h 12 min"),
        (formatting.duration_to_minute, 171_504, "1 d 23 h 38 min"),
        (formatting.duration_to_minute, 171_529.9, "1 d 23 h 39 min"),
        (formatting.duration_to_minute, 20, "under 1 min"),
        (formatting.duration_to_minute, 0, "0 s"),
        (formatting.duration_to_minute, None, "unknown"),
    ],
)
def test_a_figure_reads_in_words_with_its_precision(
    words: Callable[[float | None], str], value: float | None, text: str
) -> None:
    assert words(value) == text


def test_availability_is_never_rounded_up_to_a_better_figure() -> None:
    assert formatting.percent(0.99999996) == "99.9999%"


def test_durations_keep_seconds_and_signs() -> None:
    assert formatting.duration(45_481) == "12 h 38 min 1 s"
    assert formatting.duration(-90) == "−1 min 30 s"
    assert formatting.duration(0.2) == "under 1 s"


def test_methods_and_measures_read_in_words() -> None:
    assert formatting.method("exact") == "exact"
    assert formatting.method("monte_carlo") == "Monte Carlo estimate"
    assert formatting.measure("spof") == "single point of failure"
    assert formatting.measure_value("rto", 6.2) == "6 h 12 min"
    assert formatting.measure_value("availability", 0.9995) == "99.9500%"
