"""Engine inputs: sites, components, redundancy groups and services, and their validation.

A topology describes what must be up for each service:

* a **site** is a failure domain (a rack in a room in a building); it is up only while its
  parent is up too;
* a **component** is up when it is itself up, its site chain is up and everything it
  ``runs_on`` is up;
* a **group** is up when at least ``k`` of its members are up (members may be components,
  groups or services, and need not be alike); ``active_passive`` groups are up while one
  member is up and pay a failover interruption whenever the active (first) member fails;
* a **service** is up when everything it ``requires`` is up.

All identifiers share one namespace, so a reference is never ambiguous. Availability is a
fraction in [0, 1], given directly or derived from MTBF/(MTBF + MTTR).
"""

from __future__ import annotations

from collections.abc import Container, Iterable
from dataclasses import dataclass
from typing import Final, Literal, Protocol, TypeVar

from analysis.engine.budgets import GREGORIAN_YEAR_DAYS

GroupMode = Literal["active_active", "active_passive"]
Replication = Literal["none", "async", "sync"]
Method = Literal["auto", "exact", "monte_carlo"]
ErrorCode = Literal[
    "unknown_id",
    "cycle",
    "k_greater_than_n",
    "availability_out_of_range",
    "duplicate_id",
    "missing_availability",
    "invalid_mttr",
    "runs_on_itself",
    "invalid_k",
    "invalid",
]

GROUP_MODES: Final[tuple[GroupMode, ...]] = ("active_active", "active_passive")
REPLICATION_MODES: Final[tuple[Replication, ...]] = ("none", "async", "sync")
METHODS: Final[tuple[Method, ...]] = ("auto", "exact", "monte_carlo")


@dataclass(frozen=True, slots=True)
class Site:
    """A failure domain. ``parent`` is the enclosing domain (room → building → campus).

    ``restore_hours`` is how long rebuilding or re-entering the site takes after its loss,
    when known; it is used only for achievable recovery times. ``kind`` is what the
    inventory calls it (data_centre, building, room, rack, branch, …), None when unknown;
    it decides which remedies fit (a second site is a remedy for a building, not a rack).
    """

    id: str
    availability: float = 1.0
    parent: str | None = None
    restore_hours: float | None = None
    kind: str | None = None


@dataclass(frozen=True, slots=True)
class Component:
    """Something that can fail on its own: a server, a SAN, a link, a database, a printer.

    Availability is ``availability`` when given, else MTBF / (MTBF + MTTR). The recovery
    fields describe how the component comes back and how much data it can lose:

    * ``failover_seconds`` — time for redundancy to take over its work when it fails;
    * ``restore_hours`` — time to restore it when nothing takes over;
    * ``backup_interval_hours`` — time between backups (worst-case data loss from backups);
    * ``replication`` / ``replication_lag_seconds`` — copy of its data kept elsewhere;
    * ``holds_data`` — its data matters for the recovery point objective;
    * ``kind`` — free text such as "server", "storage", "database", "network", "printer",
      "application"; remediation techniques use it to decide where they apply.
    """

    id: str
    availability: float | None = None
    mtbf_hours: float | None = None
    mttr_hours: float | None = None
    runs_on: tuple[str, ...] = ()
    site: str | None = None
    kind: str | None = None
    holds_data: bool = False
    failover_seconds: float | None = None
    restore_hours: float | None = None
    backup_interval_hours: float | None = None
    replication: Replication = "none"
    replication_lag_seconds: float | None = None


@dataclass(frozen=True, slots=True)
class Group:
    """Redundancy: up when at least ``k`` of ``members`` are up.

    ``active_passive`` groups must have k = 1; their first member is the active one.
    ``failover_seconds`` is the interruption while work moves to a surviving member.
    """

    id: str
    mode: GroupMode
    members: tuple[str, ...]
    k: int = 1
    failover_seconds: float = 0.0


@dataclass(frozen=True, slots=True)
class Service:
    """A service (or business function's IT) that needs every element of ``requires``."""

    id: str
    requires: tuple[str, ...]


class AboutService(Protocol):
    """Anything the engine works out for one service (its availability, impact, delta)."""

    @property
    def service_id(self) -> str: ...


ServiceResult = TypeVar("ServiceResult", bound=AboutService)


def service_result(results: Iterable[ServiceResult], service_id: str) -> ServiceResult:
    """The first of ``results`` about ``service_id``; ``KeyError`` when none is.

    Example: ``service_result(report.services, "print")`` is the result for printing;
    asking for ``"fax"``, which was not analysed, raises ``KeyError('fax')``.
    """
    for result in results:
        if result.service_id == service_id:
            return result
    raise KeyError(service_id)


@dataclass(frozen=True, slots=True)
class Topology:
    """Everything the engine needs about the estate.

    ``year_days`` is the year convention for downtime figures; ``method`` is the
    calculation method requested when none is passed explicitly.
    """

    components: tuple[Component, ...]
    groups: tuple[Group, ...] = ()
    services: tuple[Service, ...] = ()
    sites: tuple[Site, ...] = ()
    year_days: float = GREGORIAN_YEAR_DAYS
    method: Method = "auto"

    def only(self, ids: Container[str]) -> Topology:
        """The elements whose ids are in ``ids``, in their order, under the same year
        convention and method (references to other elements are kept as they are).

        Example: ``print_service_topology().only({"san", "head-office"})`` holds the SAN
        and the head-office site, and no group or service.
        """
        return Topology(
            components=tuple(c for c in self.components if c.id in ids),
            groups=tuple(g for g in self.groups if g.id in ids),
            services=tuple(s for s in self.services if s.id in ids),
            sites=tuple(s for s in self.sites if s.id in ids),
            year_days=self.year_days,
            method=self.method,
        )


class TopologyError(ValueError):
    """A topology that cannot be analysed.

    ``code`` is machine-readable (see ``ErrorCode``), ``message`` names the exact problem
    and ``path`` points at the offending field, e.g. ``groups[2].members[1]``. ``ids`` are
    the elements involved, in order (for a cycle the loop ``a, b, a``), so callers that
    name elements differently (the inventory import, by name) can word their own message.
    """

    def __init__(
        self, code: ErrorCode, message: str, path: str = "", ids: tuple[str, ...] = ()
    ) -> None:
        super().__init__(f"{path}: {message}" if path else message)
        self.code: ErrorCode = code
        self.message = message
        self.path = path
        self.ids = ids


def availability_pair(
    availability: float | None, mtbf_hours: float | None, mttr_hours: float | None
) -> tuple[float, float]:
    """Return (A, 1 − A) computed without cancellation.

    A = availability when given, else MTBF / (MTBF + MTTR) and 1 − A = MTTR / (MTBF + MTTR),
    each computed directly so a tiny unavailability keeps all its digits.

    Example: MTBF 9 999 h, MTTR 1 h → (0.9999, 0.0001).
    """
    if availability is not None:
        a = float(availability)
        # Exact for a ≥ 0.5 (Sterbenz); below that the absolute error is what matters anyway.
        return a, 1.0 - a
    if mtbf_hours is None or mttr_hours is None:
        raise ValueError("availability or both mtbf_hours and mttr_hours are needed")
    total = float(mtbf_hours) + float(mttr_hours)
    return float(mtbf_hours) / total, float(mttr_hours) / total


def effective_availability(component: Component) -> float:
    """Availability of a component: given, else MTBF / (MTBF + MTTR).

    Example: MTBF 4 380 h, MTTR 8 h → 4 380 / 4 388 = 0.998 176 8.
    """
    return availability_pair(component.availability, component.mtbf_hours, component.mttr_hours)[0]
