"""The fields each plan record's services take: one shape per record, the same fields as
its form in :mod:`documents.forms`. A create passes the fields it sets, an update only the
ones it changes, so every key is optional."""

from __future__ import annotations

import datetime
from typing import TypedDict

from bia.models import BusinessFunction
from documents.models import CallTreeEntry, Contact


class ContactFields(TypedDict, total=False):
    name: str
    role: str
    organisation: str
    phone: str
    alternate_phone: str
    email: str
    notes: str


class CallTreeEntryFields(TypedDict, total=False):
    contact: Contact
    parent: CallTreeEntry | None
    position: int
    responsibility: str


class VendorFields(TypedDict, total=False):
    name: str
    service: str
    contract_reference: str
    support_phone: str
    support_email: str
    support_hours: str
    response_time: str
    notes: str


class ProcedureFields(TypedDict, total=False):
    function: BusinessFunction | None
    phase: str
    title: str
    position: int
    summary: str


class StepFields(TypedDict, total=False):
    position: int
    instruction: str
    owner: str
    expected_minutes: int


class ExerciseFields(TypedDict, total=False):
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
