"""Spreadsheet exports: CSV (one table) and XLSX (one sheet per table), via tablib.

The columns are the import columns, so an exported file can be edited and imported
again. Lists are joined with “; ”, yes/no for flags, empty cells for missing values.
Cells that a spreadsheet would run as a formula are prefixed with an apostrophe.
"""

from __future__ import annotations

from typing import Any

import tablib

from bcp.models import Plan
from inventory.exchange.document import export_document
from inventory.exchange.fields import LIST_SEPARATOR, SECTIONS

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return f"{LIST_SEPARATOR} ".join(value)
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        # A leading minus on a number is fine; text that looks like a formula is not.
        try:
            float(value)
        except ValueError:
            return "'" + value
    return value


def _dataset(section: str, rows: list[dict[str, Any]]) -> tablib.Dataset:
    headers = [column.name for column in SECTIONS[section]]
    dataset = tablib.Dataset(headers=headers, title=section)
    for row in rows:
        dataset.append([_cell(row.get(name)) for name in headers])
    return dataset


def export_csv(plan: Plan, section: str = "components") -> str:
    document = export_document(plan)
    return str(_dataset(section, document[section]).export("csv"))


def export_xlsx(plan: Plan) -> bytes:
    document = export_document(plan)
    book = tablib.Databook(
        [_dataset(section, document[section]) for section in SECTIONS if section in document]
    )
    data = book.export("xlsx")
    return bytes(data)
