"""Applying a checked import: one transaction, all or nothing, one change batch.

The import is checked again inside the transaction (:func:`check_import`), so a plan that
changed since the preview cannot be half-imported. New rows are inserted in bulk with
their history (:func:`bcp.history.tracked_bulk_create`); rows that change are saved one by
one through :func:`bcp.concurrency.save_if_current`, as an edit form would. Every history
row of the import is chained in one pass when the import ends
(:func:`audit.chain.chain_batch`). Records are keyed by name: a name that exists is
updated (only the columns given), a new one is created; nothing is deleted unless
``replace`` asks to remove what the file leaves out (:mod:`inventory.exchange.replacing`).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

from django.contrib.auth.models import User
from django.db import transaction

from audit.chain import chain_batch
from bcp.bulk import assign_ids
from bcp.concurrency import save_if_current
from bcp.history import change_context, tracked_bulk_create
from bcp.models import Plan
from bia.models import BusinessFunction
from inventory.exchange import replacing
from inventory.exchange.checking import check_import
from inventory.exchange.people_apply import apply_people
from inventory.exchange.records import Parsed, Problem, Record
from inventory.exchange.state import NEW_DEFAULTS, dependency_key, load_state, same
from inventory.models import (
    Component,
    Dependency,
    GroupMember,
    RedundancyGroup,
    RunsOn,
    Site,
    Technique,
)
from inventory.services.components import set_runs_on
from inventory.services.groups import set_members
from review.services import review_check_request

Node = Component | RedundancyGroup
T = TypeVar("T", Component, RedundancyGroup)


class ImportRefused(ValueError):
    def __init__(self, problems: list[Problem]) -> None:
        count = len(problems)
        super().__init__(f"{count} problem{'s' if count != 1 else ''} in the import")
        self.problems = problems


@dataclass
class ImportResult:
    batch: uuid.UUID
    created: int
    updated: int
    unchanged: int
    deleted: int = 0


def _save(instance: Any, changes: dict[str, Any]) -> None:
    real = {k: v for k, v in changes.items() if not same(getattr(instance, k), v)}
    if real:
        # The row was read in this transaction and the import re-checked against it.
        save_if_current(instance, expected_version=instance.version, changes=real)


def _without(values: dict[str, Any], *names: str) -> dict[str, Any]:
    return {k: v for k, v in values.items() if k not in names}


class _Writer:
    def __init__(self, plan: Plan, parsed: Parsed) -> None:
        self.plan = plan
        self.records = parsed.records

    def section(self, name: str) -> list[Record]:
        return self.records.get(name, [])

    def techniques(self) -> None:
        self.technique = {t.key: t for t in Technique.objects.filter(plan=self.plan)}
        new = []
        for record in self.section("techniques"):
            existing = self.technique.get(record.key)
            if existing is None:
                values = {**NEW_DEFAULTS["techniques"], **record.values}
                new.append(Technique(plan=self.plan, **values))
            else:
                _save(existing, record.values)
        for technique in tracked_bulk_create(Technique, new):
            self.technique[technique.key] = technique

    def sites(self) -> None:
        self.site = {s.name: s for s in Site.objects.filter(plan=self.plan)}
        records = self.section("sites")
        new: dict[str, dict[str, Any]] = {}
        for record in records:
            existing = self.site.get(record.key)
            if existing is None:
                new[record.key] = {**NEW_DEFAULTS["sites"], **record.values}
            else:
                _save(existing, _without(record.values, "parent"))
        # New sites get their ids first so each is inserted with its parent, in one insert.
        created = [Site(plan=self.plan, **_without(values, "parent")) for values in new.values()]
        assign_ids(Site, created)
        self.site.update((site.name, site) for site in created)
        for site in created:
            parent = new[site.name]["parent"]
            site.parent = self.site[parent] if parent else None
        tracked_bulk_create(Site, created)
        for record in records:
            if "parent" in record.values and record.key not in new:
                parent = record.values["parent"]
                _save(self.site[record.key], {"parent": self.site[parent] if parent else None})

    def resolve(self, values: dict[str, Any]) -> dict[str, Any]:
        out = dict(values)
        if "site" in out:
            out["site"] = self.site[out["site"]] if out["site"] else None
        if "technique" in out:
            out["technique"] = self.technique[out["technique"]] if out["technique"] else None
        return out

    def nodes(self) -> None:
        self.node: dict[str, Node] = {c.name: c for c in Component.objects.filter(plan=self.plan)}
        self.node.update({x.name: x for x in RedundancyGroup.objects.filter(plan=self.plan)})
        self.new_nodes: set[str] = set()
        for section, model, links in (
            ("components", Component, "runs_on"),
            ("groups", RedundancyGroup, "members"),
        ):
            new = []
            for record in self.section(section):
                existing = self.node.get(record.key)
                if existing is None:
                    values = {**NEW_DEFAULTS[section], **record.values}
                    new.append(model(plan=self.plan, **self.resolve(_without(values, links))))
                else:
                    _save(existing, self.resolve(_without(record.values, links)))
            for node in tracked_bulk_create(model, new):
                self.node[node.name] = node
                self.new_nodes.add(node.name)

    def _linked(
        self, section: str, field: str, kind: type[T], set_links: Callable[[T, list[Node]], object]
    ) -> Iterator[tuple[T, list[Node]]]:
        """The new records of ``section`` with the records their ``field`` names, in order;
        an existing record's links are set with ``set_links`` instead."""
        for record in self.section(section):
            if field not in record.values:
                continue
            node = self.node[record.key]
            assert isinstance(node, kind)
            targets = [self.node[name] for name in record.values[field]]
            if record.key in self.new_nodes:
                yield node, targets
            else:
                set_links(node, targets)

    def links(self) -> None:
        runs_on: list[RunsOn] = []
        for component, targets in self._linked("components", "runs_on", Component, set_runs_on):
            for target in targets:
                if isinstance(target, Component):
                    runs_on.append(RunsOn(component=component, on_component=target))
                else:
                    runs_on.append(RunsOn(component=component, on_group=target))
        tracked_bulk_create(RunsOn, runs_on)
        members: list[GroupMember] = []
        for group, targets in self._linked("groups", "members", RedundancyGroup, set_members):
            for position, target in enumerate(targets):
                if isinstance(target, Component):
                    members.append(GroupMember(group=group, component=target, position=position))
                else:
                    members.append(GroupMember(group=group, member_group=target, position=position))
        tracked_bulk_create(GroupMember, members)

    def dependencies(self) -> None:
        records = self.section("dependencies")
        if not records:
            return
        functions = {f.name: f for f in BusinessFunction.objects.filter(plan=self.plan)}
        existing = {
            dependency_key(d.function.name, d.target.name): d
            for d in Dependency.objects.filter(plan=self.plan).select_related(
                "function", "component", "group"
            )
        }
        new = []
        for record in records:
            dependency = existing.get(record.key)
            if dependency is not None:
                _save(
                    dependency,
                    {k: record.values[k] for k in ("need", "notes") if k in record.values},
                )
                continue
            values = {**NEW_DEFAULTS["dependencies"], **record.values}
            target = self.node[values["needs"]]
            new.append(
                Dependency(
                    plan=self.plan,
                    function=functions[values["function"]],
                    component=target if isinstance(target, Component) else None,
                    group=target if isinstance(target, RedundancyGroup) else None,
                    need=values["need"],
                    notes=values["notes"],
                )
            )
        tracked_bulk_create(Dependency, new)


@transaction.atomic
def inventory_import_apply(
    *,
    plan: Plan,
    parsed: Parsed,
    user: User,
    reason: str = "",
    ticket: str = "",
    replace: bool = False,
) -> ImportResult:
    """Apply a clean import in one transaction; raise :class:`ImportRefused` otherwise.

    With ``replace`` the plan's records the file leaves out are removed too.
    """
    preview = check_import(plan, parsed, replace=replace)
    if not preview.is_clean:
        raise ImportRefused(preview.problems)
    gone = replacing.left_out(load_state(plan).tables, parsed) if replace else {}
    batch = uuid.uuid4()
    writer = _Writer(plan, parsed)
    with (
        change_context(
            user=user, reason=reason or f"Imported from {parsed.source}", ticket=ticket, batch=batch
        ),
        chain_batch(),
    ):
        replacing.remove_left_out(plan, gone)
        writer.techniques()
        writer.sites()
        writer.nodes()
        writer.links()
        writer.dependencies()
        apply_people(plan, parsed.records)
        refused = replacing.remove_left_out_sites(plan, gone)
        if refused:
            raise ImportRefused(refused)
    review_check_request(plan=plan, user=user)
    return ImportResult(
        batch=batch,
        created=preview.count("create"),
        updated=preview.count("update"),
        unchanged=preview.count("unchanged"),
        deleted=preview.count("delete"),
    )
