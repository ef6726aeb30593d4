"""Backup → restore round-trips: the same rows, history that still verifies, the same files."""

from __future__ import annotations

import tarfile
import threading
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core import serializers
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from bcp.backup import backup_create, row_counts

pytestmark = pytest.mark.django_db(transaction=True)


def test_backup_then_restore_into_an_empty_database_round_trips(tmp_path: Path) -> None:
    call_command("load_demo", stdout=StringIO())
    before = row_counts()
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", output=archive, stdout=StringIO())
    call_command("flush", interactive=False, verbosity=0)
    assert row_counts()["bcp.Plan"] == 0
    out = StringIO()
    call_command("restore", str(archive), stdout=out)
    assert row_counts() == before
    assert "Restored" in out.getvalue()


def test_a_backup_is_one_moment_even_while_someone_saves_during_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A worker saving a record while the backup reads table after table must not land in
    # some tables of the backup and not others (a history row without its chain entry).
    if connection.vendor != "postgresql":
        pytest.skip("SQLite lets no one write while the backup's read transaction is open")
    call_command("load_demo", stdout=StringIO())
    users_before = get_user_model().objects.count()
    serialize = serializers.serialize
    saved: list[str] = []

    def serialize_then_someone_saves(*args: Any, **kwargs: Any) -> Any:
        result = serialize(*args, **kwargs)
        if not saved:
            worker = threading.Thread(target=_save_a_user_elsewhere, args=(saved,))
            worker.start()
            worker.join()
        return result

    monkeypatch.setattr(serializers, "serialize", serialize_then_someone_saves)
    archive = tmp_path / "backup.tar.gz"
    manifest = backup_create(output=archive)
    assert saved == ["late-user"]
    assert get_user_model().objects.count() == users_before + 1
    assert manifest["counts"]["auth.User"] == users_before
    with tarfile.open(archive) as source:
        member = source.extractfile("data.json")
        assert member is not None
        data = member.read()
    assert b"late-user" not in data


def _save_a_user_elsewhere(saved: list[str]) -> None:
    try:
        get_user_model().objects.create(username="late-user")
        saved.append("late-user")
    finally:
        connection.close()  # this thread's own connection


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
            member = source.extractfile(info)
            assert member is not None
            data = member.read()
            if info.name == "data.json":
                data = data.replace(b"Print service", b"Print servicX")
            info.size = len(data)
            import io

            target.addfile(info, io.BytesIO(data))
    call_command("flush", interactive=False, verbosity=0)
    with pytest.raises(CommandError, match="does not match its checksum"):
        call_command("restore", str(damaged), stdout=StringIO())
    assert row_counts()["bcp.Plan"] == 0


def test_a_file_that_is_not_a_backup_is_refused(tmp_path: Path) -> None:
    bogus = tmp_path / "notes.tar.gz"
    bogus.write_text("hello")
    with pytest.raises(CommandError, match="not a Continuity backup"):
        call_command("restore", str(bogus), stdout=StringIO())
