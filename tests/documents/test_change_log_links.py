"""A published version's change log names the audit-trail entry of every change."""

from __future__ import annotations

import pytest
from django.urls import reverse

from audit.models import ChainEntry
from bcp import services as plan_services
from documents.services import version_publish
from tests.conftest import PlanPeople, client_for

pytestmark = pytest.mark.django_db


def test_change_log_lines_carry_their_audit_entry_numbers(people: PlanPeople) -> None:
    plan_services.plan_update(
        plan=people.plan,
        user=people.manager,
        expected_version=people.plan.version,
        reason="Scope agreed at the board",
        scope="Printing at both sites.",
    )
    version, _ = version_publish(plan=people.plan, user=people.manager)
    entries = version.snapshot["change_log"]["entries"]
    scoped = [e for e in entries if e["why"] == "Scope agreed at the board"]
    assert scoped and scoped[0]["audit_entry"]
    chain = ChainEntry.objects.get(seq=scoped[0]["audit_entry"])
    assert chain.reason == "Scope agreed at the board"


def test_version_page_links_changes_to_the_audit_trail_for_auditors(people: PlanPeople) -> None:
    plan_services.plan_update(
        plan=people.plan,
        user=people.manager,
        expected_version=people.plan.version,
        reason="Scope agreed at the board",
        scope="Printing at both sites.",
    )
    version, _ = version_publish(plan=people.plan, user=people.manager)
    seq = next(
        e["audit_entry"]
        for e in version.snapshot["change_log"]["entries"]
        if e["why"] == "Scope agreed at the board"
    )
    url = reverse("version_detail", kwargs={"plan_pk": people.plan.pk, "version_pk": version.pk})
    body = client_for(people.auditor).get(url).content.decode()
    assert reverse("audit_entry", kwargs={"plan_pk": people.plan.pk, "seq": seq}) in body
    stakeholder_body = client_for(people.stakeholder).get(url).content.decode()
    assert f"#{seq}" in stakeholder_body and "/audit/entries/" not in stakeholder_body
