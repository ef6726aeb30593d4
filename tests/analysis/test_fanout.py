"""A whole-plan analysis spread over real worker processes in chunks of functions stores
the figures an in-process run stores; a chunk is stored once, whoever delivers it, and a
chunk whose worker is killed whole is computed again and stored once."""

from __future__ import annotations

import os
import signal
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from subprocess import Popen
from typing import Any

import pytest
from django.test import override_settings
from django.utils import timezone

from analysis.fanout import analysis_chunk_compute, chunk_parts, fanout_analyse, fanout_wanted
from analysis.inputs import load_inputs
from analysis.models import AnalysisChunk, AnalysisRun
from analysis.results_check import ResultsInvalid
from analysis.selectors import run_is_stale
from analysis.services import analysis_run_execute, analysis_run_start
from bcp.jobs import run_job
from bcp.models import Job, WorkerHeartbeat
from tests.analysis.conftest import settings_change
from tests.bcp.test_job_recovery import REDIS_URL, broker
from tests.conftest import start_celery_worker
from tests.helpers import job_wait, stored_plan_results

pytestmark = pytest.mark.django_db(transaction=True)


@contextmanager
def workers(
    count: int, broker_url: str, tmp_path: Path, *, chunk_size: int = 1, names: str = "fan"
) -> Iterator[tuple[str, dict[str, str], list[Popen[bytes]]]]:
    """``count`` real worker processes on a queue of their own that fan analyses out."""
    queue = f"fanout-{uuid.uuid4().hex[:8]}"
    env = {
        "CELERY_BROKER_URL": broker_url,
        "CELERY_QUEUE": queue,
        "ANALYSIS_FANOUT": "on",
        "ANALYSIS_CHUNK_SIZE": str(chunk_size),
    }
    started: list[Popen[bytes]] = []
    with broker(broker_url, queue):
        try:
            for number in range(count):
                started.append(
                    start_celery_worker(
                        name=f"{names}{number}-{queue}",
                        log_path=tmp_path / f"{names}{number}.log",
                        env=env,
                        new_session=True,
                    )
                )
            yield queue, env, started
        finally:
            for process in started:
                if process.poll() is None:
                    process.terminate()
            for process in started:
                try:
                    process.wait(timeout=20)
                except Exception:
                    process.kill()


def _run_in_process(plan: Any, user: Any) -> AnalysisRun:
    """A whole-plan run computed here, by the service the worker calls, not fanned out."""
    job = Job.objects.create(
        kind="analysis", task_name="analysis.tasks.analysis_run_execute", plan=plan
    )
    run = AnalysisRun.objects.create(plan=plan, job=job, created_by=user)
    with override_settings(ANALYSIS_FANOUT="off"):
        outcome = run_job(
            str(job.pk), lambda job, progress: analysis_run_execute(job=job, progress=progress)
        )
    assert outcome == "succeeded", Job.objects.get(pk=job.pk).error
    run.refresh_from_db()
    return run


@pytest.fixture
def slow_demo(demo: dict[str, Any]) -> tuple[Any, Any]:
    """The demo's plan and manager, with Monte Carlo over many samples: each function
    takes seconds, as a big plan's do."""
    plan, manager = demo["plan"], demo["users"]["manager"]
    settings_change(
        plan,
        manager,
        "slow figures for the test",
        method="monte_carlo",
        monte_carlo_samples=2_000_000,
    )
    return plan, manager


@pytest.mark.worker
@pytest.mark.parametrize("broker_url", [REDIS_URL, "filesystem://"])
def test_a_plan_fanned_out_over_two_worker_processes_stores_the_figures_of_an_in_process_run(
    demo: dict[str, Any], broker_url: str, tmp_path: Path
) -> None:
    plan, manager = demo["plan"], demo["users"]["manager"]
    here = _run_in_process(plan, manager)
    with workers(2, broker_url, tmp_path) as _:
        fanned = analysis_run_start(plan=plan, user=manager)
        job = job_wait(fanned.job, 120, what="fanned-out run")
    assert job.status == "succeeded", job.error
    fanned.refresh_from_db()
    chunks = list(AnalysisChunk.objects.filter(run=fanned))
    expected = stored_plan_results(here)
    functions = len(expected["functions"])
    assert functions >= 2 and len(chunks) == functions  # one function per chunk
    assert all(c.status == "done" and c.attempts == 1 for c in chunks)
    workers_used = {c.claimed_node.split("-")[0] for c in chunks}
    assert fanned.timings["fanout"]["chunks"] == functions
    assert stored_plan_results(fanned) == expected, workers_used
    assert fanned.inputs_hash == here.inputs_hash


@pytest.mark.django_db(transaction=True)
def test_a_chunk_delivered_twice_is_stored_once(demo: dict[str, Any]) -> None:
    plan, manager = demo["plan"], demo["users"]["manager"]
    run = _run_in_process(plan, manager)  # the chunks below belong to this run
    AnalysisChunk.objects.create(
        run=run,
        index=0,
        function_keys=[f["key"] for f in stored_plan_results(run)["functions"][:1]],
        inputs_hash=run.inputs_hash,
    )
    assert analysis_chunk_compute(run_id=run.pk, index=0) == "stored"
    assert analysis_chunk_compute(run_id=run.pk, index=0) == "skipped"
    chunk = AnalysisChunk.objects.get(run=run, index=0)
    assert chunk.attempts == 1 and len(chunk.outcomes) == 1
    assert chunk.outcomes[0]["entry"]["pk"] == stored_plan_results(run)["functions"][0]["pk"]


@pytest.mark.django_db(transaction=True)
def test_a_chunk_read_from_changed_inputs_is_handed_back_to_the_run(
    demo: dict[str, Any],
) -> None:
    plan, manager = demo["plan"], demo["users"]["manager"]
    run = _run_in_process(plan, manager)
    AnalysisChunk.objects.create(
        run=run,
        index=0,
        function_keys=[stored_plan_results(run)["functions"][0]["key"]],
        inputs_hash="0" * 64,  # what the run read is not what the plan holds now
    )
    assert analysis_chunk_compute(run_id=run.pk, index=0) == "handed back"
    chunk = AnalysisChunk.objects.get(run=run, index=0)
    assert chunk.status == "pending" and chunk.claim_token is None and chunk.outcomes == []


@pytest.mark.django_db(transaction=True)
def test_a_stored_chunk_of_another_shape_fails_the_merge_naming_the_chunk(
    demo: dict[str, Any],
) -> None:
    plan, manager = demo["plan"], demo["users"]["manager"]
    run = _run_in_process(plan, manager)
    inputs = load_inputs(plan)
    keys = inputs.function_ids()
    entry = stored_plan_results(run)["functions"][0]
    # Every chunk stored already (as by an earlier attempt), the first one's outcome
    # without its steps: the coordinator merges without computing anything itself.
    with override_settings(ANALYSIS_CHUNK_SIZE=1):
        for index, part in enumerate(chunk_parts(keys, 1)):
            AnalysisChunk.objects.create(
                run=run,
                index=index,
                function_keys=part,
                inputs_hash=run.inputs_hash,
                status="done",
                outcomes=[{"entry": {**entry, "roadmap": []}, "recommended": True}],
            )
        with pytest.raises(ResultsInvalid, match=r"chunks\[0\]\[0\]: FunctionOutcome lacks"):
            fanout_analyse(run=run, inputs=inputs, digest=run.inputs_hash, progress=lambda *_: None)


def test_with_one_worker_up_a_plan_is_analysed_in_process_and_with_two_it_is_fanned_out(
    db: None,
) -> None:
    now = timezone.now()
    WorkerHeartbeat.objects.all().delete()
    WorkerHeartbeat.objects.create(hostname="one@host", pid=101, last_seen=now)
    WorkerHeartbeat.objects.create(hostname="gone@host", pid=102, last_seen=now)
    WorkerHeartbeat.objects.filter(hostname="gone@host").update(
        last_seen=now - timedelta(minutes=5)
    )
    with override_settings(ANALYSIS_FANOUT="auto", ANALYSIS_CHUNK_SIZE=10):
        assert not fanout_wanted(functions=100)
        WorkerHeartbeat.objects.filter(hostname="gone@host").update(last_seen=timezone.now())
        assert fanout_wanted(functions=100)
        assert not fanout_wanted(functions=10)  # one chunk: nothing to spread
    with override_settings(ANALYSIS_FANOUT="off"):
        assert not fanout_wanted(functions=100)


def test_the_last_chunks_shrink_so_the_workers_finish_together() -> None:
    keys = [f"f{n}" for n in range(250)]
    parts = chunk_parts(keys, 25)
    assert [key for part in parts for key in part] == keys  # every function once, in order
    assert [len(part) for part in parts] == [25] * 7 + [19, 14, 11, 8, 6, 5, 5, 5, 2]
    assert [len(part) for part in chunk_parts(keys[:5], 1)] == [1] * 5
    assert [len(part) for part in chunk_parts(keys[:3], 25)] == [3]


@pytest.mark.worker
def test_a_chunk_whose_worker_is_killed_whole_is_computed_again_and_stored_once(
    slow_demo: tuple[Any, Any], tmp_path: Path
) -> None:
    plan, manager = slow_demo
    with workers(1, REDIS_URL, tmp_path, names="steady") as (_, env, _):
        run = analysis_run_start(plan=plan, user=manager)
        job = job_wait(run.job, 60, until=lambda j: j.status == "running", what="coordinator start")
        coordinator = job.claimed_node
        doomed = start_celery_worker(
            name=f"doomed-{uuid.uuid4().hex[:6]}",
            log_path=tmp_path / "doomed.log",
            env=env,
            new_session=True,
        )
        try:
            deadline = time.monotonic() + 90
            victim = None
            while victim is None and time.monotonic() < deadline:
                victim = AnalysisChunk.objects.filter(
                    run=run, status="running", claimed_node__startswith="doomed-"
                ).first()
                time.sleep(0.05)
            assert victim is not None, "the second worker never took a chunk"
            os.killpg(doomed.pid, signal.SIGKILL)  # main process and pool child together
            doomed.wait(timeout=10)
        finally:
            if doomed.poll() is None:
                doomed.kill()
        job = job_wait(job, 180, what="run after the kill")
    assert job.status == "succeeded", job.error
    assert job.attempts == 1 and job.claimed_node == coordinator
    victim.refresh_from_db()
    assert victim.status == "done" and victim.attempts == 2
    assert not victim.claimed_node.startswith("doomed-")
    run.refresh_from_db()
    pks = [f["pk"] for f in stored_plan_results(run)["functions"]]
    assert len(pks) == len(set(pks)) == AnalysisChunk.objects.filter(run=run).count()


@pytest.mark.worker
def test_a_fanned_out_run_whose_inputs_change_while_it_runs_ends_stale(
    slow_demo: tuple[Any, Any], tmp_path: Path
) -> None:
    plan, manager = slow_demo
    with workers(2, REDIS_URL, tmp_path) as _:
        run = analysis_run_start(plan=plan, user=manager)
        # Past 5 %: the run has read its inputs and sent its chunks.
        job = job_wait(run.job, 60, until=lambda j: j.progress >= 5, what="start")
        settings_change(plan, manager, "margin changed during the run", rto_margin_percent=25.0)
        job = job_wait(job, 180, what="run")
    assert job.status == "succeeded", job.error
    run.refresh_from_db()
    assert run_is_stale(run)
    # Every chunk was computed from what the run read, whoever computed it.
    assert {c.inputs_hash for c in AnalysisChunk.objects.filter(run=run)} == {run.inputs_hash}
