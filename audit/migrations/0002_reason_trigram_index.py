"""A trigram index for the auditor's "Reason contains" filter, on PostgreSQL only.

``reason__icontains`` becomes ``UPPER(reason) LIKE UPPER('%text%')``, which no
B-tree index can answer; a GIN index of trigrams over ``UPPER(reason)`` can, so
the filter stays fast at a million entries. SQLite has no such index type and
keeps scanning the plan's entries (fine at its sizes). The ``pg_trgm`` extension
is trusted from PostgreSQL 13 on, so the database owner can create it.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

INDEX = "audit_chain_reason_trgm"


def create(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON audit_chainentry "
        "USING gin (UPPER(reason) gin_trgm_ops)"
    )


def drop(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
