"""Checking data against declared types: what passes, and how a mismatch is named."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import pytest

from bcp import contract
from bcp.typecheck import ContractError, conform, to_plain


@dataclass(frozen=True)
class Step:
    text: str
    minutes: int | None


@dataclass(frozen=True)
class Runbook:
    title: str
    phase: Literal["recovery", "reconstitution"]
    ratio: float
    steps: tuple[Step, ...] = field(default=())


def test_a_plain_mapping_becomes_the_declared_dataclass() -> None:
    book = conform(
        Runbook,
        {
            "title": "Fail over",
            "phase": "recovery",
            "ratio": 1,
            "steps": [{"text": "Go", "minutes": None}],
        },
    )
    assert book == Runbook("Fail over", "recovery", 1, (Step("Go", None),))


def test_a_missing_field_is_named_with_its_path() -> None:
    with pytest.raises(ContractError) as error:
        conform(Runbook, {"title": "x", "phase": "recovery", "ratio": 1, "steps": [{"text": "Go"}]})
    assert error.value.path == "steps[0].minutes"
    assert str(error.value) == "steps[0].minutes: missing"


def test_text_where_a_number_is_declared_is_refused_not_converted() -> None:
    with pytest.raises(
        ContractError, match=r"steps\[1\]\.minutes: expected a whole number, found text"
    ):
        conform(
            Runbook,
            {
                "title": "x",
                "phase": "recovery",
                "ratio": 1.0,
                "steps": [{"text": "a", "minutes": 1}, {"text": "b", "minutes": "5"}],
            },
        )


def test_a_yes_no_value_is_not_a_number() -> None:
    with pytest.raises(ContractError, match="ratio: expected a number, found a yes/no value"):
        conform(Runbook, {"title": "x", "phase": "recovery", "ratio": True, "steps": []})


def test_an_unknown_field_is_refused() -> None:
    with pytest.raises(ContractError, match="unexpected field 'owner' in Step"):
        conform(Step, {"text": "a", "minutes": 1, "owner": "Priya"})


def test_a_value_outside_a_literal_is_refused() -> None:
    with pytest.raises(ContractError, match="phase: expected one of 'recovery', 'reconstitution'"):
        conform(Runbook, {"title": "x", "phase": "restore", "ratio": 1.0, "steps": []})


def test_a_non_finite_number_is_refused() -> None:
    with pytest.raises(ContractError, match="finite"):
        conform(Runbook, {"title": "x", "phase": "recovery", "ratio": float("nan"), "steps": []})


def test_a_built_instance_with_a_wrong_value_inside_is_caught() -> None:
    bad = Runbook("x", "recovery", 1.0, (Step("a", "soon"),))  # type: ignore[arg-type]
    with pytest.raises(ContractError, match=r"steps\[0\]\.minutes"):
        conform(Runbook, bad)


def test_plain_data_round_trips() -> None:
    book = Runbook("x", "recovery", 0.5, (Step("a", 3),))
    assert conform(Runbook, to_plain(book)) == book


def test_a_part_error_names_the_part_in_words() -> None:
    with pytest.raises(contract.PartError) as error:
        contract.check_part("bia", contract.BiaPart, {"horizons_hours": [1.0]})
    message = str(error.value)
    assert message.startswith("bia.threshold: the business impact analysis part")
    assert "missing or malformed" in message


def test_every_contract_field_declares_how_it_is_shown() -> None:
    import dataclasses
    import re

    parts = {
        name: t
        for name, t in vars(contract).items()
        if isinstance(t, type) and dataclasses.is_dataclass(t)
    }
    for part in parts.values():
        if part is contract.PlanInputs:
            continue
        for f in dataclasses.fields(part):
            names = set(re.findall(r"\w+", str(f.type)))
            if not names & set(parts):
                assert "shown" in f.metadata, f"{part.__name__}.{f.name}"


def test_a_field_with_a_default_may_be_absent_from_data_stored_before_it_existed() -> None:
    book = conform(Runbook, {"title": "Fail over", "phase": "recovery", "ratio": 1})
    assert book.steps == ()


def test_an_inventory_part_stored_without_people_and_suppliers_still_reads() -> None:
    part = conform(contract.InventoryPart, {"sites": [], "components": [], "groups": []})
    assert (part.people, part.suppliers) == ((), ())
