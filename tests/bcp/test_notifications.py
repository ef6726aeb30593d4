"""Emails to a plan's managers, through Django's locmem mail backend (``mailoutbox``)."""

from __future__ import annotations

from typing import Any

import pytest

from bcp.models import Role
from bcp.notifications import Notice, managers_notify
from bia.services.assessments import assessment_submit
from documents.models import PlanVersion
from notifications.models import Kind
from tests.bia.factories import bia_world, fill_required
from tests.conftest import PlanPeople
from tests.documents.factories import PlanVersionFactory, SignOffRequestFactory
from tests.documents.helpers import decide
from tests.factories import MembershipFactory
from tests.helpers import rolled_back

pytestmark = pytest.mark.django_db


def _notice(people: PlanPeople) -> Notice:
    return Notice(
        plan_pk=people.plan.pk,
        plan_name=people.plan.name,
        subject="Something waits",
        body="Details.",
        path="/plans/",
        kind=Kind.BIA_SUBMITTED,
    )


def test_a_submitted_bia_emails_each_manager_once_it_commits(
    people: PlanPeople, mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    second = MembershipFactory.create(plan=people.plan, role=Role.MANAGER).user
    world = bia_world(people)
    fill_required(world, world.own_assessment, people.stakeholder)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        submitted = assessment_submit(
            assessment=world.own_assessment, user=people.stakeholder, site="https://bc.example"
        )
        assert mailoutbox == []  # nothing leaves before the commit
    for callback in callbacks:
        callback()
    assert sorted(m.to[0] for m in mailoutbox) == sorted([people.manager.email, second.email])
    message = mailoutbox[0]
    function = submitted.function.name
    assert message.subject == f"[{people.plan.name}] BIA of {function} submitted for review"
    assert f"business impact analysis of “{function}”" in message.body
    assert f"https://bc.example/plans/{people.plan.pk}/bia/assessments/{submitted.pk}/" in (
        message.body
    )


def test_a_change_rolled_back_tells_no_one(
    people: PlanPeople, mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        rolled_back(lambda: managers_notify(plan=people.plan, notice=_notice(people)))
    assert mailoutbox == []


def test_the_manager_who_acted_is_not_told_of_their_own_action(
    people: PlanPeople, mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    second = MembershipFactory.create(plan=people.plan, role=Role.MANAGER).user
    with django_capture_on_commit_callbacks(execute=True):
        managers_notify(plan=people.plan, notice=_notice(people), actor=people.manager)
    assert [m.to for m in mailoutbox] == [[second.email]]


def test_a_notice_about_another_plan_is_refused(people: PlanPeople) -> None:
    other = MembershipFactory.create(user=people.manager).plan
    with pytest.raises(ValueError, match="another plan"):
        managers_notify(plan=other, notice=_notice(people))


def _version_in_review(people: PlanPeople, *approvers: Any) -> PlanVersion:
    version = PlanVersionFactory.create(
        plan=people.plan,
        number=3,
        status=PlanVersion.Status.IN_REVIEW,
        approvers=[a.pk for a in approvers],
    )
    for approver in approvers:
        SignOffRequestFactory.create(
            plan_version=version, stakeholder=approver, requested_by=people.manager
        )
    return version


def test_an_approval_tells_the_managers_how_far_sign_off_has_got(
    people: PlanPeople, mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    finance = MembershipFactory.create(plan=people.plan, role=Role.STAKEHOLDER).user
    version = _version_in_review(people, people.stakeholder, finance)
    with django_capture_on_commit_callbacks(execute=True):
        decide(version, people.stakeholder, approve=True)
    (message,) = mailoutbox
    assert message.to == [people.manager.email]
    who = people.stakeholder.get_full_name()
    assert message.subject == f"[{people.plan.name}] Version 3 approved by {who}"
    assert "The version is now: Partly approved (1 of 2)." in message.body
    assert version.get_absolute_url() in message.body


def test_a_rejection_tells_the_managers_the_comment_and_that_it_returned_to_draft(
    people: PlanPeople, mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    version = _version_in_review(people, people.stakeholder)
    with django_capture_on_commit_callbacks(execute=True):
        decide(version, people.stakeholder, approve=False, comment="Branch RTO is wrong")
    (message,) = mailoutbox
    assert "rejected version 3" in message.body
    assert "Comment: Branch RTO is wrong" in message.body
    assert "The version is now: Returned to draft." in message.body


def test_the_last_approval_says_the_version_is_approved(
    people: PlanPeople, mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    version = _version_in_review(people, people.stakeholder)
    with django_capture_on_commit_callbacks(execute=True):
        decide(version, people.stakeholder, approve=True)
    (message,) = mailoutbox
    assert "The version is now: Approved." in message.body
