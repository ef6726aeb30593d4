"""The plan PDF: sections, table of contents, RTO table, headers, watermark, PDF/A."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from bcp import contract
from bcp.canonical import document_sha256
from documents.pdfa import SNAPSHOT_ATTACHMENT_NAME, render_plan_pdfa
from documents.presentation import SECTIONS
from documents.rendering import render_plan
from documents.snapshot import snapshot_json
from tests.documents.helpers import (
    analysis_part,
    documents_part,
    flat,
    page_texts,
    qpdf_check,
    snapshot_with,
    structure_elements,
    xmp_metadata,
)

SECTION_TITLES = [
    "Known limitations of this version",
    "Introduction, scope and assumptions",
    "Concept of operations, roles and call tree",
    "Activation and notification",
    "Recovery procedures",
    "Reconstitution",
    "Business impact analysis summary",
    "Recovery objectives (RTO and RPO)",
    "Availability and downtime budgets",
    "Dependency diagrams",
    "Single points of failure, gaps and roadmap",
    "Exercises and results",
    "Appendix: contacts, vendors and inventory",
    "Appendix: changes since the previous version",
    "Sign-off",
]


@pytest.fixture(scope="module")
def assessed_pdf() -> Any:
    snapshot = snapshot_with(
        analysis=analysis_part({"Staff printing": 4, "Student printing": 8}),
        documents=documents_part(
            contacts=(
                contract.Contact(
                    name="Priya Print",
                    role="Print admin",
                    organisation="IT",
                    phone="0101",
                    alternate_phone="",
                    email="",
                ),
            ),
            call_tree=(
                contract.CallTreeLine(
                    position="1", contact="Priya Print", called_by="", responsibility=""
                ),
            ),
            procedures=(
                contract.Procedure(
                    title="Fail over the print provider",
                    phase="Recovery",
                    function="Staff printing",
                    summary="",
                    steps=(
                        contract.ProcedureStep(
                            instruction="Drain the pool", owner="Nina", expected_minutes=200
                        ),
                        contract.ProcedureStep(
                            instruction="Test release", owner="Priya", expected_minutes=100
                        ),
                    ),
                ),
            ),
        ),
    )
    return render_plan(snapshot, draft=False)


@pytest.fixture(scope="module")
def empty_draft_pdf() -> Any:
    return render_plan(snapshot_with(), draft=True)


def test_the_sections_are_those_of_the_contents() -> None:
    assert [s.title for s in SECTIONS] == SECTION_TITLES


def test_every_section_title_is_in_the_pdf(assessed_pdf: Any) -> None:
    text = "\n".join(page_texts(assessed_pdf.content))
    for title in SECTION_TITLES:
        assert title in text, title


def test_table_of_contents_page_numbers_match_the_pages_where_sections_start(
    assessed_pdf: Any,
) -> None:
    pages = page_texts(assessed_pdf.content)
    toc_page = next(i for i, text in enumerate(pages, start=1) if text.startswith("Contents"))
    toc = pages[toc_page - 1]
    for number, title in enumerate(SECTION_TITLES, start=1):
        heading = f"{number}. {title}"
        match = re.search(re.escape(heading) + r"[ .]*?(\d+)\s*$", toc, re.MULTILINE)
        assert match, f"{heading} not in contents:\n{toc}"
        actual = next(
            index
            for index, text in enumerate(pages, start=1)
            if index > toc_page and heading in text.splitlines()
        )
        assert int(match.group(1)) == actual, (heading, match.group(1), actual)


def test_rto_table_shows_each_functions_objectives_with_units(assessed_pdf: Any) -> None:
    text = "\n".join(page_texts(assessed_pdf.content))
    objectives = text[
        text.index("8. Recovery objectives (RTO and RPO)", text.index("Contents") + 500) :
    ]
    assert re.search(r"Staff printing\s+Assessed\s+8 h\s+4 h\s+1 h\s+99.9000%", objectives), (
        objectives[:600]
    )
    assert re.search(r"Student printing\s+Assessed\s+16 h\s+8 h\s+2 h\s+99.9000%", objectives)


def test_reasoning_is_printed_as_numbered_steps(assessed_pdf: Any) -> None:
    text = "\n".join(page_texts(assessed_pdf.content))
    assert re.search(r"1\.\s*Impact on Staff printing reaches the tolerance", text)
    assert re.search(r"2\.\s*RTO = MTPD 8 h − margin 4 h = 4 h", text)


def test_procedure_longer_than_the_rto_is_flagged(assessed_pdf: Any) -> None:
    text = " ".join(" ".join(page_texts(assessed_pdf.content)).split())
    assert "Steps take 5 h, longer than the RTO of 4 h by 1 h." in text


def test_the_cover_lists_the_approvers_and_the_history_checkpoint(assessed_pdf: Any) -> None:
    cover = " ".join(page_texts(assessed_pdf.content)[0].split())
    assert "Must be approved by Sam Stakeholder" in cover
    assert "Every business function's owner" in cover
    assert "12:" + "c" * 64 in cover.replace(" ", "")


def test_every_page_carries_plan_name_version_page_x_of_y_and_classification(
    assessed_pdf: Any,
) -> None:
    pages = page_texts(assessed_pdf.content)
    total = len(pages)
    for number, text in enumerate(pages[1:], start=2):
        assert "Print service continuity" in text
        assert "Version 3" in text
        assert f"Page {number} of {total}" in text
        assert "CONFIDENTIAL" in text


def test_missing_data_says_not_yet_assessed(empty_draft_pdf: Any) -> None:
    text = "\n".join(page_texts(empty_draft_pdf.content))
    assert text.count("Not yet assessed") >= 4


def test_draft_export_carries_a_draft_watermark_and_a_published_one_does_not(
    assessed_pdf: Any, empty_draft_pdf: Any
) -> None:
    assert "DRAFT" in page_texts(empty_draft_pdf.content)[5]
    assert not any("DRAFT" in text for text in page_texts(assessed_pdf.content))


def test_a_draft_cover_says_it_is_not_published_and_who_exported_it(
    assessed_pdf: Any, empty_draft_pdf: Any
) -> None:
    draft_cover = " ".join(page_texts(empty_draft_pdf.content)[0].split())
    assert "Version 3 draft (not published)" in draft_cover and "Exported by" in draft_cover
    assert "Published by" not in draft_cover
    assert "Published by" in page_texts(assessed_pdf.content)[0]


def test_the_font_is_embedded_dejavu(assessed_pdf: Any) -> None:
    reader = PdfReader(io.BytesIO(assessed_pdf.content))
    fonts = set()
    for page in reader.pages:
        resources: Any = page["/Resources"]
        for font in (resources.get("/Font") or {}).values():
            descriptor = font.get_object()
            fonts.add(str(descriptor["/BaseFont"]))
            for descendant in descriptor.get("/DescendantFonts", []):
                file_keys = descendant.get_object()["/FontDescriptor"].keys()
                assert {"/FontFile2", "/FontFile3", "/FontFile"} & set(file_keys)
    assert fonts and all("DejaVu" in name for name in fonts), fonts


def test_rendered_pdfs_pass_qpdf_check(
    assessed_pdf: Any, empty_draft_pdf: Any, tmp_path: Path
) -> None:
    qpdf_check(assessed_pdf.content, tmp_path, "assessed.pdf")
    qpdf_check(empty_draft_pdf.content, tmp_path, "draft.pdf")


def test_pdfa_carries_the_snapshot_whose_inputs_hash_matches_the_cover(tmp_path: Path) -> None:
    snapshot = snapshot_with(analysis=analysis_part({"Staff printing": 4}))
    pdfa = render_plan_pdfa(snapshot, snapshot_json(snapshot))
    qpdf_check(pdfa.content, tmp_path)
    reader = PdfReader(io.BytesIO(pdfa.content))
    attached = json.loads(reader.attachments[SNAPSHOT_ATTACHMENT_NAME][0])
    assert document_sha256(attached["inputs"]) == snapshot.inputs_sha256
    assert snapshot.inputs_sha256 in " ".join(page_texts(pdfa.content)[0].split()).replace(" ", "")
    root: Any = reader.trailer["/Root"]
    xmp = root["/Metadata"].get_object().get_data()
    assert b"pdfaid" in xmp and re.search(rb"pdfaid:part(>|=\")3", xmp), xmp[:400]


def test_us_letter_paper_lays_out_letter_pages() -> None:
    letter = render_plan(
        snapshot_with(documents=documents_part(paper_size="US Letter")), draft=True
    )
    box = PdfReader(io.BytesIO(letter.content)).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (612, 792)


def test_the_pdf_is_tagged_with_headings_and_tables(assessed_pdf: Any) -> None:
    catalog: Any = PdfReader(io.BytesIO(assessed_pdf.content)).trailer["/Root"]
    assert bool(catalog["/MarkInfo"]["/Marked"])
    kinds = {str(node["/S"]) for node in structure_elements(assessed_pdf.content)}
    assert {"/H1", "/H2", "/Table", "/TH", "/TD", "/L"} <= kinds


def test_the_pdf_declares_pdf_ua_1_and_its_cover_says_so(assessed_pdf: Any) -> None:
    xmp = xmp_metadata(assessed_pdf.content)
    assert re.search(rb"pdfuaid:part(>|=\")1", xmp), xmp[:600]
    assert b"pdfaid:part" not in xmp
    cover = flat(page_texts(assessed_pdf.content)[0])
    assert "PDF/UA-1(ISO14289-1)" in cover


def test_the_archival_copy_says_it_is_pdf_a_and_not_pdf_ua() -> None:
    snapshot = snapshot_with(analysis=analysis_part({"Staff printing": 4}))
    pdfa = render_plan_pdfa(snapshot, snapshot_json(snapshot))
    assert b"pdfuaid" not in xmp_metadata(pdfa.content)
    cover = flat(page_texts(pdfa.content)[0])
    assert "PDF/A-3b(ISO19005-3),thearchivalcopy" in cover
    assert "doesnotdeclarePDF/UA" in cover


def test_with_pdf_ua_off_the_pdf_is_tagged_and_declares_no_standard(settings: Any) -> None:
    settings.DOCUMENTS_PDF_UA = False
    pdf = render_plan(snapshot_with(), draft=True)
    assert b"pdfuaid" not in xmp_metadata(pdf.content)
    assert "/H1" in {str(node["/S"]) for node in structure_elements(pdf.content)}
    assert "itdeclaresnostandard" in flat(page_texts(pdf.content)[0])
