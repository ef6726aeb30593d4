"""Remedies for a gap, each proven by an engine run of the whole function.

For a gap about one measure of one function (availability, RTO, RPO, or one single point
of failure), every catalogue technique that fits an element holding the gap back (its
kind: sites for site techniques, databases for database replication, groups and
stateless servers for load balancing, …) is applied to the function's part of the
topology and the function is analysed again under the same ``AnalysisContext``
(``WhatIfEvaluator``). The option is kept only when that run moves the gap's measure at
the function level (``figures.moved``); what it claims is read off the run:

* ``after`` — the function's availability, downtime, RTO, RPO and SPOFs with it applied;
* ``closes_gap`` — ``after`` meets the requirement (``figures.meets``);
* ``gap_closed`` — (before − after) / (before − required) at the function level, 1 exactly
  when closed (``figures.closed_fraction``); None from unknown to known-but-short.

Options are ranked "start light": share closed / (cost class × complexity), highest
first. When no single option closes a gap, ``cheapest_combination`` tries sets of two
and three options (one per element) in order of total cost and returns the first set
whose joint run closes it, so the set offered is the cheapest in the catalogue that does.

Example (print service, head office, SAN a single point of failure): replicated storage
in the branch takes the SAN out of the function's SPOFs (closes the gap, score
1 / (4 × 3) ≈ 0.083); a site technique on the SAN is never tried, since the SAN is
storage, not a site.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from analysis.engine.availability import ExactTooCostly
from analysis.engine.figures import (
    FunctionFigures,
    WhatIfEvaluator,
    closed_fraction,
    closed_percent,
    meets,
    moved,
)
from analysis.engine.structure import Model
from analysis.engine.techniques import GapKind, Technique, changes_for
from analysis.engine.topology import TopologyError
from analysis.engine.whatif import AddSite, Change, ChangeSet

MAX_COMBINATION_POOL: Final = 6
MAX_COMBINATION_SIZE: Final = 3
MAX_COMBINATIONS: Final = 45
# Combination runs allowed for one function, over all its gaps (each run is an analysis).
COMBINATION_BUDGET: Final = 60


@dataclass(frozen=True, slots=True)
class RemedyPart:
    """One technique applied to one element, and the concrete changes that means."""

    technique_key: str
    technique_name: str
    target: str
    target_kind: str
    changes: ChangeSet
    cost_class: int
    complexity: int
    assumptions: str

    @property
    def weight(self) -> int:
        return self.cost_class * self.complexity


@dataclass(frozen=True, slots=True)
class RemediationOption:
    """A single remedy with the engine's verdict on the whole function."""

    part: RemedyPart
    after: FunctionFigures
    closes_gap: bool
    gap_closed: float | None
    gap_closed_percent: int | None
    score: float

    @property
    def technique_key(self) -> str:
        return self.part.technique_key

    @property
    def technique_name(self) -> str:
        return self.part.technique_name

    @property
    def target(self) -> str:
        return self.part.target

    @property
    def cost_class(self) -> int:
        return self.part.cost_class

    @property
    def complexity(self) -> int:
        return self.part.complexity


@dataclass(frozen=True, slots=True)
class Combination:
    """Two or three parts applied together, proven by one run with all of them."""

    parts: tuple[RemedyPart, ...]
    after: FunctionFigures
    closes_gap: bool
    gap_closed: float | None
    gap_closed_percent: int | None

    @property
    def cost_class(self) -> int:
        return sum(p.cost_class for p in self.parts)

    @property
    def complexity(self) -> int:
        return sum(p.complexity for p in self.parts)


@dataclass(frozen=True, slots=True)
class GapTarget:
    """What one gap measures: the measure, the requirement (None for a SPOF, whose
    requirement is "not a single point of failure"), the element it is about and the
    elements whose change may move it."""

    measure: GapKind
    required: float | None
    element: str | None
    targets: tuple[str, ...]


def expand_targets(model: Model, elements: Sequence[str], service_id: str) -> tuple[str, ...]:
    """``elements`` plus the redundancy groups (used by the service) they are members of,
    so group techniques (one more member) are tried too."""
    found = list(dict.fromkeys(elements))
    used = set(model.closure(service_id))
    for group_id, group in model.groups.items():
        if group_id in used and group_id not in found and any(e in group.members for e in elements):
            found.append(group_id)
    return tuple(found)


def _merge(parts: Sequence[RemedyPart]) -> tuple[Change, ...]:
    """The changes of several parts in order; a recovery site two parts both create is
    added once."""
    seen_sites: set[str] = set()
    merged: list[Change] = []
    for part in parts:
        for change in part.changes.changes:
            if isinstance(change, AddSite):
                if change.site.id in seen_sites:
                    continue
                seen_sites.add(change.site.id)
            merged.append(change)
    return tuple(merged)


class Remedies:
    """Tries catalogue techniques on one function and remembers each run.

    Each (technique, element) pair is run at most once, however many gaps ask for it.
    ``notes`` records pairs that could not be evaluated (e.g. exact solving over budget).
    """

    def __init__(
        self,
        evaluator: WhatIfEvaluator,
        techniques: Sequence[Technique],
        *,
        structural_screen: bool = True,
    ) -> None:
        self.evaluator = evaluator
        self.model = evaluator.model
        self.service_id = evaluator.service_id
        self.techniques = tuple(techniques)
        self.before = evaluator.before
        self._runs: dict[tuple[str, str], tuple[RemedyPart, FunctionFigures] | None] = {}
        self.notes: list[str] = []
        self.combination_budget = COMBINATION_BUDGET
        # Sets for an SPOF, RTO or RPO gap are first checked on the structure alone
        # (``WhatIfEvaluator.meets_structurally``); only a set that closes the gap there is
        # analysed. False runs every set in full (the straightforward path the tests
        # compare with).
        self.structural_screen = structural_screen

    def run(self, technique: Technique, target: str) -> tuple[RemedyPart, FunctionFigures] | None:
        key = (technique.key, target)
        if key in self._runs:
            return self._runs[key]
        outcome: tuple[RemedyPart, FunctionFigures] | None = None
        try:
            changes = changes_for(technique, self.model, target, self.service_id)
            after = self.evaluator.after(changes)
        except (TopologyError, ValueError):
            outcome = None
        except ExactTooCostly as error:
            self.notes.append(f"{technique.name} on '{target}' not assessed: {error.reason}")
        else:
            part = RemedyPart(
                technique_key=technique.key,
                technique_name=technique.name,
                target=target,
                target_kind=self.model.kind(target),
                changes=changes,
                cost_class=technique.cost_class,
                complexity=technique.complexity,
                assumptions=technique.assumptions,
            )
            outcome = (part, after)
        self._runs[key] = outcome
        return outcome

    def candidates(
        self, gap: GapTarget, *, with_earlier_runs: bool = False
    ) -> list[tuple[RemedyPart, FunctionFigures]]:
        """Every fitting (technique, element) run for this gap, in catalogue order.

        With ``with_earlier_runs`` the runs already made for this function's other gaps
        are added too (techniques that apply to this measure, in the order they were
        run): availability moves with every element, not only the ones that lose most,
        so a site technique tried for the RTO may be what closes it; and a rack is no
        longer a single point of failure once its building has a second site.
        """
        found = []
        seen: set[tuple[str, str]] = set()
        for target in gap.targets:
            for technique in self.techniques:
                if gap.measure not in technique.applies_to:
                    continue
                if not technique.fits_target(self.model, target):
                    continue
                outcome = self.run(technique, target)
                if outcome is not None:
                    found.append(outcome)
                    seen.add((technique.key, target))
        if with_earlier_runs:
            applies = {t.key for t in self.techniques if gap.measure in t.applies_to}
            for key, outcome in self._runs.items():
                if outcome is not None and key[0] in applies and key not in seen:
                    found.append(outcome)
                    seen.add(key)
        return found

    def option(self, gap: GapTarget, part: RemedyPart, after: FunctionFigures) -> RemediationOption:
        before = self.before
        fraction = closed_fraction(gap.measure, before, after, gap.required, gap.element)
        closes = meets(gap.measure, after, gap.required, gap.element)
        return RemediationOption(
            part=part,
            after=after,
            closes_gap=closes,
            gap_closed=fraction,
            gap_closed_percent=closed_percent(fraction),
            score=(fraction or 0.0) / part.weight,
        )

    def options(
        self, gap: GapTarget, max_options: int, *, with_earlier_runs: bool = False
    ) -> tuple[tuple[RemediationOption, ...], list[tuple[RemedyPart, FunctionFigures]]]:
        """Options that move the gap's measure, ranked start light (at most ``max_options``,
        plus the cheapest closing option when it ranks lower), and every candidate run."""
        candidates = self.candidates(gap, with_earlier_runs=with_earlier_runs)
        movers = [
            self.option(gap, part, after)
            for part, after in candidates
            if moved(gap.measure, self.before, after, gap.element)
        ]
        movers.sort(
            key=lambda o: (
                -o.score,
                not o.closes_gap,
                o.part.weight,
                o.technique_key,
                o.target,
            )
        )
        listed = movers[:max_options]
        cheapest = cheapest_closing(movers)
        if cheapest is not None and cheapest not in listed:
            listed.append(cheapest)
        return tuple(listed), candidates

    def cheapest_combination(
        self,
        gap: GapTarget,
        candidates: list[tuple[RemedyPart, FunctionFigures]],
    ) -> tuple[Combination | None, int]:
        """The cheapest set of 2–3 candidate parts (one per element) whose joint run closes
        the gap, and how many sets were run.

        The pool is the ``MAX_COMBINATION_POOL`` most promising candidates (those that
        move the measure first, then the cheapest); sets are tried in order of total cost
        class, then complexity, then size, so the first that closes is the cheapest. At
        most ``MAX_COMBINATIONS`` sets per gap and ``COMBINATION_BUDGET`` per function are
        run; the plan of action says when the search stopped early.
        """

        def promise(item: tuple[RemedyPart, FunctionFigures]) -> tuple[int, float, int, str]:
            part, after = item
            fraction = closed_fraction(gap.measure, self.before, after, gap.required, gap.element)
            moves = moved(gap.measure, self.before, after, gap.element)
            return (0 if moves else 1, -(fraction or 0.0), part.weight, part.technique_key)

        # A part that closes the gap on its own is an option, not a member of a set.
        alone = [
            item
            for item in candidates
            if not meets(gap.measure, item[1], gap.required, gap.element)
        ]
        pool = [part for part, _after in sorted(alone, key=promise)][:MAX_COMBINATION_POOL]
        sets: list[tuple[RemedyPart, ...]] = []
        for size in range(2, MAX_COMBINATION_SIZE + 1):
            for combo in itertools.combinations(pool, size):
                if len({p.target for p in combo}) == len(combo):
                    sets.append(combo)
        sets.sort(
            key=lambda c: (
                sum(p.cost_class for p in c),
                sum(p.complexity for p in c),
                len(c),
                tuple((p.technique_key, p.target) for p in c),
            )
        )
        tried = 0
        for combo in sets[:MAX_COMBINATIONS]:
            if self.combination_budget <= 0:
                break
            self.combination_budget -= 1
            tried += 1
            changes = _merge(combo)
            if self.structural_screen and gap.measure != "availability":
                try:
                    closes = self.evaluator.meets_structurally(
                        changes, gap.measure, gap.required, gap.element
                    )
                except (TopologyError, ValueError):
                    continue
                if not closes:
                    continue  # a full run would not close it either
            try:
                after = self.evaluator.after(changes)
            except (TopologyError, ValueError, ExactTooCostly):
                continue
            if meets(gap.measure, after, gap.required, gap.element):
                fraction = closed_fraction(
                    gap.measure, self.before, after, gap.required, gap.element
                )
                return (
                    Combination(
                        parts=combo,
                        after=after,
                        closes_gap=True,
                        gap_closed=fraction,
                        gap_closed_percent=closed_percent(fraction),
                    ),
                    tried,
                )
        return None, tried


def cheapest_closing(options: Sequence[RemediationOption]) -> RemediationOption | None:
    """The closing option with the least cost class × complexity (then cost, then key)."""
    closing = [o for o in options if o.closes_gap]
    if not closing:
        return None
    return min(
        closing,
        key=lambda o: (o.part.weight, o.cost_class, o.complexity, o.technique_key, o.target),
    )
