"""Only hashed secrets are kept: recovery codes are hashed, DRF's plain tokens are dropped.

- Recovery codes stored as typed (django-otp's ``StaticToken.token``) are replaced by their
  keyed hash (:func:`accounts.services.recovery_code_hash`), so the codes people hold keep
  working and the database no longer holds them.
- The table of ``rest_framework.authtoken`` (tokens made in the admin, stored as is, full
  access) is removed with that app: only the hashed, scoped tokens of the user menu
  authenticate API calls.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps
from django.utils.crypto import salted_hmac

# Frozen copy of accounts.services.recovery_code_hash as of this migration.
SALT = "accounts.recovery-code"
HASH_WIDTH = 16


def _hash(code: str) -> str:
    text = code.replace(" ", "").replace("-", "").strip().lower()
    return salted_hmac(SALT, text, algorithm="sha256").hexdigest()[:HASH_WIDTH]


def hash_recovery_codes(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    static_token: Any = apps.get_model("otp_static", "StaticToken")
    for token in static_token.objects.all().iterator():
        token.token = _hash(token.token)
        token.save(update_fields=["token"])


def drop_plain_api_tokens(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    connection = schema_editor.connection
    if "authtoken_token" in connection.introspection.table_names():
        schema_editor.execute(schema_editor.sql_delete_table % {"table": schema_editor.quote_name("authtoken_token")})
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM django_migrations WHERE app = %s", ["authtoken"])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("otp_static", "0003_add_timestamps"),
    ]

    operations = [
        migrations.RunPython(hash_recovery_codes, migrations.RunPython.noop, elidable=False),
        migrations.RunPython(drop_plain_api_tokens, migrations.RunPython.noop, elidable=False),
    ]
