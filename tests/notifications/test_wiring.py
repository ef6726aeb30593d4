"""Each event tells the right people: one inbox entry per person, the actor left out."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from bia.services.assessments import assessment_approve, assessment_return, assessment_submit
from documents import signoff
from notifications.models import Kind, Notification
from tests.bia.factories import BiaWorld, bia_world, fill_required, manager_sends
from tests.conftest import PlanPeople
from tests.documents.helpers import name_approvers, publish_now
from tests.incidents.factories import declare, print_estate

pytestmark = pytest.mark.django_db


def _inbox(user: Any, kind: Kind) -> list[Notification]:
    return list(Notification.objects.filter(recipient=user, kind=kind))


def _campaign_send(people: PlanPeople, world: BiaWorld, name: str, *, notify: bool = True) -> None:
    """The manager sends a campaign, due in ten days, for the stakeholder's own function."""
    manager_sends(people, world, name, functions=[world.own], due_in_days=10, notify=notify)


def test_a_campaign_puts_one_invitation_in_each_owners_inbox(
    people: PlanPeople, mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    world = bia_world(people)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _campaign_send(people, world, "Autumn round")
    (invitation,) = _inbox(people.stakeholder, Kind.BIA_ASSIGNED)
    assert invitation.title == "Business impact analysis: Autumn round"
    assert world.own.name in invitation.body
    assert [m.to for m in mailoutbox] == [[people.stakeholder.email]]


def test_a_campaign_sent_without_notice_tells_no_one(people: PlanPeople) -> None:
    world = bia_world(people)
    Notification.objects.all().delete()
    _campaign_send(people, world, "Quiet round", notify=False)
    assert not Notification.objects.exists()


def test_a_submitted_bia_reaches_the_managers_inbox(people: PlanPeople) -> None:
    world = bia_world(people)
    fill_required(world, world.own_assessment, people.stakeholder)
    assessment_submit(assessment=world.own_assessment, user=people.stakeholder)
    (notice,) = _inbox(people.manager, Kind.BIA_SUBMITTED)
    assert notice.plan == people.plan
    assert notice.link == world.own_assessment.get_absolute_url()


def test_a_returned_bia_tells_its_owner_the_comment(people: PlanPeople) -> None:
    world = bia_world(people)
    fill_required(world, world.own_assessment, people.stakeholder)
    submitted = assessment_submit(assessment=world.own_assessment, user=people.stakeholder)
    assessment_return(assessment=submitted, user=people.manager, comment="The RTO looks too long")
    (notice,) = _inbox(people.stakeholder, Kind.BIA_RETURNED)
    assert "The RTO looks too long" in notice.body


def test_an_approved_bia_tells_its_owner(people: PlanPeople) -> None:
    world = bia_world(people)
    fill_required(world, world.own_assessment, people.stakeholder)
    submitted = assessment_submit(assessment=world.own_assessment, user=people.stakeholder)
    assessment_approve(assessment=submitted, user=people.manager)
    (notice,) = _inbox(people.stakeholder, Kind.BIA_APPROVED)
    assert notice.title == f"BIA of {world.own.name} approved"


def test_an_owner_who_approves_their_own_bia_is_not_told(people: PlanPeople) -> None:
    world = bia_world(people)
    fill_required(world, world.other_assessment, people.manager)
    submitted = assessment_submit(assessment=world.other_assessment, user=people.manager)
    owner = submitted.function.owner
    assert owner is not None
    assessment_approve(assessment=submitted, user=owner)
    assert _inbox(owner, Kind.BIA_APPROVED) == []


def test_a_sign_off_request_reaches_the_stakeholders_inbox(people: PlanPeople) -> None:
    name_approvers(people, people.stakeholder)
    version = publish_now(people.plan, people.manager)
    signoff.signoff_request(
        version=version,
        user=people.manager,
        stakeholders=[people.stakeholder],
        due_date=timezone.localdate() + dt.timedelta(days=5),
    )
    (notice,) = _inbox(people.stakeholder, Kind.SIGNOFF_REQUESTED)
    assert notice.title.startswith(f"Please sign off {people.plan.name} v{version.number}")
    assert version.pdf_sha256 in notice.body


def test_a_declared_incident_tells_every_member_but_the_declarer(people: PlanPeople) -> None:
    incident = declare(print_estate(people), title="SAN down")
    told = set(
        Notification.objects.filter(kind=Kind.INCIDENT_DECLARED).values_list(
            "recipient_id", flat=True
        )
    )
    assert told == {people.stakeholder.pk, people.auditor.pk}
    notice = Notification.objects.filter(kind=Kind.INCIDENT_DECLARED).first()
    assert notice is not None and notice.link == incident.get_absolute_url()
    assert notice.title == "Incident declared: SAN down"
