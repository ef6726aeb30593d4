"""What reading an import file produces and what checking it reports: plain records.

Shared by :mod:`~inventory.exchange.reading` (file → records),
:mod:`~inventory.exchange.checking` (records + plan → problems or a preview) and
:mod:`~inventory.exchange.applying` (records → saved rows). Every value is JSON-ready so a
check made in the worker can be stored on its job and shown by the page.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from inventory.exchange.fields import SECTIONS


class ImportFileError(ValueError):
    """The file as a whole cannot be read; the message tells the user what to do."""


@dataclass(frozen=True)
class ImportLimits:
    """Bounds on one import file, checked while reading so no file can exhaust a worker.

    ``max_bytes`` is the file as uploaded; ``max_uncompressed_bytes`` and
    ``max_compression_ratio`` apply to the parts of an XLSX workbook (a zip) before any of
    it is expanded; ``max_rows`` counts records (rows, or list items in JSON/YAML) and
    ``max_cells`` every value read, list items included; ``max_depth`` and
    ``max_aliases`` bound a YAML or JSON document's nesting and YAML's anchors.
    """

    max_bytes: int = 10 * 1024 * 1024
    max_rows: int = 100_000
    max_cells: int = 2_000_000
    max_uncompressed_bytes: int = 200 * 1024 * 1024
    max_compression_ratio: int = 200
    max_depth: int = 20
    max_aliases: int = 1_000


@dataclass
class Problem:
    where: str
    column: str
    message: str

    def __str__(self) -> str:
        return (
            f"{self.where}, {self.column}: {self.message}"
            if self.column
            else (f"{self.where}: {self.message}")
        )

    def as_dict(self) -> dict[str, str]:
        return {"where": self.where, "column": self.column, "message": self.message}


@dataclass
class Record:
    section: str
    where: str
    values: dict[str, Any]
    # Columns whose cell could not be read (already reported); later checks skip them.
    bad: set[str] = field(default_factory=set)

    @property
    def key(self) -> str:
        if self.section == "dependencies":
            return f"{self.values.get('function', '')}\n{self.values.get('needs', '')}"
        return str(self.values.get("key" if self.section == "techniques" else "name", ""))


@dataclass
class Parsed:
    source: str
    records: dict[str, list[Record]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    # The sections the file holds, even empty ones: a replacing import removes records only
    # from these, so a CSV of components or a document without `people` leaves the rest.
    sections: set[str] = field(default_factory=set)

    def all_records(self) -> Iterable[Record]:
        for section in SECTIONS:
            yield from self.records.get(section, [])

    def count(self) -> int:
        return sum(len(records) for records in self.records.values())


def format_megabytes(size: int) -> str:
    """A size in MB rounded up to one decimal, so a file over a limit never reads as at it.

    Example: 11 534 336 bytes → "11.0 MB"; 10 485 761 bytes (10 MB and one byte) → "10.1 MB".
    """
    tenths = math.ceil(size * 10 / (1024 * 1024))
    return f"{tenths / 10:.1f} MB"


@dataclass
class Change:
    section: str
    name: str
    action: str  # "create", "update" or "unchanged"
    fields: list[str] = field(default_factory=list)


@dataclass
class Preview:
    problems: list[Problem]
    changes: list[Change]

    @property
    def is_clean(self) -> bool:
        return not self.problems

    def count(self, action: str) -> int:
        return sum(1 for change in self.changes if change.action == action)

    def as_dict(self) -> dict[str, Any]:
        return {
            "problems": [p.as_dict() for p in self.problems],
            "changes": [
                {"section": c.section, "name": c.name, "action": c.action, "fields": c.fields}
                for c in self.changes
            ],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Preview:
        return cls(
            problems=[Problem(p["where"], p["column"], p["message"]) for p in data["problems"]],
            changes=[
                Change(c["section"], c["name"], c["action"], list(c["fields"]))
                for c in data["changes"]
            ],
        )
