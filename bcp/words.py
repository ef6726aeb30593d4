"""Words for counted things in messages: "1 person", "3 people", "1 reminder"."""

from __future__ import annotations


def counted(number: int, one: str, many: str | None = None) -> str:
    """``number`` with the noun agreeing. Example: counted(1, "person", "people") → "1 person"."""
    noun = one if number == 1 else (many if many is not None else f"{one}s")
    return f"{number:,} {noun}"
