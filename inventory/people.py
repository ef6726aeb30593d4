"""People and suppliers as engine elements, built where the app builds engine inputs.

The engine knows components and redundancy groups only, and needs nothing more:

* a **person** is a component ``person:<pk>`` of kind ``person``. Availability is
  ``1 − absence days a year / 365.2425``; restore time is the person's ``recall_hours``
  (recall them or bring in someone else). With no deputy, a function that needs them
  fully has them among its single points of failure, listed and drawn like any other.
* a person **with deputies** is covered by an active/passive group ``cover:<pk>`` whose
  first member is the person and whose other members are the deputies, in order (a deputy
  with deputies of their own joins as their own ``cover`` group). One member is enough
  (k = 1); handing over takes the person's ``handover_hours`` (the group's failover).
  Dependencies on the person point at this group. A chain of deputies that loops would
  be a group containing itself, so the services refuse it and name the loop.
* a **supplier** is a component ``supplier:<pk>`` of kind ``supplier`` whose figures come
  from its contract: availability = the contract's service availability; restore time =
  the contractual RTO as it works out under the contract's support hours
  (:func:`contract_restore_hours`); recovery point = the contractual RPO (held as the
  component's backup interval; no RPO = the supplier holds none of the function's data).
  The engine's own RTO gap then names the supplier and its contract when the contract
  cannot meet the function's required RTO.
* a **role** held by several people is a k-of-n group ``role:<pk>`` (active/active, no
  handover) of its holders — each holder as their ``cover`` group when they have
  deputies — with k = the holders needed. A function needs a role like a person. A role
  with a single holder and no deputy makes that holder a single point of failure.
* a function needs a person or role **to operate** (their absence stops it: the person or cover
  group is among the service's requirements, as above) or **to recover** (the default
  for new needs): then the person or cover group is among the function's
  ``recovery_requires`` instead, outside the availability structure, and the engine
  adds the time to reach someone who can act to the achievable RTO
  (:mod:`analysis.engine.recovery`): the handover time when they have deputies, the
  recall time when they have none — then they are a single point of failure for
  recovery.

Support hours. With 24×7 support the restore time is the contractual RTO. With business
hours support (Monday to Friday, 08:00–18:00) the contract's clock runs only in support
hours, so the worst case is a failure just after support closes on a Friday: nothing
happens for 62 hours, then the RTO is worked off ten support hours a day. Worked example:
a contractual RTO of 8 h with business-hours support fails at Friday 18:00, work starts
Monday 08:00 and finishes Monday 16:00, so the achievable restore time is 62 + 8 = 70 h;
a 12 h RTO needs all of Monday (10 h) and two hours of Tuesday: 62 + 24 + 2 = 88 h.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import QuerySet

from analysis.engine.budgets import GREGORIAN_YEAR_DAYS
from analysis.engine.topology import Component as EngineComponent
from analysis.engine.topology import Group as EngineGroup
from analysis.formatting import hours
from bcp.models import Plan
from inventory.people_models import (
    Deputy,
    NeededTo,
    Person,
    PersonDependency,
    Role,
    RoleDependency,
    RoleHolder,
    Supplier,
    SupplierDependency,
    SupportHours,
)

BUSINESS_DAY_HOURS = 10.0  # 08:00–18:00
WEEKEND_GAP_HOURS = 62.0  # Friday 18:00 to Monday 08:00
NIGHT_GAP_HOURS = 14.0  # 18:00 to 08:00
BUSINESS_DAYS = 5
Need = PersonDependency | RoleDependency | SupplierDependency
RECOVER = "recover"  # the needs bucket of what a function needs to recover only


def how_needed(need: str, needed_to: str) -> str:
    """How a function needs a person, role or supplier: its ``need`` (full or degraded), or
    :data:`RECOVER`. A supplier is never needed to recover: it passes its need twice."""
    return RECOVER if needed_to == NeededTo.RECOVER else need


def row_how(row: Need) -> str:
    """:func:`how_needed` of one need row."""
    if isinstance(row, SupplierDependency):
        return row.need
    return how_needed(row.need, row.needed_to)


def person_key(pk: int) -> str:
    return f"person:{pk}"


def cover_key(pk: int) -> str:
    return f"cover:{pk}"


def role_key(pk: int) -> str:
    return f"role:{pk}"


def supplier_key(pk: int) -> str:
    return f"supplier:{pk}"


def person_availability(absence_days_per_year: float) -> float:
    """Share of the year a person is at work: 30 days away → 1 − 30 / 365.2425 ≈ 0.918."""
    return min(1.0, max(0.0, 1.0 - absence_days_per_year / GREGORIAN_YEAR_DAYS))


def contract_restore_hours(rto_hours: float, support_hours: str) -> float:
    """Wall-clock restore time a contract guarantees, in the worst case.

    24×7: the contractual RTO itself. Business hours (Mon–Fri 08:00–18:00): the RTO is
    counted in support hours starting from Friday 18:00 (the worst moment to fail):
    62 h until Monday 08:00, then 10 support hours a day with 14 h nights and a 62 h
    weekend after every fifth day. ``contract_restore_hours(8, "business") == 70``.
    """
    if support_hours == SupportHours.ALWAYS:
        return rto_hours
    if support_hours != SupportHours.BUSINESS:
        raise ValueError(f"unknown support hours {support_hours!r}")
    if rto_hours <= 0:
        return 0.0
    full_days = math.ceil(rto_hours / BUSINESS_DAY_HOURS) - 1
    last_day = rto_hours - full_days * BUSINESS_DAY_HOURS
    weekends = full_days // BUSINESS_DAYS
    nights = full_days - weekends
    return (
        WEEKEND_GAP_HOURS
        + full_days * BUSINESS_DAY_HOURS
        + nights * NIGHT_GAP_HOURS
        + weekends * WEEKEND_GAP_HOURS
        + last_day
    )


@dataclass
class PeopleElements:
    """Engine elements for a plan's people and suppliers, and their dependencies."""

    components: tuple[EngineComponent, ...] = ()
    groups: tuple[EngineGroup, ...] = ()
    people: dict[str, Person] = field(default_factory=dict)
    covers: dict[str, Person] = field(default_factory=dict)
    suppliers: dict[str, Supplier] = field(default_factory=dict)
    roles: dict[str, Role] = field(default_factory=dict)
    # function key → engine ids it needs, by need ("full" / "degraded" / "recover")
    needs: dict[str, dict[str, list[str]]] = field(default_factory=dict)

    def name(self, element_id: str) -> str | None:
        if element_id in self.people:
            return str(self.people[element_id])
        if element_id in self.covers:
            return f"{self.covers[element_id].name} or a deputy"
        if element_id in self.suppliers:
            return str(self.suppliers[element_id])
        if element_id in self.roles:
            return str(self.roles[element_id])
        return None

    def all_ids(self) -> list[str]:
        return [*self.people, *self.covers, *self.suppliers, *self.roles]


def _in_order(
    links: QuerySet[Deputy] | QuerySet[RoleHolder], owner: str, target: str
) -> dict[int, list[int]]:
    """``{owner id: [target ids by position]}`` of ``links`` (one query)."""
    found: dict[int, list[int]] = {}
    for owner_id, target_id in links.order_by(owner, "position", "pk").values_list(owner, target):
        found.setdefault(owner_id, []).append(target_id)
    return found


def deputies_of(plan: Plan) -> dict[int, list[int]]:
    """Each person's deputies in order (one query)."""
    return _in_order(Deputy.objects.filter(person__plan=plan), "person_id", "deputy_id")


def person_target(pk: int, deputies: dict[int, list[int]]) -> str:
    """What a need for this person means to the engine: them or their cover group."""
    return cover_key(pk) if deputies.get(pk) else person_key(pk)


def _supplier_component(key: str, supplier: Supplier) -> EngineComponent:
    rpo = supplier.contract_rpo_hours
    return EngineComponent(
        id=key,
        availability=supplier.service_availability_percent / 100.0,
        kind="supplier",
        holds_data=rpo is not None,
        restore_hours=contract_restore_hours(supplier.contract_rto_hours, supplier.support_hours),
        backup_interval_hours=rpo,
    )


def _cover_groups(
    people: dict[str, Person], deputies: dict[int, list[int]]
) -> tuple[dict[str, Person], list[EngineGroup]]:
    """The active/passive ``cover`` group of each person who has deputies."""
    covers: dict[str, Person] = {}
    groups: list[EngineGroup] = []
    for key, person in people.items():
        if not deputies.get(person.pk):
            continue
        covers[cover_key(person.pk)] = person
        groups.append(
            EngineGroup(
                id=cover_key(person.pk),
                mode="active_passive",
                members=(key, *(person_target(d, deputies) for d in deputies[person.pk])),
                k=1,
                failover_seconds=person.handover_hours * 3600.0,
            )
        )
    return covers, groups


def _role_groups(
    plan: Plan, roles: dict[str, Role], deputies: dict[int, list[int]]
) -> list[EngineGroup]:
    """The k-of-n group of each role's holders (each as their cover group if covered)."""
    holders = _in_order(RoleHolder.objects.filter(role__plan=plan), "role_id", "person_id")
    return [
        EngineGroup(
            id=key,
            mode="active_active",
            members=tuple(person_target(p, deputies) for p in holders.get(role.pk, [])),
            k=role.holders_needed,
        )
        for key, role in roles.items()
    ]


def _function_needs(
    plan: Plan, function_keys: dict[int, str], deputies: dict[int, list[int]]
) -> dict[str, dict[str, list[str]]]:
    """What each function in ``function_keys`` needs of roles, people and suppliers, by how
    it needs them (fully, degraded, or :data:`RECOVER`)."""
    needs: dict[str, dict[str, list[str]]] = {}
    sources: tuple[tuple[type[Need], str, str, Callable[[int], str]], ...] = (
        (RoleDependency, "role_id", "needed_to", role_key),
        (PersonDependency, "person_id", "needed_to", lambda pk: person_target(pk, deputies)),
        # A supplier is needed to operate only: its need stands in for "needed to".
        (SupplierDependency, "supplier_id", "need", supplier_key),
    )
    for model, target, needed_to_field, key_of in sources:
        for function_id, target_id, need, needed_to in (
            model._default_manager.filter(plan=plan, function_id__in=function_keys)
            .order_by("pk")
            .values_list("function_id", target, "need", needed_to_field)
        ):
            bucket = needs.setdefault(function_keys[function_id], {})
            how = how_needed(need, needed_to)
            bucket.setdefault(how, []).append(key_of(target_id))
    return needs


def people_elements(plan: Plan, function_keys: dict[int, str]) -> PeopleElements:
    """Engine elements for ``plan``'s people, roles and suppliers (eight queries).

    Every person, cover group and supplier of the plan is returned, but only the needs of
    the functions in ``function_keys``: a one-function load passes just that function and
    gets the same elements, in the same order, as a whole-plan load.
    """
    people = {person_key(p.pk): p for p in Person.objects.filter(plan=plan).order_by("pk")}
    suppliers = {supplier_key(s.pk): s for s in Supplier.objects.filter(plan=plan).order_by("pk")}
    deputies = deputies_of(plan)
    components = [
        EngineComponent(
            id=key,
            availability=person_availability(p.absence_days_per_year),
            kind="person",
            restore_hours=p.recall_hours,
        )
        for key, p in people.items()
    ]
    components += [_supplier_component(key, s) for key, s in suppliers.items()]
    covers, groups = _cover_groups(people, deputies)
    roles = {role_key(r.pk): r for r in Role.objects.filter(plan=plan).order_by("pk")}
    groups += _role_groups(plan, roles, deputies)
    return PeopleElements(
        components=tuple(components),
        groups=tuple(groups),
        people=people,
        covers=covers,
        suppliers=suppliers,
        roles=roles,
        needs=_function_needs(plan, function_keys, deputies),
    )


def contract_shortfalls(
    extra: PeopleElements, requires: tuple[str, ...], rto_hours: float
) -> list[str]:
    """A sentence for each supplier the function needs fully whose contract cannot meet
    ``rto_hours``; the RTO gap carries them, so the gap names the contract."""
    found: list[str] = []
    for key in requires:
        supplier = extra.suppliers.get(key)
        if supplier is None:
            continue
        restore = contract_restore_hours(supplier.contract_rto_hours, supplier.support_hours)
        if restore <= rto_hours:
            continue
        words = f"contract {supplier.contract_reference} with {supplier.name} cannot meet it: "
        words += f"its RTO is {hours(supplier.contract_rto_hours)}"
        if supplier.support_hours == SupportHours.BUSINESS:
            words += (
                " counted in business hours only (weekdays), up to "
                f"{hours(restore)} after a failure on a Friday evening"
            )
        found.append(words)
    return found
