"""factory-boy factories for the planning domain."""

from __future__ import annotations

from typing import Any, TypeVar

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db.models import Model
from factory.django import DjangoModelFactory

from bcp.models import Membership, Plan, Role
from inventory.models import Component
from inventory.services.components import component_update

TEST_PASSWORD = "correct-horse-battery"

M = TypeVar("M", bound=Model)


def model_factory(model: type[M], **declarations: object) -> type[DjangoModelFactory[M]]:
    """A factory for ``model`` with these field defaults, called as ``XFactory.create(...)``.

    Most factories only name a model and a few defaults; a class apiece would repeat its
    ``Meta`` for nothing. Fields the test does not pass take these declarations.
    """
    return factory.make_factory(model, FACTORY_CLASS=DjangoModelFactory, **declarations)


def numbered(prefix: str) -> factory.Sequence:
    """``"<prefix> 0"``, ``"<prefix> 1"``…: a fresh name per record, as unique names require."""
    return factory.Sequence(lambda n: f"{prefix} {n}")


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


PlanFactory = model_factory(
    Plan,
    name=numbered("Plan"),
    organisation="Northbridge College",
    scope="Printing for staff and students.",
)


def plan_record_factory(model: type[M], **declarations: object) -> type[DjangoModelFactory[M]]:
    """A factory for a record of a plan: on a plan of its own unless the test names one."""
    return model_factory(model, plan=factory.SubFactory(PlanFactory), **declarations)


MembershipFactory = plan_record_factory(
    Membership, user=factory.SubFactory(UserFactory), role=Role.MANAGER
)


def plan_member(plan: Plan, username: str, full_name: str, role: Role) -> User:
    """A user called ``full_name`` ("First Last") who signs in as ``username`` with the
    test password and is a member of ``plan`` in ``role``."""
    first_name, last_name = full_name.split(" ", 1)
    user = UserFactory.create(username=username, first_name=first_name, last_name=last_name)
    MembershipFactory.create(plan=plan, user=user, role=role)
    return user


def make_coordinator(user: User) -> User:
    """Grant ``user`` the coordinator permission (may create plans) and return it fresh."""
    from django.contrib.auth.models import Permission

    user.user_permissions.add(Permission.objects.get_by_natural_key("add_plan", "bcp", "plan"))
    return get_user_model().objects.get(pk=user.pk)


def component_edit(
    plan: Plan, name: str, user: User, *, reason: str, **values: object
) -> Component:
    """``user`` edits the plan's component called ``name`` through the service, at the
    version it has now, as a saved form would; returns the component as saved."""
    component = Component.objects.get(plan=plan, name=name)
    return component_update(
        component=component,
        user=user,
        expected_version=component.version,
        values=values,
        reason=reason,
    )
