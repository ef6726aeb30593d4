"""Proposed what-if changes as forms and the API state them, turned into engine changes.

A change names inventory rows by primary key (:class:`ChangeSpec`); :func:`what_if_changes`
checks each against the plan's topology and gives the engine's ``Change`` for it, or
raises :class:`WhatIfInvalid` naming the change and the field at fault.
"""

from __future__ import annotations

import typing
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal, TypeVar

from analysis.engine.topology import Site as EngineSite
from analysis.engine.whatif import (
    AddGroupMember,
    AddRedundantPeer,
    AddSite,
    Change,
    MoveToSite,
    RemoveComponent,
    SetAvailability,
    SetBackup,
    SetFailoverTime,
    SetReplication,
    SetRestoreTime,
)
from inventory.graph import component_key, group_key, site_key
from inventory.topology import PlanTopology

T = TypeVar("T")

ChangeType = Literal[
    "add_peer",
    "add_group_member",
    "move_to_site",
    "set_availability",
    "set_backup_interval",
    "set_replication",
    "set_failover_time",
    "set_restore_time",
    "remove_component",
    "add_site",
]
CHANGE_TYPES: tuple[ChangeType, ...] = typing.get_args(ChangeType)
MAX_WHAT_IF_CHANGES = 20


@dataclass(frozen=True)
class ChangeSpec:
    """One proposed change as a form or the API states it, by inventory primary keys.

    ``site`` names an existing site; ``new_site`` the name of a site added by an earlier
    "add_site" change of the same request. Which fields a type needs is checked by
    :func:`what_if_changes`.
    """

    type: ChangeType
    component: int | None = None
    group: int | None = None
    site: int | None = None
    new_site: str | None = None
    availability_percent: float | None = None
    mtbf_hours: float | None = None
    mttr_hours: float | None = None
    hours: float | None = None
    seconds: float | None = None
    mode: Literal["none", "async", "sync"] | None = None
    lag_seconds: float | None = None
    name: str | None = None
    parent: int | None = None


class WhatIfInvalid(ValueError):
    """A change that cannot be applied: ``index`` of the change, ``field`` at fault."""

    def __init__(self, index: int, field: str, message: str) -> None:
        super().__init__(f"changes[{index}].{field}: {message}")
        self.index = index
        self.field = field
        self.message = message


def what_if_changes(
    specs: Sequence[ChangeSpec], topology: PlanTopology
) -> tuple[tuple[Change, ...], dict[str, str]]:
    """Engine changes for ``specs``, and names for the sites they add.

    Raises ``WhatIfInvalid`` naming the change and field for an element of another plan,
    a missing figure or an unknown new site.
    """
    if len(specs) > MAX_WHAT_IF_CHANGES:
        raise WhatIfInvalid(MAX_WHAT_IF_CHANGES, "type", f"at most {MAX_WHAT_IF_CHANGES} changes")
    reader = _Reader(topology)
    changes = [reader.change(index, spec) for index, spec in enumerate(specs)]
    return tuple(changes), reader.new_sites


class _Reader:
    """Reads one request's changes in order; remembers the sites added so far, which later
    changes may name."""

    def __init__(self, topology: PlanTopology) -> None:
        self.topology = topology
        self.new_sites: dict[str, str] = {}
        self.readers: dict[str, Callable[[int, ChangeSpec], Change]] = {
            "add_peer": self.add_peer,
            "add_group_member": self.add_group_member,
            "move_to_site": self.move_to_site,
            "set_availability": self.set_availability,
            "set_backup_interval": self.set_backup_interval,
            "set_replication": self.set_replication,
            "set_failover_time": self.set_failover_time,
            "set_restore_time": self.set_restore_time,
            "remove_component": self.remove_component,
            "add_site": self.add_site,
        }

    def change(self, index: int, spec: ChangeSpec) -> Change:
        return self.readers[spec.type](index, spec)

    # --- the fields ---------------------------------------------------------------

    @staticmethod
    def need(index: int, field: str, value: T | None) -> T:
        if value is None:
            raise WhatIfInvalid(index, field, "is required for this change")
        return value

    def component(self, index: int, spec: ChangeSpec) -> str:
        key = component_key(self.need(index, "component", spec.component))
        if key not in self.topology.components:
            raise WhatIfInvalid(index, "component", f"no component {spec.component} in this plan")
        return key

    def group(self, index: int, spec: ChangeSpec) -> str:
        key = group_key(self.need(index, "group", spec.group))
        if key not in self.topology.groups:
            raise WhatIfInvalid(index, "group", f"no redundancy group {spec.group} in this plan")
        return key

    def site(self, index: int, spec: ChangeSpec, *, required: bool) -> str | None:
        if spec.new_site is not None:
            for key, name in self.new_sites.items():
                if name == spec.new_site:
                    return key
            raise WhatIfInvalid(
                index, "new_site", f"no site “{spec.new_site}” was added by an earlier change"
            )
        if spec.site is None:
            if required:
                raise WhatIfInvalid(index, "site", "is required for this change")
            return None
        key = site_key(spec.site)
        if key not in self.topology.sites:
            raise WhatIfInvalid(index, "site", f"no site {spec.site} in this plan")
        return key

    def required_site(self, index: int, spec: ChangeSpec) -> str:
        key = self.site(index, spec, required=True)
        if key is None:
            raise WhatIfInvalid(index, "site", "is required for this change")
        return key

    def site_or_component(self, index: int, spec: ChangeSpec) -> str:
        if spec.site is not None or spec.new_site is not None:
            return self.required_site(index, spec)
        return self.component(index, spec)

    def positive(self, index: int, field: str, value: float | None) -> float:
        number = float(self.need(index, field, value))
        if not number > 0:
            raise WhatIfInvalid(index, field, "must be above 0")
        return number

    @staticmethod
    def fraction(index: int, percent: float) -> float:
        if not 0 < percent <= 100:
            raise WhatIfInvalid(index, "availability_percent", "must be above 0 and at most 100")
        return percent / 100.0

    # --- one reader per type of change ----------------------------------------------

    def add_peer(self, index: int, spec: ChangeSpec) -> Change:
        return AddRedundantPeer(
            self.component(index, spec), site=self.site(index, spec, required=False)
        )

    def add_group_member(self, index: int, spec: ChangeSpec) -> Change:
        key = self.group(index, spec)
        members = next(g.members for g in self.topology.topology.groups if g.id == key)
        template = next((m for m in members if m in self.topology.components), None)
        if template is None:
            raise WhatIfInvalid(index, "group", "the group has no component member to copy")
        return AddGroupMember(key, template, site=self.site(index, spec, required=False))

    def move_to_site(self, index: int, spec: ChangeSpec) -> Change:
        return MoveToSite(self.component(index, spec), self.required_site(index, spec))

    def set_availability(self, index: int, spec: ChangeSpec) -> Change:
        element = self.site_or_component(index, spec)
        if spec.availability_percent is not None:
            percent = float(spec.availability_percent)
            return SetAvailability(element, availability=self.fraction(index, percent))
        return SetAvailability(
            element,
            mtbf_hours=self.positive(index, "mtbf_hours", spec.mtbf_hours),
            mttr_hours=self.positive(index, "mttr_hours", spec.mttr_hours),
        )

    def set_backup_interval(self, index: int, spec: ChangeSpec) -> Change:
        return SetBackup(self.component(index, spec), self.positive(index, "hours", spec.hours))

    def set_replication(self, index: int, spec: ChangeSpec) -> Change:
        mode: Literal["none", "async", "sync"] = self.need(index, "mode", spec.mode)
        lag = None
        if mode == "async":
            lag = float(self.need(index, "lag_seconds", spec.lag_seconds))
            if lag < 0:
                raise WhatIfInvalid(index, "lag_seconds", "cannot be negative")
        return SetReplication(self.component(index, spec), mode, lag)

    def set_failover_time(self, index: int, spec: ChangeSpec) -> Change:
        seconds = float(self.need(index, "seconds", spec.seconds))
        if seconds < 0:
            raise WhatIfInvalid(index, "seconds", "cannot be negative")
        if spec.group is not None:
            return SetFailoverTime(self.group(index, spec), seconds)
        return SetFailoverTime(self.component(index, spec), seconds)

    def set_restore_time(self, index: int, spec: ChangeSpec) -> Change:
        restore = self.positive(index, "hours", spec.hours)
        return SetRestoreTime(self.site_or_component(index, spec), restore)

    def remove_component(self, index: int, spec: ChangeSpec) -> Change:
        return RemoveComponent(self.component(index, spec))

    def add_site(self, index: int, spec: ChangeSpec) -> Change:
        name = str(self.need(index, "name", spec.name)).strip()
        if not name or name in self.new_sites.values():
            raise WhatIfInvalid(index, "name", "give each new site its own name")
        parent = None
        if spec.parent is not None:
            parent = site_key(spec.parent)
            if parent not in self.topology.sites:
                raise WhatIfInvalid(index, "parent", f"no site {spec.parent} in this plan")
        percent = 100.0 if spec.availability_percent is None else spec.availability_percent
        availability = self.fraction(index, percent)
        key = f"new-site-{len(self.new_sites) + 1}"
        self.new_sites[key] = name
        return AddSite(EngineSite(key, availability=availability, parent=parent))
