from __future__ import annotations

import pytest

from inventory.templatetags.inventory_format import hours, seconds


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, "—"),
        (0.0, "0 s"),
        (30.0, "30 s"),
        (900.0, "15 min"),
        (43_200.0, "12 h"),
        (259_200.0, "72 h"),
    ],
)
def test_seconds_read_in_the_largest_sensible_unit(value: float | None, text: str) -> None:
    assert seconds(value) == text


def test_short_hours_read_as_minutes() -> None:
    assert (hours(0.25), hours(8.0), hours(None)) == ("15 min", "8 h", "—")
