"""The services' rules hold on the other write path too: restoring from the audit trail."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User

from audit.rollback import RollbackRefused, object_rollback
from bcp import services as bcp_services
from bcp.history import TrackedModel
from bcp.models import Membership, Plan, Role
from bia.models import Answer
from bia.services.answers import answer_save
from bia.services.assessments import assessment_approve, assessment_submit
from tests.bia.factories import bia_world, fill_required, seen_version
from tests.conftest import PlanPeople

pytestmark = pytest.mark.django_db


def _restore(plan: Plan, user: User, record: TrackedModel, older: Any, reason: str) -> None:
    """``user`` restores ``record`` to its history row ``older``, having seen it as it is."""
    object_rollback(
        plan=plan,
        user=user,
        model=type(record),
        history_id=older.history_id,
        expected_version=record.version,
        reason=reason,
    )


def test_an_answer_of_an_approved_bia_cannot_be_restored_to_an_older_value(
    people: PlanPeople,
) -> None:
    world = bia_world(people)
    question = world.question("purpose")
    fill_required(world, world.own_assessment, people.stakeholder)
    answer_save(
        assessment=world.own_assessment,
        question=question,
        raw=["Printing for everyone"],
        user=people.stakeholder,
        expected_version=seen_version(world.own_assessment, question),
    )
    submitted = assessment_submit(assessment=world.own_assessment, user=people.stakeholder)
    assessment_approve(assessment=submitted, user=people.manager)
    answer = Answer.objects.get(assessment=world.own_assessment, question=question)
    older = answer.history.order_by("history_id").first()
    assert older is not None
    with pytest.raises(RollbackRefused, match="approved and locked"):
        _restore(people.plan, people.manager, answer, older, "Try to edit a locked BIA")
    answer.refresh_from_db()
    assert answer.value == "Printing for everyone"


def test_the_last_manager_cannot_be_restored_into_another_role(people: PlanPeople) -> None:
    other = Membership.objects.get(plan=people.plan, user=people.auditor)
    bcp_services.membership_change_role(
        membership=other,
        user=people.manager,
        role=Role.MANAGER,
        expected_version=other.version,
    )
    mine = Membership.objects.get(plan=people.plan, user=people.manager)
    bcp_services.membership_remove(membership=mine, user=people.manager, reason="Handover")
    other.refresh_from_db()
    as_auditor = other.history.order_by("history_id").first()
    assert as_auditor is not None and as_auditor.role == Role.AUDITOR
    with pytest.raises(RollbackRefused, match="at least one manager"):
        _restore(people.plan, people.auditor, other, as_auditor, "Back to auditor")
    other.refresh_from_db()
    assert other.role == Role.MANAGER
