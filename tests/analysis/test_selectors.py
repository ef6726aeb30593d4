from __future__ import annotations

from typing import Any, cast

from analysis.results import RoadmapStep
from analysis.selectors import roadmap_rows


def _step(order: int, function_pk: int, gap_id: str, also_closes: list[str]) -> RoadmapStep:
    fields: dict[str, Any] = {
        "order": order,
        "function_pk": function_pk,
        "gap_id": gap_id,
        "also_closes": also_closes,
    }
    return cast(RoadmapStep, fields)


def test_a_step_whose_gap_an_earlier_step_closes_names_that_step() -> None:
    rows = roadmap_rows(
        [
            _step(1, 1, "rto:site:1", ["spof:site:1", "spof:site:2"]),
            _step(2, 1, "spof:site:1", ["spof:site:2"]),
            _step(3, 1, "spof:site:2", []),
        ]
    )
    assert [r["closed_by"] for r in rows] == [None, 1, 1]


def test_a_step_of_another_function_does_not_close_a_gap_with_the_same_id() -> None:
    rows = roadmap_rows(
        [_step(1, 1, "rto:site:1", ["spof:site:1"]), _step(2, 2, "spof:site:1", [])]
    )
    assert [r["closed_by"] for r in rows] == [None, None]


def test_a_later_step_does_not_close_an_earlier_one() -> None:
    rows = roadmap_rows(
        [_step(1, 1, "spof:site:1", []), _step(2, 1, "rto:site:1", ["spof:site:1"])]
    )
    assert [r["closed_by"] for r in rows] == [None, None]
