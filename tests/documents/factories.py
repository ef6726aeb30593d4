"""Factories for the documents app."""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from documents.models import (
    CallTreeEntry,
    Contact,
    Exercise,
    PlanVersion,
    ProcedureStep,
    RecoveryProcedure,
    SignOffRequest,
    Vendor,
)
from tests.factories import PlanFactory, UserFactory


class ContactFactory(DjangoModelFactory[Contact]):
    class Meta:
        model = Contact

    plan = factory.SubFactory(PlanFactory)
    name = factory.Sequence(lambda n: f"Contact {n}")
    role = "Print administrator"
    phone = "+44 20 7946 0000"


class CallTreeEntryFactory(DjangoModelFactory[CallTreeEntry]):
    class Meta:
        model = CallTreeEntry

    plan = factory.SubFactory(PlanFactory)
    contact = factory.SubFactory(ContactFactory, plan=factory.SelfAttribute("..plan"))
    position = 1


class VendorFactory(DjangoModelFactory[Vendor]):
    class Meta:
        model = Vendor

    plan = factory.SubFactory(PlanFactory)
    name = factory.Sequence(lambda n: f"Vendor {n}")
    service = "SAN support"


class RecoveryProcedureFactory(DjangoModelFactory[RecoveryProcedure]):
    class Meta:
        model = RecoveryProcedure

    plan = factory.SubFactory(PlanFactory)
    title = factory.Sequence(lambda n: f"Runbook {n}")


class ProcedureStepFactory(DjangoModelFactory[ProcedureStep]):
    class Meta:
        model = ProcedureStep

    procedure = factory.SubFactory(RecoveryProcedureFactory)
    position = 1
    instruction = "Fail over the print provider."
    owner = "Print administrator"
    expected_minutes = 20


class ExerciseFactory(DjangoModelFactory[Exercise]):
    class Meta:
        model = Exercise

    plan = factory.SubFactory(PlanFactory)
    title = factory.Sequence(lambda n: f"Exercise {n}")
    scheduled_for = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=7))


class PlanVersionFactory(DjangoModelFactory[PlanVersion]):
    """A version as the render task leaves it (hashes set, no files): for page tests."""

    class Meta:
        model = PlanVersion

    plan = factory.SubFactory(PlanFactory)
    number = factory.Sequence(lambda n: n + 1)
    status = PlanVersion.Status.PUBLISHED
    snapshot = factory.LazyFunction(dict)
    snapshot_sha256 = "0" * 64
    pdf_sha256 = factory.Sequence(lambda n: f"{n:064x}")
    published_by = factory.SubFactory(UserFactory)
    published_at = factory.LazyFunction(timezone.now)


class SignOffRequestFactory(DjangoModelFactory[SignOffRequest]):
    class Meta:
        model = SignOffRequest

    plan_version = factory.SubFactory(PlanVersionFactory)
    stakeholder = factory.SubFactory(UserFactory)
    requested_by = factory.SubFactory(UserFactory)
    due_date = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=7))
