"""Checks shared by the sign-in tests of the directory and the OpenID Connect provider."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from bcp.models import Membership, Plan, Role


def assert_landed_signed_in(client: Client, response: HttpResponse) -> None:
    """The sign-in ended on the plan list, with the session signed in."""
    assert response.status_code == 302 and response["Location"] == reverse("plan_list")
    assert "_auth_user_id" in client.session


def member_as(plan: Plan, username: str, role: Role) -> User:
    """The user an outside identity became on sign-in, holding ``role`` in ``plan``."""
    user = get_user_model().objects.get(username=username)
    assert Membership.objects.get(user=user, plan=plan).role == role
    return user


def assert_signed_in_member(
    client: Client, response: HttpResponse, plan: Plan, role: Role, identity: tuple[str, str, str]
) -> None:
    """A new, non-staff user landed signed in on the plan list and holds ``role`` in
    ``plan``, with the ``identity`` (username, email, first name) the outside source gave."""
    assert_landed_signed_in(client, response)
    username, email, first_name = identity
    user = member_as(plan, username, role)
    assert (user.email, user.first_name, user.is_staff) == (email, first_name, False)
