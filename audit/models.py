"""The hash chain over change history.

django-simple-history writes one historical row per change into one table per
tracked model. :class:`ChainEntry` links every one of those rows, in the order
they were written, into a single append-only chain::

    entry_hash(n) = sha256(canonical{seq, prev_hash = entry_hash(n-1), content_hash,
                                     model, history_id, object_id, plan_id, object_repr})
    content_hash  = sha256(canonical{field: value of the historical row})

Editing, deleting or inserting a historical row afterwards therefore shows up
when the chain is verified (see :mod:`audit.chain`). The entry also keeps a
copy of the row's who/when/why columns so the auditor pages can filter and
page through every model's history with one indexed query; verification checks
that copy against the row as well.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F
from django.db.models.functions import Upper
from django.utils import timezone

GENESIS_HASH = "0" * 64
# Sequence numbers and history ids are 64-bit; a larger number names nothing (and
# SQLite refuses to bind it), so lookups treat it as "not found" before querying.
MAX_ID = 2**63 - 1


class ChainEntry(models.Model):
    """One link of the history chain: one historical row of one tracked model.

    Append-only: the application only ever inserts; on PostgreSQL a trigger
    refuses UPDATE and DELETE (see docs/postgres-history-protection.md).
    """

    seq = models.PositiveBigIntegerField(primary_key=True)
    model_label = models.CharField(
        max_length=100, help_text="The tracked model, e.g. inventory.Component."
    )
    history_id = models.BigIntegerField(help_text="Primary key of the historical row.")
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(max_length=200, blank=True)
    plan_id = models.BigIntegerField(null=True, blank=True)
    history_type = models.CharField(max_length=1)
    history_date = models.DateTimeField()
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    reason = models.TextField(blank=True)
    ticket = models.CharField(max_length=64, blank=True)
    batch = models.UUIDField(null=True, blank=True)
    content_fields = models.TextField(
        help_text="Comma-separated columns covered by content_hash, so that a column "
        "added to a history table later does not change the hash of older rows."
    )
    content_hash = models.CharField(max_length=64)
    prev_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["seq"]
        verbose_name = "history chain entry"
        verbose_name_plural = "history chain entries"
        constraints = [
            models.UniqueConstraint(
                fields=["model_label", "history_id"], name="one_chain_entry_per_history_row"
            )
        ]
        indexes = [
            models.Index(fields=["plan_id", "-seq"], name="audit_chain_plan_seq"),
            models.Index(fields=["plan_id", "history_date"], name="audit_chain_plan_date"),
            models.Index(fields=["plan_id", "user", "-seq"], name="audit_chain_plan_user"),
            # One person's changes in a period: a range of this index, not two bitmaps of
            # every change by that person and every change in that period.
            models.Index(fields=["plan_id", "user", "history_date"], name="audit_chain_user_date"),
            models.Index(fields=["plan_id", "model_label", "-seq"], name="audit_chain_plan_model"),
            models.Index(fields=["model_label", "object_id", "-seq"], name="audit_chain_object"),
            # A plan's records one by one and each one's last entry up to a moment (the
            # plan as of a date), answered from the index alone on PostgreSQL.
            models.Index(
                fields=["plan_id", "model_label", "object_id", "-seq"],
                include=["history_date", "history_type", "history_id"],
                name="audit_chain_plan_object",
            ),
            # The ticket filter matches case-insensitively (UPPER(ticket) = UPPER(...)).
            models.Index(F("plan_id"), Upper("ticket"), name="audit_chain_plan_ticket_ci"),
            models.Index(fields=["plan_id", "batch"], name="audit_chain_plan_batch"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.get_history_type_display()} {self.model_label} {self.object_id}"

    def get_history_type_display(self) -> str:
        return {"+": "Created", "~": "Changed", "-": "Deleted"}.get(self.history_type, "?")
