"""Canonical JSON: one spelling per value, so equal data always hashes alike.

Every variant writes keys sorted, no insignificant whitespace, UTF-8. They differ only
where what is hashed needs a different rule, and each rule is fixed by hashes already
stored or published, so a variant can never be changed in place (a new rule would be a
new variant with a new name):

``document_json`` / ``document_sha256`` — the plan document's data snapshot
    (:mod:`documents.snapshot`). The hash is printed on a published PDF and compared
    with a fresh computation to tell whether a version is superseded, so values that
    mean the same must hash the same whatever arithmetic produced them: floats are
    rounded to nine decimals and a whole float is an integer (``0.1 + 0.2`` and ``0.3``,
    ``2.0`` and ``2`` hash alike); non-finite floats, dates, UUIDs are strings; a
    duration is its seconds as a number; a set is sorted by its items' canonical form;
    dataclasses are read field by field (:func:`bcp.typecheck.to_plain`).

``chain_value`` / ``chain_json`` — history rows in the audit hash chain
    (:mod:`audit.chain`). A row is hashed when it is appended and again, read back from
    the database, when the chain is verified, years later; both must agree exactly and
    no two different stored values may agree. So nothing is rounded: floats are their
    ``repr`` as a string, decimals keep their written scale (``"1.50"``), datetimes are
    ISO 8601 in UTC, durations are their seconds as a string, bytes are hex; NaN is
    refused rather than hashed. ``audit.walk_sql`` writes the same text in SQL.

``inputs_json`` — the analysis inputs hash (:mod:`analysis.inputs`), stored on each
    run to tell whether its results are current. Only equality with the next
    computation matters, never a value read by a person: JSON numbers as Python writes
    them, anything else through ``str()``, ASCII escaping on (the default it was first
    stored with).
"""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import json
import math
import uuid
from typing import Any

from bcp.typecheck import to_plain

# --- the plan document's snapshot ------------------------------------------------


def document_value(value: Any) -> Any:
    """``value`` as plain JSON types with one spelling per value (floats to 9 places)."""
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            return str(value)
        rounded = round(value, 9)
        # 2.0 and 2 are the same number; hash them alike.
        return int(rounded) if rounded.is_integer() else rounded
    if isinstance(value, decimal.Decimal):
        return document_value(float(value))
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return document_value(value.total_seconds())
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, dict):
        return {str(key): document_value(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [document_value(item) for item in value]
    if isinstance(value, set | frozenset):
        return sorted((document_value(item) for item in value), key=document_json)
    return str(value)


def document_json(value: Any) -> str:
    return json.dumps(
        document_value(to_plain(value)), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )


def document_sha256(value: Any) -> str:
    return hashlib.sha256(document_json(value).encode("utf-8")).hexdigest()


# --- history rows in the audit chain ---------------------------------------------


def chain_value(value: Any) -> Any:
    """One column's value as the chain hashes it: exact, never rounded."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC)
        return value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return str(value.total_seconds())
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return bytes(value).hex()
    if isinstance(value, dict):
        return {str(k): chain_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [chain_value(v) for v in value]
    return str(value)


# One encoder for every chain hash: json.dumps with these arguments would build a new one
# per call, and the chain hashes every history row.
_CHAIN_ENCODER = json.JSONEncoder(
    sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
)


def chain_json(data: Any) -> bytes:
    """Keys sorted, no whitespace, UTF-8 without ASCII escaping, NaN refused.

    ``data`` is already made of :func:`chain_value` values (or JSON scalars).
    """
    return _CHAIN_ENCODER.encode(data).encode("utf-8")


# --- the analysis inputs ---------------------------------------------------------


def inputs_json(document: Any) -> str:
    """Keys sorted, no whitespace, ASCII-escaped; values JSON cannot hold as ``str()``."""
    return json.dumps(to_plain(document), sort_keys=True, separators=(",", ":"), default=str)


def inputs_sha256(document: Any) -> str:
    return hashlib.sha256(inputs_json(document).encode()).hexdigest()
