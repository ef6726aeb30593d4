"""Plan snapshot → HTML (Django template) → PDF (WeasyPrint), in the worker only.

The HTML is produced from a snapshot alone, so a published version renders the
data it froze, never whatever the database holds now. WeasyPrint loads the
stylesheet and fonts through :class:`~documents.fetcher.RestrictedURLFetcher`
and nothing else.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from weasyprint import HTML

from documents import presentation
from documents.fetcher import RestrictedURLFetcher, base_url
from documents.snapshot import PlanSnapshot

Progress = Callable[[int, str], None]

# WeasyPrint logs every laid-out page at INFO; the job's progress says enough.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


def _no_progress(percent: int, message: str) -> None:
    return None


@dataclass
class RenderedPDF:
    content: bytes
    page_count: int
    sha256: str
    fetcher: RestrictedURLFetcher = field(repr=False)


PDFUA_VARIANT = "pdf/ua-1"


def plan_html(snapshot: PlanSnapshot, *, draft: bool, pdf_variant: str | None = None) -> str:
    """The plan as HTML; ``pdf_variant`` is the standard the PDF made from it declares, and
    its cover says so."""
    context = presentation.build_context(snapshot, draft=draft)
    return render_to_string("documents/pdf/plan.html", {**context, "pdf_variant": pdf_variant})


def render_html_to_pdf(
    html: str,
    *,
    progress: Progress = _no_progress,
    pdf_variant: str | None = None,
    attachments: list[Any] | None = None,
    fetcher: RestrictedURLFetcher | None = None,
) -> RenderedPDF:
    """Lay out and write ``html``; every resource goes through the restricted fetcher."""

    fetcher = fetcher or RestrictedURLFetcher()
    progress(40, "Laying out pages")
    document = HTML(string=html, base_url=base_url(), url_fetcher=fetcher).render()
    progress(75, f"Writing {len(document.pages)} pages")
    # Tagged PDF: a structure tree (headings, paragraphs, lists, tables, figures with their
    # alternative text) for screen readers and reflow, whichever standard is declared.
    options: dict[str, Any] = {"pdf_tags": True}
    if pdf_variant:
        options["pdf_variant"] = pdf_variant
    if attachments:
        options["attachments"] = attachments
    buffer = io.BytesIO()
    document.write_pdf(buffer, **options)
    content = buffer.getvalue()
    return RenderedPDF(
        content=content,
        page_count=len(document.pages),
        sha256=hashlib.sha256(content).hexdigest(),
        fetcher=fetcher,
    )


def render_plan(
    snapshot: PlanSnapshot, *, draft: bool, progress: Progress = _no_progress
) -> RenderedPDF:
    """The plan's PDF: PDF/UA-1 unless ``DOCUMENTS_PDF_UA`` is off."""
    variant = PDFUA_VARIANT if settings.DOCUMENTS_PDF_UA else None
    progress(30, "Writing the sections")
    return render_html_to_pdf(
        plan_html(snapshot, draft=draft, pdf_variant=variant),
        progress=progress,
        pdf_variant=variant,
    )


def now_iso() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
