"""Replacing a plan's inventory by a document: what the document leaves out is removed.

An import adds and changes records by name; a *replacing* import (the API's ``PUT``, the
import page's "remove what the file leaves out", ``inventory_import --replace``) also
removes the plan's sites, components, groups, function dependencies, roles, people and
suppliers the document does not name, in the sections the document holds (a section it
leaves out altogether is kept). HA techniques are the plan's catalogue, not its
inventory: they are never removed here.

Removal follows the pages' services: a removed component, group or person takes its
links along (what runs on it, group memberships, deputies, the functions' needs of it),
while a site still holding a component or a site the document keeps is refused, as
:func:`inventory.services.sites.site_delete` refuses it — each refusal names the site and what
still stands on it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from django.db.models import ProtectedError

from bcp.models import Plan
from inventory.exchange.records import Parsed, Problem, Record
from inventory.models import Component, Dependency, RedundancyGroup, Site
from inventory.people_models import Person, Role, Supplier

# Removed in this order before the document is written (links go with them); sites last.
REPLACED = ("dependencies", "roles", "people", "suppliers", "groups", "components", "sites")


def label(key: str) -> str:
    """How a record's key reads in messages (a dependency as “function → needs”)."""
    return key.replace("\n", " → ")


def left_out(tables: dict[str, dict[str, dict[str, Any]]], parsed: Parsed) -> dict[str, list[str]]:
    """By section, the keys of the plan's records ``parsed`` does not name (sorted).

    Only the sections the file holds are replaced: a section it leaves out altogether (a
    CSV of components has no sites; an older document has no ``people``) is kept as it is,
    and an empty list (``people: []``) removes every record of its kind.
    """
    gone: dict[str, list[str]] = {}
    for section in REPLACED:
        if section not in parsed.sections:
            continue
        named = {record.key for record in parsed.records.get(section, [])}
        keys = sorted(key for key in tables.get(section, {}) if key not in named)
        if keys:
            gone[section] = keys
    return gone


def drop(
    tables: dict[str, dict[str, dict[str, Any]]], gone: dict[str, list[str]], parsed: Parsed
) -> None:
    """Take the removed records out of ``tables``, and their names out of the links of kept
    records whose file row does not give those links (a row that gives them is compared
    as it is, so the preview shows the change)."""
    for section, keys in gone.items():
        for key in keys:
            del tables[section][key]
    removed_nodes = set(gone.get("components", [])) | set(gone.get("groups", []))
    removed = {"runs_on": removed_nodes, "members": removed_nodes}
    removed["deputies"] = removed["holders"] = set(gone.get("people", []))
    for section, column in (
        ("components", "runs_on"),
        ("groups", "members"),
        ("people", "deputies"),
        ("roles", "holders"),
    ):
        given = {r.key for r in parsed.records.get(section, []) if column in r.values}
        for key, values in tables[section].items():
            if key not in given:
                values[column] = [n for n in values[column] if n not in removed[column]]


def refusals(
    tables: dict[str, dict[str, dict[str, Any]]],
    gone: dict[str, list[str]],
    record_of: Callable[[str, str], Record | None],
) -> Iterator[tuple[Record, str, str]]:
    """(record, column, message) for each kept record that still stands on a removed site."""
    removed = set(gone.get("sites", []))
    if not removed:
        return
    for section, column, what in (
        ("components", "site", "stands on it"),
        ("sites", "parent", "sits inside it"),
    ):
        for name, values in tables[section].items():
            site = values.get(column)
            record = record_of(section, name)
            if site in removed and record is not None:
                yield (
                    record,
                    column,
                    f"the site “{site}” is not in the document, so it would be removed, but "
                    f"“{name}” {what}; keep the site in the document or move “{name}”",
                )


def role_shortfalls(
    tables: dict[str, dict[str, dict[str, Any]]], gone: dict[str, list[str]]
) -> Iterator[Problem]:
    """A problem for each kept role the removals would leave with fewer holders than it
    needs (a role the file names is checked by the inventory's rules instead)."""
    removed = set(gone.get("people", []))
    if not removed:
        return
    for name, values in tables.get("roles", {}).items():
        holders, needed = values.get("holders") or [], values.get("holders_needed") or 1
        if len(holders) < needed:
            yield Problem(
                f"roles “{name}”",
                "holders",
                f"the role needs {needed} holder{'s' if needed != 1 else ''} reachable; removing "
                f"the people the document leaves out would keep {len(holders)}; keep them in "
                "the document or change the role",
            )


def _site_order(plan: Plan, names: set[str]) -> list[Site]:
    """The removed sites, each after the sites inside it (a site's parent is protected)."""
    sites = {s.pk: s for s in Site.objects.filter(plan=plan, name__in=names)}
    depth: dict[int, int] = {}

    def level(pk: int) -> int:
        if pk not in depth:
            parent = sites[pk].parent_id
            depth[pk] = 0 if parent is None or parent not in sites else level(parent) + 1
        return depth[pk]

    return sorted(sites.values(), key=lambda site: -level(site.pk))


CHUNK = 1000  # names per delete query (SQLite bounds a query's parameters)


def _chunks(items: list[Any]) -> Iterator[list[Any]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def remove_left_out(plan: Plan, gone: dict[str, list[str]]) -> None:
    """Remove every left-out record but the sites (the caller's change context records it).

    Rows go a thousand at a time through Django's collector, which finds their links in a
    few queries per batch and still writes a history row for each row it removes.
    """
    keys = set(gone.get("dependencies", []))
    if keys:
        pks = [
            dependency.pk
            for dependency in Dependency.objects.filter(plan=plan).select_related(
                "function", "component", "group"
            )
            if f"{dependency.function.name}\n{dependency.target.name}" in keys
        ]
        for chunk in _chunks(pks):
            Dependency.objects.filter(pk__in=chunk).delete()
    for section, model in (
        ("roles", Role),
        ("people", Person),
        ("suppliers", Supplier),
        ("groups", RedundancyGroup),
        ("components", Component),
    ):
        for names in _chunks(gone.get(section, [])):
            model.objects.filter(plan=plan, name__in=names).delete()


def remove_left_out_sites(plan: Plan, gone: dict[str, list[str]]) -> list[Problem]:
    """Remove the left-out sites (after the document moved what stood on them), the sites
    inside others first."""
    for site in _site_order(plan, set(gone.get("sites", []))):
        try:
            site.delete()
        except ProtectedError as exc:
            held = sorted(str(obj) for obj in exc.protected_objects)[:5]
            message = f"the site is not in the document but still holds {', '.join(held)}"
            return [Problem(f"sites “{site.name}”", "", message)]
    return []
