"""Words the analysis part of the plan document shares between the schemas it reads:
measures as headings, milestones, and how many weak elements a function lists."""

from __future__ import annotations

from typing import Any

from analysis import formatting as words

MILESTONE_WORDS = {
    "assess": "Assess",
    "design": "Design",
    "fund": "Fund",
    "implement": "Implement",
    "test": "Test",
}
# At most this many weak elements per function, and none saving under a second a year.
IMPORTANCE_ROWS = 5


def capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def measure_words(code: str) -> str:
    """A measure as a table heading: "RTO", "Availability", "Single point of failure"."""
    return capital(words.measure(code))


def milestones(items: list[Any]) -> tuple[str, ...]:
    return tuple(
        f"{MILESTONE_WORDS.get(m['name'], capital(m['name']))} by week {m['due_week']}"
        for m in items
    )
