"""Backup and restore of everything Continuity holds: data, history, hash chain, documents.

A backup is one ``.tar.gz`` with:

- ``data.json`` — ``dumpdata`` of users, tokens and every app of ours, history tables and
  the hash chain included (natural keys for content types and permissions, so it
  loads into any fresh database of the same schema version);
- ``media/…`` — stored files (published PDFs, exports);
- ``manifest.json`` — schema migrations applied, row counts and the sha256 of every
  member, checked before anything is restored.

Restoring loads the data in one transaction with ``raw`` saves, so no new history is
written: the history restored is the history that was backed up, and the chain verifies.
For PostgreSQL deployments, ``pg_dump``/``pg_restore`` remain the primary backup; this
format is for moving between engines (SQLite ↔ PostgreSQL) and for tested restores.
"""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
import uuid
import zlib
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.db.models import Model

from bcp.models import Plan

FORMAT = "continuity.backup/v1"
APPS = (
    "auth.user",
    "otp_totp",
    "otp_static",
    "accounts",
    "bcp",
    *settings.PLAN_DATA_APPS,
)
EXCLUDED = ("bcp.workerheartbeat",)


class BackupError(Exception):
    """The backup file cannot be restored; the message says why."""


@dataclass(frozen=True)
class RestoreReport:
    objects: int
    files: int
    created_at: str


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _applied_migrations() -> list[str]:
    recorder = MigrationRecorder(connection)
    return sorted(f"{app}.{name}" for app, name in recorder.applied_migrations())


def row_counts() -> dict[str, int]:
    """How many rows each backed-up table holds now, by model label (``bcp.Plan``)."""
    labels = {label.split(".")[0] for label in APPS}
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.app_label in labels and model._meta.label_lower not in EXCLUDED
    }


def _add(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(datetime.now(tz=UTC).timestamp())
    archive.addfile(info, io.BytesIO(data))


def _models_to_back_up() -> list[type[Model]]:
    labels = [label.split(".") for label in APPS]
    chosen: list[type[Model]] = []
    for parts in labels:
        config = apps.get_app_config(parts[0])
        for model in config.get_models():
            if len(parts) == 2 and model._meta.model_name != parts[1]:
                continue
            if model._meta.label_lower in EXCLUDED or model._meta.proxy:
                continue
            chosen.append(model)
    return chosen


def _encode(value: Any) -> Any:
    # Full precision: Django's JSON fixtures cut datetimes to milliseconds, which would
    # change the content of history rows and break their hash chain.
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return bytes(value).hex()
    raise TypeError(f"Cannot back up a value of type {type(value).__name__}")


def _dump_data() -> tuple[bytes, dict[str, int]]:
    """Every row as Django's python serialisation, dependencies first, as JSON.

    All tables are read in one transaction that sees one moment (REPEATABLE READ on
    PostgreSQL; SQLite's read transaction already does): a worker that saves a record
    while the backup runs cannot put its history row in the backup without its chain
    entry, or the other way round. The row counts for the manifest are read in it too.
    """
    ordered = serializers.sort_dependencies(
        [(apps.get_app_config(m._meta.app_label), [m]) for m in _models_to_back_up()],
        allow_cycles=True,
    )
    rows: list[dict[str, Any]] = []
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        for model in ordered:
            queryset = model._default_manager.order_by(model._meta.pk.name)
            rows.extend(
                serializers.serialize("python", queryset.iterator(), use_natural_foreign_keys=True)
            )
        counts = row_counts()
    return json.dumps(rows, default=_encode, separators=(",", ":")).encode(), counts


def backup_create(*, output: Path) -> dict[str, Any]:
    """Write a backup to ``output`` and return its manifest."""
    data, counts = _dump_data()
    media_root = Path(settings.MEDIA_ROOT)
    media_files = (
        sorted(p for p in media_root.rglob("*") if p.is_file()) if media_root.exists() else []
    )
    manifest: dict[str, Any] = {
        "format": FORMAT,
        "created_at": datetime.now(tz=UTC).isoformat(),
        "database_vendor": connection.vendor,
        "migrations": _applied_migrations(),
        "counts": counts,
        "members": {"data.json": _sha256(data)},
    }
    output.parent.mkdir(parents=True, exist_ok=True)
    with tarfile.open(output, "w:gz") as archive:
        _add(archive, "data.json", data)
        for path in media_files:
            content = path.read_bytes()
            name = f"media/{path.relative_to(media_root).as_posix()}"
            manifest["members"][name] = _sha256(content)
            _add(archive, name, content)
        _add(archive, "manifest.json", json.dumps(manifest, indent=2, sort_keys=True).encode())
    return manifest


def _read_members(path: Path) -> tuple[dict[str, Any], dict[str, bytes]]:
    members: dict[str, bytes] = {}
    try:
        with tarfile.open(path, "r:gz") as archive:
            for info in archive.getmembers():
                if not info.isfile():
                    continue
                name = info.name
                if name.startswith("/") or ".." in Path(name).parts:
                    raise BackupError(f"Refusing an unsafe path in the backup: {name!r}")
                extracted = archive.extractfile(info)
                if extracted is not None:
                    members[name] = extracted.read()
    except EOFError as exc:
        raise BackupError(
            f"{path} is truncated or damaged (the archive ends early); nothing was restored. "
            "Copy the backup again and check its size."
        ) from exc
    except (OSError, tarfile.TarError, zlib.error) as exc:
        raise BackupError(
            f"{path} is not a Continuity backup (not a readable .tar.gz): {exc}"
        ) from exc
    if "manifest.json" not in members:
        raise BackupError("The backup has no manifest.json; it was not made by Continuity.")
    manifest = json.loads(members.pop("manifest.json"))
    if manifest.get("format") != FORMAT:
        raise BackupError(
            f"Unsupported backup format {manifest.get('format')!r}; expected {FORMAT}."
        )
    for name, digest in manifest["members"].items():
        if name not in members:
            raise BackupError(f"The backup is missing {name}.")
        if _sha256(members[name]) != digest:
            raise BackupError(f"{name} does not match its checksum: the backup is damaged.")
    return manifest, members


def _database_is_empty() -> bool:

    return not Plan.objects.exists()


def backup_restore(*, path: Path, replace: bool = False) -> RestoreReport:
    """Restore ``path`` into this database.

    1. Read the archive and check every member against the manifest; stop on any mismatch.
    2. Check the schema: every migration the backup was taken at must be applied here.
    3. Refuse to overwrite a database that already holds plans unless ``replace``.
    4. Load the data in one transaction (raw saves: no new history is written).
    5. Write the media files.
    """
    manifest, members = _read_members(path)
    missing = sorted(set(manifest["migrations"]) - set(_applied_migrations()))
    if missing:
        raise BackupError(
            "This installation is older than the backup; run `manage.py migrate` first. "
            f"Missing: {', '.join(missing[:5])}{'…' if len(missing) > 5 else ''}"
        )
    if not replace and not _database_is_empty():
        raise BackupError(
            "This database already holds plans. Restore into an empty database, or pass "
            "--replace to delete everything here first."
        )
    rows = json.loads(members["data.json"])
    with transaction.atomic():
        if replace:
            call_command("flush", interactive=False, verbosity=0)
        loaded: set[type[Model]] = set()
        with connection.constraint_checks_disabled():
            for item in serializers.deserialize("python", rows, handle_forward_references=True):
                item.save()  # raw save: no history is written for restored rows
                loaded.add(type(item.object))
        connection.check_constraints(table_names=[m._meta.db_table for m in loaded])
        statements = connection.ops.sequence_reset_sql(no_style(), list(loaded))
        if statements:
            with connection.cursor() as cursor:
                for statement in statements:
                    cursor.execute(statement)
    media_root = Path(settings.MEDIA_ROOT)
    files = 0
    for name, content in members.items():
        if name.startswith("media/"):
            target = media_root / name.removeprefix("media/")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
            files += 1
    objects = len(rows)
    return RestoreReport(objects=objects, files=files, created_at=manifest["created_at"])
