"""Each documents test writes its PDFs into its own media folder.

Tests with a real worker keep the configured folder: the worker is another
process and writes where its settings say.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest


@pytest.fixture(autouse=True)
def media_root(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    if "celery_worker_process" in request.fixturenames or "live_server" in request.fixturenames:
        from django.conf import settings

        return Path(settings.MEDIA_ROOT)
    settings_fixture: Any = request.getfixturevalue("settings")
    settings_fixture.MEDIA_ROOT = tmp_path / "media"
    return Path(settings_fixture.MEDIA_ROOT)
