"""PostgreSQL: make history tables refuse UPDATE and DELETE.

A row-level ``BEFORE UPDATE OR DELETE`` trigger on every historical table and on
the chain table raises an error, whoever the database user is (until a table
owner disables the trigger, which is itself visible in the server's logs and
catalogue). TRUNCATE is deliberately not blocked: the test suite flushes tables
with it, and it needs table ownership anyway. Installed after every ``migrate``
(idempotent) so tables added by new migrations are covered. See
docs/postgres-history-protection.md.
"""

from __future__ import annotations

from typing import Any

from django.db import connections

from audit.models import ChainEntry
from audit.tracking import history_models

FUNCTION_NAME = "continuity_refuse_history_change"
TRIGGER_NAME = "continuity_history_append_only"

FUNCTION_SQL = f"""
CREATE OR REPLACE FUNCTION {FUNCTION_NAME}() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'Change history is append-only: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege',
              HINT = 'Restore an earlier version through the application instead.';
END;
$$;
"""


def protected_tables() -> list[str]:
    return sorted({m._meta.db_table for m in history_models()} | {ChainEntry._meta.db_table})


def install_history_protection(using: str = "default") -> list[str]:
    """Create the function and any missing triggers; return the tables newly protected."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return []
    existing_tables = set(connection.introspection.table_names())
    wanted = [table for table in protected_tables() if table in existing_tables]
    installed = []
    with connection.cursor() as cursor:
        cursor.execute(FUNCTION_SQL)
        cursor.execute(
            "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE t.tgname = %s AND c.relnamespace = 'public'::regnamespace",
            [TRIGGER_NAME],
        )
        done = {name for (name,) in cursor.fetchall()}
        for table in wanted:
            if table in done:
                continue
            quoted = connection.ops.quote_name(table)
            cursor.execute(
                f"CREATE TRIGGER {TRIGGER_NAME} BEFORE UPDATE OR DELETE ON {quoted} "
                f"FOR EACH ROW EXECUTE FUNCTION {FUNCTION_NAME}()"
            )
            installed.append(table)
    return installed


def install_after_migrate(sender: Any, using: str = "default", **kwargs: Any) -> None:
    install_history_protection(using)
