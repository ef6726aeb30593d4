"""Readiness across plans: one row per plan, from each app's own declared reads.

Every figure is computed from the plan's data by the app that owns it —
:func:`bia.selectors.functions.bia_coverage`, :func:`analysis.selectors.analysis_standings`
(the analysis's own staleness test and the latest run's declared ``coverage``) and
:func:`documents.selectors.signoff_standings` — each in a fixed number of queries for
any number of plans. The portfolio page and the plan overview show the same rows.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils import timezone

from analysis.programme import RequiredObjective, required_objectives
from analysis.selectors import AnalysisStanding, analysis_standings, required_rtos
from bcp.models import Plan, Role
from bia.selectors.functions import BiaCoverage, bia_coverage
from documents.models import PlanVersion
from documents.selectors import (
    SignOffStanding,
    changed_since_versions,
    procedure_minutes,
    signoff_standings,
)
from incidents.selectors import overdue_exercise_counts
from review.selectors import open_task_counts


@dataclass(frozen=True)
class Figure:
    """One readiness figure: what it says, whether it is in order, and where to fix it."""

    text: str
    ok: bool
    url: str


@dataclass(frozen=True)
class ReadinessRow:
    plan: Plan
    bia: BiaCoverage
    analysis: AnalysisStanding
    signoff: SignOffStanding
    today: datetime.date
    # The viewer's role on the plan: links go where they can act, else where they can look.
    role: str | None = None
    # N when the plan's data changed after its newest version N was frozen.
    changed_since: int | None = None
    # Review tasks waiting for function owners.
    reviews_open: int = 0
    # Functions with a required RTO, and how many of them have procedures whose steps fit it.
    procedures_due: int = 0
    procedures_fit: int = 0
    # Functions whose recovery exercise is overdue.
    exercises_overdue: int = 0

    @property
    def can_edit(self) -> bool:
        return self.role == Role.MANAGER and not self.plan.is_archived

    def _url(self, name: str, **kwargs: Any) -> str:
        return reverse(name, kwargs={"plan_pk": self.plan.pk, **kwargs})

    @property
    def bia_figure(self) -> Figure:
        b = self.bia
        if not b.functions:
            return Figure(
                "No functions",
                False,
                self._url("bia_function_create" if self.can_edit else "bia_function_list"),
            )
        return Figure(
            f"{b.reviewed} of {b.functions}",
            b.reviewed == b.functions,
            self._url("bia_campaign_list" if self.can_edit else "bia_function_list"),
        )

    @property
    def analysis_figure(self) -> Figure:
        a = self.analysis
        url = self._url("analysis_dashboard")
        if a.run_pk is None:
            return Figure("Not run", False, url)
        if a.gaps is None:
            return Figure("Cannot be read: run again", False, url)
        return Figure("Stale" if a.stale else "Fresh", not a.stale, url)

    @property
    def critical_gaps(self) -> int | None:
        return None if self.analysis.gaps is None else self.analysis.gaps["critical"]

    @property
    def high_gaps(self) -> int | None:
        return None if self.analysis.gaps is None else self.analysis.gaps["high"]

    @property
    def gaps_figure(self) -> Figure:
        url = self._url("analysis_dashboard") + "#plan-roadmap"
        if self.analysis.gaps is None:
            return Figure("Unknown", False, url)
        critical, high = self.analysis.gaps["critical"], self.analysis.gaps["high"]
        return Figure(f"{critical} critical · {high} high", critical + high == 0, url)

    @property
    def signoff_figure(self) -> Figure:
        s = self.signoff
        if s.version_pk is None:
            return Figure(s.label, False, self._url("documents_home"))
        text = f"v{s.number}: {s.label}"
        if self.changed_since is not None:
            text += f" · changed since version {self.changed_since}"
        return Figure(
            text,
            s.state == PlanVersion.Status.APPROVED and self.changed_since is None,
            self._url("version_detail", version_pk=s.version_pk),
        )

    @property
    def procedures_figure(self) -> Figure:
        url = self._url("procedure_list")
        if not self.procedures_due:
            return Figure("No required RTO yet", False, self._url("analysis_dashboard"))
        return Figure(
            f"{self.procedures_fit} of {self.procedures_due}",
            self.procedures_fit == self.procedures_due,
            url,
        )

    @property
    def exercises_figure(self) -> Figure:
        n = self.exercises_overdue
        return Figure(
            f"{n} overdue" if n else "None overdue", n == 0, self._url("exercise_schedule")
        )

    @property
    def reviews_figure(self) -> Figure:
        n = self.reviews_open
        return Figure(
            f"{n} waiting" if n else "None waiting", n == 0, self._url("review_task_list")
        )

    @property
    def review_overdue(self) -> bool:
        return self.plan.next_review < self.today

    @property
    def review_figure(self) -> Figure:
        day = self.plan.next_review
        text = f"{day.day} {day:%b %Y}"
        if self.review_overdue:
            text += " (overdue)"
        url = (
            self._url("plan_edit")
            if self.can_edit
            else self.plan.get_absolute_url() + "#plan-review"
        )
        return Figure(text, not self.review_overdue, url)

    @property
    def ready(self) -> bool:
        return all(
            f.ok
            for f in (
                self.bia_figure,
                self.analysis_figure,
                self.gaps_figure,
                self.signoff_figure,
                self.review_figure,
                self.procedures_figure,
                self.exercises_figure,
                self.reviews_figure,
            )
        )


def readiness_rows(
    plans: Iterable[Plan], *, roles: Mapping[int, str] | None = None
) -> list[ReadinessRow]:
    """A :class:`ReadinessRow` per plan, in the order given (a fixed number of queries).

    The viewer's role on each plan comes from ``roles`` or, failing that, from the
    ``user_role`` that :func:`bcp.selectors.plan_list` annotates.
    """
    plans = list(plans)
    roles = roles or {}
    ids = [plan.pk for plan in plans]
    bia = bia_coverage(ids)
    analysis = analysis_standings(ids)
    signoff = signoff_standings(ids)
    changed = changed_since_versions(ids)
    reviews = open_task_counts(ids)
    objectives = required_objectives(ids)
    procedures = procedure_minutes(ids)
    today = timezone.localdate()
    exercises = overdue_exercise_counts(ids, today=today)
    rows = []
    for plan in plans:
        due, fit = procedure_fit(objectives[plan.pk], procedures[plan.pk])
        rows.append(
            ReadinessRow(
                plan,
                bia[plan.pk],
                analysis[plan.pk],
                signoff[plan.pk],
                today,
                roles.get(plan.pk, getattr(plan, "user_role", None)),
                changed_since=changed[plan.pk],
                reviews_open=reviews[plan.pk],
                procedures_due=due,
                procedures_fit=fit,
                exercises_overdue=exercises[plan.pk],
            )
        )
    return rows


def procedure_fit(
    objectives: list[RequiredObjective], procedures: Mapping[int, list[int]]
) -> tuple[int, int]:
    """How many functions have a required RTO, and how many of those have procedures whose
    steps each fit in it (a function without a procedure does not fit)."""
    due = fit = 0
    for objective in objectives:
        if objective.rto_hours is None:
            continue
        due += 1
        totals = procedures.get(objective.function_pk, [])
        if totals and all(minutes <= objective.rto_hours * 60 for minutes in totals):
            fit += 1
    return due, fit


# --- sorting and filtering -------------------------------------------------------------

_SIGNOFF_ORDER: dict[str | None, int] = {
    None: 0,
    PlanVersion.Status.RETURNED: 1,
    PlanVersion.Status.RENDERING: 2,
    PlanVersion.Status.PUBLISHED: 3,
    PlanVersion.Status.IN_REVIEW: 4,
    PlanVersion.Status.APPROVED: 5,
}


def _analysis_rank(row: ReadinessRow) -> int:
    a = row.analysis
    if a.run_pk is None or a.gaps is None:
        return 0
    return 1 if a.stale else 2


SORT_KEYS: dict[str, Callable[[ReadinessRow], Any]] = {
    "name": lambda r: (r.plan.name.lower(), r.plan.pk),
    "bia": lambda r: (
        r.bia.reviewed / r.bia.functions if r.bia.functions else -1.0,
        r.plan.name.lower(),
    ),
    "analysis": lambda r: (_analysis_rank(r), r.plan.name.lower()),
    # Most gaps first when ascending: what needs work leads.
    "gaps": lambda r: (
        -(r.critical_gaps if r.critical_gaps is not None else 10**9),
        -(r.high_gaps if r.high_gaps is not None else 10**9),
        r.plan.name.lower(),
    ),
    "signoff": lambda r: (_SIGNOFF_ORDER.get(r.signoff.state, 0), r.plan.name.lower()),
    "review": lambda r: (r.plan.next_review, r.plan.name.lower()),
    "procedures": lambda r: (
        r.procedures_fit / r.procedures_due if r.procedures_due else -1.0,
        r.plan.name.lower(),
    ),
    # Most first when ascending, as for gaps.
    "exercises": lambda r: (-r.exercises_overdue, r.plan.name.lower()),
    "reviews": lambda r: (-r.reviews_open, r.plan.name.lower()),
}

FILTERS: dict[str, Callable[[ReadinessRow], bool]] = {
    "all": lambda r: True,
    "attention": lambda r: not r.ready,
    "bia": lambda r: not r.bia_figure.ok,
    "analysis": lambda r: not r.analysis_figure.ok,
    "gaps": lambda r: not r.gaps_figure.ok,
    "signoff": lambda r: not r.signoff_figure.ok,
    "review": lambda r: r.review_overdue,
    "procedures": lambda r: not r.procedures_figure.ok,
    "exercises": lambda r: r.exercises_overdue > 0,
    "reviews": lambda r: r.reviews_open > 0,
    "changed": lambda r: r.changed_since is not None,
}


def sorted_and_filtered(
    rows: list[ReadinessRow], *, sort: str, descending: bool, show: str, name: str
) -> list[ReadinessRow]:
    needle = name.strip().lower()
    kept = [r for r in rows if FILTERS[show](r) and (not needle or needle in r.plan.name.lower())]
    return sorted(kept, key=SORT_KEYS[sort], reverse=descending)


# --- the RTO chart ---------------------------------------------------------------------

# Upper bounds in hours of each bar, and its label; the last bar takes everything longer.
RTO_BANDS: tuple[tuple[float, str], ...] = (
    (1, "≤ 1 h"),
    (4, "≤ 4 h"),
    (8, "≤ 8 h"),
    (24, "≤ 1 day"),
    (72, "≤ 3 days"),
    (168, "≤ 1 week"),
    (float("inf"), "> 1 week"),
)
NO_RTO = "None yet"


@dataclass(frozen=True)
class Bar:
    label: str
    count: int
    x: float
    y: float
    width: float
    height: float
    label_x: float
    count_y: float


@dataclass(frozen=True)
class Chart:
    """A bar chart laid out for an inline SVG (no script, no external library)."""

    bars: tuple[Bar, ...]
    width: int
    height: int
    baseline: float
    total: int

    @property
    def label_y(self) -> float:
        return self.baseline + 18

    @property
    def empty(self) -> bool:
        return self.total == 0


def rto_counts(rtos: Iterable[float | None]) -> list[tuple[str, int]]:
    """How many functions fall in each RTO band, and how many have no required RTO."""
    counts = [0] * (len(RTO_BANDS) + 1)
    for hours in rtos:
        if hours is None:
            counts[-1] += 1
            continue
        index = next(i for i, (upper, _) in enumerate(RTO_BANDS) if hours <= upper)
        counts[index] += 1
    labels = [label for _, label in RTO_BANDS] + [NO_RTO]
    return list(zip(labels, counts, strict=True))


def bar_chart(counts: list[tuple[str, int]], *, width: int = 640, height: int = 220) -> Chart:
    top, bottom, side = 20.0, 40.0, 10.0
    slot = (width - 2 * side) / max(len(counts), 1)
    tallest = max((count for _, count in counts), default=0) or 1
    usable = height - top - bottom
    bars = []
    for index, (label, count) in enumerate(counts):
        bar_height = usable * count / tallest
        x = side + index * slot + slot * 0.15
        bars.append(
            Bar(
                label=label,
                count=count,
                x=round(x, 1),
                y=round(height - bottom - bar_height, 1),
                width=round(slot * 0.7, 1),
                height=round(bar_height, 1),
                label_x=round(x + slot * 0.35, 1),
                count_y=round(height - bottom - bar_height - 4, 1),
            )
        )
    return Chart(
        bars=tuple(bars),
        width=width,
        height=height,
        baseline=height - bottom,
        total=sum(count for _, count in counts),
    )


def rto_chart(plans: Iterable[Plan]) -> Chart:
    """Required RTOs of every function of ``plans`` by band, from their latest runs."""
    return bar_chart(rto_counts(required_rtos([plan.pk for plan in plans])))
