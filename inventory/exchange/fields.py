"""Columns of the inventory's import/export formats and how a cell becomes a value.

The same specs serve spreadsheets (every cell is text, or an XLSX number) and inventory
as code (JSON/YAML values), so a bad value gets the same message in both.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from inventory import fields
from inventory.models import ComponentKind, GroupMode, Level, Need, Replication, SiteKind
from inventory.people_models import SupportHours

LIST_SEPARATOR = ";"


class CellError(ValueError):
    """A cell that cannot be read; the message says what was expected."""


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


def text(value: Any) -> str:
    if _blank(value):
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise CellError("expected text")
    return str(value).strip() if isinstance(value, str) else str(value)


def required_text(value: Any) -> str:
    result = text(value)
    if not result:
        raise CellError("is required")
    return result


def optional_float(value: Any) -> float | None:
    if _blank(value):
        return None
    if isinstance(value, bool):
        raise CellError("expected a number")
    if isinstance(value, int | float):
        number = float(value)
    elif isinstance(value, str):
        cleaned = value.strip().removesuffix("%").strip().replace(",", "")
        try:
            number = float(cleaned)
        except ValueError:
            raise CellError(f"“{value}” is not a number") from None
    else:
        raise CellError("expected a number")
    if not math.isfinite(number):
        raise CellError("must be a finite number")
    return number


def float_or_zero(value: Any) -> float:
    number = optional_float(value)
    return 0.0 if number is None else number


def whole_number(value: Any) -> int:
    number = optional_float(value)
    if number is None:
        raise CellError("is required")
    if number != int(number):
        raise CellError(f"{number:g} is not a whole number")
    return int(number)


def optional_decimal(value: Any) -> Decimal | None:
    if _blank(value):
        return None
    if isinstance(value, bool):
        raise CellError("expected an amount")
    try:
        amount = Decimal(str(value).strip().replace(",", ""))
    except InvalidOperation:
        raise CellError(f"“{value}” is not an amount") from None
    if not amount.is_finite():
        raise CellError("must be a finite amount")
    exponent = amount.as_tuple().exponent  # an int for a finite amount, as this one is
    if isinstance(exponent, int) and exponent < -2:
        raise CellError("has more than two decimal places")
    if abs(amount) >= Decimal("1e12"):
        raise CellError("is too large")
    return amount.quantize(Decimal("0.01"))


def boolean(value: Any) -> bool:
    if _blank(value):
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    lowered = str(value).strip().lower()
    if lowered in ("yes", "y", "true", "1", "x"):
        return True
    if lowered in ("no", "n", "false", "0"):
        return False
    raise CellError(f"“{value}” is not yes or no")


def name_list(value: Any) -> list[str]:
    if _blank(value):
        return []
    if isinstance(value, list):
        names = []
        for item in value:
            if not isinstance(item, str) or not item.strip():
                raise CellError("expected a list of names")
            names.append(item.strip())
        return names
    if isinstance(value, str):
        return [part.strip() for part in value.split(LIST_SEPARATOR) if part.strip()]
    raise CellError("expected names separated by “;”")


def choice(options: Any, *, blank: str | None = None) -> Callable[[Any], Any]:
    """Accept the stored value or its label, in any letter case."""

    def parse(value: Any) -> Any:
        if _blank(value):
            if blank is not None:
                return blank
            raise CellError("is required; one of " + ", ".join(str(v) for v in options.values))
        wanted = str(value).strip().lower()
        for stored, label in options.choices:
            if wanted in (str(stored).lower(), str(label).lower()):
                return stored
        raise CellError(f"“{value}” is not one of " + ", ".join(str(v) for v in options.values))

    return parse


def level(value: Any) -> int:
    number = whole_number(value)
    if number not in Level.values:
        raise CellError("is rated 1 (least) to 5 (most)")
    return number


@dataclass(frozen=True)
class Column:
    name: str
    parse: Callable[[Any], Any]
    required: bool = False


def columns(names: tuple[str, ...], parsers: dict[str, Callable[[Any], Any]]) -> tuple[Column, ...]:
    """One column per name of the model's declared list (:mod:`inventory.fields`), in its
    order; the first (the name or key) is required. A name without a parser, or a parser
    without a name, raises KeyError when the module loads."""
    extra = set(parsers) - set(names)
    if extra:
        raise KeyError(f"Parsers for no column: {', '.join(sorted(extra))}")
    return tuple(
        Column(name, parsers[name], required=index == 0) for index, name in enumerate(names)
    )


SITE_COLUMNS = columns(
    fields.SITE_COLUMNS,
    {
        "name": required_text,
        "kind": choice(SiteKind),
        "parent": text,
        "availability_percent": optional_float,
        "availability_source": text,
        "restore_hours": optional_float,
        "description": text,
    },
)
COMPONENT_COLUMNS = columns(
    fields.COMPONENT_COLUMNS,
    {
        "name": required_text,
        "kind": choice(ComponentKind),
        "owner": text,
        "site": text,
        "runs_on": name_list,
        "availability_percent": optional_float,
        "mtbf_hours": optional_float,
        "mttr_hours": optional_float,
        "availability_source": text,
        "holds_data": boolean,
        "failover_seconds": optional_float,
        "restore_hours": optional_float,
        "backup_interval_hours": optional_float,
        "replication": choice(Replication, blank="none"),
        "replication_lag_seconds": optional_float,
        "technique": text,
        "cost_per_year": optional_decimal,
        "notes": text,
    },
)
GROUP_COLUMNS = columns(
    fields.GROUP_COLUMNS,
    {
        "name": required_text,
        "mode": choice(GroupMode),
        "k": whole_number,
        "failover_seconds": float_or_zero,
        "technique": text,
        "members": name_list,
        "notes": text,
    },
)
TECHNIQUE_COLUMNS = columns(
    fields.TECHNIQUE_COLUMNS,
    {
        "key": required_text,
        "name": required_text,
        "description": text,
        "group_mode": choice(GroupMode, blank=""),
        "failover_seconds": optional_float,
        "restore_hours": optional_float,
        "data_loss_seconds": optional_float,
        "backup_interval_hours": optional_float,
        "replication": choice(Replication, blank=""),
        "replication_lag_seconds": optional_float,
        "cost_class": level,
        "complexity": level,
    },
)
DEPENDENCY_COLUMNS = (
    Column("function", required_text, required=True),
    Column("needs", required_text, required=True),
    Column("need", choice(Need, blank="full")),
    Column("notes", text),
)
# People and suppliers (``inventory.people``): who deputises and which functions need
# them (fully, or only for degraded service) are lists of names on their own rows. A
# person is needed by ``needed_by`` / ``needed_when_degraded`` to operate those functions
# (their absence stops them) and by ``needed_to_recover`` only to recover them.
NEED_COLUMNS = (
    Column("needed_by", name_list),
    Column("needed_when_degraded", name_list),
    Column("needed_to_recover", name_list),
)
# The people, role and supplier columns that list names rather than hold a value of the row.
NAME_LISTS = ("deputies", "holders", *(column.name for column in NEED_COLUMNS))
PERSON_COLUMNS = (
    Column("name", required_text, required=True),
    Column("role", text),
    Column("contact", text),
    Column("absence_days_per_year", optional_float),
    Column("handover_hours", optional_float),
    Column("recall_hours", optional_float),
    Column("deputies", name_list),
    *NEED_COLUMNS,
    Column("notes", text),
)
# Roles held by several people: ``holders`` names people of the plan or the file.
ROLE_COLUMNS = (
    Column("name", required_text, required=True),
    Column("holders", name_list),
    Column("holders_needed", whole_number),
    *NEED_COLUMNS,
    Column("notes", text),
)
SUPPLIER_COLUMNS = (
    Column("name", required_text, required=True),
    Column("service", text),
    Column("contract_reference", text),
    Column("service_availability_percent", optional_float),
    Column("contract_rto_hours", optional_float),
    Column("contract_rpo_hours", optional_float),
    Column("support_hours", choice(SupportHours, blank="24x7")),
    Column("contact", text),
    Column("needed_by", name_list),
    Column("needed_when_degraded", name_list),
    Column("notes", text),
)

SECTIONS: dict[str, tuple[Column, ...]] = {
    "sites": SITE_COLUMNS,
    "techniques": TECHNIQUE_COLUMNS,
    "components": COMPONENT_COLUMNS,
    "groups": GROUP_COLUMNS,
    "dependencies": DEPENDENCY_COLUMNS,
    "people": PERSON_COLUMNS,
    "roles": ROLE_COLUMNS,
    "suppliers": SUPPLIER_COLUMNS,
}


# --- formula neutralising (CSV) -------------------------------------------------------
#
# A spreadsheet runs a CSV cell starting with = + - @ (or tab, carriage return) as a
# formula. Exports put an apostrophe before such text, and before text that already starts
# with an apostrophe, so that import can take exactly one apostrophe off again: the pair
# is a bijection and every text survives export → import unchanged ("'=x" is exported as
# "''=x" and read back as "'=x"). A hand-made file with "'=SUM(A1)" reads as "=SUM(A1)",
# which is what a spreadsheet shows for it too.

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"


def neutralise(text: str) -> str:
    """Text safe to put in a CSV cell. Example: "=1+1" → "'=1+1"; "SAN" → "SAN"."""
    return QUOTE + text if text.startswith((*FORMULA_STARTS, QUOTE)) else text


def restore(text: str) -> str:
    """Undo :func:`neutralise`. Example: "'=1+1" → "=1+1"; "'quoted" → "'quoted"."""
    if text.startswith(QUOTE) and text[1:].startswith((*FORMULA_STARTS, QUOTE)):
        return text[1:]
    return text
