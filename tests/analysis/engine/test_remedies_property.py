"""Every claim about a remedy equals a fresh, independent engine run with its changes applied.

Random topologies (≤ 12 variables, random component kinds, restore times, data and
backups) and random requirements: each option's and combination's after-figures are
recomputed from scratch on the changed topology, each roadmap step must move its
measure, and under Monte Carlo the gap analysis grades the same figure the headline shows.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.engine.availability import AvailabilityAnalyzer
from analysis.engine.figures import (
    AnalysisContext,
    FunctionFigures,
    WhatIfEvaluator,
    fresh_figures,
    meets,
    moved,
)
from analysis.engine.gaps import Requirements, analyse_gaps
from analysis.engine.roadmap import roadmap
from analysis.engine.techniques import DEFAULT_TECHNIQUES, changes_for
from analysis.engine.topology import Topology, TopologyError
from analysis.engine.whatif import apply_changes
from tests.analysis.engine.strategies import LARGE_RANDOM_INPUTS, structures

KINDS = ("server", "application", "database", "storage", "network", "power", "printer", "vm")
EXACT = AnalysisContext(method="exact", node_limit=None)
# Each example runs the gap analysis (often twice): slow and large by Hypothesis' measure.
GAP_RUNS = settings(LARGE_RANDOM_INPUTS, max_examples=60)


@st.composite
def estates(draw: st.DrawFn) -> Topology:
    """A random structure dressed as an estate: kinds, restore times, data and protection."""
    topology = draw(structures())
    components = []
    for c in topology.components:
        holds = draw(st.booleans())
        components.append(
            replace(
                c,
                kind=draw(st.sampled_from(KINDS)),
                restore_hours=draw(st.sampled_from([None, 1.0, 4.0, 24.0, 72.0])),
                holds_data=holds,
                backup_interval_hours=draw(st.sampled_from([None, 1.0, 24.0])) if holds else None,
            )
        )
    sites = tuple(
        replace(s, restore_hours=draw(st.sampled_from([None, 24.0, 168.0]))) for s in topology.sites
    )
    return replace(topology, components=tuple(components), sites=sites)


requirements = st.builds(
    Requirements,
    rto_hours=st.sampled_from([0.5, 4.0, 12.0, 48.0]),
    rpo_hours=st.sampled_from([None, 0.0, 1.0, 24.0]),
    availability=st.sampled_from([None, 0.99, 0.999, 0.9999]),
    mtpd_hours=st.sampled_from([None, 8.0, 72.0]),
)


def _same(claimed: FunctionFigures, fresh: FunctionFigures) -> None:
    assert claimed.availability == pytest.approx(fresh.availability, rel=1e-9, abs=1e-12)
    assert claimed.unavailability == pytest.approx(fresh.unavailability, rel=1e-9, abs=1e-12)
    assert claimed.rto_hours == fresh.rto_hours
    assert claimed.rpo_hours == fresh.rpo_hours
    assert claimed.rpo_applicable == fresh.rpo_applicable
    assert set(claimed.single_points_of_failure) == set(fresh.single_points_of_failure)


@GAP_RUNS
@given(estates(), requirements)
def test_every_option_and_combination_claims_what_a_fresh_run_shows(
    topology: Topology, required: Requirements
) -> None:
    report = analyse_gaps(topology, "root", required, context=EXACT)
    for gap in report.gaps:
        for option in gap.options:
            fresh = fresh_figures(apply_changes(topology, option.part.changes), "root", EXACT)
            _same(option.after, fresh)
            assert moved(gap.measure, report.before, fresh, gap.element)
            assert option.closes_gap == meets(gap.measure, fresh, gap.required, gap.element)
            assert (option.gap_closed_percent == 100) == option.closes_gap
        if gap.combination is not None:
            changes = [c for part in gap.combination.parts for c in part.changes.changes]
            unique = []
            for change in changes:
                if change not in unique:
                    unique.append(change)
            fresh = fresh_figures(apply_changes(topology, unique), "root", EXACT)
            _same(gap.combination.after, fresh)
            assert meets(gap.measure, fresh, gap.required, gap.element)


@GAP_RUNS
@given(estates(), requirements)
def test_every_roadmap_step_moves_its_measure(topology: Topology, required: Requirements) -> None:
    report = analyse_gaps(topology, "root", required, context=EXACT)
    steps = roadmap([report])
    assert {s.gap.id for s in steps} == {
        g.id for g in report.gaps if g.severity in ("critical", "high")
    }
    for step in steps:
        if step.after is None:
            assert step.remedy == "plan_of_action" and not step.parts
            continue
        assert moved(step.gap.measure, report.before, step.after, step.gap.element)
        assert step.closes_gap == meets(
            step.gap.measure, step.after, step.gap.required, step.gap.element
        )


@settings(GAP_RUNS, max_examples=30)
@given(estates(), requirements, st.integers(0, 2**31 - 1))
def test_under_monte_carlo_gaps_are_graded_on_the_headline_figure(
    topology: Topology, required: Requirements, seed: int
) -> None:
    context = AnalysisContext(method="monte_carlo", samples=3_000, seed=seed)
    report = analyse_gaps(topology, "root", required, context=context)
    headline = context.analyzer(topology).service("root")
    assert report.before.method == "monte_carlo" and report.before.seed == seed
    assert report.before.samples == 3_000
    assert report.before.availability == headline.availability
    for gap in report.gaps:
        if gap.measure == "availability":
            assert gap.required is not None and headline.availability < gap.required


@GAP_RUNS
@given(structures(), st.integers(1, 60))
def test_the_method_a_service_gets_does_not_depend_on_what_was_analysed_before(
    topology: Topology, limit: int
) -> None:
    alone = AvailabilityAnalyzer(topology, node_limit=limit, samples=2_000).service("root")
    crowded = AvailabilityAnalyzer(topology, node_limit=limit, samples=2_000)
    for service in topology.services:
        crowded.service(service.id)
    assert crowded.service("root").method == alone.method
    assert crowded.service("root").availability == alone.availability


@GAP_RUNS
@given(estates(), requirements)
def test_screening_sets_on_the_structure_finds_the_same_gaps_sets_and_counts_as_running_every_set(
    topology: Topology, required: Requirements
) -> None:
    screened = analyse_gaps(topology, "root", required, context=EXACT)
    every_set = analyse_gaps(topology, "root", required, context=EXACT, screen_sets=False)
    assert screened.gaps == every_set.gaps
    assert screened.notes == every_set.notes
    assert screened.fresh_runs <= every_set.fresh_runs


@GAP_RUNS
@given(estates(), st.data())
def test_meeting_a_structural_requirement_is_read_off_the_structure_as_a_full_run_reads_it(
    topology: Topology, data: st.DataObject
) -> None:
    evaluator = WhatIfEvaluator(topology, "root", EXACT)
    model = evaluator.model
    targets = [c.id for c in topology.components] + [s.id for s in topology.sites]
    targets += [g.id for g in topology.groups]
    fitting = [
        (technique, target)
        for target in targets
        for technique in DEFAULT_TECHNIQUES
        if technique.fits_target(model, target)
    ]
    if not fitting:
        return
    chosen = data.draw(st.lists(st.sampled_from(fitting), min_size=1, max_size=3, unique=True))
    changes = [
        change
        for technique, target in chosen
        for change in changes_for(technique, model, target, "root").changes
    ]
    try:
        after = evaluator.after(changes)
    except TopologyError:
        with pytest.raises(TopologyError):
            evaluator.meets_structurally(changes, "spof", None, targets[0])
        return
    for element in [*targets, None]:
        assert evaluator.meets_structurally(changes, "spof", None, element) == meets(
            "spof", after, None, element
        )
    for measure in ("rto", "rpo"):
        for required in (None, 0.0, 0.5, 4.0, 24.0, 100.0):
            assert evaluator.meets_structurally(changes, measure, required, None) == meets(
                measure, after, required, None
            )
