"""The demo plan's published PDF, read page by page as a stakeholder would.

One module fixture builds the demo, publishes version 1, changes a few things, publishes
version 2, and keeps both PDFs and snapshots; the database work is rolled back after.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from django.test import override_settings

from bcp.demo import demo_load
from documents import formatting, presentation
from documents.models import Contact, PlanVersion, RecoveryProcedure
from documents.presentation import SECTIONS
from documents.snapshot import PlanSnapshot, parse_snapshot
from documents.tasks import RENDER_HARD_LIMIT, RENDER_SOFT_LIMIT, draft_render, version_render
from tests.documents.helpers import flat, page_texts, publish_now, qpdf_check, structure_elements

# Every test is marked, so the test database is set up the same way whichever are selected.
pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Published:
    pdf: bytes
    snapshot: PlanSnapshot
    pages: list[str]  # pypdf text of each page
    layout: list[str]  # pdftotext -layout text of each page

    @property
    def text(self) -> str:
        return "\n".join(self.pages)

    def section_pages(self, key: str, *, layout: bool = False) -> list[str]:
        """The pages from the start of section ``key`` up to the start of the next one.

        pypdf's text keeps each table cell's lines together; ``layout`` (pdftotext) keeps
        the columns side by side, as a reader sees them.
        """
        starts = section_starts(self.pages)
        keys = [s.key for s in SECTIONS]
        index = keys.index(key)
        first = starts[key]
        last = starts[keys[index + 1]] if index + 1 < len(keys) else len(self.pages) + 1
        pages = self.layout if layout else self.pages
        return pages[first - 1 : max(first, last - 1)]


def section_starts(pages: list[str]) -> dict[str, int]:
    """Page number where each numbered section heading stands (after the contents page)."""
    found = {}
    for number, section in enumerate(SECTIONS, start=1):
        heading = f"{number}. {section.title}"
        found[section.key] = next(
            index
            for index, text in enumerate(pages, start=1)
            if index > 2 and heading in text.splitlines()
        )
    return found


def _layout(pdf: bytes, folder: Path) -> list[str]:
    path = folder / "plan.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    return out.split("\f")[:-1]


def _published(version: PlanVersion, folder: Path) -> Published:
    pdf = version.pdf.read()
    return Published(
        pdf=pdf,
        snapshot=parse_snapshot(version.snapshot),
        pages=page_texts(pdf),
        layout=_layout(pdf, folder),
    )


@pytest.fixture(scope="module")
def demo_versions(
    django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Published, Published]:
    folder = tmp_path_factory.mktemp("demo-document")
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=str(folder / "media")),
        transaction.atomic(),
    ):
        demo = demo_load()
        plan, manager = demo["plan"], demo["users"]["manager"]
        first = publish_now(plan, manager, limitations_reason="The first issue for review")
        one = _published(first, folder)
        contact = Contact.objects.get(plan=plan, name="Priya Print")
        from documents import services

        services.contact_update(
            contact=contact,
            user=manager,
            expected_version=contact.version,
            phone="+44 20 7946 0199",
            reason="New desk phone",
        )
        services.vendor_create(
            plan=plan, user=manager, name="Northbridge Couriers", service="Courier"
        )
        second = publish_now(plan, manager, note="Contacts brought up to date")
        two = _published(second, folder)
        transaction.set_rollback(True)
    return one, two


@pytest.fixture(scope="module")
def demo_pdf(demo_versions: tuple[Published, Published]) -> Published:
    return demo_versions[0]


SECTION_CONTENT = {
    "limitations": ["What is missing", "Why it was published with these open items"],
    "introduction": ["Scope", "Assumptions", "How figures are written"],
    "operations": ["Roles", "Call tree", "Priya Print"],
    "activation": ["Start the call tree"],
    "recovery": ["Move printing to the standby print provider", "RTO check"],
    "reconstitution": ["Return to normal operation"],
    "bia": ["Impact heat-map", "Print accounting and charging", "Peak periods"],
    "objectives": ["How each objective was derived", "Student printing (head office)"],
    "budgets": ["Allowed downtime a year", 'Availability tiers used in this plan ("nines")'],
    "diagrams": ["what it runs on"],
    "gaps": [
        "Hidden behind",
        "Where the downtime comes from",
        "Roadmap",
        "Head office SAN",
        "contract MPS-2024-017 with PrintCare Ltd cannot meet it",
    ],
    "exercises": ["Print server failover test"],
    "appendix": [
        "Contacts",
        "Vendors",
        "Stora Systems",
        "Redundancy groups",
        "Key people and suppliers",
        "Priya Shah",
        "Tom Baker",
        "(to recover)",
        "MPS-2024-017",
    ],
    "changes": ["This is the first published version of the plan"],
    "signoff": ["Fiona Finance", "Sam Stakeholder"],
}


@pytest.mark.parametrize("key", [s.key for s in SECTIONS])
def test_each_section_has_its_content_on_its_own_pages(demo_pdf: Published, key: str) -> None:
    text = " ".join(" ".join(demo_pdf.section_pages(key)).split())
    for expected in SECTION_CONTENT[key]:
        assert expected in text, (key, expected)


def test_the_contents_page_numbers_match_the_pages_where_sections_start(
    demo_pdf: Published,
) -> None:
    contents = demo_pdf.pages[1]
    for key, page in section_starts(demo_pdf.pages).items():
        number = [s.key for s in SECTIONS].index(key) + 1
        title = SECTIONS[number - 1].title
        listed = re.search(
            re.escape(f"{number}. {title}") + r"[ .]*?(\d+)\s*$", contents, re.MULTILINE
        )
        assert listed and int(listed.group(1)) == page, (title, page)


INTERNAL = re.compile(
    r"\b[a-z]+_[a-z0-9_]+\b"  # snake_case codes (exact_bdd, data_centre, load_balancer)
    r"|\b(?:function|component|site|group):\d+\b"  # engine ids
    r"|\b(?:rto|rpo|spof|mtpd)\b"  # gap kinds as codes (words in capitals are fine)
)


def test_no_internal_identifier_leaks_into_any_page(demo_pdf: Published) -> None:
    for number, text in enumerate(demo_pdf.pages, start=1):
        leaks = INTERNAL.findall(text)
        assert not leaks, (number, leaks)


UNIT = r"\s?(?:(?:d|h|m|min|s)\b|%)"
NUMBER_WITHOUT_UNIT = re.compile(r"(?<![\w.:/+-])\d+(?:\.\d+)?(?!\.?\d)(?!" + UNIT + r")")


def _without_names(text: str, snapshot: PlanSnapshot) -> str:
    inventory = snapshot.inputs.inventory
    names = [c.name for c in inventory.components] + [s.name for s in inventory.sites]
    names += [g.name for g in inventory.groups] + [f.name for f in snapshot.inputs.bia.functions]
    for name in sorted(names, key=len, reverse=True):
        text = text.replace(name, "")
    return text


def test_every_figure_in_the_objective_table_has_a_unit(demo_pdf: Published) -> None:
    pages = " ".join(demo_pdf.section_pages("objectives"))
    table = pages[pages.index("Required") : pages.index("How each objective was derived")]
    table = _without_names(table, demo_pdf.snapshot)
    assert not NUMBER_WITHOUT_UNIT.findall(table), table


def test_every_figure_in_the_gap_tables_has_a_unit(demo_pdf: Published) -> None:
    pages = " ".join(demo_pdf.section_pages("gaps"))
    gaps = pages[pages.index("Gaps between required and achievable") : pages.index("Roadmap")]
    gaps = re.sub(r"Print service continuity\s+Version \d+|Page \d+ of \d+", "", gaps)
    gaps = re.sub(r"The gaps of \d+ of \d+ functions", "", gaps)  # a count, not a table figure
    gaps = _without_names(gaps, demo_pdf.snapshot)
    assert not NUMBER_WITHOUT_UNIT.findall(gaps), NUMBER_WITHOUT_UNIT.findall(gaps)


def test_every_contract_field_that_has_a_value_appears_in_the_document(
    demo_pdf: Published,
) -> None:
    document = flat(demo_pdf.text)
    missing = []
    checked = 0
    for part in (demo_pdf.snapshot.inputs, demo_pdf.snapshot.diagrams):
        for path, kind, value in presentation.iter_shown(part):
            if kind == "svg":
                continue  # a drawing: its function's name is checked as its own field
            checked += 1
            if flat(formatting.display(kind, value)) not in document:
                missing.append((path, formatting.display(kind, value)))
    assert checked > 300
    assert not missing, missing[:20]


def test_the_cover_lists_exactly_the_approvers_the_policy_names(demo_pdf: Published) -> None:
    cover = " ".join(demo_pdf.pages[0].split())
    assert "Must be approved by Fiona Finance, Sam Stakeholder Every business function's owner" in (
        cover
    )
    assert demo_pdf.snapshot.inputs.documents.approvers.people == (
        "Fiona Finance",
        "Sam Stakeholder",
    )


def test_the_known_limitations_name_the_functions_without_a_reviewed_bia(
    demo_pdf: Published,
) -> None:
    text = " ".join(" ".join(demo_pdf.section_pages("limitations")).split())
    assert "4 of 6 functions have no reviewed BIA" in text
    assert "The first issue for review" in text


def test_the_gap_section_says_whose_gaps_are_unknown(demo_pdf: Published) -> None:
    text = " ".join(" ".join(demo_pdf.section_pages("gaps")).split())
    assert (
        "The gaps of 4 of 6 functions are unknown, because they have no required objectives "
        "to measure against: Branch printing (not assessed); Scanning to email and folders "
        "(not assessed); Secure print release (Find-Me) (not assessed); Staff printing "
        "(head office) (not assessed)."
    ) in text


def test_a_later_versions_change_appendix_summarises_on_at_most_two_pages(
    demo_versions: tuple[Published, Published],
) -> None:
    _, two = demo_versions
    pages = two.section_pages("changes")
    assert len(pages) <= 2
    text = " ".join(" ".join(pages).split())
    assert "2 changes to the plan's data were recorded after version 1 was published" in text
    assert "Priya Print: phone +44 20 7946 0102 → +44 20 7946 0199" in text
    assert "Added: Northbridge Couriers" in text
    assert "evidence export" in text
    assert "Running the analysis again changes no data, so it is not counted above" in text


def test_the_published_pdfs_pass_qpdf(
    demo_versions: tuple[Published, Published], tmp_path: Path
) -> None:
    for index, published in enumerate(demo_versions):
        qpdf_check(published.pdf, tmp_path, f"v{index + 1}.pdf")


def test_wide_tables_fit_the_page_width(demo_pdf: Published) -> None:
    from io import BytesIO

    from pypdf import PdfReader

    reader = PdfReader(BytesIO(demo_pdf.pdf))
    assert all(
        round(float(p.mediabox.width)) in (595, 842) for p in reader.pages
    )  # A4, portrait or landscape for diagrams
    for number, text in enumerate(demo_pdf.layout, start=1):
        assert "Criticali ty" not in text and "Severit y" not in text, number


def test_demo_loader_is_idempotent() -> None:
    demo_load()
    counts = (Contact.objects.count(), RecoveryProcedure.objects.count())
    demo_load()
    assert (Contact.objects.count(), RecoveryProcedure.objects.count()) == counts


def test_rendering_tasks_declare_their_time_limits() -> None:
    for task in (version_render, draft_render):
        assert task.soft_time_limit == RENDER_SOFT_LIMIT == 240
        assert task.time_limit == RENDER_HARD_LIMIT == 300
        assert task.acks_late and task.reject_on_worker_lost


def test_re_running_an_unchanged_analysis_does_not_supersede_the_version() -> None:
    from analysis.services import analysis_run_execute, analysis_run_start
    from bcp.jobs import run_job
    from documents import selectors

    demo = demo_load()
    plan, manager = demo["plan"], demo["users"]["manager"]
    current = selectors.current_inputs_sha256(plan)
    run = analysis_run_start(plan=plan, user=manager)
    assert (
        run_job(
            str(run.job_id), lambda job, progress: analysis_run_execute(job=job, progress=progress)
        )
        == "succeeded"
    )
    assert selectors.current_inputs_sha256(plan) == current


def test_each_dependency_diagram_is_a_figure_whose_alternative_text_names_its_boxes(
    demo_pdf: Published,
) -> None:
    drawn = [d for d in demo_pdf.snapshot.diagrams if d.svg]
    assert drawn
    figures = [
        str(node["/Alt"])
        for node in structure_elements(demo_pdf.pdf)
        if str(node["/S"]) == "/Figure"
    ]
    assert len(figures) == len(drawn), figures
    components = [c.name for c in demo_pdf.snapshot.inputs.inventory.components]
    by_function = {
        alt.split(": ")[0].removeprefix("Dependency diagram of "): alt for alt in figures
    }
    assert set(by_function) == {d.function for d in drawn}
    for alt in by_function.values():
        assert any(name in alt for name in components), alt
