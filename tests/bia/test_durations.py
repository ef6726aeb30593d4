from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bia.durations import format_hours, parse_duration_hours, parse_horizons


@pytest.mark.parametrize(
    ("text", "hours"),
    [
        ("4 h", 4),
        ("4", 4),
        ("1.5d", 36),
        ("90 min", 1.5),
        ("2 w", 336),
        ("1 mo", 720),
        ("0,5 h", 0.5),
        ("3 Days", 72),
    ],
)
def test_durations_are_read_as_people_write_them(text: str, hours: float) -> None:
    assert parse_duration_hours(text) == pytest.approx(hours)


@pytest.mark.parametrize(
    ("text", "message"),
    [("-1 h", "negative"), ("soon", "not a duration"), ("3 fortnights", "Unknown unit")],
)
def test_bad_durations_say_what_is_wrong(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_duration_hours(text)


def test_a_bad_horizon_is_quoted_without_the_spaces_after_its_comma() -> None:
    with pytest.raises(ValueError, match=r"^“banana” is not a duration"):
        parse_horizons("4 h, 24 h, banana")


def test_the_default_horizons_read_back_as_their_labels() -> None:
    hours = parse_horizons("1 h, 4 h, 1 d, 3 d, 1 w, 2 w, 1 mo")
    assert [format_hours(h) for h in hours] == ["1 h", "4 h", "1 d", "3 d", "1 w", "2 w", "1 mo"]


def test_horizons_must_increase() -> None:
    with pytest.raises(ValueError, match="Horizons must increase: 4 h comes after 1 d"):
        parse_horizons("1 h, 1 d, 4 h")


@given(st.integers(min_value=1, max_value=10_000))
def test_formatting_whole_hours_parses_back_to_the_same_hours(hours: int) -> None:
    assert parse_duration_hours(format_hours(float(hours))) == pytest.approx(hours)
