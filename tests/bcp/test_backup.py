"""Backup → restore round-trips: the same rows, history that still verifies, the same files."""

from __future__ import annotations

import tarfile
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError

from bcp.backup import APPS, EXCLUDED

pytestmark = pytest.mark.django_db(transaction=True)


def _counts() -> dict[str, int]:
    labels = {label.split(".")[0] for label in APPS}
    return {
        m._meta.label: m._default_manager.count()
        for m in apps.get_models()
        if m._meta.app_label in labels and m._meta.label_lower not in EXCLUDED
    }


def test_backup_then_restore_into_an_empty_database_round_trips(tmp_path: Path) -> None:
    call_command("load_demo", stdout=StringIO())
    before = _counts()
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", output=archive, stdout=StringIO())
    call_command("flush", interactive=False, verbosity=0)
    assert _counts()["bcp.Plan"] == 0
    out = StringIO()
    call_command("restore", str(archive), stdout=out)
    assert _counts() == before
    assert "Restored" in out.getvalue()


def test_restored_history_chain_still_verifies(tmp_path: Path) -> None:
    call_command("load_demo", stdout=StringIO())
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", output=archive, stdout=StringIO())
    call_command("flush", interactive=False, verbosity=0)
    call_command("restore", str(archive), stdout=StringIO())
    out = StringIO()
    call_command("verify_history", stdout=out)
    assert "intact" in out.getvalue().lower()


def test_restore_refuses_a_database_that_already_has_plans(tmp_path: Path) -> None:
    call_command("load_demo", stdout=StringIO())
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", output=archive, stdout=StringIO())
    with pytest.raises(CommandError, match="already holds plans"):
        call_command("restore", str(archive), stdout=StringIO())


def test_a_damaged_backup_is_refused_before_anything_is_loaded(tmp_path: Path) -> None:
    call_command("load_demo", stdout=StringIO())
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", output=archive, stdout=StringIO())
    damaged = tmp_path / "damaged.tar.gz"
    with tarfile.open(archive) as source, tarfile.open(damaged, "w:gz") as target:
        for info in source.getmembers():
            data = source.extractfile(info).read()  # type: ignore[union-attr]
            if info.name == "data.json":
                data = data.replace(b"Print service", b"Print servicX")
            info.size = len(data)
            import io

            target.addfile(info, io.BytesIO(data))
    call_command("flush", interactive=False, verbosity=0)
    with pytest.raises(CommandError, match="does not match its checksum"):
        call_command("restore", str(damaged), stdout=StringIO())
    assert _counts()["bcp.Plan"] == 0


def test_a_file_that_is_not_a_backup_is_refused(tmp_path: Path) -> None:
    bogus = tmp_path / "notes.tar.gz"
    bogus.write_text("hello")
    with pytest.raises(CommandError, match="not a Continuity backup"):
        call_command("restore", str(bogus), stdout=StringIO())
