"""Spreadsheet exports: CSV (one section) and XLSX (one sheet per section).

The columns are the import columns, so an exported file can be edited and imported
again unchanged. Lists are joined with “; ”, yes/no for flags, empty cells for missing
values. Text a spreadsheet would run as a formula is neutralised so that it round-trips:
in CSV with an apostrophe that import takes off again (:func:`fields.neutralise`), in XLSX
by storing every text as a text cell marked "quote prefix" (never a formula), so the
workbook holds exactly the text.
"""

from __future__ import annotations

import csv
import io
from typing import Any

import openpyxl
from openpyxl.cell import WriteOnlyCell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from bcp.models import Plan
from inventory.exchange.document import export_document
from inventory.exchange.fields import FORMULA_STARTS, LIST_SEPARATOR, SECTIONS, neutralise


def _value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return f"{LIST_SEPARATOR} ".join(value)
    return value


def export_csv(plan: Plan, section: str = "components") -> str:
    rows = export_document(plan)[section]
    headers = [column.name for column in SECTIONS[section]]
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(headers)
    for row in rows:
        cells = [_value(row.get(name)) for name in headers]
        writer.writerow([neutralise(c) if isinstance(c, str) else c for c in cells])
    return buffer.getvalue()


def _cell(sheet: WriteOnlyWorksheet, value: Any) -> Any:
    value = _value(value)
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"  # openpyxl would otherwise store "=…" as a formula
        cell.quotePrefix = True  # and the spreadsheet keeps it text when edited
        return cell
    return value


def export_xlsx(plan: Plan) -> bytes:
    document = export_document(plan)
    book = openpyxl.Workbook(write_only=True)
    for section, columns in SECTIONS.items():
        sheet = book.create_sheet(section)
        headers = [column.name for column in columns]
        sheet.append(headers)
        for row in document[section]:
            sheet.append([_cell(sheet, row.get(name)) for name in headers])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
