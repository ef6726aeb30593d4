"""Reading import files: bounded in size, rows, cells, expansion, depth and aliases."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Sequence

import openpyxl
import pytest

from inventory.exchange.document import SCHEMA
from inventory.exchange.fields import neutralise, restore
from inventory.exchange.reading import read_file
from inventory.exchange.records import ImportFileError, ImportLimits, format_megabytes


def _xlsx(rows: Sequence[Sequence[object]], title: str = "components") -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_sizes_are_rounded_up_so_a_file_over_the_limit_never_reads_as_at_it() -> None:
    assert format_megabytes(11 * 1024 * 1024) == "11.0 MB"
    assert format_megabytes(10 * 1024 * 1024 + 1) == "10.1 MB"


def test_a_zip_bomb_is_refused_from_its_directory_before_anything_is_expanded() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (50 * 1024 * 1024))
    data = buffer.getvalue()
    assert len(data) < 100 * 1024
    with pytest.raises(ImportFileError, match=r"would expand .* times .*nothing was opened"):
        read_file("bomb.xlsx", data)


def test_a_workbook_expanding_past_the_limit_is_refused() -> None:
    data = _xlsx([["name", "kind"], ["SAN", "storage"]])
    with pytest.raises(ImportFileError, match="expands to"):
        read_file("small.xlsx", data, limits=ImportLimits(max_uncompressed_bytes=1000))


def test_reading_stops_at_the_row_limit() -> None:
    rows = "name,kind,availability_percent\n" + "".join(f"C{n},vm,99\n" for n in range(50))
    with pytest.raises(ImportFileError, match="more than 10 records"):
        read_file("c.csv", rows.encode(), limits=ImportLimits(max_rows=10))


def test_reading_a_workbook_stops_at_the_cell_limit() -> None:
    data = _xlsx([["name", "kind"]] + [[f"C{n}", "vm"] for n in range(100)])
    with pytest.raises(ImportFileError, match="more than 50 cells"):
        read_file("c.xlsx", data, limits=ImportLimits(max_cells=50))


def test_a_yaml_alias_bomb_is_refused_before_it_is_built() -> None:
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for level in "bcdefghij":
        previous = chr(ord(level) - 1)
        lines.append(f"{level}: &{level} [" + ", ".join([f"*{previous}"] * 10) + "]")
    with pytest.raises(ImportFileError, match="more than 20 aliases"):
        read_file("bomb.yaml", "\n".join(lines).encode(), limits=ImportLimits(max_aliases=20))


def test_a_deeply_nested_yaml_document_is_refused() -> None:
    text = f"schema: {SCHEMA}\nnotes: " + "[" * 50 + "]" * 50 + "\n"
    with pytest.raises(ImportFileError, match="nested more than 20 levels"):
        read_file("deep.yaml", text.encode())


@pytest.mark.parametrize("depth", [50, 100_000])
def test_a_deeply_nested_json_document_is_refused(depth: int) -> None:
    nested = "[" * depth + "]" * depth
    text = f'{{"schema": "{SCHEMA}", "x": {nested}}}'
    with pytest.raises(ImportFileError, match="nested more than 20 levels"):
        read_file("deep.json", text.encode())


def test_aliases_within_the_limits_read_like_written_out_values() -> None:
    text = (
        f"schema: {SCHEMA}\n"
        "components:\n"
        "  - {name: SAN, kind: storage, availability_percent: 99.99, owner: &team Storage}\n"
        "  - {name: NAS, kind: storage, availability_percent: 99.9, owner: *team}\n"
    )
    parsed = read_file("aliases.yaml", text.encode())
    assert [r.values["owner"] for r in parsed.records["components"]] == ["Storage", "Storage"]


def test_a_csv_row_with_more_cells_than_columns_is_named() -> None:
    data = b"name,kind\nSAN,storage,extra\nNAS,storage\n"
    parsed = read_file("c.csv", data)
    assert [str(p) for p in parsed.problems] == [
        "row 2: has 3 or more cells but the header row names 2 columns"
    ]
    assert [r.key for r in parsed.records["components"]] == ["NAS"]


def test_function_dependencies_read_from_a_csv() -> None:
    data = b"function,needs,need\nPayroll,SAN,degraded\nPayroll,NAS,\n"
    parsed = read_file("d.csv", data, section="dependencies")
    assert [
        (r.values["function"], r.values["needs"], r.values["need"])
        for r in parsed.records["dependencies"]
    ] == [("Payroll", "SAN", "degraded"), ("Payroll", "NAS", "full")]


@pytest.mark.parametrize(
    "text", ["=1+1", "+44 20", "-x", "@SUM", "'=quoted", "'plain", "plain", ""]
)
def test_neutralised_text_is_restored_exactly(text: str) -> None:
    assert restore(neutralise(text)) == text
    assert not neutralise(text).startswith(("=", "+", "-", "@"))


def test_a_json_document_counts_towards_the_record_limit() -> None:
    document = {"schema": SCHEMA, "sites": [{"name": f"S{n}", "kind": "room"} for n in range(20)]}
    with pytest.raises(ImportFileError, match="more than 5 records"):
        read_file("s.json", json.dumps(document).encode(), limits=ImportLimits(max_rows=5))
