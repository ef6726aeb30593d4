"""The only way WeasyPrint may load anything while rendering a plan.

Plan text comes from users. Even though every value is escaped in the HTML, the
renderer must not be able to reach the network or the file system if something
ever slips through: this fetcher serves files from our own folders (the PDF
stylesheet and its fonts) and refuses every other URL — http(s), ftp, data,
other ``file://`` paths, and paths that climb out with ``..`` or symlinks.

Every request is remembered in :attr:`RestrictedURLFetcher.requested`, so tests
can prove that an injected URL was never even asked for.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from weasyprint.urls import URLFetcher, URLFetcherResponse

# The PDF stylesheet, and the fonts shipped beside it.
DOCUMENTS_STATIC = Path(settings.BASE_DIR) / "static" / "documents"
# Debian's fonts-dejavu-core, installed by setup: a fallback if the shipped fonts are removed.
SYSTEM_FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"),)


class RefusedURL(ValueError):
    """A URL outside the allowed folders; WeasyPrint logs it and renders without it."""


def allowed_roots() -> tuple[Path, ...]:
    return (DOCUMENTS_STATIC.resolve(), *(d.resolve() for d in SYSTEM_FONT_DIRS if d.is_dir()))


def base_url() -> str:
    """Relative URLs in the PDF templates resolve against our static folder."""
    return DOCUMENTS_STATIC.resolve().as_uri() + "/"


class RestrictedURLFetcher(URLFetcher):
    """Serve ``file://`` URLs inside :func:`allowed_roots`; refuse everything else."""

    def __init__(self, roots: tuple[Path, ...] | None = None) -> None:
        # No handlers are installed: fetch() below never reaches urllib.
        super().__init__(allowed_protocols=("file",), allow_redirects=False)
        self.roots = roots if roots is not None else allowed_roots()
        self.requested: list[str] = []
        self.served: list[str] = []
        self.refused: list[str] = []

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        self.requested.append(url)
        path = self._allowed_path(url)
        if path is None:
            self.refused.append(url)
            raise RefusedURL(f"Refused to load {url[:200]!r}: only our own static files may load.")
        self.served.append(url)
        content_type, _ = mimetypes.guess_type(path.name)
        return URLFetcherResponse(
            path.as_uri(),
            body=path.read_bytes(),
            headers={"Content-Type": content_type or "application/octet-stream"},
        )

    def _allowed_path(self, url: str) -> Path | None:
        parts = urlsplit(url)
        if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost"):
            return None
        try:
            path = Path(unquote(parts.path)).resolve(strict=True)
        except (OSError, RuntimeError, ValueError):
            return None
        if not path.is_file():
            return None
        for root in self.roots:
            if path.is_relative_to(root):
                return path
        return None
