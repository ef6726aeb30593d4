"""What the plan's sections show, computed from a typed snapshot without a database."""

from __future__ import annotations

from dataclasses import dataclass

from documents import formatting, presentation
from tests.documents.helpers import snapshot_with


def test_procedure_longer_than_the_rto_says_by_how_much() -> None:
    text, within = presentation.procedure_check(300, 240)
    assert within is False
    assert text == "Steps take 5 h, longer than the RTO of 4 h by 1 h."


def test_availability_reads_as_on_the_analysis_pages_four_decimals_truncated() -> None:
    assert formatting.fraction(0.998558749605597) == "99.8558%"
    assert formatting.fraction(0.9995) == "99.9500%"
    assert formatting.fraction(None) == "—"


@dataclass
class Entry:
    pk: int
    parent_id: int | None
    position: int


def test_call_tree_is_numbered_depth_first_by_position() -> None:
    entries = [Entry(1, None, 1), Entry(2, 1, 2), Entry(3, 1, 1), Entry(4, 3, 1)]
    order = [(outline, e.pk) for outline, e in presentation.call_tree_order(entries)]
    assert order == [("1", 1), ("1.1", 3), ("1.1.1", 4), ("1.2", 2)]


def test_a_cycle_in_the_call_tree_neither_loops_nor_loses_anyone() -> None:
    entries = [Entry(1, 2, 1), Entry(2, 1, 1)]
    order = [(outline, e.pk) for outline, e in presentation.call_tree_order(entries)]
    assert order == [("1", 1), ("1.1", 2)]


def test_the_context_names_the_approvers_and_the_paper() -> None:
    context = presentation.build_context(snapshot_with(), draft=False)
    assert context["approvers"].people == ("Sam Stakeholder",)
    assert context["paper"] == "A4"
