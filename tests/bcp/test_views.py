from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from bcp.models import Membership, Plan, Role
from tests.conftest import PlanPeople, client_for
from tests.factories import UserFactory, make_coordinator

pytestmark = pytest.mark.django_db


def test_login_page_renders() -> None:
    response = client_for(None).get(reverse("login"))
    assert response.status_code == 200
    assert b"Sign in to Continuity" in response.content


def test_plan_list_shows_only_the_users_plans(people: PlanPeople, manager_client: Any) -> None:
    response = manager_client.get(reverse("plan_list"))
    assert people.plan.name in response.content.decode()
    other = Plan.objects.exclude(pk=people.plan.pk).first()
    assert other is not None and other.name not in response.content.decode()


def test_a_coordinator_without_plans_is_led_to_creating_one(db: None) -> None:
    coordinator = make_coordinator(UserFactory.create())
    body = client_for(coordinator).get(reverse("plan_list")).content.decode()
    no_plans = body[body.index('id="no-plans"') :].split("</div>", 1)[0]
    assert f'<a href="{reverse("plan_create")}">Create a plan</a>' in no_plans


def test_plan_list_counts_every_member_of_each_plan_and_names_the_viewers_role(
    people: PlanPeople, django_assert_max_num_queries: Any
) -> None:
    from bcp.selectors import plan_list

    with django_assert_max_num_queries(1):
        rows: list[Any] = list(plan_list(people.auditor))
    (row,) = rows
    assert (row.member_count, row.user_role) == (3, Role.AUDITOR)
    body = client_for(people.auditor).get(reverse("plan_list")).content.decode()
    assert "<td>3</td>" in body and "<td>Auditor</td>" in body


def test_invalid_plan_form_shows_field_errors_and_keeps_input(people: PlanPeople) -> None:
    response = client_for(make_coordinator(people.manager)).post(
        reverse("plan_create"), {"name": "", "organisation": "Kept Org", "scope": "kept scope"}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "This field is required" in body
    assert "Kept Org" in body and "kept scope" in body


def test_edit_with_reason_appears_in_history(people: PlanPeople, manager_client: Any) -> None:
    plan = people.plan
    manager_client.post(
        reverse("plan_edit", kwargs={"plan_pk": plan.pk}),
        {
            "name": "Renamed plan",
            "organisation": plan.organisation,
            "scope": plan.scope,
            "classification": "Confidential",
            "review_interval_months": plan.review_interval_months,
            "next_review": plan.next_review.isoformat(),
            "version": plan.version,
            "reason": "Board asked for a clearer name",
            "ticket": "CHG-42",
        },
    )
    response = manager_client.get(reverse("plan_history", kwargs={"plan_pk": plan.pk}))
    body = response.content.decode()
    assert "Board asked for a clearer name" in body
    assert "CHG-42" in body
    assert "Renamed plan" in body


def test_stale_edit_shows_who_changed_it_and_keeps_typed_values(
    people: PlanPeople, manager_client: Any
) -> None:
    plan = people.plan
    stale_version = plan.version
    from bcp import services

    services.plan_update(
        plan=plan, user=people.manager, expected_version=stale_version, name="Changed meanwhile"
    )
    response = manager_client.post(
        reverse("plan_edit", kwargs={"plan_pk": plan.pk}),
        {
            "name": "My typed name",
            "organisation": plan.organisation,
            "scope": plan.scope,
            "classification": plan.classification,
            "review_interval_months": plan.review_interval_months,
            "next_review": plan.next_review.isoformat(),
            "version": stale_version,
        },
    )
    body = response.content.decode()
    assert "Not saved" in body and "Changed meanwhile" in body and "My typed name" in body
    assert Plan.objects.get(pk=plan.pk).name == "Changed meanwhile"


def test_auditor_sees_no_edit_controls(people: PlanPeople, auditor_client: Any) -> None:
    body = auditor_client.get(reverse("plan_detail", kwargs={"plan_pk": people.plan.pk})).content
    assert b"Edit plan" not in body
    members = auditor_client.get(reverse("member_list", kwargs={"plan_pk": people.plan.pk}))
    assert b"Add a member" not in members.content and b"Change role" not in members.content


def test_adding_an_unknown_user_names_the_problem(people: PlanPeople, manager_client: Any) -> None:
    response = manager_client.post(
        reverse("member_add", kwargs={"plan_pk": people.plan.pk}),
        {"username": "nobody-here", "role": Role.STAKEHOLDER},
    )
    assert response.status_code == 400
    assert "No user &#x27;nobody-here&#x27;" in response.content.decode()


def test_manager_adds_a_stakeholder(people: PlanPeople, manager_client: Any) -> None:
    newcomer = UserFactory.create(username="newcomer")
    manager_client.post(
        reverse("member_add", kwargs={"plan_pk": people.plan.pk}),
        {"username": "newcomer", "role": Role.STAKEHOLDER, "reason": "Owns printing"},
    )
    assert Membership.objects.get(plan=people.plan, user=newcomer).role == Role.STAKEHOLDER


def _membership_history(plan: Plan, user: Any) -> list[tuple[str, str, str]]:
    rows = Membership.history.filter(plan_id=plan.pk, user_id=user.pk).order_by("history_id")
    return [(r.history_type, r.history_change_reason, r.history_ticket) for r in rows]


def test_adding_changing_and_removing_a_member_record_the_ticket_given(
    people: PlanPeople, manager_client: Any
) -> None:
    newcomer = UserFactory.create(username="newcomer")
    manager_client.post(
        people.url("member_add"),
        {
            "username": "newcomer",
            "role": Role.STAKEHOLDER,
            "reason": "Owns printing",
            "ticket": "CHG-1",
        },
    )
    membership = Membership.objects.get(plan=people.plan, user=newcomer)
    manager_client.post(
        people.url("member_edit", member_pk=membership.pk),
        {
            "role": Role.AUDITOR,
            "version": membership.version,
            "reason": "Audits now",
            "ticket": "CHG-2",
        },
    )
    manager_client.post(
        people.url("member_remove", member_pk=membership.pk),
        {"reason": "Left", "ticket": "CHG-3"},
    )
    assert _membership_history(people.plan, newcomer) == [
        ("+", "Owns printing", "CHG-1"),
        ("~", "Audits now", "CHG-2"),
        ("-", "Left", "CHG-3"),
    ]


def test_staff_page_is_refused_to_non_staff(manager_client: Any) -> None:
    assert manager_client.get(reverse("user_list")).status_code == 403


def test_staff_creates_a_user_and_a_set_password_email_is_sent(mailoutbox: list[Any]) -> None:
    staff = UserFactory.create(username="root-admin", is_staff=True)
    response = client_for(staff).post(
        reverse("user_list"), {"username": "nina", "email": "nina@example.org"}
    )
    assert response.status_code == 302
    assert len(mailoutbox) == 1 and "nina" in mailoutbox[0].body


def test_password_reset_sends_an_email(people: PlanPeople, mailoutbox: list[Any]) -> None:
    client_for(None).post(reverse("password_reset"), {"email": people.manager.email})
    assert len(mailoutbox) == 1


def test_responses_carry_a_content_security_policy() -> None:
    response = client_for(None).get(reverse("login"))
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_plan_list_query_count_does_not_grow_with_plans(
    django_assert_max_num_queries: Any,
) -> None:
    from tests.factories import MembershipFactory

    user = UserFactory.create()
    for _ in range(30):
        MembershipFactory.create(user=user, role=Role.STAKEHOLDER)
    client = client_for(user)
    # 13: 8 for the page, 1 for the top bar's unread count, 4 for "What's waiting for me".
    with django_assert_max_num_queries(13):
        client.get(reverse("plan_list"))


def _make_overdue(plan: Plan, day: Any) -> None:
    from bcp.concurrency import save_locked

    save_locked(plan, changes={"next_review": day})


def _plan_edit_data(plan: Plan, **changes: Any) -> dict[str, Any]:
    return {
        "name": plan.name,
        "organisation": plan.organisation,
        "scope": plan.scope,
        "classification": plan.classification,
        "review_interval_months": plan.review_interval_months,
        "next_review": plan.next_review.isoformat(),
        "version": plan.version,
        **changes,
    }


def test_a_new_plan_is_reviewed_every_12_months_from_today_unless_told_otherwise(
    people: PlanPeople,
) -> None:
    from django.utils import timezone

    from bcp.models import months_after

    client_for(make_coordinator(people.manager)).post(
        reverse("plan_create"),
        {
            "name": "Library",
            "organisation": "Northbridge",
            "classification": "Internal",
            "start": "empty",
        },
    )
    plan = Plan.objects.get(name="Library")
    assert plan.review_interval_months == 12
    assert plan.next_review == months_after(timezone.localdate(), 12)


def test_a_review_interval_of_zero_months_is_a_field_error_and_nothing_is_saved(
    people: PlanPeople, manager_client: Any
) -> None:
    plan = people.plan
    response = manager_client.post(
        reverse("plan_edit", kwargs={"plan_pk": plan.pk}),
        _plan_edit_data(plan, name="Not saved", review_interval_months=0),
    )
    assert response.status_code == 400
    assert "greater than or equal to 1" in response.content.decode()
    assert Plan.objects.get(pk=plan.pk).name == plan.name


def test_a_past_review_date_is_a_field_error(people: PlanPeople, manager_client: Any) -> None:
    plan = people.plan
    response = manager_client.post(
        reverse("plan_edit", kwargs={"plan_pk": plan.pk}),
        _plan_edit_data(plan, next_review="2020-01-31"),
    )
    assert response.status_code == 400
    assert "31 Jan 2020 has passed: choose today or a later date." in response.content.decode()
    assert Plan.objects.get(pk=plan.pk).next_review == plan.next_review


def test_an_overdue_plan_stays_editable_without_moving_its_review_date(
    people: PlanPeople, manager_client: Any
) -> None:
    import datetime

    _make_overdue(people.plan, datetime.date(2020, 1, 31))
    plan = Plan.objects.get(pk=people.plan.pk)
    response = manager_client.post(
        reverse("plan_edit", kwargs={"plan_pk": plan.pk}), _plan_edit_data(plan, name="Renamed")
    )
    assert response.status_code == 302, response.context["form"].errors
    assert Plan.objects.get(pk=plan.pk).name == "Renamed"


def test_the_plan_list_and_overview_show_the_next_review_and_say_when_it_is_overdue(
    people: PlanPeople, manager_client: Any
) -> None:
    import datetime

    _make_overdue(people.plan, datetime.date(2020, 1, 31))
    listing = manager_client.get(reverse("plan_list")).content.decode()
    assert "31 Jan 2020" in listing and "Review overdue" in listing
    overview = manager_client.get(reverse("plan_detail", kwargs={"plan_pk": people.plan.pk}))
    assert "Next review due" in overview.content.decode()
    assert "31 Jan 2020" in overview.content.decode()


def test_a_changed_review_schedule_is_saved(people: PlanPeople, manager_client: Any) -> None:
    import datetime

    plan = people.plan
    later = plan.next_review + datetime.timedelta(days=10)
    manager_client.post(
        reverse("plan_edit", kwargs={"plan_pk": plan.pk}),
        _plan_edit_data(plan, review_interval_months=6, next_review=later.isoformat()),
    )
    plan.refresh_from_db()
    assert (plan.review_interval_months, plan.next_review) == (6, later)
