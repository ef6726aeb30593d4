from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from bcp import services
from bcp.concurrency import EditConflict
from bcp.models import Membership, Plan, Role
from tests.conftest import PlanPeople
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_plan_creator_becomes_its_manager() -> None:
    user = UserFactory.create()
    plan = services.plan_create(user=user, name="Payroll", organisation="Acme")
    assert Membership.objects.get(plan=plan, user=user).role == Role.MANAGER


def test_plan_update_records_reason_and_user(people: PlanPeople) -> None:
    plan = services.plan_update(
        plan=people.plan,
        user=people.manager,
        expected_version=people.plan.version,
        reason="Scope widened to the branch",
        name="Print and scan",
    )
    record = plan.history.latest()
    assert record.history_user == people.manager
    assert record.history_change_reason == "Scope widened to the branch"
    assert plan.version == 2


def test_second_save_from_a_stale_version_is_refused_with_a_diff(people: PlanPeople) -> None:
    start = people.plan.version
    services.plan_update(
        plan=people.plan, user=people.manager, expected_version=start, name="Theirs"
    )
    with pytest.raises(EditConflict) as excinfo:
        services.plan_update(
            plan=people.plan, user=people.auditor, expected_version=start, name="Mine"
        )
    conflict = excinfo.value
    assert (
        people.manager.username in conflict.changed_by
        or people.manager.get_full_name() in conflict.changed_by
    )
    assert [(d.field, d.theirs, d.yours) for d in conflict.differences] == [
        ("name", "Theirs", "Mine")
    ]
    assert Plan.objects.get(pk=people.plan.pk).name == "Theirs"


def test_last_manager_cannot_be_removed(people: PlanPeople) -> None:
    membership = Membership.objects.get(plan=people.plan, user=people.manager)
    with pytest.raises(ValidationError, match="at least one manager"):
        services.membership_remove(membership=membership, user=people.manager)


def test_last_manager_cannot_be_demoted(people: PlanPeople) -> None:
    membership = Membership.objects.get(plan=people.plan, user=people.manager)
    with pytest.raises(ValidationError, match="at least one manager"):
        services.membership_change_role(
            membership=membership,
            user=people.manager,
            role=Role.AUDITOR,
            expected_version=membership.version,
        )


def test_adding_a_member_twice_is_refused(people: PlanPeople) -> None:
    with pytest.raises(ValidationError, match="already a member"):
        services.membership_add(
            plan=people.plan, user=people.manager, member=people.stakeholder, role=Role.AUDITOR
        )


def test_archived_plan_is_read_only_for_its_manager(people: PlanPeople) -> None:
    from django.core.exceptions import PermissionDenied

    from bcp.permissions import Capability, check_plan_capability

    services.plan_archive(plan=people.plan, user=people.manager)
    people.plan.refresh_from_db()
    with pytest.raises(PermissionDenied, match="archived"):
        check_plan_capability(people.manager, people.plan, Capability.EDIT)
