"""Topology to and from plain JSON-able data (the inventory-as-code and what-if API shape).

Shape (availability is always a fraction in [0, 1], never a percentage)::

    {
      "year_days": 365.2425,
      "method": "auto" | "exact" | "monte_carlo",
      "sites": [{"id": "dc", "availability": 0.9999, "parent": null, "restore_hours": 72}],
      "components": [{"id": "san", "availability": 0.9999, "runs_on": [], "site": "dc"},
                     {"id": "app-1", "mtbf_hours": 4380, "mttr_hours": 8, "runs_on": ["san"]}],
      "groups": [{"id": "app-pair", "mode": "active_passive", "k": 1,
                  "members": ["app-1", "app-2"], "failover_seconds": 60}],
      "services": [{"id": "printing", "requires": ["app-pair"]}]
    }

Components may also carry ``kind``, ``holds_data``, ``failover_seconds``,
``restore_hours``, ``backup_interval_hours``, ``replication`` and
``replication_lag_seconds``. Unknown keys are refused so that a typo is not silently
ignored.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Final, cast

from analysis.engine.budgets import GREGORIAN_YEAR_DAYS
from analysis.engine.topology import (
    Component,
    Group,
    Service,
    Site,
    Topology,
    TopologyError,
)
from analysis.engine.validation import validate_topology

_TOP_KEYS: Final = frozenset({"year_days", "method", "sites", "components", "groups", "services"})
_SITE_KEYS: Final = frozenset({"id", "availability", "parent", "restore_hours", "kind"})
_COMPONENT_KEYS: Final = frozenset(
    {
        "id",
        "availability",
        "mtbf_hours",
        "mttr_hours",
        "runs_on",
        "site",
        "kind",
        "holds_data",
        "failover_seconds",
        "restore_hours",
        "backup_interval_hours",
        "replication",
        "replication_lag_seconds",
    }
)
_GROUP_KEYS: Final = frozenset({"id", "mode", "k", "members", "failover_seconds"})
_SERVICE_KEYS: Final = frozenset({"id", "requires"})


def _invalid(message: str, path: str) -> TopologyError:
    return TopologyError("invalid", message, path)


def _mapping(value: object, path: str) -> Mapping[str, object]:
    if not isinstance(value, Mapping):
        raise _invalid("must be an object", path)
    return cast(Mapping[str, object], value)


def _keys(item: Mapping[str, object], allowed: frozenset[str], path: str) -> None:
    extra = sorted(str(k) for k in item if k not in allowed)
    if extra:
        raise _invalid(
            f"unknown key(s) {', '.join(extra)}; allowed: {', '.join(sorted(allowed))}", path
        )


def _list(value: object, path: str) -> Sequence[object]:
    if value is None:
        return ()
    if isinstance(value, str | bytes) or not isinstance(value, Sequence):
        raise _invalid("must be a list", path)
    return value


def _str(value: object, path: str) -> str:
    if not isinstance(value, str) or not value:
        raise _invalid("must be a non-empty string", path)
    return value


def _opt_str(value: object, path: str) -> str | None:
    return None if value is None else _str(value, path)


def _num(value: object, path: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _invalid("must be a number", path)
    return float(value)


def _opt_num(value: object, path: str) -> float | None:
    return None if value is None else _num(value, path)


def _ids(value: object, path: str) -> tuple[str, ...]:
    return tuple(_str(v, f"{path}[{i}]") for i, v in enumerate(_list(value, path)))


def _site(raw: object, path: str) -> Site:
    item = _mapping(raw, path)
    _keys(item, _SITE_KEYS, path)
    availability = item.get("availability", 1.0)
    return Site(
        id=_str(item.get("id"), f"{path}.id"),
        availability=_num(availability, f"{path}.availability"),
        parent=_opt_str(item.get("parent"), f"{path}.parent"),
        restore_hours=_opt_num(item.get("restore_hours"), f"{path}.restore_hours"),
        kind=_opt_str(item.get("kind"), f"{path}.kind"),
    )


def _component(raw: object, path: str) -> Component:
    item = _mapping(raw, path)
    _keys(item, _COMPONENT_KEYS, path)
    replication = item.get("replication", "none")
    if replication not in ("none", "async", "sync"):
        raise _invalid("must be none, async or sync", f"{path}.replication")
    holds_data = item.get("holds_data", False)
    if not isinstance(holds_data, bool):
        raise _invalid("must be true or false", f"{path}.holds_data")
    return Component(
        id=_str(item.get("id"), f"{path}.id"),
        availability=_opt_num(item.get("availability"), f"{path}.availability"),
        mtbf_hours=_opt_num(item.get("mtbf_hours"), f"{path}.mtbf_hours"),
        mttr_hours=_opt_num(item.get("mttr_hours"), f"{path}.mttr_hours"),
        runs_on=_ids(item.get("runs_on"), f"{path}.runs_on"),
        site=_opt_str(item.get("site"), f"{path}.site"),
        kind=_opt_str(item.get("kind"), f"{path}.kind"),
        holds_data=holds_data,
        failover_seconds=_opt_num(item.get("failover_seconds"), f"{path}.failover_seconds"),
        restore_hours=_opt_num(item.get("restore_hours"), f"{path}.restore_hours"),
        backup_interval_hours=_opt_num(
            item.get("backup_interval_hours"), f"{path}.backup_interval_hours"
        ),
        replication=replication,
        replication_lag_seconds=_opt_num(
            item.get("replication_lag_seconds"), f"{path}.replication_lag_seconds"
        ),
    )


def _group(raw: object, path: str) -> Group:
    item = _mapping(raw, path)
    _keys(item, _GROUP_KEYS, path)
    mode = item.get("mode")
    if mode not in ("active_active", "active_passive"):
        raise _invalid("must be active_active or active_passive", f"{path}.mode")
    k = item.get("k", 1)
    if isinstance(k, bool) or not isinstance(k, int):
        if isinstance(k, float) and k.is_integer():
            k = int(k)
        else:
            raise _invalid("must be a whole number", f"{path}.k")
    return Group(
        id=_str(item.get("id"), f"{path}.id"),
        mode=mode,
        members=_ids(item.get("members"), f"{path}.members"),
        k=k,
        failover_seconds=_num(item.get("failover_seconds", 0.0), f"{path}.failover_seconds"),
    )


def _service(raw: object, path: str) -> Service:
    item = _mapping(raw, path)
    _keys(item, _SERVICE_KEYS, path)
    return Service(
        id=_str(item.get("id"), f"{path}.id"),
        requires=_ids(item.get("requires"), f"{path}.requires"),
    )


def parse_topology(data: Mapping[str, object], *, validate: bool = True) -> Topology:
    """Build a ``Topology`` from its JSON shape; validate it unless ``validate`` is false.

    Raises ``TopologyError`` (code ``invalid``) naming the path of the first malformed
    field, e.g. ``components[1].mtbf_hours: must be a number``.

    Example: ``{"components": [{"id": "a", "availability": 0.999}],
    "services": [{"id": "s", "requires": ["a"]}]}`` → a one-component topology whose
    service has A = 0.999.
    """
    root = _mapping(data, "")
    _keys(root, _TOP_KEYS, "")
    method = root.get("method", "auto")
    if method not in ("auto", "exact", "monte_carlo"):
        raise _invalid("must be auto, exact or monte_carlo", "method")
    topology = Topology(
        sites=tuple(
            _site(s, f"sites[{i}]") for i, s in enumerate(_list(root.get("sites"), "sites"))
        ),
        components=tuple(
            _component(c, f"components[{i}]")
            for i, c in enumerate(_list(root.get("components"), "components"))
        ),
        groups=tuple(
            _group(g, f"groups[{i}]") for i, g in enumerate(_list(root.get("groups"), "groups"))
        ),
        services=tuple(
            _service(s, f"services[{i}]")
            for i, s in enumerate(_list(root.get("services"), "services"))
        ),
        year_days=_num(root.get("year_days", GREGORIAN_YEAR_DAYS), "year_days"),
        method=method,
    )
    if validate:
        validate_topology(topology)
    return topology


def topology_to_dict(topology: Topology) -> dict[str, object]:
    """The JSON shape of ``topology``; ``parse_topology(topology_to_dict(t)) == t``.

    Optional fields at their defaults are left out to keep exported files short.
    """
    components: list[dict[str, object]] = []
    for c in topology.components:
        entry: dict[str, object] = {"id": c.id}
        optional: dict[str, object] = {
            "availability": c.availability,
            "mtbf_hours": c.mtbf_hours,
            "mttr_hours": c.mttr_hours,
            "site": c.site,
            "kind": c.kind,
            "failover_seconds": c.failover_seconds,
            "restore_hours": c.restore_hours,
            "backup_interval_hours": c.backup_interval_hours,
            "replication_lag_seconds": c.replication_lag_seconds,
        }
        entry.update({k: v for k, v in optional.items() if v is not None})
        if c.runs_on:
            entry["runs_on"] = list(c.runs_on)
        if c.holds_data:
            entry["holds_data"] = True
        if c.replication != "none":
            entry["replication"] = c.replication
        components.append(entry)
    sites: list[dict[str, object]] = []
    for s in topology.sites:
        site_entry: dict[str, object] = {"id": s.id, "availability": s.availability}
        if s.parent is not None:
            site_entry["parent"] = s.parent
        if s.restore_hours is not None:
            site_entry["restore_hours"] = s.restore_hours
        if s.kind is not None:
            site_entry["kind"] = s.kind
        sites.append(site_entry)
    return {
        "year_days": topology.year_days,
        "method": topology.method,
        "sites": sites,
        "components": components,
        "groups": [
            {
                "id": g.id,
                "mode": g.mode,
                "k": g.k,
                "members": list(g.members),
                "failover_seconds": g.failover_seconds,
            }
            for g in topology.groups
        ],
        "services": [{"id": s.id, "requires": list(s.requires)} for s in topology.services],
    }
