"""Which rows written in bulk can be hashed as written, without reading them back.

The chain hashes each history row as the database gives it back (:mod:`audit.chain`). A
row just inserted in bulk (:func:`bcp.history.tracked_bulk_create`) need not be read back
when every value is one the database returns unchanged: this module says which.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.db import models

# The Python type the database gives back, unchanged, for a value of exactly that type
# written to a column of exactly that field class (PostgreSQL and SQLite: integers and text
# as they are, float8/REAL doubles exactly, timestamps to the microsecond). Decimals, JSON,
# dates and every other field are read back before hashing unless the value is None.
_KEPT: dict[type[models.Field[Any, Any]], type] = {
    models.AutoField: int,
    models.BigAutoField: int,
    models.BigIntegerField: int,
    models.IntegerField: int,
    models.PositiveBigIntegerField: int,
    models.PositiveIntegerField: int,
    models.PositiveSmallIntegerField: int,
    models.SmallIntegerField: int,
    models.BooleanField: bool,
    models.CharField: str,
    models.TextField: str,
    models.FloatField: float,
    models.DateTimeField: dt.datetime,
    models.UUIDField: uuid.UUID,
}


def _kept_type(column: models.Field[Any, Any]) -> type | None:
    if isinstance(column, models.ForeignKey):
        column = column.target_field
    return _KEPT.get(type(column))


def _certain(value: Any, kind: type | None) -> bool:
    if value is None:
        return True
    if type(value) is not kind:
        return False
    return not isinstance(value, dt.datetime) or value.tzinfo is not None


def as_written(
    history_model: type[models.Model], rows: list[list[Any]]
) -> list[dict[str, Any] | None]:
    """Each row as a read back would find it, or None where that is not certain.

    A value is certain when it is None or of exactly the type its column gives back
    (``_KEPT``; a datetime with its time zone); one value that is not sends the row to
    be read back. The dict has the columns in table order, as a read back has them.
    """
    columns = list(history_model._meta.concrete_fields)
    names = [column.attname for column in columns]
    if any(len(row) != len(columns) for row in rows):
        raise ValueError(f"one value per column of {history_model.__name__}")
    certain = [True] * len(rows)
    # Column by column: the types of a whole column are one set, so the usual column (all
    # of its kind or None) costs one pass; a mixed column, or datetimes (their time zone
    # too), is looked at value by value.
    for index, column in enumerate(columns):
        kind = _kept_type(column)
        if kind is not dt.datetime and {type(row[index]) for row in rows} <= {kind, type(None)}:
            continue
        for number, row in enumerate(rows):
            if not _certain(row[index], kind):
                certain[number] = False
    return [
        dict(zip(names, row, strict=True)) if ok else None
        for row, ok in zip(rows, certain, strict=True)
    ]
