"""No side doors: the Django admin administers accounts and only shows planning records.

Walks every model registered in the admin: users, groups, sign-in lockouts and the
schedule of periodic work stay editable; every other model offers no add, change, delete,
bulk action or history revert, over HTTP too.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.test import RequestFactory
from django.urls import reverse

from bia.models import Answer, AssessmentState
from tests.bia.factories import bia_world, fill_required
from tests.conftest import PlanPeople, client_for
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

# Accounts are administered here: people, groups, and sign-in
# lockouts (a staff member clears one after a user is locked out).
ADMINISTERED_HERE = {
    "auth.user",
    "auth.group",
    "axes.accessattempt",
    "axes.accessfailurelog",
    "axes.accesslog",
    # A staff member removes a lost second factor so its owner can set up a new one.
    "otp_totp.totpdevice",
    "otp_static.staticdevice",
    # When periodic work runs (reminders, digests) is kept in the database for Celery beat;
    # staff change its timing here. The work itself goes through the services.
    "django_celery_beat.clockedschedule",
    "django_celery_beat.crontabschedule",
    "django_celery_beat.intervalschedule",
    "django_celery_beat.periodictask",
    "django_celery_beat.solarschedule",
}


def _registered() -> list[tuple[Any, Any]]:
    return sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label_lower)


@pytest.fixture
def superuser() -> Any:
    return UserFactory.create(is_staff=True, is_superuser=True)


def test_every_registered_planning_model_is_read_only_in_the_admin(superuser: Any) -> None:
    request = RequestFactory().get("/admin/")
    request.user = superuser
    writable = []
    for model, model_admin in _registered():
        label = model._meta.label_lower
        if label in ADMINISTERED_HERE:
            continue
        if (
            model_admin.has_add_permission(request)
            or model_admin.has_change_permission(request)
            or model_admin.has_delete_permission(request)
            or model_admin.get_actions(request)
        ):
            writable.append(label)
    assert not writable, f"writable in the admin: {writable}"
    assert len(_registered()) > 20  # the walk saw the apps' models, not an empty site


def test_every_admin_page_of_a_planning_model_refuses_writes(superuser: Any) -> None:
    client = client_for(superuser)
    for model, _model_admin in _registered():
        label = model._meta.label_lower
        if label in ADMINISTERED_HERE:
            continue
        info = (model._meta.app_label, model._meta.model_name)
        changelist = client.get(reverse("admin:{}_{}_changelist".format(*info)))
        assert changelist.status_code == 200, label
        assert client.get(reverse("admin:{}_{}_add".format(*info))).status_code == 403, label
        assert client.post(reverse("admin:{}_{}_add".format(*info)), {}).status_code == 403


def test_users_and_groups_stay_editable(superuser: Any) -> None:
    client = client_for(superuser)
    response = client.post(reverse("admin:auth_group_add"), {"name": "Continuity team"})
    assert response.status_code == 302
    assert Group.objects.filter(name="Continuity team").exists()


def test_an_approved_answer_cannot_be_changed_reverted_or_deleted_in_the_admin(
    people: PlanPeople, superuser: Any
) -> None:
    from bia.services.assessments import assessment_approve, assessment_submit

    world = bia_world(people)
    fill_required(world, world.own_assessment, people.stakeholder)
    submitted = assessment_submit(assessment=world.own_assessment, user=people.stakeholder)
    approved = assessment_approve(assessment=submitted, user=people.manager)
    assert approved.state == AssessmentState.APPROVED
    answer = Answer.objects.filter(assessment=approved, cell="").first()
    assert answer is not None
    before = answer.value
    record = answer.history.earliest()
    client = client_for(superuser)
    change = reverse("admin:bia_answer_change", args=[answer.pk])
    assert client.post(change, {"value": '"Changed in the admin"'}).status_code == 403
    revert = reverse("admin:bia_answer_simple_history", args=[answer.pk, record.history_id])
    assert client.post(revert, {"value": '"Reverted in the admin"'}).status_code == 403
    delete = reverse("admin:bia_answer_delete", args=[answer.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    bulk = client.post(
        reverse("admin:bia_answer_changelist"),
        {"action": "delete_selected", "_selected_action": [answer.pk], "post": "yes"},
    )
    assert bulk.status_code in (200, 302)
    answer.refresh_from_db()
    assert answer.value == before
