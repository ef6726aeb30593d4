"""``inventory_import`` and ``inventory_export``: the import page's checks, for scripts."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from audit.verify import verify_chain
from inventory.exchange.document import SCHEMA
from inventory.models import Component, Site
from tests.conftest import PlanPeople
from tests.factories import PlanFactory
from tests.inventory.factories import ComponentFactory, SiteFactory

pytestmark = pytest.mark.django_db


def _file(tmp_path: Path, document: dict[str, object], name: str = "inventory.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps({"schema": SCHEMA, **document}))
    return path


def test_a_refused_file_exits_1_with_every_problem_on_stderr_and_saves_nothing(
    people: PlanPeople, tmp_path: Path
) -> None:
    path = _file(
        tmp_path,
        {
            "components": [
                {"name": "Good", "kind": "vm", "availability_percent": 99},
                {"name": "Bad", "kind": "vm", "availability_percent": 120},
                {"name": "Worse", "kind": "toaster", "availability_percent": 99},
            ]
        },
    )
    stderr = io.StringIO()
    with pytest.raises(CommandError, match="Nothing was imported: 2 problems") as caught:
        call_command("inventory_import", people.plan.pk, str(path), stderr=stderr)
    assert caught.value.returncode == 1
    assert stderr.getvalue().splitlines() == [
        "components[1] “Bad”, availability_percent: Availability is a percentage between 0 "
        "and 100; got 120.",
        "components[2] “Worse”, kind: “toaster” is not one of server, vm, application, "
        "database, storage, network, load_balancer, print_provider, printer, saas, power, other",
    ]
    assert not Component.objects.filter(plan=people.plan).exists()


def test_a_dry_run_checks_and_saves_nothing(people: PlanPeople, tmp_path: Path) -> None:
    path = _file(
        tmp_path,
        {"components": [{"name": "SAN", "kind": "storage", "mtbf_hours": 8760, "mttr_hours": 4}]},
    )
    stdout = io.StringIO()
    call_command("inventory_import", people.plan.pk, str(path), "--dry-run", stdout=stdout)
    assert "1 to create" in stdout.getvalue() and "Nothing was saved" in stdout.getvalue()
    assert not Component.objects.filter(plan=people.plan).exists()


def test_export_then_import_recreates_the_inventory_in_one_chained_batch(
    people: PlanPeople, tmp_path: Path
) -> None:
    ComponentFactory.create(plan=people.plan, name="=SAN", kind="storage")
    out = tmp_path / "export.yaml"
    call_command("inventory_export", people.plan.pk, "--format", "yaml", "--output", str(out))
    target = PlanFactory.create()
    stdout = io.StringIO()
    call_command("inventory_import", target.pk, str(out), "--reason", "CMDB sync", stdout=stdout)
    copy = Component.objects.get(plan=target)
    assert copy.name == "=SAN"
    created = copy.history.get()
    assert created.history_change_reason == "CMDB sync"
    assert created.history_user is not None and created.history_user.username == "system"
    assert verify_chain().ok


def test_an_unreadable_file_is_refused_with_its_reason(people: PlanPeople, tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text("{")
    stderr = io.StringIO()
    with pytest.raises(CommandError):
        call_command("inventory_import", people.plan.pk, str(path), stderr=stderr)
    assert "not valid JSON" in stderr.getvalue()


def test_the_import_keeps_what_the_file_leaves_out_unless_asked_to_replace(
    people: PlanPeople, tmp_path: Path
) -> None:
    ComponentFactory.create(plan=people.plan, name="Tape library")
    path = _file(
        tmp_path, {"components": [{"name": "SAN", "kind": "storage", "availability_percent": 99.9}]}
    )
    call_command("inventory_import", people.plan.pk, str(path), stdout=io.StringIO())
    assert Component.objects.filter(plan=people.plan, name="Tape library").exists()
    stdout = io.StringIO()
    call_command("inventory_import", people.plan.pk, str(path), "--replace", stdout=stdout)
    assert "1 removed" in stdout.getvalue()
    names = Component.objects.filter(plan=people.plan).values_list("name", flat=True)
    assert list(names) == ["SAN"]
    assert verify_chain().ok


def test_replacing_from_a_file_of_components_keeps_the_plans_sites(
    people: PlanPeople, tmp_path: Path
) -> None:
    SiteFactory.create(plan=people.plan, name="Old room")
    ComponentFactory.create(plan=people.plan, name="Tape library")
    path = _file(
        tmp_path, {"components": [{"name": "SAN", "kind": "storage", "availability_percent": 99.9}]}
    )
    stdout = io.StringIO()
    call_command("inventory_import", people.plan.pk, str(path), "--replace", stdout=stdout)
    assert "1 removed" in stdout.getvalue()
    assert Site.objects.filter(plan=people.plan, name="Old room").exists()
