"""Checks shared by the sign-in tests of the directory and the OpenID Connect provider."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from bcp.models import Membership, Plan, Role


def assert_signed_in_member(
    client: Client,
    response: HttpResponse,
    plan: Plan,
    *,
    username: str,
    email: str,
    first_name: str,
    role: Role,
) -> None:
    """An outside identity signed in as a new, non-staff user with its details copied over,
    landed on the plan list and holds ``role`` in ``plan``."""
    assert response.status_code == 302 and response["Location"] == reverse("plan_list")
    user = get_user_model().objects.get(username=username)
    assert (user.email, user.first_name, user.is_staff) == (email, first_name, False)
    assert Membership.objects.get(user=user, plan=plan).role == role
    assert "_auth_user_id" in client.session
