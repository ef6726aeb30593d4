"""Reading other apps' snapshots: heat-maps, objectives and durations, without a database."""

from __future__ import annotations

from typing import Any

from documents import presentation
from documents.snapshot import canonical_json, sha256_of
from tests.documents.helpers import analysis_snapshot


def bia_snapshot() -> dict[str, object]:
    return {
        "impact_settings": {"horizons_hours": [1, 4, 24], "horizons": ["1 h", "4 h", "1 d"]},
        "impact_categories": [{"key": "fin", "levels": [{}, {}, {}, {}, {}]}],
        "functions": [
            {
                "name": "Student printing",
                "bia": {
                    "impacts": {"fin": {"fin@1": 1, "fin@4": 2}, "ops": {"ops@4": 3, "ops@24": 4}},
                    "mtpd_hours": 24,
                    "mtpd_reasoning": "Operations stop after a day.",
                },
            },
            {"name": "Scanning", "bia": None},
        ],
    }


def test_heat_map_without_an_analysis_takes_the_worst_category_per_horizon() -> None:
    heat = presentation.heat_map({"bia": bia_snapshot(), "analysis": None})
    assert heat is not None
    assert heat.horizons == ["1 h", "4 h", "1 d"]
    assert heat.rows == [("Student printing", [1, 3, 4]), ("Scanning", [None, None, None])]


def test_heat_map_prefers_the_analysis_results() -> None:
    heat = presentation.heat_map({"bia": bia_snapshot(), "analysis": analysis_snapshot({"A": 4})})
    assert heat is not None and heat.rows == [("A", [0, 2, 4])]


def test_objectives_fall_back_to_the_bias_derived_mtpd() -> None:
    [row] = presentation.objective_rows({"bia": bia_snapshot(), "analysis": None})
    assert (row.function, row.mtpd, row.rto) == ("Student printing", "1 d", "Not yet assessed")
    assert "Operations stop after a day." in row.reasoning


def test_durations_are_read_in_the_unit_their_key_names() -> None:
    assert presentation.duration_minutes({"rto_hours": 1.5}, "rto") == 90
    assert presentation.duration_minutes({"rto_seconds": 600}, "rto") == 10
    assert presentation.duration_minutes({"rto_minutes": 45}, "rto") == 45
    assert presentation.duration_minutes({}, "rto") is None
    assert presentation.format_minutes(60 * 24 + 75) == "1 d 1 h 15 min"


def test_canonical_json_hashes_equal_values_equally() -> None:
    assert canonical_json({"b": 0.1 + 0.2, "a": 2.0}) == canonical_json({"a": 2, "b": 0.3})
    assert sha256_of({"x": [1, 2]}) != sha256_of({"x": [2, 1]})
    assert canonical_json({"n": float("nan")}) == '{"n":"nan"}'


def test_call_tree_is_ordered_depth_first_by_position() -> None:
    entries: list[dict[str, Any]] = [
        {"id": 1, "parent_id": None, "position": 1},
        {"id": 2, "parent_id": 1, "position": 2},
        {"id": 3, "parent_id": 1, "position": 1},
        {"id": 4, "parent_id": 3, "position": 1},
    ]
    order = [(depth, e["id"]) for depth, e in presentation.call_tree(entries)]
    assert order == [(0, 1), (1, 3), (2, 4), (1, 2)]
