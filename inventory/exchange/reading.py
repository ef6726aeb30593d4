"""Reading an import file into records, bounded in size, rows, cells, depth and expansion.

Spreadsheets (CSV, XLSX) hold one section per file or sheet; inventory as code (JSON,
YAML, see ``docs/inventory-as-code.md``) holds every section in one document. Every cell
that cannot be read is named ("row 4, mttr_hours: “abc” is not a number"); a file that
cannot be read at all raises :class:`ImportFileError` with what to do about it.

Bounds (:class:`ImportLimits`) are checked while reading, before the cost is paid: an
XLSX workbook's parts are measured from the zip directory before any is expanded (a zip
bomb is refused unopened) and its rows are streamed (openpyxl read-only mode), stopping at
the row or cell limit; a YAML file's anchors and nesting are counted on the parser's
events before a single node is built. Everything here is linear in the file's size.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Iterable, Iterator
from typing import Any

import openpyxl
import yaml

from inventory.exchange.document import SCHEMA
from inventory.exchange.fields import SECTIONS, CellError, Column, restore
from inventory.exchange.records import (
    ImportFileError,
    ImportLimits,
    Parsed,
    Problem,
    Record,
    format_megabytes,
)

SPREADSHEET_EXTENSIONS = (".csv", ".xlsx")
CODE_EXTENSIONS = (".json", ".yaml", ".yml")
EXTENSIONS = (*SPREADSHEET_EXTENSIONS, *CODE_EXTENSIONS)
# Sections a spreadsheet file (or a workbook's sheet) can hold, in import order.
TABULAR_SECTIONS = tuple(SECTIONS)
# A part this small may compress well for innocent reasons (a sheet of blank cells).
RATIO_CHECK_FROM_BYTES = 1024 * 1024
MAX_ZIP_PARTS = 10_000

_YAML_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Budget:
    """Counts rows and cells as they are read and stops at the limits."""

    def __init__(self, limits: ImportLimits) -> None:
        self.limits = limits
        self.rows = 0
        self.cells = 0

    def row(self, cells: int) -> None:
        self.rows += 1
        self.cells += cells
        if self.rows > self.limits.max_rows:
            raise ImportFileError(
                f"The file has more than {self.limits.max_rows:,} records; "
                "split it into several files."
            )
        if self.cells > self.limits.max_cells:
            raise ImportFileError(
                f"The file has more than {self.limits.max_cells:,} cells; "
                "split it into several files."
            )


# --- records from rows ------------------------------------------------------------------


def _parse_row(
    section: str, columns: tuple[Column, ...], row: dict[str, Any], where: str, parsed: Parsed
) -> None:
    by_name = {column.name: column for column in columns}
    values: dict[str, Any] = {}
    bad: set[str] = set()
    for name, raw in row.items():
        column = by_name.get(name)
        if column is None:
            continue
        try:
            values[name] = column.parse(raw)
        except CellError as exc:
            parsed.problems.append(Problem(where, name, str(exc)))
            bad.add(name)
    if all(name in values for name in (c.name for c in columns if c.required)):
        parsed.records.setdefault(section, []).append(Record(section, where, values, bad))


def _header_problems(section: str, headers: list[str], where: str) -> list[Problem]:
    known = [column.name for column in SECTIONS[section]]
    problems = [
        Problem(
            where, header or "(empty header)", "unknown column; the columns are " + ", ".join(known)
        )
        for header in headers
        if header not in known
    ]
    for column in SECTIONS[section]:
        if column.required and column.name not in headers:
            problems.append(Problem(where, column.name, "this column is required"))
    return problems


def _blank(cell: Any) -> bool:
    return cell is None or (isinstance(cell, str) and cell.strip() == "")


def _read_table(
    section: str, rows: Iterator[tuple[Any, ...]], parsed: Parsed, label: str, budget: _Budget
) -> None:
    """Header row first, then one record per non-blank row."""
    parsed.sections.add(section)
    first = next(rows, None)
    if first is None:
        parsed.problems.append(Problem(f"{label}header row", "", "is missing: the sheet is empty"))
        return
    budget.row(len(first))
    headers = [str(h if h is not None else "").strip().lower() for h in first]
    while headers and headers[-1] == "":
        headers.pop()
    header_problems = _header_problems(section, headers, f"{label}header row")
    parsed.problems.extend(header_problems)
    if any(p.message == "this column is required" for p in header_problems):
        return
    for index, row in enumerate(rows, start=2):
        budget.row(len(row))
        if all(_blank(cell) for cell in row):
            continue
        where = f"{label}row {index}"
        extra = [cell for cell in row[len(headers) :] if not _blank(cell)]
        if extra:
            parsed.problems.append(
                Problem(
                    where,
                    "",
                    f"has {len(headers) + len(extra)} or more cells but the header row names "
                    f"{len(headers)} columns",
                )
            )
            continue
        cells = dict(zip(headers, row, strict=False))
        _parse_row(section, SECTIONS[section], cells, where, parsed)


# --- CSV and XLSX ---------------------------------------------------------------------------


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFileError(
            f"The file is not UTF-8 text (unreadable byte at position {exc.start}). "
            "Save it as “CSV UTF-8” (or UTF-8 JSON/YAML) and upload it again."
        ) from None


def _csv_rows(text: str) -> Iterator[tuple[Any, ...]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        for row in reader:
            yield tuple(restore(cell) for cell in row)
    except csv.Error as exc:
        raise ImportFileError(
            f"The CSV file could not be read at line {reader.line_num}: {exc}."
        ) from None


def _read_csv(data: bytes, section: str, limits: ImportLimits) -> Parsed:
    text = _decode(data)
    if not text.strip():
        raise ImportFileError("The CSV file is empty: it needs a header row and data rows.")
    parsed = Parsed(source="CSV")
    _read_table(section, _csv_rows(text), parsed, "", _Budget(limits))
    return parsed


def _check_zip(data: bytes, limits: ImportLimits) -> None:
    """Refuse a workbook whose parts would expand too far, from the zip directory alone.

    Python's zip reader never expands a part beyond the size its directory declares (and
    fails on a mismatch), so bounding the declared sizes bounds the work.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise ImportFileError(
            "The XLSX workbook is damaged (its zip directory is unreadable)."
        ) from None
    parts = archive.infolist()
    if len(parts) > MAX_ZIP_PARTS:
        raise ImportFileError(
            f"The XLSX workbook has {len(parts):,} parts; that is not a normal workbook."
        )
    total = 0
    for part in parts:
        total += part.file_size
        if (
            part.file_size > RATIO_CHECK_FROM_BYTES
            and part.file_size > part.compress_size * limits.max_compression_ratio
        ):
            raise ImportFileError(
                f"The XLSX workbook's part {part.filename} would expand "
                f"{part.file_size // max(part.compress_size, 1):,} times "
                f"(to {format_megabytes(part.file_size)}); nothing was opened. "
                f"Workbooks compress at most {limits.max_compression_ratio} times."
            )
    if total > limits.max_uncompressed_bytes:
        raise ImportFileError(
            f"The XLSX workbook expands to {format_megabytes(total)}; the limit is "
            f"{limits.max_uncompressed_bytes / (1024 * 1024):g} MB. Nothing was opened; split it."
        )


def _read_xlsx(data: bytes, section: str, limits: ImportLimits) -> Parsed:
    if not data.startswith(b"PK"):
        raise ImportFileError("The file is not an XLSX workbook (it is not a zip archive).")
    _check_zip(data, limits)
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for broken workbooks
        raise ImportFileError(
            f"The XLSX workbook could not be read ({exc.__class__.__name__})."
        ) from None
    parsed = Parsed(source="XLSX")
    budget = _Budget(limits)
    try:
        sheets = {str(sheet.title or "").strip().lower(): sheet for sheet in book.worksheets}
        if not sheets:
            raise ImportFileError("The workbook has no sheets.")
        named = [name for name in TABULAR_SECTIONS if name in sheets]
        chosen = [(name, sheets[name], f"Sheet “{name}”, ") for name in named] or [
            (section, book.worksheets[0], "")
        ]
        for name, sheet, label in chosen:
            rows = sheet.iter_rows(values_only=True)
            _read_table(name, iter(rows), parsed, label, budget)
    except ImportFileError:
        raise
    except Exception as exc:  # a damaged sheet found while streaming
        raise ImportFileError(
            f"The XLSX workbook could not be read ({exc.__class__.__name__})."
        ) from None
    finally:
        book.close()
    return parsed


# --- JSON and YAML ------------------------------------------------------------------------


def _too_deep(limits: ImportLimits) -> ImportFileError:
    """The refusal of a document nested deeper than ``limits`` allow, however it was
    found (walking JSON, parsing YAML, or the JSON parser giving up)."""
    return ImportFileError(
        f"The document is nested more than {limits.max_depth} levels deep; "
        "inventory as code needs four."
    )


def _measure(document: Any, limits: ImportLimits) -> None:
    """Walk the document once (aliases included), stopping at the depth or cell limit."""
    cells = 0
    stack: list[tuple[Any, int]] = [(document, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > limits.max_depth:
            raise _too_deep(limits)
        children: Iterable[Any] = ()
        if isinstance(node, dict):
            children = node.values()
        elif isinstance(node, list):
            children = node
        for child in children:
            cells += 1
            if cells > limits.max_cells:
                raise ImportFileError(
                    f"The document has more than {limits.max_cells:,} values; "
                    "split it into several files."
                )
            stack.append((child, depth + 1))


def _load_json(data: bytes, limits: ImportLimits) -> Any:
    try:
        return json.loads(_decode(data))
    except json.JSONDecodeError as exc:
        raise ImportFileError(
            f"The JSON file is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}."
        ) from None
    except RecursionError:
        raise _too_deep(limits) from None


def _load_yaml(data: bytes, limits: ImportLimits) -> Any:
    """Count anchors and nesting on the parser's events first, then build the document."""
    text = _decode(data)
    try:
        depth = aliases = documents = 0
        for event in yaml.parse(text, Loader=_YAML_LOADER):
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > limits.max_depth:
                    raise _too_deep(limits)
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
            elif isinstance(event, yaml.AliasEvent):
                aliases += 1
                if aliases > limits.max_aliases:
                    raise ImportFileError(
                        f"The YAML file uses more than {limits.max_aliases:,} aliases (*name); "
                        "write the values out instead."
                    )
            elif isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    raise ImportFileError("The YAML file holds several documents; give one.")
        return yaml.load(text, Loader=_YAML_LOADER)  # noqa: S506 - a safe loader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise ImportFileError(f"The YAML file is not valid YAML{where}.") from None


def _read_document(document: Any, source: str, limits: ImportLimits) -> Parsed:
    if not isinstance(document, dict):
        raise ImportFileError(f"The {source} file must hold one object with a “schema” key.")
    schema = document.get("schema")
    if schema != SCHEMA:
        raise ImportFileError(
            f"Unsupported schema {schema!r}: this version reads “{SCHEMA}” "
            "(see docs/inventory-as-code.md)."
        )
    _measure(document, limits)
    parsed = Parsed(source=source)
    budget = _Budget(limits)
    for key in document:
        if key != "schema" and key not in SECTIONS:
            parsed.problems.append(
                Problem(str(key), "", "unknown section; the sections are " + ", ".join(SECTIONS))
            )
    for section, columns in SECTIONS.items():
        if section in document:
            parsed.sections.add(section)
        items = document.get(section, [])
        if items is None:
            items = []
        if not isinstance(items, list):
            parsed.problems.append(Problem(section, "", "must be a list"))
            continue
        known = {column.name for column in columns}
        for index, item in enumerate(items):
            where = f"{section}[{index}]"
            if not isinstance(item, dict):
                budget.row(1)
                parsed.problems.append(Problem(where, "", "must be an object"))
                continue
            budget.row(len(item))
            label = item.get("key" if section == "techniques" else "name") or item.get("function")
            if isinstance(label, str) and label:
                where = f"{where} “{label}”"
            for key in item:
                if key not in known:
                    parsed.problems.append(Problem(where, str(key), "unknown field"))
            missing = [c.name for c in columns if c.required and c.name not in item]
            for name in missing:
                parsed.problems.append(Problem(where, name, "is required"))
            if not missing:
                _parse_row(section, columns, item, where, parsed)
    return parsed


def read_file(
    name: str, data: bytes, *, section: str = "components", limits: ImportLimits | None = None
) -> Parsed:
    """Read an import file. ``section`` says what a CSV (or an unnamed sheet) holds."""
    limits = limits or ImportLimits()
    lowered = name.lower()
    if len(data) > limits.max_bytes:
        raise ImportFileError(
            f"The file is {format_megabytes(len(data))}; the limit is "
            f"{limits.max_bytes / (1024 * 1024):g} MB. Split it into several files."
        )
    if section not in TABULAR_SECTIONS:
        raise ImportFileError(
            "Choose what the spreadsheet holds: " + ", ".join(TABULAR_SECTIONS) + "."
        )
    if lowered.endswith(".csv"):
        return _read_csv(data, section, limits)
    if lowered.endswith(".xlsx"):
        return _read_xlsx(data, section, limits)
    if lowered.endswith(".json"):
        return _read_document(_load_json(data, limits), "JSON", limits)
    if lowered.endswith((".yaml", ".yml")):
        return _read_document(_load_yaml(data, limits), "YAML", limits)
    raise ImportFileError(
        "Only CSV or XLSX spreadsheets (and JSON or YAML inventory-as-code files) can be "
        f"imported; “{name}” is none of these."
    )
