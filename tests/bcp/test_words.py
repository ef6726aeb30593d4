"""Counted nouns in messages agree with their number."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bcp.words import counted

ROOT = Path(__file__).resolve().parents[2]
APPS = ("analysis", "audit", "bcp", "bia", "documents", "incidents", "inventory", "templates")


@pytest.mark.parametrize(
    ("number", "expected"),
    [(0, "0 people"), (1, "1 person"), (2, "2 people"), (1200, "1,200 people")],
)
def test_a_count_of_people_agrees_with_its_number(number: int, expected: str) -> None:
    assert counted(number, "person", "people") == expected


def test_a_regular_noun_takes_an_s_unless_there_is_one() -> None:
    assert [counted(n, "reminder") for n in (1, 3)] == ["1 reminder", "3 reminders"]


def test_no_message_or_page_hedges_a_plural_with_an_s_in_brackets() -> None:
    # "1 function(s)" reads as a machine talking; units such as "failover time (s)" are fine.
    in_text = re.compile(r"[a-z]\(s\)")  # a page: all of it is text
    in_string = re.compile(r"[\"'][^\"']*[a-z]\(s\)[^\"']*[\"']")  # code: inside quotes only
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for app in APPS
        for path in sorted((ROOT / app).rglob("*"))
        if path.suffix in {".py", ".html", ".txt"}
        and "migrations" not in path.parts
        and "engine" not in path.parts
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if (in_text if path.suffix != ".py" else in_string).search(line) and "http(s)" not in line
    ]
    assert found == []
