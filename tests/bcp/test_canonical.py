"""Each canonical-JSON variant pinned to the hash it gave before there was one module.

Published document hashes, stored audit chains and stored analysis-input hashes depend on
these exact bytes; a failure here means existing data would no longer verify.
"""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import uuid
from dataclasses import dataclass
from typing import Any

import pytest

from bcp.canonical import (
    chain_json,
    chain_value,
    document_json,
    document_sha256,
    inputs_json,
    inputs_sha256,
)


@dataclass(frozen=True)
class Part:
    name: str
    hours: float
    tags: tuple[int, ...]


def sample() -> dict[str, Any]:
    return {
        "text": "Zürich ✓",
        "n": 3,
        "f": 0.1 + 0.2,
        "whole": 2.0,
        "dec": decimal.Decimal("1.50"),
        "when": dt.datetime(2026, 3, 1, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=1))),
        "day": dt.date(2026, 3, 1),
        "span": dt.timedelta(hours=1.5),
        "id": uuid.UUID(int=7),
        "none": None,
        "flag": True,
    }


def test_the_document_variant_rounds_floats_and_keeps_its_published_hash() -> None:
    value = {
        **sample(),
        "nan": float("nan"),
        "set": frozenset({"b", "a"}),
        "nested": [Part("x", 4.0000000001, (1, 2))],
    }

    assert document_json(value) == (
        '{"day":"2026-03-01","dec":1.5,"f":0.3,"flag":true,'
        '"id":"00000000-0000-0000-0000-000000000007","n":3,"nan":"nan",'
        '"nested":[{"hours":4,"name":"x","tags":[1,2]}],"none":null,"set":["a","b"],'
        '"span":5400,"text":"Zürich ✓","when":"2026-03-01T09:30:00+01:00","whole":2}'
    )
    assert document_sha256(value) == (
        "99e75e1fc2e03ca8cc2daa9ff7d333248602240881862c54444fae763ddd1c8f"
    )


def test_the_document_variant_hashes_equal_numbers_alike() -> None:
    assert document_json({"b": 0.1 + 0.2, "a": 2.0}) == document_json({"a": 2, "b": 0.3})


def test_the_document_variant_keeps_list_order_and_spells_nan_as_text() -> None:
    assert document_sha256({"x": [1, 2]}) != document_sha256({"x": [2, 1]})
    assert document_json({"n": float("nan")}) == '{"n":"nan"}'


def test_the_chain_variant_keeps_every_digit_and_its_stored_hash() -> None:
    row = {**sample(), "bytes": b"\x01\xff", "json": {"b": [1, 2.5], "a": "é"}}
    content = {name: chain_value(value) for name, value in row.items()}

    encoded = chain_json(content)

    assert (
        encoded
        == (
            '{"bytes":"01ff","day":"2026-03-01","dec":"1.50","f":"0.30000000000000004",'
            '"flag":true,"id":"00000000-0000-0000-0000-000000000007",'
            '"json":{"a":"é","b":[1,"2.5"]},"n":3,"none":null,"span":"5400.0",'
            '"text":"Zürich ✓","when":"2026-03-01T08:30:00+00:00","whole":"2.0"}'
        ).encode()
    )
    assert hashlib.sha256(encoded).hexdigest() == (
        "40da5c3fabfdf42786eb68d1f3b6bee5f11e82bcbdf269f3173b919c95b67f37"
    )


def test_the_chain_variant_refuses_nan() -> None:
    with pytest.raises(ValueError):
        chain_json({"x": float("nan")})


def test_the_inputs_variant_escapes_ascii_and_keeps_its_stored_hash() -> None:
    document = {
        "s": Part("é", 1.5, (1,)),
        "when": dt.date(2026, 3, 1),
        "d": decimal.Decimal("2.5"),
        "f": 0.1 + 0.2,
    }

    assert inputs_json(document) == (
        '{"d":"2.5","f":0.30000000000000004,"s":{"hours":1.5,"name":"\\u00e9","tags":[1]},'
        '"when":"2026-03-01"}'
    )
    assert inputs_sha256(document) == (
        "d0c34f5c1c0377f19c460e40c0275b515e3f1146707d3ba86cb95be73c357e0f"
    )
