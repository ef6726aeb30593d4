"""The snapshot is checked against the contract when frozen; a bad part fails loudly by name."""

from __future__ import annotations

import dataclasses

import pytest

import bia.document
from analysis.models import AnalysisRun
from bcp import contract
from bcp.canonical import document_sha256
from bcp.jobs import run_job
from bcp.models import Job
from documents import publishing
from documents.models import PlanVersion
from documents.snapshot import parse_snapshot, plan_inputs
from tests.conftest import PlanPeople
from tests.documents.helpers import publish_now, snapshot_with

pytestmark = pytest.mark.django_db


def run_publishing(people: PlanPeople) -> Job:
    job = publishing.version_publish(
        plan=people.plan, user=people.manager, limitations_reason="Testing the contract"
    )
    run_job(str(job.pk), lambda j, p: publishing.version_publish_run(job=j, progress=p))
    job.refresh_from_db()
    return job


def test_every_part_comes_from_its_producer_as_its_declared_type(people: PlanPeople) -> None:
    inputs, run_on = plan_inputs(people.plan)
    assert isinstance(inputs.bia, contract.BiaPart)
    assert isinstance(inputs.inventory, contract.InventoryPart)
    assert isinstance(inputs.analysis, contract.AnalysisPart) and run_on is None
    assert inputs.plan.members[0].role == "Auditor"  # a label, not the code


def test_a_malformed_part_fails_the_job_naming_it_and_makes_no_version(
    people: PlanPeople, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = bia.document.document_part

    def owner_missing(plan: object) -> object:
        part = real(plan)  # type: ignore[arg-type]
        broken = contract.BiaFunction(
            name="Printing",
            owner=None,  # type: ignore[arg-type]
            criticality="High",
            peak_periods="",
            workaround="",
            workaround_hours=None,
            review=None,
        )
        return dataclasses.replace(part, functions=(broken,))

    monkeypatch.setattr(bia.document, "document_part", owner_missing)
    job = run_publishing(people)
    assert job.status == Job.Status.FAILED
    assert "bia.functions[0].owner" in job.error
    assert "business impact analysis part of the plan document is missing or malformed" in job.error
    assert not PlanVersion.objects.filter(plan=people.plan).exists()


def test_analysis_results_missing_a_key_fail_the_job_with_its_path(people: PlanPeople) -> None:
    job = Job.objects.create(
        kind="analysis",
        task_name="analysis.tasks.run",
        plan=people.plan,
        status=Job.Status.SUCCEEDED,
    )
    AnalysisRun.objects.create(
        plan=people.plan, job=job, results={"schema": "continuity.analysis/v1", "functions": {}}
    )
    failed = run_publishing(people)
    assert failed.status == Job.Status.FAILED
    assert "analysis.results.year_days" in failed.error and "analysis results part" in failed.error


def test_a_stored_snapshot_reads_back_as_the_same_typed_snapshot(people: PlanPeople) -> None:
    version = publish_now(people.plan, people.manager)
    snapshot = parse_snapshot(version.snapshot)
    assert snapshot.inputs_sha256 == version.snapshot_sha256 == document_sha256(snapshot.inputs)


def test_a_stored_snapshot_of_another_format_is_refused() -> None:
    with pytest.raises(ValueError, match="format: expected 'continuity-plan-snapshot/2'"):
        parse_snapshot({"format": "continuity-plan-snapshot/1"})


def test_a_stored_snapshot_with_a_wrong_value_is_refused_by_path() -> None:
    from documents.snapshot import snapshot_json

    stored = snapshot_json(snapshot_with())
    stored["inputs"]["plan"]["members"][0]["role"] = 3
    with pytest.raises(ValueError, match=r"snapshot\.inputs\.plan\.members\[0\]\.role"):
        parse_snapshot(stored)
