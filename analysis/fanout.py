"""A whole-plan analysis spread over the Celery workers in chunks of functions.

The run's own task (the coordinator) loads the inputs, stores one :class:`AnalysisChunk`
row per chunk of at most ``ANALYSIS_CHUNK_SIZE`` functions (smaller towards the end:
:func:`chunk_parts`), sends one chunk task per row as a Celery group and only then
prepares the run (:func:`analysis.compute.plan_prepare`), while the other workers prepare
theirs.
Every worker that takes a chunk message, and the coordinator itself while it waits,
claims a chunk with a conditional update, computes its functions
(:func:`analysis.compute.analyse_chunk`) and stores their outcomes with the claim token,
so a chunk is stored once however often its message arrives. The coordinator checks each
chunk's outcomes as they come in, between its own chunks: those it computes as it stores
them, each other chunk's once it sees it stored (read once). When every chunk is stored it
merges them in function order (:func:`analysis.compute.plan_merge`, which then need not
check the functions' entries again): the very code an in-process run uses, so the figures
are the same either way.

Faults:

* A chunk's worker dies (its whole process group killed, out of memory): its claim
  names a node that stops writing heartbeats (or a pool process that is gone), so the
  chunk can be claimed again: by the redelivered message (``acks_late`` with
  ``reject_on_worker_lost``, as every job task) or by the coordinator, which takes over
  chunks whose worker is gone. The claim token makes the first attempt's late write a
  no-op; progress counts stored chunks, so none is counted twice.
* A worker loads inputs that differ from the coordinator's (the plan changed after the
  run read it): it hands its chunk back and the coordinator computes it with the inputs
  the run read. The run keeps the watermark taken before reading, so it ends stale.
* The coordinator's own worker dies: the job is queued again by the sweeper
  (:mod:`bcp.jobs`); the new attempt keeps the chunks already stored when the inputs
  hash is unchanged.

There is no Celery result backend: results travel through the database.
"""

from __future__ import annotations

import logging
import time
import typing
import uuid

from celery import group
from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone

from analysis.compute import PlanAnalysis, PlanSetup, analyse_chunk, plan_merge, plan_prepare
from analysis.inputs import AnalysisInputs, inputs_hash, load_inputs
from analysis.models import AnalysisChunk, AnalysisRun
from analysis.results import FunctionOutcome
from analysis.results_check import check
from bcp.jobs import ProgressFn, claimant_is_gone, live_workers, worker_identity, worker_node
from config import celery as celery_config

logger = logging.getLogger(__name__)

CHUNK_TASK = "analysis.tasks.analysis_chunk_compute"
# How often the coordinator looks at the chunks while other workers compute them.
POLL_SECONDS = 0.2

# One prepared run per worker process: the chunks of a run that reach the same process
# load and validate the plan once. Key: (run id, inputs hash).
_prepared: dict[tuple[int, str], tuple[AnalysisInputs, PlanSetup] | None] = {}


def fanout_wanted(*, functions: int) -> bool:
    """Whether a whole-plan run of ``functions`` functions is spread over workers."""
    mode = settings.ANALYSIS_FANOUT
    if mode == "off" or functions <= 1:
        return False
    if mode == "on":
        return True
    return functions > settings.ANALYSIS_CHUNK_SIZE and len(live_workers()) > 1


def _claimant_dead(chunk: AnalysisChunk, live: set[tuple[str, int]]) -> bool:
    if chunk.claimed_by and claimant_is_gone(chunk.claimed_by):
        return True
    if chunk.claimed_node and chunk.claimed_node_pid is not None:
        return (chunk.claimed_node, chunk.claimed_node_pid) not in live
    return False


def chunk_claim(*, run_id: int, index: int) -> uuid.UUID | None:
    """Claim chunk ``index`` of run ``run_id`` for this process: the claim token, or None
    when it is stored already or held by a live worker."""
    chunk = AnalysisChunk.objects.filter(run_id=run_id, index=index).first()
    if chunk is None or chunk.status == AnalysisChunk.Status.DONE:
        return None
    claimable = Q(status=AnalysisChunk.Status.PENDING)
    if chunk.status == AnalysisChunk.Status.RUNNING and _claimant_dead(chunk, live_workers()):
        claimable |= Q(status=AnalysisChunk.Status.RUNNING, claim_token=chunk.claim_token)
    token = uuid.uuid4()
    node, node_pid = worker_node()
    updated = AnalysisChunk.objects.filter(claimable, pk=chunk.pk).update(
        status=AnalysisChunk.Status.RUNNING,
        claim_token=token,
        claimed_by=worker_identity(),
        claimed_node=node,
        claimed_node_pid=node_pid,
        attempts=F("attempts") + 1,
    )
    return token if updated == 1 else None


def chunk_store(*, chunk: AnalysisChunk, token: uuid.UUID, outcomes: list[FunctionOutcome]) -> bool:
    """Store a chunk's outcomes; True only for the attempt that still holds the claim."""
    updated = AnalysisChunk.objects.filter(
        pk=chunk.pk, claim_token=token, status=AnalysisChunk.Status.RUNNING
    ).update(status=AnalysisChunk.Status.DONE, outcomes=outcomes, finished_at=timezone.now())
    return updated == 1


def chunk_release(*, chunk: AnalysisChunk, token: uuid.UUID) -> None:
    """Hand a claimed chunk back (its worker read other inputs than the run)."""
    AnalysisChunk.objects.filter(
        pk=chunk.pk, claim_token=token, status=AnalysisChunk.Status.RUNNING
    ).update(
        status=AnalysisChunk.Status.PENDING,
        claim_token=None,
        claimed_by="",
        claimed_node="",
        claimed_node_pid=None,
    )


def _prepare_for(chunk: AnalysisChunk) -> tuple[AnalysisInputs, PlanSetup] | None:
    """The run's inputs and setup as this process reads them; None if they differ."""
    key = (chunk.run_id, chunk.inputs_hash)
    if key not in _prepared:
        _prepared.clear()
        run = AnalysisRun.objects.select_related("plan").get(pk=chunk.run_id)
        inputs = load_inputs(run.plan)
        same = inputs_hash(inputs) == chunk.inputs_hash
        setup = plan_prepare(inputs, rank_remedies=chunk.rank_remedies)
        _prepared[key] = (inputs, setup) if same else None
    return _prepared[key]


def analysis_chunk_compute(*, run_id: int, index: int) -> str:
    """A worker's part of a fanned-out run: compute and store one chunk, at most once.

    Returns what happened ("skipped", "stored", "handed back") for logging and tests.
    """
    return _chunk_compute(run_id=run_id, index=index)[0]


def _chunk_compute(*, run_id: int, index: int) -> tuple[str, list[FunctionOutcome]]:
    """What :func:`analysis_chunk_compute` did, and the outcomes it stored (else none)."""
    token = chunk_claim(run_id=run_id, index=index)
    if token is None:
        return "skipped", []
    chunk = AnalysisChunk.objects.get(run_id=run_id, index=index)
    prepared = _prepare_for(chunk)
    if prepared is None:
        logger.info("Run %s chunk %s: the plan changed since the run read it", run_id, index)
        chunk_release(chunk=chunk, token=token)
        return "handed back", []
    inputs, setup = prepared
    try:
        outcomes = analyse_chunk(inputs, setup, list(chunk.function_keys))
    except Exception:
        # Hand it back: the coordinator computes it again, and fails the run if it fails.
        chunk_release(chunk=chunk, token=token)
        raise
    if chunk_store(chunk=chunk, token=token, outcomes=outcomes):
        return "stored", outcomes
    return "skipped", []


def chunk_parts(keys: list[str], size: int) -> list[list[str]]:
    """``keys`` cut in order into chunks of ``size``, the last ones smaller.

    Once no more than four full chunks are left, each chunk takes a quarter of what is
    left (at least a fifth of ``size``): the workers then finish within a small chunk of
    each other, where equal chunks left one worker computing a whole chunk alone at the
    end while the others waited. Cut from the keys and the size alone, so an attempt run
    again finds the chunks of the first one.
    """
    smallest = max(1, size // 5)
    parts: list[list[str]] = []
    start = 0
    while start < len(keys):
        left = len(keys) - start
        take = min(size, max(smallest, -(-left // 4)))
        parts.append(keys[start : start + take])
        start += take
    return parts


def _chunks_create(
    run: AnalysisRun, digest: str, keys: list[str], size: int
) -> list[AnalysisChunk]:
    """The run's chunks: those of an earlier attempt over the same inputs, else new ones."""
    parts = chunk_parts(keys, size)
    existing = list(AnalysisChunk.objects.filter(run=run).order_by("index"))
    if (
        existing
        and all(c.inputs_hash == digest for c in existing)
        and [c.function_keys for c in existing] == parts
    ):
        return existing
    AnalysisChunk.objects.filter(run=run).delete()
    return AnalysisChunk.objects.bulk_create(
        AnalysisChunk(
            run=run,
            index=index,
            function_keys=keys,
            inputs_hash=digest,
            rank_remedies=True,
        )
        for index, keys in enumerate(parts)
    )


def _chunks_send(run_id: int, indexes: list[int]) -> None:
    """Send one chunk task per index as a Celery group; the coordinator computes any
    chunk no worker takes, so a broker failure only costs the parallelism."""
    try:
        # The app is read when sending, as bcp.jobs does: a process may be pointed at
        # another broker's app.
        group(
            celery_config.app.signature(CHUNK_TASK, args=(run_id, i)) for i in indexes
        ).apply_async()
    except Exception as exc:  # any broker failure: this worker computes every chunk
        logger.warning("Run %s: chunks not sent (%s); computing them here", run_id, exc)


def _gather(run: AnalysisRun, indexes: list[int], into: dict[int, list[FunctionOutcome]]) -> None:
    """Read and check the outcomes of the stored chunks ``indexes`` into ``into``.

    Called as chunks are stored, between the chunks the coordinator computes, so only
    the last chunks are read after the last one is stored.
    """
    if not indexes:
        return
    stored = AnalysisChunk.objects.filter(run=run, index__in=indexes).values_list(
        "index", "outcomes"
    )
    for index, outcomes in stored:
        into[index] = _checked(index, outcomes)


def _checked(index: int, outcomes: object) -> list[FunctionOutcome]:
    """Chunk ``index``'s outcomes, each checked as a ``FunctionOutcome`` (entry included),
    so the merge need not check the functions' entries again."""
    check(outcomes, list[FunctionOutcome], path=f"chunks[{index}]")
    return typing.cast(list[FunctionOutcome], outcomes)


def fanout_analyse(
    *, run: AnalysisRun, inputs: AnalysisInputs, digest: str, progress: ProgressFn
) -> PlanAnalysis:
    """Analyse the whole plan with its functions spread over the workers (see module)."""
    started = time.perf_counter()
    keys = inputs.function_ids()
    chunks = _chunks_create(run, digest, keys, settings.ANALYSIS_CHUNK_SIZE)
    total = len(chunks)
    _chunks_send(run.pk, [c.index for c in chunks if c.status != AnalysisChunk.Status.DONE])
    sent = time.perf_counter() - started
    # Sent first: the other workers read and prepare the inputs while this one prepares.
    setup = plan_prepare(inputs)
    prepared = time.perf_counter() - started
    _prepared.clear()
    _prepared[(run.pk, digest)] = (inputs, setup)
    reported = (-1, 0.0)
    here = 0
    idle = 0.0
    # Each chunk's outcomes, by index: those computed here as they are stored, the others
    # read once each as soon as they are seen stored.
    gathered: dict[int, list[FunctionOutcome]] = {}
    while True:
        rows = list(AnalysisChunk.objects.filter(run=run).order_by("index").defer("outcomes"))
        stored = [c.index for c in rows if c.status == AnalysisChunk.Status.DONE]
        _gather(run, [index for index in stored if index not in gathered], gathered)
        done = len(stored)
        if (done, int(time.monotonic())) != reported:
            reported = (done, int(time.monotonic()))
            progress(
                5 + int(85 * done / total),
                f"{done} of {total} chunks computed ({len(keys)} functions)",
            )
        if done == total:
            break
        live = live_workers()
        waiting = [
            c
            for c in rows
            if c.status == AnalysisChunk.Status.PENDING
            or (c.status == AnalysisChunk.Status.RUNNING and _claimant_dead(c, live))
        ]
        if not waiting:
            time.sleep(POLL_SECONDS)
            idle += POLL_SECONDS
            continue
        chunk = waiting[0]
        status, outcomes = _chunk_compute(run_id=run.pk, index=chunk.index)
        if status == "stored":
            here += 1
            gathered[chunk.index] = _checked(chunk.index, outcomes)
    progress(92, "Ordering the roadmap and ranking shared risks")
    merged = [outcome for index in sorted(gathered) for outcome in gathered[index]]
    computed = time.perf_counter() - started
    analysis = plan_merge(
        inputs, setup, merged, seconds=time.perf_counter() - started, outcomes_checked=True
    )
    analysis.timings["fanout"] = {
        "chunks": total,
        "chunk_size": settings.ANALYSIS_CHUNK_SIZE,
        "chunks_computed_by_coordinator": here,
        # Time the coordinator waited for other workers' chunks with none left to take.
        "coordinator_idle_seconds": round(idle, 1),
        "workers_seen": len(live_workers()),
        # Seconds since the coordinator began: chunks sent, its own preparation done, every
        # chunk stored and read, plan-level results merged and checked (what is serial).
        "sent_after_seconds": round(sent, 3),
        "prepared_after_seconds": round(prepared, 3),
        "computed_after_seconds": round(computed, 3),
        "merged_after_seconds": round(time.perf_counter() - started, 3),
    }
    return analysis
