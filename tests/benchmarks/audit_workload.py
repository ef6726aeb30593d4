"""A large, valid change history for the audit benchmark, built in bulk.

Workload at scale ``s`` (×1 = 1,000,000 history entries):

- ``round(10·s)`` plans (at least one), each with 20 sites and 1,000 components
  (×1: 10 plans, 200 sites, 10,000 components — the synthetic organisation of the
  analysis benchmark), five editors;
- every record is created, then edited until there are ``1,000,000·s`` entries in
  all: 85 % of edits to components (owner, notes, availability), 10 % to sites,
  5 % to plans; the last 5 % of components are deleted at the end;
- spread evenly over 365 days up to now, each with a reason ("Routine review n")
  and a ticket (``CHG-<n mod 977>``).

**This bypasses the application**: writing a million changes through the
services would take hours, so historical rows are inserted with ``bulk_create``
in chronological batches, each batch read back from the database and chained
by the append path's own entry builder (:mod:`audit.chain`), so its columns
and hashes are exactly those the application writes; the live rows are inserted
at the end with the state the last historical row of each record describes. The result verifies as
intact — chain and live data — which the benchmark checks.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from audit.chain import _entry_values, column_names
from audit.models import GENESIS_HASH, ChainEntry
from audit.tracking import history_model
from bcp.models import Plan
from inventory.models import Component, ComponentKind, Site

SITES_PER_PLAN = 20
COMPONENTS_PER_PLAN = 1000
BATCH = 5000
DAYS = 365


@dataclass
class Workload:
    scale: float
    entries: int
    plans: int
    sites: int
    components: int
    deleted_components: int
    editors: int
    plan_ids: list[int] = field(default_factory=list)
    busiest_component: int = 0

    def describe(self) -> dict[str, Any]:
        return {
            "scale": self.scale,
            "entries": self.entries,
            "plans": self.plans,
            "sites": self.sites,
            "components": self.components,
            "deleted_components": self.deleted_components,
            "models": ["bcp.Plan", "inventory.Site", "inventory.Component", "bcp.Membership"],
            "editors": self.editors,
            "days": DAYS,
            "built_with": "bulk inserts of historical rows chained with audit.chain's hash "
            "functions (bypasses the services; verifies as intact)",
        }


@dataclass
class _Record:
    model: type[models.Model]
    values: dict[str, Any]
    plan_id: int
    deleted: bool = False
    events: int = 0


class _Builder:
    def __init__(self, users: list[Any], total: int, start_id: int) -> None:
        self.users = users
        self.total = total
        self.now = timezone.now()
        self.start = self.now - dt.timedelta(days=DAYS)
        self.step = dt.timedelta(days=DAYS) / max(total, 1)
        self.count = 0
        self.records: dict[tuple[type[models.Model], int], _Record] = {}
        self.pending: list[tuple[_Record, str, dict[str, Any]]] = []
        last = ChainEntry.objects.order_by("-seq").values_list("seq", "entry_hash").first()
        self.seq, self.prev_hash = last if last else (0, GENESIS_HASH)
        self.next_id = start_id

    def event(self, record: _Record, history_type: str) -> None:
        n = self.count
        self.count += 1
        record.events += 1
        moment = self.start + self.step * n
        if history_type != "+":
            record.values["version"] += 1
        record.values["updated_at"] = moment
        history = {
            **record.values,
            "history_date": moment,
            "history_type": history_type,
            "history_user_id": self.users[n % len(self.users)].pk,
            "history_change_reason": f"Routine review {n}",
            "history_ticket": f"CHG-{n % 977}",
        }
        self.pending.append((record, history_type, history))
        if len(self.pending) >= BATCH:
            self.flush()

    def create(self, model: type[models.Model], owner_plan: int, **values: Any) -> _Record:
        object_id = self.next_id
        self.next_id += 1
        instance = model(id=object_id, **values)
        moment = self.start + self.step * self.count
        instance.created_at = moment  # type: ignore[attr-defined]
        live = {f.attname: getattr(instance, f.attname) for f in model._meta.concrete_fields}
        record = _Record(model, live, owner_plan)
        self.records[(model, object_id)] = record
        self.event(record, "+")
        return record

    def flush(self) -> None:
        if not self.pending:
            return
        by_model: dict[type[models.Model], list[Any]] = {}
        made: list[tuple[_Record, Any]] = []
        for record, _, history in self.pending:
            table = history_model(record.model)
            row = table(**history)
            by_model.setdefault(table, []).append(row)
            made.append((record, row))
        stored: dict[tuple[Any, int], dict[str, Any]] = {}
        with transaction.atomic():
            for table, rows in by_model.items():
                table._default_manager.bulk_create(rows, batch_size=1000)
                ids = [row.pk for row in rows]
                for value in table._default_manager.filter(pk__in=ids).values(*column_names(table)):
                    stored[(table, value["history_id"])] = value
            entries = []
            for record, row in made:
                table = type(row)
                values = stored[(table, row.pk)]
                label = record.model._meta.label
                object_repr = str(values.get("name") or f"{label} #{values['id']}")[:200]
                self.seq += 1
                # The append path's own columns and hashes, so the chain verifies as written.
                entry = ChainEntry(
                    **_entry_values(
                        history_model=table,
                        row=values,
                        plan_id=record.plan_id,
                        object_repr=object_repr,
                        seq=self.seq,
                        prev_hash=self.prev_hash,
                    )
                )
                entries.append(entry)
                self.prev_hash = entry.entry_hash
            ChainEntry.objects.bulk_create(entries, batch_size=1000)
        self.pending.clear()

    def live_rows(self) -> None:
        """Insert the live rows: each record as its last historical row says it is.

        ``bulk_create`` would stamp ``created_at``/``updated_at`` with the time of the
        insert (auto_now); the history says otherwise, so those stamps are switched
        off for the insert and the recorded values kept.
        """
        stamped = [
            f
            for model in (Plan, Site, Component)
            for f in model._meta.concrete_fields
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
        ]
        saved = [(f, f.auto_now, f.auto_now_add) for f in stamped]  # type: ignore[attr-defined]
        for f in stamped:
            f.auto_now = f.auto_now_add = False  # type: ignore[attr-defined]
        try:
            self._insert_live()
        finally:
            for f, auto_now, auto_now_add in saved:
                f.auto_now, f.auto_now_add = auto_now, auto_now_add  # type: ignore[attr-defined]

    def _insert_live(self) -> None:
        with transaction.atomic():
            for model in (Plan, Site, Component):
                rows: list[Any] = [
                    model(**record.values)
                    for (kind, _), record in self.records.items()
                    if kind is model and not record.deleted
                ]
                model._base_manager.bulk_create(rows, batch_size=1000)


def build_workload(
    scale: float, users: list[Any], *, report: Callable[[str], None] = print
) -> Workload:
    """Build the workload described in this module's docstring; return what was built."""
    total = max(int(1_000_000 * scale), 1)
    plans = max(1, round(10 * scale))
    tops = [0]
    for model in (Plan, Site, Component):
        tops.append(model._base_manager.aggregate(top=models.Max("id"))["top"] or 0)
        history = history_model(model)
        tops.append(history._default_manager.aggregate(top=models.Max("id"))["top"] or 0)
    start_id = 1 + max(tops)
    builder = _Builder(users, total, start_id)
    workload = Workload(
        scale=scale,
        entries=total,
        plans=plans,
        sites=plans * SITES_PER_PLAN,
        components=plans * COMPONENTS_PER_PLAN,
        deleted_components=plans * COMPONENTS_PER_PLAN // 20,
        editors=len(users),
    )
    plan_records, site_records, component_records = [], [], []
    for p in range(plans):
        plan = builder.create(Plan, 0, name=f"Benchmark plan {p + 1}", organisation="Northbridge")
        plan.plan_id = plan.values["id"]
        plan_records.append(plan)
        workload.plan_ids.append(plan.plan_id)
    for plan in plan_records:
        for s in range(SITES_PER_PLAN):
            site_records.append(
                builder.create(Site, plan.plan_id, plan_id=plan.plan_id, name=f"Site {s + 1}")
            )
    kinds = [choice.value for choice in ComponentKind]
    for index, plan in enumerate(plan_records):
        for c in range(COMPONENTS_PER_PLAN):
            site = site_records[index * SITES_PER_PLAN + c % SITES_PER_PLAN]
            component_records.append(
                builder.create(
                    Component,
                    plan.plan_id,
                    plan_id=plan.plan_id,
                    name=f"Component {c + 1}",
                    kind=kinds[c % len(kinds)],
                    site_id=site.values["id"],
                    availability_percent=99.9,
                    owner="IT operations",
                )
            )
    doomed = [r for i, r in enumerate(component_records) if i % 20 == 19]
    edits = total - builder.count - len(doomed)
    for n in range(max(edits, 0)):
        slot = n % 20
        if slot == 0:
            record = plan_records[n % len(plan_records)]
            record.values["scope"] = f"Scope revision {n}"
        elif slot in (1, 2):
            record = site_records[(n * 7) % len(site_records)]
            record.values["description"] = f"Revision {n}"
        else:
            record = component_records[(n * 13) % len(component_records)]
            record.values["owner"] = f"Team {n % 37}"
            record.values["notes"] = f"Review {n}"
            record.values["availability_percent"] = 99.0 + (n % 100) / 100
        builder.event(record, "~")
        if builder.count % 100_000 == 0:
            report(f"  {builder.count:,} of {total:,} entries")
    for record in doomed:
        record.deleted = True
        builder.event(record, "-")
    builder.flush()
    builder.live_rows()
    alive = [r for r in component_records if not r.deleted]
    workload.busiest_component = max(alive, key=lambda r: r.events).values["id"]
    return workload
