"""Benchmark of a plan's analysis end to end, through the database.

Run from the repository root:

    .venv/bin/python tests/benchmarks/bench_analysis_run.py [--scale 1] \
        [--out var/benchmarks/analysis_run.json] [--profile] [--keep-db] [--no-execute-full]

It migrates a fresh SQLite database in a temporary directory (its own
``CONTINUITY_VAR_DIR``, so nobody else's data is touched) and builds, from a fixed seed,
the synthetic organisation of ``bench_engine.py`` as real plan data: at scale 1, 1 000
business functions, 10 000 components, about 30 000 runs-on / group-member / dependency
edges and 200 sites (campuses → buildings → rooms), with per campus a redundant network
core, SANs shared by hypervisor clusters, active/passive database pairs shared by several
functions and directory / DNS pairs many functions need. Every function is sent a BIA in
one campaign; most answer the required questions and the impact grid, and are submitted
and then approved (some stay submitted, some unanswered), so the analysis reads reviewed
answers as it does in production.

It then times what a run does: ``load_inputs`` (inventory + BIA → engine inputs),
``inputs_hash``, ``input_watermark`` / ``run_is_stale``, ``analyse_plan`` for the whole
plan and ``analyse_plan(only=...)`` for one function, and the worker's
``analysis_run_execute`` (load, hash, compute, store) for the whole plan and for one
function. It writes the figures, the counts actually built, query counts and machine
information as JSON and prints a table.
Targets (product design): full analysis ≤ 5 s, one function's recompute ≤ 100 ms.

``--digest`` instead analyses the whole plan once and prints the sha256 of every
function's results and of the plan's (canonical JSON, floats to the last bit): a change
meant to make the analysis faster must leave every line the same, e.g. at ``--scale 0.1``.

``--workers N`` (or a list, ``--workers 1,2``, each on the same built plan) starts N real
``celery worker`` processes (one pool process each, on a
queue of their own, ``ANALYSIS_FANOUT=auto``: one worker computes in-process, two or more
spread the functions in chunks) and times instead a whole-plan run and a one-function run
through the job path (queued, claimed, computed, stored), with the wall time, the CPU time
of this process and of every worker process, and the load average before and after (the
machine may be shared). Give ``--database-url postgres://...`` (an empty database of your
own) to measure on PostgreSQL; the filesystem broker under the temporary directory is
used unless ``CELERY_BROKER_URL`` is set. Each run also records the largest peak resident
memory of any worker process.

``--save-built FILE`` (with ``--database-url``) builds the plan, writes its ids and counts
to FILE and stops; ``--from-built FILE`` with the same database measures that plan instead
of building one. A ×4 build takes most of an hour, so the runs at ×2 and ×4 are timed on
plans built once.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import datetime
import gc
import hashlib
import io
import json
import os
import pstats
import random
import resource
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

WORK_DIR = Path(tempfile.mkdtemp(prefix="continuity-bench-analysis-"))
# Before Django reads its settings: a database of our own, and no query log in memory.
os.environ["CONTINUITY_VAR_DIR"] = str(WORK_DIR)
os.environ.pop("DATABASE_URL", None)
# The queue this benchmark's workers listen on, set before Django reads its settings:
# the jobs this process queues must be sent there, or they wait for the two-minute resend
# of a job no worker took and every job-path figure carries that wait.
BENCH_QUEUE = f"bench-{os.getpid()}"
os.environ["CELERY_QUEUE"] = BENCH_QUEUE
# --database-url (read here, before Django starts): an empty database of your own, e.g.
# PostgreSQL; worker processes started by --workers need one they can reach too.
for _index, _arg in enumerate(sys.argv):
    if _arg == "--database-url" and _index + 1 < len(sys.argv):
        os.environ["DATABASE_URL"] = sys.argv[_index + 1]
    elif _arg.startswith("--database-url="):
        os.environ["DATABASE_URL"] = _arg.split("=", 1)[1]
os.environ["DEBUG"] = "false"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from analysis.compute import analyse_plan  # noqa: E402
from analysis.inputs import AnalysisInputs, input_watermark, inputs_hash, load_inputs  # noqa: E402
from analysis.models import AnalysisRun  # noqa: E402
from analysis.selectors import run_is_stale, run_results  # noqa: E402
from analysis.services import ANALYSIS_TASK, analysis_run_execute, analysis_settings_for  # noqa: E402
from bcp.history import change_context  # noqa: E402
from bcp.models import Job, Plan  # noqa: E402
from bcp.services import plan_create  # noqa: E402
from bia.models import (  # noqa: E402
    Answer,
    Assessment,
    BusinessFunction,
    ImpactCategory,
    ImpactSettings,
    Question,
    QuestionType,
)
from bia.services.answers import clean_answer  # noqa: E402
from bia.services.assessments import assessment_approve, assessment_submit  # noqa: E402
from bia.services.campaigns import campaign_send  # noqa: E402
from bia.services.common import cell_key  # noqa: E402
from bia.services.questionnaires import template_create_default  # noqa: E402
from bia.services.scales import impact_scales_ensure  # noqa: E402
from inventory.models import (  # noqa: E402
    Component,
    ComponentKind,
    Dependency,
    GroupMember,
    GroupMode,
    RedundancyGroup,
    RunsOn,
    Site,
    SiteKind,
)
from inventory.services.techniques import technique_catalogue_seed  # noqa: E402
from tests.benchmarks.machine import figures_write, load_average, machine  # noqa: E402
from tests.conftest import celery_worker_command  # noqa: E402

SEED = 20_240_611
TARGET_FULL_S = 5.0
TARGET_ONE_MS = 100.0
APPROVED_SHARE = 0.75
SUBMITTED_SHARE = 0.20  # the rest is sent but left unanswered: no reviewed BIA

T = TypeVar("T")


def timed(fn: Callable[[], T]) -> tuple[T, float]:
    start = time.perf_counter()
    value = fn()
    return value, time.perf_counter() - start


def cpu_timed(fn: Callable[[], T]) -> tuple[T, float, float]:
    """The value, wall seconds and CPU seconds of this process (the machine is shared)."""
    cpu = time.process_time()
    value, wall = timed(fn)
    return value, wall, time.process_time() - cpu


def repeated(fn: Callable[[], T], times: int) -> tuple[T, list[float]]:
    value: Any = None
    seconds = []
    for _ in range(times):
        gc.collect()
        value, s = timed(fn)
        seconds.append(s)
    return value, seconds


def queries(fn: Callable[[], object]) -> int:
    with CaptureQueriesContext(connection) as captured:
        fn()
    return len(captured)


def peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


# --- building the organisation ----------------------------------------------------------


class Builder:
    """Creates the estate with ordinary saves (tracked models record history)."""

    def __init__(self, plan: Plan, scale: float, rng: random.Random) -> None:
        self.plan = plan
        self.scale = scale
        self.rng = rng
        self.counts = {
            "sites": 0,
            "components": 0,
            "groups": 0,
            "runs_on": 0,
            "group_members": 0,
            "dependencies": 0,
        }

    def site(self, name: str, kind: str, availability: float, parent: Site | None) -> Site:
        self.counts["sites"] += 1
        return Site.objects.create(
            plan=self.plan,
            name=name,
            kind=kind,
            parent=parent,
            availability_percent=availability,
            restore_hours=72.0 if kind == SiteKind.DATA_CENTRE else None,
        )

    def component(
        self,
        name: str,
        kind: str,
        *,
        site: Site | None = None,
        runs_on: tuple[Component | RedundancyGroup, ...] = (),
        **figures: Any,
    ) -> Component:
        component = Component.objects.create(
            plan=self.plan, name=name, kind=kind, site=site, **figures
        )
        self.counts["components"] += 1
        for target in runs_on:
            if isinstance(target, Component):
                RunsOn.objects.create(component=component, on_component=target)
            else:
                RunsOn.objects.create(component=component, on_group=target)
            self.counts["runs_on"] += 1
        return component

    def server(self, name: str, kind: str, site: Site, runs_on: tuple[Any, ...]) -> Component:
        return self.component(
            name,
            kind,
            site=site,
            runs_on=runs_on,
            mtbf_hours=self.rng.choice((8_760.0, 17_520.0, 26_280.0, 43_800.0)),
            mttr_hours=self.rng.choice((2.0, 4.0, 8.0, 24.0)),
            restore_hours=self.rng.choice((4.0, 8.0, 24.0)),
        )

    def group(
        self, name: str, mode: str, members: list[Component], *, k: int = 1, failover: float = 0.0
    ) -> RedundancyGroup:
        group = RedundancyGroup.objects.create(
            plan=self.plan, name=name, mode=mode, k=k, failover_seconds=failover
        )
        self.counts["groups"] += 1
        for position, member in enumerate(members):
            GroupMember.objects.create(group=group, component=member, position=position)
            self.counts["group_members"] += 1
        return group

    def needs(self, function: BusinessFunction, target: Component | RedundancyGroup) -> None:
        if isinstance(target, Component):
            Dependency.objects.create(plan=self.plan, function=function, component=target)
        else:
            Dependency.objects.create(plan=self.plan, function=function, group=target)
        self.counts["dependencies"] += 1

    def build(self, functions: list[BusinessFunction]) -> None:
        rng = self.rng
        n_campus = max(1, round(10 * self.scale))
        rooms: dict[int, list[Site]] = {}
        cores: dict[int, RedundancyGroup] = {}
        clusters: dict[int, list[RedundancyGroup]] = {}
        databases: dict[int, list[RedundancyGroup]] = {}
        platforms: dict[int, list[RedundancyGroup]] = {}
        for c in range(n_campus):
            campus = self.site(f"Campus {c}", SiteKind.DATA_CENTRE, 99.995, None)
            rooms[c] = []
            for b in range(4):
                building = self.site(f"Campus {c} building {b}", SiteKind.BUILDING, 99.998, campus)
                for r in range(4 if b != 3 else 3):  # 20 sites per campus
                    rooms[c].append(
                        self.site(
                            f"Campus {c} building {b} room {r}", SiteKind.ROOM, 99.999, building
                        )
                    )
        for c in range(n_campus):
            here = rooms[c]
            switches = [
                self.component(
                    f"c{c}-core-sw{s}",
                    ComponentKind.NETWORK,
                    site=here[s],
                    availability_percent=99.995,
                )
                for s in range(2)
            ]
            core = self.group(f"c{c}-core", GroupMode.ACTIVE_ACTIVE, switches)
            cores[c] = core
            sans = [
                self.component(
                    f"c{c}-san{s}",
                    ComponentKind.STORAGE,
                    site=rng.choice(here),
                    runs_on=(core,),
                    availability_percent=99.995,
                    holds_data=True,
                    backup_interval_hours=24.0,
                    restore_hours=12.0,
                )
                for s in range(5)
            ]
            clusters[c] = []
            for k in range(10):
                san = sans[k % len(sans)]
                room = rng.choice(here)
                hosts = [
                    self.server(f"c{c}-cl{k}-h{h}", ComponentKind.SERVER, room, (core, san))
                    for h in range(4)
                ]
                clusters[c].append(self.group(f"c{c}-cl{k}", GroupMode.ACTIVE_ACTIVE, hosts))
            databases[c] = []
            for d in range(30):
                san = rng.choice(sans)
                pair = [
                    self.server(
                        f"c{c}-db{d}-{m}", ComponentKind.DATABASE, rng.choice(here), (core, san)
                    )
                    for m in range(2)
                ]
                databases[c].append(
                    self.group(f"c{c}-db{d}", GroupMode.ACTIVE_PASSIVE, pair, failover=30.0)
                )
            platforms[c] = []
            for role in ("directory", "dns"):
                pair = [
                    self.server(f"c{c}-{role}{m}", ComponentKind.SERVER, here[m], (core,))
                    for m in range(2)
                ]
                platforms[c].append(self.group(f"c{c}-{role}", GroupMode.ACTIVE_ACTIVE, pair))

        n_functions = len(functions)
        remaining = max(n_functions, round(10_000 * self.scale) - self.counts["components"])
        vm_counts = [remaining // n_functions] * n_functions
        for i in range(remaining - sum(vm_counts)):
            vm_counts[i] += 1
        for i, function in enumerate(functions):
            home = i % n_campus
            core = cores[home]
            two_clusters = rng.sample(clusters[home], 2)
            vms = [
                self.component(
                    f"f{i}-vm{v}",
                    ComponentKind.VM,
                    runs_on=(two_clusters[v % 2], core),
                    availability_percent=rng.choice((99.9, 99.95, 99.99)),
                    restore_hours=rng.choice((2.0, 4.0, 8.0)),
                )
                for v in range(vm_counts[i])
            ]
            cursor = 0
            for tier in range(2):
                size = rng.randint(2, 4)
                members = vms[cursor : cursor + size]
                cursor += size
                if len(members) < 2:
                    break
                k = 1 if tier == 0 else max(1, len(members) - 1)
                self.needs(
                    function,
                    self.group(f"f{i}-tier{tier}", GroupMode.ACTIVE_ACTIVE, members, k=k),
                )
            for vm in vms[cursor:]:
                self.needs(function, vm)
            self.needs(function, rng.choice(databases[home]))
            if rng.random() < 0.3:
                for platform_group in rng.sample(platforms[home], rng.randint(1, 2)):
                    self.needs(function, platform_group)


def _levels(rng: random.Random, horizons: int, severity: int) -> list[int]:
    """Impact that never falls as an outage lasts longer."""
    level = 0
    out = []
    for _ in range(horizons):
        if rng.random() < 0.45:
            level = min(4, level + 1 + (rng.random() < severity / 8))
        out.append(level)
    return out


def answer_bias(
    plan: Plan, manager: Any, functions: list[BusinessFunction], rng: random.Random
) -> dict[str, int]:
    """A campaign to every function; answers, then submit and approve through the services.

    Answers are created with ordinary saves after the services' own cleaning
    (``clean_answer``), not one ``answer_save`` each: that service locks and re-reads the
    assessment and the plan's grid per cell, which would make building take far longer
    than the runs we measure. Submitting and approving go through the services, which
    check that every required question is answered.
    """
    impact_scales_ensure(plan=plan, user=manager)
    template = template_create_default(plan=plan, user=manager)
    campaign = campaign_send(
        plan=plan,
        user=manager,
        name="Benchmark BIA round",
        template=template,
        due_date=timezone.localdate() + datetime.timedelta(days=30),
        functions=functions,
        notify=False,
    )
    settings = ImpactSettings.objects.get(plan=plan)
    horizons = [float(h) for h in settings.horizons_hours]
    categories = list(ImpactCategory.objects.filter(plan=plan).order_by("order", "pk"))
    questions = {q.key: q for q in Question.objects.filter(section__template=template)}
    grid = next(q for q in questions.values() if q.qtype == QuestionType.IMPACT_GRID)
    plain = {
        "purpose": lambda: "Serves staff and students.",
        "mtpd": lambda: rng.choice(("4 h", "1 d", "3 d", "1 w")),
        "data_loss": lambda: rng.choice(("0 h", "15 min", "1 h", "4 h", "1 d")),
        "minimum_service": lambda: rng.choice(("25", "50", "75")),
        "work_recovery": lambda: rng.choice(("1 h", "2 h", "4 h")),
        "it_services": lambda: "Application servers\nDatabase",
    }
    counts = {"assessments": 0, "answers": 0, "approved": 0, "submitted": 0, "unanswered": 0}
    assessments = list(Assessment.objects.filter(campaign=campaign).select_related("function"))
    counts["assessments"] = len(assessments)
    for assessment in assessments:
        draw = rng.random()
        if draw >= APPROVED_SHARE + SUBMITTED_SHARE:
            counts["unanswered"] += 1
            continue
        owner = assessment.function.owner
        assert owner is not None
        with change_context(user=owner, reason="Benchmark answers"):
            severity = rng.randint(0, 4)
            for category in categories:
                for hours, level in zip(
                    horizons, _levels(rng, len(horizons), severity), strict=True
                ):
                    cell = cell_key(category.key, hours)
                    Answer.objects.create(
                        assessment=assessment,
                        question=grid,
                        cell=cell,
                        value=clean_answer(grid, [str(level)], cell=cell),
                        answered_by=owner,
                    )
                    counts["answers"] += 1
            for key, make in plain.items():
                if key not in questions:
                    continue
                Answer.objects.create(
                    assessment=assessment,
                    question=questions[key],
                    value=clean_answer(questions[key], [make()]),
                    answered_by=owner,
                )
                counts["answers"] += 1
        submitted = assessment_submit(assessment=assessment, user=owner)
        if draw < APPROVED_SHARE:
            assessment_approve(assessment=submitted, user=manager)
            counts["approved"] += 1
        else:
            counts["submitted"] += 1
    return counts


def build(scale: float) -> tuple[Plan, Any, dict[str, Any]]:
    rng = random.Random(SEED)
    user_model = get_user_model()
    manager = user_model.objects.create_user(
        username="bench-manager", email="manager@example.org", password=None
    )
    owners = [
        user_model.objects.create_user(
            username=f"bench-owner-{i}", email=f"owner{i}@example.org", password=None
        )
        for i in range(20)
    ]
    counts: dict[str, Any] = {}
    with transaction.atomic():
        plan = plan_create(user=manager, name="Benchmark estate", organisation="Benchmark")
        analysis_settings_for(plan=plan, user=manager)
        counts["techniques"] = technique_catalogue_seed(plan=plan, user=manager)
        with change_context(user=manager, reason="Benchmark functions"):
            functions = [
                BusinessFunction.objects.create(
                    plan=plan,
                    name=f"Function {i:04d}",
                    owner=owners[i % len(owners)],
                    criticality=rng.choice(("low", "medium", "high")),
                    peak_periods="Month-end" if rng.random() < 0.3 else "",
                    workaround_hours=rng.choice((None, 4.0, 24.0)),
                )
                for i in range(max(1, round(1_000 * scale)))
            ]
        counts["functions"] = len(functions)
        builder = Builder(plan, scale, rng)
        with change_context(user=manager, reason="Benchmark inventory"):
            builder.build(functions)
        counts.update(builder.counts)
        counts["dependency_edges"] = (
            builder.counts["runs_on"]
            + builder.counts["group_members"]
            + builder.counts["dependencies"]
        )
        counts["bia"] = answer_bias(plan, manager, functions, rng)
    return plan, manager, counts


# --- measuring ----------------------------------------------------------------------------


def profile_top(fn: Callable[[], object], limit: int = 25) -> list[str]:
    profiler = cProfile.Profile()
    profiler.enable()
    fn()
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(limit)
    lines = [line for line in out.getvalue().splitlines() if line.strip()]
    return lines[: limit + 8]


def _sha256(value: object) -> str:
    # Keys sorted, floats as Python's repr (exact to the last bit): any change in a
    # figure, an option or their order changes the hash.
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def digest(plan: Plan) -> dict[str, Any]:
    """The sha256 of every function's results (figures, gaps, options with their after
    figures, combinations, roadmap) and of the whole plan's results, in canonical JSON.

    A change meant to make the analysis faster, not different, leaves every one equal.
    """
    results = analyse_plan(load_inputs(plan)).results
    functions = {entry["key"]: _sha256(entry) for entry in results["functions"]}
    return {"plan": _sha256(results), "functions": functions}


def new_run(plan: Plan, manager: Any, *, function: BusinessFunction | None) -> AnalysisRun:
    # The job is never sent to a broker: the benchmark calls the worker's function itself.
    job = Job.objects.create(
        kind="analysis",
        task_name=ANALYSIS_TASK,
        plan=plan,
        parameters={"function_id": function.pk if function else None},
    )
    return AnalysisRun.objects.create(plan=plan, function=function, job=job, created_by=manager)


def report(name: str, stages: dict[str, Any]) -> None:
    """Each figure as soon as it is known, so a long run still tells something."""
    print(f"  {name}: {stages[name]['median_ms']:.1f} ms (median)", flush=True)


def stats(seconds: list[float]) -> dict[str, Any]:
    return {
        "median_ms": round(statistics.median(seconds) * 1000, 2),
        "min_ms": round(min(seconds) * 1000, 2),
        "max_ms": round(max(seconds) * 1000, 2),
        "runs": len(seconds),
    }


def measure(plan: Plan, manager: Any, *, profile: bool, execute_full: bool) -> dict[str, Any]:
    stages: dict[str, Any] = {}
    holder: dict[str, AnalysisInputs] = {}

    def load() -> AnalysisInputs:
        holder["inputs"] = load_inputs(plan)
        return holder["inputs"]

    inputs, seconds = repeated(load, 3)
    stages["load_inputs"] = stats(seconds) | {"queries": queries(load)}
    report("load_inputs", stages)
    inputs = holder["inputs"]
    _, seconds = repeated(lambda: inputs_hash(inputs), 3)
    stages["inputs_hash"] = stats(seconds)
    report("inputs_hash", stages)
    _, seconds = repeated(lambda: input_watermark(plan), 3)
    stages["input_watermark"] = stats(seconds) | {"queries": queries(lambda: input_watermark(plan))}
    report("input_watermark", stages)

    run = new_run(plan, manager, function=None)
    run.inputs_watermark = input_watermark(plan)
    run.save()
    run = AnalysisRun.objects.select_related("plan").get(pk=run.pk)
    stale, seconds = repeated(lambda: run_is_stale(run), 3)
    stages["run_is_stale"] = stats(seconds) | {"stale": stale}
    report("run_is_stale", stages)

    # One function, from inputs already in memory: a sample across the plan.
    keys = inputs.function_ids()
    sample = keys[:: max(1, len(keys) // 20)]
    one_seconds = []
    for key in sample:
        _, s = timed(lambda key=key: analyse_plan(inputs, only=key))  # type: ignore[misc]
        one_seconds.append(s)
    stages["analyse_plan_one_function"] = stats(one_seconds) | {"target_ms": TARGET_ONE_MS}
    report("analyse_plan_one_function", stages)

    # What the worker really does for one function: load its part, hash, compute.
    victim_key = sample[len(sample) // 2]
    victim = BusinessFunction.objects.get(pk=inputs.topology.functions[victim_key].pk)

    def one_load_hash() -> AnalysisInputs:
        part = load_inputs(plan, function=victim)
        inputs_hash(part)
        return part

    part, seconds = repeated(one_load_hash, 3)
    stages["one_function_load_hash"] = stats(seconds) | {
        "queries": queries(one_load_hash),
        "components_loaded": len(part.topology.topology.components),
    }
    report("one_function_load_hash", stages)

    def one_through_db() -> None:
        analyse_plan(one_load_hash(), only=victim_key)

    cpu = time.process_time()
    _, seconds = repeated(one_through_db, 3)
    stages["one_function_load_hash_compute"] = stats(seconds) | {
        "target_ms": TARGET_ONE_MS,
        "cpu_ms_per_run": round((time.process_time() - cpu) / 3 * 1000, 1),
        "load_average_after": load_average(),
    }
    report("one_function_load_hash_compute", stages)

    # The whole plan: once, then twice more if that was cheap.
    load_before = load_average()
    analysis, first, cpu = cpu_timed(lambda: analyse_plan(inputs))
    results, timings = analysis.results, analysis.timings
    full_seconds = [first]
    if first < 2.0:
        _, more = repeated(lambda: analyse_plan(inputs), 2)
        full_seconds += more
    functions = results["functions"]
    stages["analyse_plan_full"] = stats(full_seconds) | {
        "cpu_seconds_first": round(cpu, 3),
        "load_average_before": load_before,
        "load_average_after": load_average(),
        "peak_rss_mb_after": peak_rss_mb(),
        "components": len(inputs.topology.topology.components),
        "target_ms": TARGET_FULL_S * 1000,
        "functions_analysed": len(functions),
        "functions_with_availability": sum(1 for f in functions if f["achievable"]),
        "functions_with_required": sum(1 for f in functions if f["required"]),
        "gaps": sum(len(f["gaps"]) for f in functions),
        # The complete workload: every gap of every function has its remedies ranked.
        "functions_with_remedies_ranked": sum(1 for f in functions if f["remedies_ranked"]),
        "gaps_with_remedies_ranked": sum(len(f["gaps"]) for f in functions if f["remedies_ranked"]),
        "options_offered": sum(len(g["options"]) for f in functions for g in f["gaps"]),
        "roadmap_steps": len(results["roadmap"]),
        "engine_runs_fresh": timings["engine_runs_fresh"],
        "engine_runs_reused": timings["engine_runs_reused"],
        "inventory_errors": len(results["inventory_errors"]),
        "methods": _methods(functions),
        "results_json_mb": round(len(json.dumps(results, default=str)) / 1e6, 2),
    }
    per_function = sorted(
        timings["per_function_seconds"].items(),  # type: ignore[attr-defined]
        key=lambda kv: kv[1],
        reverse=True,
    )
    stages["analyse_plan_full"]["slowest_functions_ms"] = [
        [key, round(s * 1000, 1)] for key, s in per_function[:5]
    ]
    report("analyse_plan_full", stages)
    full = stages["analyse_plan_full"]
    print(
        f"  whole plan: {full['functions_analysed']} functions, {full['gaps']} gaps; remedies "
        f"ranked for {full['functions_with_remedies_ranked']} functions "
        f"({full['gaps_with_remedies_ranked']} gaps, {full['options_offered']} options); "
        f"{cpu:.1f} s CPU; load average before {load_before}, after {load_average()}; "
        f"peak RSS {peak_rss_mb()} MB",
        flush=True,
    )
    del analysis, results, functions
    gc.collect()

    # The worker's own function, results stored: one function and (optionally) the plan.
    noop = lambda percent, message: None  # noqa: E731
    one_run = new_run(plan, manager, function=victim)
    _, s = timed(lambda: analysis_run_execute(job=one_run.job, progress=noop))
    stages["analysis_run_execute_one_function"] = stats([s]) | {"target_ms": TARGET_ONE_MS}
    report("analysis_run_execute_one_function", stages)
    if execute_full:
        full_run = new_run(plan, manager, function=None)
        _, s = timed(lambda: analysis_run_execute(job=full_run.job, progress=noop))
        stages["analysis_run_execute_full"] = stats([s]) | {"target_ms": TARGET_FULL_S * 1000}
        stored = AnalysisRun.objects.get(pk=full_run.pk)
        stages["analysis_run_execute_full"]["stale_after"] = run_is_stale(stored)
        report("analysis_run_execute_full", stages)

    if profile:
        stages["profiles"] = {
            "load_inputs": profile_top(lambda: load_inputs(plan)),
            "analyse_plan_full": profile_top(lambda: analyse_plan(inputs)),
            "analyse_plan_one_function": profile_top(lambda: analyse_plan(inputs, only=victim_key)),
        }
    return stages


def _methods(functions: list[Any]) -> dict[str, int]:
    found: dict[str, int] = {}
    for entry in functions:
        if entry["achievable"]:
            method = entry["achievable"]["method"]["code"]
            found[method] = found.get(method, 0) + 1
    return found


def _group_processes(groups: list[int]) -> Iterator[tuple[Path, list[str]]]:
    """The /proc entry and ``stat`` fields (after the name) of every live process in the
    process groups ``groups`` (a worker and its pool)."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) in groups:  # pgrp
            yield entry, fields


def _group_cpu_seconds(groups: list[int]) -> float:
    """CPU of every live process in the process groups ``groups``."""
    total = 0.0
    for _entry, fields in _group_processes(groups):
        total += sum(int(fields[i]) for i in (11, 12)) / os.sysconf("SC_CLK_TCK")
    return total


def _group_peak_rss_mb(groups: list[int]) -> float:
    """The largest peak resident size (VmHWM) of any live process in ``groups``: what one
    worker process needed at most, for the 1 GB-per-worker bound."""
    peak = 0
    for entry, _fields in _group_processes(groups):
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                peak = max(peak, int(line.split()[1]))
    return round(peak / 1024, 1)


def start_workers(count: int, queue: str) -> list[Any]:
    """``count`` worker processes against this benchmark's database, each in a group."""
    import subprocess

    from bcp.models import WorkerHeartbeat

    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": _database_url(),
            "CELERY_QUEUE": queue,
            "ANALYSIS_FANOUT": "auto",
            "WORKER_HEARTBEAT_SECONDS": "1",
            # A pool process past the production limit (512 MB) is replaced once its task
            # ends, taking its CPU time and peak memory with it: kept here so both are read.
            "CELERY_WORKER_MAX_MEMORY_KB": "16000000",
            "PYTHONPATH": str(ROOT),
        }
    )
    processes = []
    logs = [WORK_DIR / f"workers{count}-{number}.log" for number in range(count)]
    for number in range(count):
        log = logs[number].open("ab")
        name = f"bench{number}-{queue}"
        processes.append(
            subprocess.Popen(
                # INFO for the "ready." line waited for below.
                celery_worker_command(name=name, queue=queue, loglevel="INFO"),
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        alive = WorkerHeartbeat.objects.filter(
            pid__in=[p.pid for p in processes],
            last_seen__gte=timezone.now() - datetime.timedelta(seconds=3),
        ).count()
        # A worker writes its first heartbeat before it consumes; its log says "ready." once
        # it takes messages, or the first job timed waits for the worker's start-up too.
        if alive == count and all(b" ready." in log.read_bytes() for log in logs):
            return processes
        time.sleep(0.5)
    raise RuntimeError(f"workers did not start; logs in {WORK_DIR}")


def _database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    return os.environ["DATABASE_URL"]


def _seconds_between(
    start: datetime.datetime | None, end: datetime.datetime | None
) -> float | None:
    return None if start is None or end is None else round((end - start).total_seconds(), 3)


def through_job_path(
    plan: Plan, manager: Any, *, workers: list[Any], function: BusinessFunction | None
) -> dict[str, Any]:
    """Queue a run as the page does and wait for it: wall, CPU and load average."""
    from analysis.services import analysis_run_start

    groups = [p.pid for p in workers]
    load_before = load_average()
    cpu_before = _group_cpu_seconds(groups) + time.process_time()
    started = time.perf_counter()
    with transaction.atomic():
        run = analysis_run_start(plan=plan, user=manager, function=function)
    job = run.job
    while True:
        job.refresh_from_db()
        if job.is_finished:
            break
        time.sleep(0.05)
    wall = time.perf_counter() - started
    cpu = _group_cpu_seconds(groups) + time.process_time() - cpu_before
    run.refresh_from_db()
    stored = run_results(run).results if job.status == Job.Status.SUCCEEDED else None
    functions = [] if stored is None else stored["functions"]
    return {
        "status": job.status,
        "error": job.error[:500],
        "wall_s": round(wall, 3),
        # The wall split at the claim: waiting for a worker to take the message, then the
        # worker's own work (load, compute, store).
        "queued_to_claimed_s": _seconds_between(job.queued_at, job.started_at),
        "claimed_to_finished_s": _seconds_between(job.started_at, job.finished_at),
        "cpu_s_all_processes": round(cpu, 3),
        "load_average_before": load_before,
        "load_average_after": load_average(),
        "workers": len(workers),
        "functions": len(functions),
        "gaps": sum(len(f["gaps"]) for f in functions),
        "functions_with_remedies_ranked": sum(1 for f in functions if f["remedies_ranked"]),
        "roadmap_steps": 0 if stored is None else len(stored["roadmap"]),
        "fanout": run.timings.get("fanout"),
        "stale_after": run_is_stale(run),
        # Peak since each worker started, so after a whole-plan run it is that run's.
        "worker_peak_rss_mb": _group_peak_rss_mb(groups),
    }


def drain_plan_jobs(plan: Plan, *, timeout_s: float = 900) -> float:
    """Wait until the plan has no job queued or running; return how long that took.

    Building the plan queues review checks; a run timed while a worker is still busy with
    them would count that wait as its own (8.5 s at ×1 before this wait existed).
    """
    started = time.perf_counter()
    while Job.objects.filter(plan=plan, status__in=Job.ACTIVE_STATUSES).exists():
        if time.perf_counter() - started > timeout_s:
            raise RuntimeError(f"jobs of the plan still queued or running after {timeout_s} s")
        time.sleep(0.5)
    return round(time.perf_counter() - started, 3)


def stop_workers(workers: list[Any]) -> None:
    import signal

    for process in workers:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
    for process in workers:
        try:
            process.wait(timeout=30)
        except Exception:
            os.killpg(process.pid, signal.SIGKILL)


def run_plan_jobs(plan: Plan) -> float:
    """Start one worker, wait until it has done the plan's queued jobs, stop it."""
    workers = start_workers(1, BENCH_QUEUE)
    try:
        return drain_plan_jobs(plan)
    finally:
        stop_workers(workers)


def measure_job_path(plan: Plan, manager: Any, count: int) -> dict[str, Any]:
    """The whole plan, then three single functions, through N real workers."""
    import signal

    queue = BENCH_QUEUE
    # A `timeout` or Ctrl-C still stops the workers (SIGTERM runs the finally below).
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(143))
    workers = start_workers(count, queue)
    try:
        stages: dict[str, Any] = {"drained_before_s": drain_plan_jobs(plan)}
        print(f"  the plan's own queued jobs done after {stages['drained_before_s']} s", flush=True)
        stages["job_whole_plan"] = through_job_path(plan, manager, workers=workers, function=None)
        print(f"  job path, whole plan: {stages['job_whole_plan']}", flush=True)
        victims = list(BusinessFunction.objects.filter(plan=plan).order_by("pk"))
        ones = [
            through_job_path(plan, manager, workers=workers, function=f)
            for f in victims[:: max(1, len(victims) // 3)][:3]
        ]
        stages["job_one_function"] = {
            "wall_s_median": statistics.median(o["wall_s"] for o in ones),
            "runs": ones,
        }
        print(
            f"  job path, one function: {stages['job_one_function']['wall_s_median']} s", flush=True
        )
        return stages
    finally:
        stop_workers(workers)


def built_save(
    path: Path,
    *,
    scale: float,
    plan: Plan,
    manager: Any,
    counts: dict[str, Any],
    migrate_s: float,
    build_s: float,
) -> None:
    """Write where a built plan is (plan and manager ids) and what was built, for
    ``--from-built``: builds at ×2 and ×4 take longer than the runs they are built for."""
    record = {
        "scale": scale,
        "seed": SEED,
        "plan_id": plan.pk,
        "manager_id": manager.pk,
        "counts": counts,
        "migrate_seconds": round(migrate_s, 2),
        "build_seconds": round(build_s, 2),
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "built_by_commit": _commit(),
    }
    path.write_text(json.dumps(record, indent=1))


def built_load(path: Path, scale: float) -> tuple[Plan, Any, dict[str, Any], float, float]:
    """The plan a ``--save-built`` run left: refused when the scale or seed differ or the
    plan is not in this database."""
    record = json.loads(path.read_text())
    if record["scale"] != scale or record["seed"] != SEED:
        raise SystemExit(
            f"{path} holds a plan built at scale {record['scale']} (seed {record['seed']}), "
            f"not {scale} (seed {SEED})"
        )
    plan = Plan.objects.filter(pk=record["plan_id"]).first()
    if plan is None:
        raise SystemExit(f"plan {record['plan_id']} from {path} is not in this database")
    manager = get_user_model().objects.get(pk=record["manager_id"])
    counts = dict(record["counts"], built_by_commit=record["built_by_commit"])
    return plan, manager, counts, record["migrate_seconds"], record["build_seconds"]


def _commit() -> str:
    import subprocess

    result = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    )
    return result.stdout.strip() or "unknown"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1 = 1 000 functions")
    parser.add_argument("--out", default=str(ROOT / "var" / "benchmarks" / "analysis_run.json"))
    parser.add_argument(
        "--profile",
        action="store_true",
        help="add cProfile tops to the JSON (slow: profiles the full analysis once more)",
    )
    parser.add_argument(
        "--keep-db",
        action="store_true",
        help="keep the temporary database (its path is in the JSON) for further profiling",
    )
    parser.add_argument(
        "--no-execute-full",
        action="store_true",
        help="skip the worker's whole-plan run (it repeats the full analysis and stores it)",
    )
    parser.add_argument(
        "--rank-remedies",
        action="store_true",
        help="accepted for older scripts: every run now ranks remedies for every gap",
    )
    parser.add_argument(
        "--workers",
        type=lambda text: [int(n) for n in text.split(",")],
        default=[],
        help="start this many real worker processes and time the runs through the job path "
        "instead (ANALYSIS_FANOUT=auto: two or more spread a whole plan over the workers); "
        "a list such as 1,2 measures each count in turn on the same built plan",
    )
    parser.add_argument(
        "--digest",
        action="store_true",
        help="print the sha256 of every function's results and of the plan's, and stop "
        "(compare before and after a change that must not alter any result)",
    )
    parser.add_argument(
        "--save-built",
        default="",
        metavar="FILE",
        help="with --database-url: build the plan, write where it is and what was built to "
        "FILE, keep the database and stop (a ×4 build takes most of an hour on PostgreSQL)",
    )
    parser.add_argument(
        "--from-built",
        default="",
        metavar="FILE",
        help="with the same --database-url: measure the plan a --save-built run left instead "
        "of migrating and building one (the code measured may be newer than the build's)",
    )
    parser.add_argument(
        "--database-url",
        default="",
        help="an empty database of your own (e.g. PostgreSQL) instead of a temporary SQLite",
    )
    args = parser.parse_args(argv)
    if (args.save_built or args.from_built) and connection.vendor == "sqlite":
        parser.error("--save-built and --from-built need --database-url (a database that stays)")

    if args.from_built:
        # The code measured may carry migrations the build's did not have.
        call_command("migrate", verbosity=0, interactive=False)
        plan, manager, counts, migrate_s, build_s = built_load(Path(args.from_built), args.scale)
    else:
        _, migrate_s = timed(lambda: call_command("migrate", verbosity=0, interactive=False))
        (plan, manager, counts), build_s = timed(lambda: build(args.scale))
    build_rss = peak_rss_mb()
    print(f"built in {build_s:.1f} s: {counts}", flush=True)
    if args.save_built:
        # The jobs the build queued (review checks) are sent to this process's queue, which
        # no worker reads once it exits: done now, they cannot hold up a later run.
        drained_s = run_plan_jobs(plan)
        print(f"the plan's own queued jobs done after {drained_s} s", flush=True)
        built_save(
            Path(args.save_built),
            scale=args.scale,
            plan=plan,
            manager=manager,
            counts=counts,
            migrate_s=migrate_s,
            build_s=build_s,
        )
        print(f"plan {plan.pk} kept in the database; what was built is in {args.save_built}")
        connection.close()
        shutil.rmtree(WORK_DIR, ignore_errors=True)
        return 0
    if args.digest:
        (hashes, seconds) = timed(lambda: digest(plan))
        for key, sha in hashes["functions"].items():
            print(f"{key} {sha}")
        print(f"plan {hashes['plan']} ({len(hashes['functions'])} functions, {seconds:.1f} s)")
        connection.close()
        shutil.rmtree(WORK_DIR, ignore_errors=True)
        return 0
    if args.workers:
        stages = {
            f"workers_{count}": measure_job_path(plan, manager, count) for count in args.workers
        }
    else:
        stages = measure(
            plan,
            manager,
            profile=args.profile,
            execute_full=not args.no_execute_full,
        )
    payload = {
        "generated_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "seed": SEED,
        "scale": args.scale,
        "workers": args.workers,
        "machine": machine(
            {
                "django": django.get_version(),
                "sqlite": sqlite3.sqlite_version,
                "database": connection.vendor,
            }
        ),
        "database_file": str(WORK_DIR / "continuity.sqlite3"),
        "built": counts,
        "bia_note": (
            "Every function was sent a BIA in one campaign; answered ones have the full "
            "impact grid and the required questions (values cleaned by the BIA services, "
            "saved with ordinary tracked saves), then were submitted and approved through "
            "the services. Unanswered ones have no reviewed BIA."
        ),
        "migrate_seconds": round(migrate_s, 2),
        "build_seconds": round(build_s, 2),
        "peak_rss_mb_after_build": build_rss,
        "peak_rss_mb": peak_rss_mb(),
        "targets": {"full_analysis_s": TARGET_FULL_S, "one_function_ms": TARGET_ONE_MS},
        "stages": stages,
    }
    out = figures_write(args.out, payload)

    print(
        f"scale {args.scale}: {counts['functions']} functions, {counts['components']} components, "
        f"{counts['groups']} groups, {counts['dependency_edges']} edges, {counts['sites']} sites; "
        f"BIA approved {counts['bia']['approved']}, submitted {counts['bia']['submitted']}, "
        f"unanswered {counts['bia']['unanswered']}"
    )
    print(f"migrate {migrate_s:.1f} s, build {build_s:.1f} s, peak RSS {peak_rss_mb()} MB")
    header = (
        f"{'stage':<36} {'median ms':>10} {'min ms':>9} {'max ms':>9} {'runs':>4} "
        f"{'target':>9} {'queries':>7}"
    )
    print(header)
    print("-" * len(header))
    for name, row in stages.items():
        if name == "profiles" or "median_ms" not in row:
            continue
        target = row.get("target_ms")
        print(
            f"{name:<36} {row['median_ms']:>10.1f} {row['min_ms']:>9.1f} {row['max_ms']:>9.1f} "
            f"{row['runs']:>4} {'' if target is None else f'≤{target:.0f}':>9} "
            f"{row.get('queries', ''):>7}"
        )
    for count in args.workers:
        whole = stages[f"workers_{count}"]["job_whole_plan"]
        one = stages[f"workers_{count}"]["job_one_function"]
        print(
            f"{count} worker(s), job path: whole plan {whole['wall_s']:.2f} s wall, "
            f"{whole['cpu_s_all_processes']:.2f} s CPU ({whole['status']}, {whole['functions']} "
            f"functions, {whole['gaps']} gaps, remedies ranked for "
            f"{whole['functions_with_remedies_ranked']}, fan-out {whole['fanout']}, load "
            f"{whole['load_average_before']}, worker peak {whole['worker_peak_rss_mb']} MB); "
            f"one function {one['wall_s_median']:.3f} s median"
        )
    if args.profile:
        for name, lines in stages["profiles"].items():
            print(f"\n--- cProfile, {name} (cumulative) ---")
            print("\n".join(lines))
    print(f"written to {out}")
    if args.keep_db:
        print(f"database kept in {WORK_DIR}")
    else:
        connection.close()
        shutil.rmtree(WORK_DIR, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
