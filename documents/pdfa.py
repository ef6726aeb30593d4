"""The archive copy: PDF/A-3b carrying the version's snapshot as an attached JSON file.

PDF/A-3 allows embedded files, so the archived document is its own evidence:
anyone can extract ``plan-snapshot.json``, recompute the sha256 of its
``inputs`` and compare it with the hash printed on the cover.
"""

from __future__ import annotations

from typing import Any

from weasyprint import Attachment

from bcp.canonical import document_json
from documents.fetcher import RestrictedURLFetcher
from documents.rendering import Progress, RenderedPDF, _no_progress, plan_html, render_html_to_pdf
from documents.snapshot import PlanSnapshot

SNAPSHOT_ATTACHMENT_NAME = "plan-snapshot.json"
PDFA_VARIANT = "pdf/a-3b"


def snapshot_attachment(stored: dict[str, Any], fetcher: RestrictedURLFetcher) -> Any:

    return Attachment(
        string=document_json(stored).encode("utf-8"),
        name=SNAPSHOT_ATTACHMENT_NAME,
        description="Continuity plan data snapshot (canonical JSON)",
        relationship="Data",
        url_fetcher=fetcher,
    )


def render_plan_pdfa(
    snapshot: PlanSnapshot, stored: dict[str, Any], *, progress: Progress = _no_progress
) -> RenderedPDF:
    """``snapshot`` laid out as PDF/A-3b with ``stored`` (its JSON as kept) attached."""
    fetcher = RestrictedURLFetcher()
    return render_html_to_pdf(
        plan_html(snapshot, draft=False, pdf_variant=PDFA_VARIANT),
        progress=progress,
        pdf_variant=PDFA_VARIANT,
        attachments=[snapshot_attachment(stored, fetcher)],
        fetcher=fetcher,
    )
