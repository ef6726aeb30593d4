"""Putting an inventory-as-code document through the API: check it, or apply it all or nothing.

``PUT /api/v1/plans/<plan>/inventory/`` sends a whole document (JSON or YAML). It is read
with the import's reader and limits, checked with the import's check, and applied with
the import's apply (:mod:`~inventory.exchange.applying`): one transaction, one change
batch, only the rows that differ are written, so putting the same document twice
changes nothing the second time. A put *replaces* the inventory: the plan's sites,
components, groups, function dependencies, people and suppliers the document leaves out
are removed (:mod:`~inventory.exchange.replacing`; HA techniques are the catalogue and
stay).

The inventory's ETag is a hash of the document the plan exports now (the same for JSON
and YAML). Applying needs ``If-Match`` with it (optimistic locking over the whole
inventory); the plan's row is locked while the ETag is compared and the document applied,
so two scripts cannot both apply against the same ETag.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db import transaction

from bcp.models import Plan
from inventory.exchange.applying import ImportRefused, ImportResult, inventory_import_apply
from inventory.exchange.checking import check_import
from inventory.exchange.document import export_document
from inventory.exchange.reading import read_file
from inventory.exchange.records import ImportFileError, ImportLimits, Parsed, Preview, Problem

# Media types a document is accepted in, and the file name the reader is given for each.
MEDIA_TYPES = {
    "application/json": "inventory.json",
    "application/yaml": "inventory.yaml",
    "application/x-yaml": "inventory.yaml",
}
LIMITS = ImportLimits()
MAX_REASON_LENGTH = 500
MAX_TICKET_LENGTH = 64


class PreconditionRequired(Exception):
    """Applying without ``If-Match``: the caller must say which inventory it started from."""


class PreconditionFailed(Exception):
    """``If-Match`` names another inventory than the plan's current one."""

    def __init__(self, current: str) -> None:
        super().__init__(
            "The inventory changed since you read it (its ETag is now "
            f"{current}); read it again, merge, and send the new ETag in If-Match."
        )
        self.current = current


@dataclass(frozen=True)
class PutOutcome:
    """What a put did: ``applied`` False for a dry run or a refused document."""

    preview: Preview
    applied: bool
    etag: str
    result: ImportResult | None = None

    @property
    def deleted(self) -> dict[str, list[str]]:
        """By section, the records the document leaves out (removed, or would be)."""
        names: dict[str, list[str]] = {}
        for change in self.preview.changes:
            if change.action == "delete":
                names.setdefault(change.section, []).append(change.name)
        return names


def inventory_etag(plan: Plan) -> str:
    """The strong ETag of the plan's inventory: a hash of its exported document."""
    text = json.dumps(export_document(plan), sort_keys=True, separators=(",", ":"), default=str)
    return '"' + hashlib.sha256(text.encode()).hexdigest()[:32] + '"'


def etag_matches(if_match: str, current: str) -> bool:
    """RFC 9110 If-Match with strong comparison: ``*`` or a list holding ``current``."""
    candidates = [part.strip() for part in if_match.split(",")]
    return "*" in candidates or current in candidates


def read_document(data: bytes, media_type: str) -> Parsed:
    """Read a document sent as ``media_type``; a file-level error becomes one problem."""
    name = MEDIA_TYPES[media_type]
    try:
        return read_file(name, data, limits=LIMITS)
    except ImportFileError as exc:
        return Parsed(source=name, problems=[Problem("document", "", str(exc))])


@transaction.atomic
def inventory_document_put(
    *,
    plan: Plan,
    user: User,
    parsed: Parsed,
    dry_run: bool,
    if_match: str | None,
    reason: str = "",
    ticket: str = "",
) -> PutOutcome:
    """Check ``parsed`` against ``plan`` and, unless ``dry_run``, apply it all or nothing.

    Raises :class:`PreconditionRequired` when applying without ``if_match``,
    :class:`PreconditionFailed` when ``if_match`` (given, on a dry run too) is stale.
    A document with problems is never applied: the outcome lists them all.
    """
    Plan.objects.select_for_update().filter(pk=plan.pk).first()
    current = inventory_etag(plan)
    if if_match is not None and not etag_matches(if_match, current):
        raise PreconditionFailed(current)
    if not dry_run and if_match is None:
        raise PreconditionRequired(
            "Applying a document needs If-Match with the inventory's ETag (from GET, or "
            "from a dry run); a dry run (?dry_run=true) needs none."
        )
    preview = check_import(plan, parsed, replace=True)
    if dry_run or not preview.is_clean:
        return PutOutcome(preview=preview, applied=False, etag=current)
    try:
        result = inventory_import_apply(
            plan=plan,
            parsed=parsed,
            user=user,
            reason=reason.strip()[:MAX_REASON_LENGTH] or "Inventory replaced through the API",
            ticket=ticket.strip()[:MAX_TICKET_LENGTH],
            replace=True,
        )
    except ImportRefused as exc:  # the plan row is locked: only if the check itself differs
        return PutOutcome(preview=Preview(exc.problems, []), applied=False, etag=current)
    etag = inventory_etag(plan)
    return PutOutcome(preview=preview, applied=True, etag=etag, result=result)
