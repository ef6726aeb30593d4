"""The live page's clocks: time since the start against each function's RTO and MTPD."""

from __future__ import annotations

import datetime as dt

import pytest

from incidents.models import IncidentFunction
from incidents.selectors import function_clock

START = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)


def _entry(*, rto_hours: float | None = 4.0, mtpd_hours: float | None = 8.0) -> IncidentFunction:
    return IncidentFunction(name="Head office printing", rto_hours=rto_hours, mtpd_hours=mtpd_hours)


@pytest.mark.parametrize(
    ("minutes", "level"),
    [
        (0, "ok"),
        (179, "ok"),  # just under 75 % of a 4 h RTO
        (180, "amber"),  # 75 % of the RTO
        (239, "amber"),
        (240, "red"),  # the RTO has passed
        (479, "red"),
        (480, "past-mtpd"),  # the MTPD has passed
    ],
)
def test_the_clock_turns_amber_then_red_then_past_mtpd_as_the_deadlines_approach(
    minutes: int, level: str
) -> None:
    clock = function_clock(_entry(), START, START + dt.timedelta(minutes=minutes))
    assert clock.level == level


def test_a_function_with_an_mtpd_but_no_rto_turns_amber_before_its_mtpd() -> None:
    entry = _entry(rto_hours=None, mtpd_hours=8.0)
    assert function_clock(entry, START, START + dt.timedelta(hours=5)).level == "none"
    assert function_clock(entry, START, START + dt.timedelta(hours=6)).level == "amber"
    assert function_clock(entry, START, START + dt.timedelta(hours=8)).level == "past-mtpd"


def test_a_function_without_objectives_has_a_clock_without_colour() -> None:
    clock = function_clock(
        _entry(rto_hours=None, mtpd_hours=None), START, START + dt.timedelta(days=3)
    )
    assert (clock.level, clock.rto_label) == ("none", "no RTO")


def test_the_clock_stops_at_the_restoration_and_keeps_a_missed_rto_red() -> None:
    entry = _entry()
    entry.restored_at = START + dt.timedelta(hours=5)
    clock = function_clock(entry, START, START + dt.timedelta(days=2))
    assert (clock.elapsed_seconds, clock.level, clock.stopped_at) == (
        5 * 3600.0,
        "red",
        entry.restored_at,
    )


def test_a_function_restored_within_its_rto_shows_a_stopped_clock() -> None:
    entry = _entry()
    entry.back_at = START + dt.timedelta(hours=1)
    clock = function_clock(entry, START, START + dt.timedelta(days=2))
    assert (clock.level, clock.percent_of_rto) == ("stopped", 25)
