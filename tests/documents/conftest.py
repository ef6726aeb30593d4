"""Each documents test writes its PDFs into its own media folder."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def own_media(media_root: Path) -> Path:
    return media_root
