"""Fixtures of the BIA tests."""

from __future__ import annotations

import pytest

from tests.bia.factories import BiaWorld, bia_world
from tests.conftest import PlanPeople


@pytest.fixture
def world(people: PlanPeople) -> BiaWorld:
    """A plan with BIA scales, a questionnaire, a campaign and the stakeholder's own BIA."""
    return bia_world(people)
