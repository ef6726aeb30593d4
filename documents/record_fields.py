"""The fields each plan record's services take: one shape per record, the same fields as
its form in :mod:`documents.forms`. A create passes the fields it sets, an update only the
ones it changes, so every field is optional. Beside them every write names who makes it
and why (:class:`Authored`, declared once here)."""

from __future__ import annotations

import datetime
from typing import Required, TypedDict

from django.contrib.auth.models import User

from bia.models import BusinessFunction
from documents.models import CallTreeEntry, Contact


class Authored(TypedDict, total=False):
    """Who makes a change, and why, as every write takes it."""

    user: Required[User]
    reason: str
    ticket: str


class ContactFields(Authored, total=False):
    name: str
    role: str
    organisation: str
    phone: str
    alternate_phone: str
    email: str
    notes: str


class CallTreeEntryFields(Authored, total=False):
    contact: Contact
    parent: CallTreeEntry | None
    position: int
    responsibility: str


class VendorFields(Authored, total=False):
    name: str
    service: str
    contract_reference: str
    support_phone: str
    support_email: str
    support_hours: str
    response_time: str
    notes: str


class ProcedureFields(Authored, total=False):
    function: BusinessFunction | None
    phase: str
    title: str
    position: int
    summary: str


class StepFields(Authored, total=False):
    position: int
    instruction: str
    owner: str
    expected_minutes: int


class ExerciseFields(Authored, total=False):
    title: str
    kind: str
    function: BusinessFunction | None
    scheduled_for: datetime.date
    scope: str
    outcome: str
    held_on: datetime.date | None
    objective_minutes: int | None
    actual_minutes: int | None
    findings: str
