"""Rendering safety: user text is escaped, and the renderer fetches only our own files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from bcp import services as plan_services
from documents import services
from documents.fetcher import DOCUMENTS_STATIC, RefusedURL, RestrictedURLFetcher
from documents.publishing import draft_snapshot
from documents.rendering import plan_html, render_html_to_pdf
from documents.svg import clean_svg
from tests.conftest import PlanPeople
from tests.documents.helpers import page_texts

SCRIPT = "<script>document.title='owned'</script>"
IMAGE = "<img src=http://198.51.100.7/track.png>"
CSS_FILE = "url(file:///etc/passwd)"
HOSTILE = f"{SCRIPT} {IMAGE} {CSS_FILE}"


@pytest.fixture
def hostile_plan(people: PlanPeople) -> PlanPeople:
    plan_services.plan_update(
        plan=people.plan,
        user=people.manager,
        expected_version=people.plan.version,
        scope=HOSTILE,
        classification='<b style="background:url(http://198.51.100.7/x)">Secret</b>',
    )
    services.contact_create(
        plan=people.plan, user=people.manager, name=IMAGE, role=CSS_FILE, notes=SCRIPT
    )
    procedure = services.procedure_create(plan=people.plan, user=people.manager, title=SCRIPT)
    services.step_create(
        procedure=procedure,
        user=people.manager,
        instruction=HOSTILE,
        owner=IMAGE,
        expected_minutes=5,
    )
    services.exercise_create(
        plan=people.plan,
        user=people.manager,
        title=IMAGE,
        findings=CSS_FILE,
        scheduled_for=timezone.localdate(),
    )
    people.plan.refresh_from_db()
    return people


@pytest.mark.django_db
def test_hostile_plan_text_is_printed_literally_and_nothing_outside_is_fetched(
    hostile_plan: PlanPeople,
) -> None:
    snapshot = draft_snapshot(
        hostile_plan.plan, user=hostile_plan.manager, progress=lambda p, m: None
    )
    html = plan_html(snapshot, draft=True)
    fetcher = RestrictedURLFetcher()
    rendered = render_html_to_pdf(html, fetcher=fetcher)

    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<img src=http" not in html
    assert fetcher.refused == []
    assert all(
        url.startswith(DOCUMENTS_STATIC.resolve().as_uri() + "/") for url in fetcher.requested
    )
    assert not any("198.51.100.7" in url or "/etc/" in url for url in fetcher.requested)
    text = " ".join(" ".join(page_texts(rendered.content)).split())
    assert "<script>document.title='owned'</script>" in text
    assert "url(file:///etc/passwd)" in text
    assert b"/JavaScript" not in rendered.content and b"/JS " not in rendered.content
    assert b"root:x:0:0" not in rendered.content


@pytest.mark.parametrize(
    "url",
    [
        "http://198.51.100.7/track.png",
        "https://example.org/font.ttf",
        "file:///etc/passwd",
        "file:///work/main/static/documents/../../config/settings/base.py",
        "file://otherhost/static/documents/plan.css",
        "ftp://example.org/x",
        "data:text/plain,hello",
    ],
)
def test_fetcher_refuses_anything_but_our_static_files(url: str) -> None:
    fetcher = RestrictedURLFetcher()
    with pytest.raises(RefusedURL):
        fetcher.fetch(url)
    assert fetcher.refused == [url]


def test_fetcher_refuses_a_symlink_that_leads_out_of_the_static_folder(tmp_path: Path) -> None:
    root = tmp_path / "static"
    root.mkdir()
    (root / "escape.css").symlink_to("/etc/hostname")
    fetcher = RestrictedURLFetcher(roots=(root.resolve(),))
    with pytest.raises(RefusedURL):
        fetcher.fetch((root / "escape.css").as_uri())


def test_fetcher_serves_the_stylesheet_and_fonts() -> None:
    fetcher = RestrictedURLFetcher()
    css = fetcher.fetch((DOCUMENTS_STATIC / "plan.css").as_uri())
    font = fetcher.fetch((DOCUMENTS_STATIC / "fonts" / "DejaVuSans.ttf").as_uri())
    assert b"@page" in css.read()
    assert font.read()[:4] == b"\x00\x01\x00\x00"


def test_a_remote_image_in_raw_html_is_never_requested_over_the_network() -> None:
    """Even HTML that bypassed escaping cannot reach the network or other files."""
    fetcher = RestrictedURLFetcher()
    html = (
        '<html><head><link rel="stylesheet" href="plan.css"></head><body>'
        '<img src="http://198.51.100.7/x.png"><img src="file:///etc/passwd">'
        '<p style="background: url(file:///etc/shadow)">x</p></body></html>'
    )
    render_html_to_pdf(html, fetcher=fetcher)
    assert set(fetcher.refused) == {
        "http://198.51.100.7/x.png",
        "file:///etc/passwd",
        "file:///etc/shadow",
    }
    assert set(fetcher.served) <= set(fetcher.requested)
    assert not any("198.51.100.7" in u or "/etc/" in u for u in fetcher.served)


def test_diagram_svg_loses_scripts_and_external_links() -> None:
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
        '<script>alert(1)</script><rect onclick="x()" fill="url(#g)"/>'
        '<image xlink:href="http://198.51.100.7/x.png"/><a href="#n"><text>SAN</text></a></svg>'
    )
    cleaned: Any = clean_svg(svg)
    assert "script" not in cleaned and "onclick" not in cleaned and "198.51.100.7" not in cleaned
    assert "url(#g)" in cleaned and "SAN" in cleaned and 'href="#n"' in cleaned
    assert cleaned.startswith("<svg ") and "ns0:" not in cleaned


def test_each_diagram_gets_ids_of_its_own_with_its_references_kept() -> None:
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg"><defs><linearGradient id="g"/></defs>'
        '<g id="node1"><rect fill="url(#g)"/></g><a href="#node1"><text>SAN</text></a></svg>'
    )
    first: Any = clean_svg(svg, id_prefix="diagram1-")
    second: Any = clean_svg(svg, id_prefix="diagram2-")
    assert 'id="diagram1-node1"' in first and 'id="diagram2-node1"' in second
    assert 'fill="url(#diagram1-g)"' in first and 'href="#diagram1-node1"' in first
    assert 'id="node1"' not in first + second
