from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from django.utils import timezone

from audit.written import as_written
from inventory.models import Component

HISTORY = Component.history.model
NAMES = [f.attname for f in HISTORY._meta.concrete_fields]


def _row(**values: Any) -> list[Any]:
    base: dict[str, Any] = {name: None for name in NAMES}
    base.update(
        {
            "history_id": 1,
            "id": 7,
            "name": "SAN",
            "history_date": timezone.now(),
            "history_type": "+",
            "history_batch": uuid.uuid4(),
        }
    )
    base.update(values)
    return [base[name] for name in NAMES]


def test_a_row_of_values_the_database_gives_back_unchanged_is_taken_as_written() -> None:
    row = _row(mtbf_hours=8760.0, holds_data=True)
    [written] = as_written(HISTORY, [row])
    assert written is not None and list(written) == NAMES
    assert written["mtbf_hours"] == 8760.0


def test_a_value_the_database_would_change_sends_its_row_to_be_read_back() -> None:
    rows = [
        _row(mtbf_hours=8760),  # an int in a float column comes back as 8760.0
        _row(cost_per_year=Decimal("1.50")),  # decimals are always read back
        _row(history_date=dt.datetime(2026, 1, 1)),  # a naive datetime
        _row(mtbf_hours=1.5),
    ]
    assert [w is None for w in as_written(HISTORY, rows)] == [True, True, True, False]
