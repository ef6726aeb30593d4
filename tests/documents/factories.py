"""Factories for the documents app."""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

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
from tests.factories import UserFactory, model_factory, numbered, plan_record_factory

ContactFactory = plan_record_factory(
    Contact, name=numbered("Contact"), role="Print administrator", phone="+44 20 7946 0000"
)
CallTreeEntryFactory = plan_record_factory(
    CallTreeEntry,
    contact=factory.SubFactory(ContactFactory, plan=factory.SelfAttribute("..plan")),
    position=1,
)
VendorFactory = plan_record_factory(Vendor, name=numbered("Vendor"), service="SAN support")
RecoveryProcedureFactory = plan_record_factory(RecoveryProcedure, title=numbered("Runbook"))
ProcedureStepFactory = model_factory(
    ProcedureStep,
    procedure=factory.SubFactory(RecoveryProcedureFactory),
    position=1,
    instruction="Fail over the print provider.",
    owner="Print administrator",
    expected_minutes=20,
)


def _in_a_week() -> dt.date:
    return timezone.localdate() + dt.timedelta(days=7)


ExerciseFactory = plan_record_factory(
    Exercise, title=numbered("Exercise"), scheduled_for=factory.LazyFunction(_in_a_week)
)
# A version as the render task leaves it (hashes set, no files): for page tests.
PlanVersionFactory = plan_record_factory(
    PlanVersion,
    number=factory.Sequence(lambda n: n + 1),
    status=PlanVersion.Status.PUBLISHED,
    snapshot=factory.LazyFunction(dict),
    snapshot_sha256="0" * 64,
    pdf_sha256=factory.Sequence(lambda n: f"{n:064x}"),
    published_by=factory.SubFactory(UserFactory),
    published_at=factory.LazyFunction(timezone.now),
)
SignOffRequestFactory = model_factory(
    SignOffRequest,
    plan_version=factory.SubFactory(PlanVersionFactory),
    stakeholder=factory.SubFactory(UserFactory),
    requested_by=factory.SubFactory(UserFactory),
    due_date=factory.LazyFunction(_in_a_week),
)
