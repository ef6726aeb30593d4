"""Fixtures of the incidents tests: the print estate, a real SMTP server and a media folder
per test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import PlanPeople
from tests.incidents.factories import Estate, print_estate
from tests.incidents.smtp import Mailbox, running_smtp_server


@pytest.fixture
def estate(people: PlanPeople) -> Estate:
    return print_estate(people)


@pytest.fixture
def smtp_server(settings: Any) -> Iterator[Mailbox]:
    with running_smtp_server(settings) as box:
        yield box


@pytest.fixture(autouse=True)
def own_media(media_root: Path) -> Path:
    """Reports rendered here land in the test's own folder (a worker keeps its own)."""
    return media_root
