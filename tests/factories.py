"""factory-boy factories for the planning domain."""

from __future__ import annotations

from typing import Any

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from factory.django import DjangoModelFactory

from bcp.models import Membership, Plan, Role

TEST_PASSWORD = "correct-horse-battery"


class UserFactory(DjangoModelFactory[User]):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")

    @factory.post_generation
    def password(self: User, create: bool, extracted: str | None, **kwargs: Any) -> None:
        self.set_password(extracted or TEST_PASSWORD)
        if create:
            self.save()


class PlanFactory(DjangoModelFactory[Plan]):
    class Meta:
        model = Plan

    name = factory.Sequence(lambda n: f"Plan {n}")
    organisation = "Northbridge College"
    scope = "Printing for staff and students."


class MembershipFactory(DjangoModelFactory[Membership]):
    class Meta:
        model = Membership

    plan = factory.SubFactory(PlanFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.MANAGER


def make_coordinator(user: User) -> User:
    """Grant ``user`` the coordinator permission (may create plans) and return it fresh."""
    from django.contrib.auth.models import Permission

    user.user_permissions.add(Permission.objects.get_by_natural_key("add_plan", "bcp", "plan"))
    return get_user_model().objects.get(pk=user.pk)
