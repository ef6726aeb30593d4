"""Changing history behind the application's back, as an attacker with database access would.

On PostgreSQL the history tables refuse UPDATE and DELETE through a trigger, so
a tampering test first disables it on the one table, as the table owner (the
test database's superuser) could; the test transaction's rollback restores it.
Live tables have no trigger: a plain statement is what an attacker runs there.
"""

from __future__ import annotations

from typing import Any

from django.db import connection

from audit.models import ChainEntry
from audit.protection import TRIGGER_NAME, protected_tables


def tamper(table: str, sql: str, params: list[Any] | tuple[Any, ...] = ()) -> None:
    quoted = connection.ops.quote_name(table)
    guarded = connection.vendor == "postgresql" and table in protected_tables()
    with connection.cursor() as cursor:
        if guarded:
            # Deferred foreign-key checks must run first, or ALTER TABLE refuses.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"ALTER TABLE {quoted} DISABLE TRIGGER {TRIGGER_NAME}")
        cursor.execute(sql.format(table=quoted), params)
        if guarded:
            cursor.execute(f"ALTER TABLE {quoted} ENABLE TRIGGER {TRIGGER_NAME}")


def drop_newest_entry_with_its_row(history_table: str) -> ChainEntry:
    """Remove the newest change, a row of ``history_table``, from history and from the
    chain both: the chain alone is still whole, only the live row or a checkpoint can tell."""
    newest = ChainEntry.objects.order_by("-seq")[0]
    tamper(
        history_table,
        "DELETE FROM {table} WHERE history_id = %s",
        [newest.history_id],
    )
    tamper(ChainEntry._meta.db_table, "DELETE FROM {table} WHERE seq = %s", [newest.seq])
    return newest
