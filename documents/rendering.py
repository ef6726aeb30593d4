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

from django.template.loader import render_to_string

from documents import presentation
from documents.fetcher import RestrictedURLFetcher, base_url

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


def plan_context(snapshot: dict[str, Any], *, draft: bool) -> dict[str, Any]:
    inputs = snapshot.get("inputs") or {}
    plan = inputs.get("plan") or {}
    members = plan.get("members") or []
    meta = snapshot.get("version") or {}
    sections = presentation.build_sections(snapshot)
    number = meta.get("number")
    label = f"{number}" if number else "draft"
    if draft and number:
        label = f"{number} draft"
    return {
        "plan": plan,
        "owners": [m for m in members if m.get("role") == "manager"],
        "approvers": [m for m in members if m.get("role") == "stakeholder"],
        "draft": draft,
        "version_label": label,
        "issued_on": str(meta.get("published_at") or meta.get("exported_at") or "")[:10],
        "published_by": meta.get("published_by"),
        "note": meta.get("note", ""),
        "inputs_sha256": snapshot.get("inputs_sha256", ""),
        "sections": sections,
        "section_numbers": {s.key: index for index, s in enumerate(sections, start=1)},
        "not_assessed": presentation.NOT_ASSESSED,
    }


def plan_html(snapshot: dict[str, Any], *, draft: bool) -> str:
    return render_to_string("documents/pdf/plan.html", plan_context(snapshot, draft=draft))


def render_html_to_pdf(
    html: str,
    *,
    progress: Progress = _no_progress,
    pdf_variant: str | None = None,
    attachments: list[Any] | None = None,
    fetcher: RestrictedURLFetcher | None = None,
) -> RenderedPDF:
    """Lay out and write ``html``; every resource goes through the restricted fetcher."""
    from weasyprint import HTML

    fetcher = fetcher or RestrictedURLFetcher()
    progress(40, "Laying out pages")
    document = HTML(string=html, base_url=base_url(), url_fetcher=fetcher).render()
    progress(75, f"Writing {len(document.pages)} pages")
    options: dict[str, Any] = {}
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
    snapshot: dict[str, Any], *, draft: bool, progress: Progress = _no_progress
) -> RenderedPDF:
    progress(10, "Preparing sections")
    context = plan_context(snapshot, draft=draft)
    for index, section in enumerate(context["sections"]):
        progress(10 + int(20 * (index + 1) / len(context["sections"])), f"Section: {section.title}")
    html = render_to_string("documents/pdf/plan.html", context)
    return render_html_to_pdf(html, progress=progress)


def now_iso() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
