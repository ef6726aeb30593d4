"""The declared result types refuse results that do not match them, naming the part."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from analysis.results import RESULTS_SCHEMA, Figures, MethodUsed, check_plan_results
from analysis.results_check import ResultsInvalid, check

EXACT: MethodUsed = {
    "code": "exact",
    "ci95_low": None,
    "ci95_high": None,
    "samples": None,
    "seed": None,
    "nodes": 14,
    "note": "",
}
FIGURES: Figures = {
    "availability": 0.999,
    "downtime_seconds_per_year": 31_556.952,
    "rto_hours": 24.0,
    "rpo_hours": None,
    "rpo_applicable": True,
    "single_points_of_failure": ["Head office SAN"],
    "method": EXACT,
}


def _empty_plan() -> dict[str, Any]:
    return {
        "schema": RESULTS_SCHEMA,
        "scope": "plan",
        "context": {
            "year_days": 365.2425,
            "method_requested": "auto",
            "samples": 200_000,
            "seed": 1,
            "node_limit": 250_000,
        },
        "inventory_errors": [],
        "notes": [],
        "remedies_ranked": True,
        "functions": [],
        "roadmap": [],
        "spof_ranking": [],
        "inherited_objectives": [],
        "heatmap": {"horizons_hours": [], "rows": []},
        "coverage": {
            "functions": 0,
            "assessed": 0,
            "not_assessed": [],
            "no_dependencies": [],
            "not_analysed": [],
            "with_gaps": 0,
            "gaps": {"critical": 0, "high": 0, "medium": 0, "low": 0},
            "no_gaps": False,
        },
    }


def test_well_formed_figures_pass() -> None:
    check(FIGURES, Figures)


def test_a_missing_field_is_named() -> None:
    figures = copy.deepcopy(dict(FIGURES))
    del figures["rpo_applicable"]
    with pytest.raises(ResultsInvalid, match="lacks rpo_applicable"):
        check(figures, Figures)


def test_an_unknown_method_code_is_refused_with_its_path() -> None:
    figures: dict[str, Any] = copy.deepcopy(dict(FIGURES))
    figures["method"]["code"] = "bdd"
    with pytest.raises(ResultsInvalid) as error:
        check(figures, Figures)
    assert error.value.path == "method.code"


def test_a_boolean_is_not_a_number() -> None:
    with pytest.raises(ResultsInvalid, match="expected a number"):
        check({**FIGURES, "availability": True}, Figures)


def test_infinite_figures_are_refused() -> None:
    with pytest.raises(ResultsInvalid, match="finite"):
        check({**FIGURES, "rto_hours": float("inf")}, Figures)


def test_extra_keys_are_refused() -> None:
    with pytest.raises(ResultsInvalid, match="unknown spofs_after"):
        check({**FIGURES, "spofs_after": []}, Figures)


def test_an_empty_plan_result_is_well_formed() -> None:
    assert check_plan_results(_empty_plan())["scope"] == "plan"


def test_results_of_an_older_schema_ask_for_a_new_run() -> None:
    with pytest.raises(ResultsInvalid, match="run the analysis again"):
        check_plan_results({**_empty_plan(), "schema": "continuity.analysis/v1"})
