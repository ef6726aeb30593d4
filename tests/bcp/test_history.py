"""Every planning model is tracked, and nothing can write around its history."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.apps import apps
from django.db.models import Model

from bcp.history import TrackedQuerySet, UntrackedWriteError, change_context
from bcp.models import Plan
from bcp.selectors import PLANNING_APPS
from tests.factories import PlanFactory, UserFactory

ROOT = Path(__file__).resolve().parent.parent.parent

# Operational records that are not planning data, each with the reason.
UNTRACKED = {
    "bcp.Job": "status of background work; its effects are tracked where they land",
    "bcp.WorkerHeartbeat": "liveness signal for /health/",
    "analysis.AnalysisRun": "derived results, reproducible from the recorded inputs hash",
    "analysis.AnalysisChunk": "one chunk of a run's derived results, kept with its run",
    "analysis.FunctionResultRow": "one function's part of a run's derived results",
    "audit.ChainEntry": "the hash chain over history itself; append-only and verified",
}


def _our_models() -> list[type[Model]]:
    return [
        model
        for model in apps.get_models()
        if model._meta.app_label in PLANNING_APPS
        and not model.__name__.startswith("Historical")
        and not getattr(model._meta, "auto_created", False)
    ]


def test_every_planning_model_is_tracked_by_simple_history() -> None:
    untracked = [
        model._meta.label
        for model in _our_models()
        if model._meta.label not in UNTRACKED and not hasattr(model, "history")
    ]
    assert not untracked, f"Models without history: {untracked}"


def test_every_tracked_model_refuses_bulk_writes_through_its_manager() -> None:
    unguarded = [
        model._meta.label
        for model in _our_models()
        if hasattr(model, "history")
        and not isinstance(model._default_manager.all(), TrackedQuerySet)
    ]
    assert not unguarded, f"Tracked models whose manager allows bulk writes: {unguarded}"


@pytest.mark.django_db
def test_queryset_update_on_a_tracked_model_is_refused() -> None:
    PlanFactory.create()
    with pytest.raises(UntrackedWriteError, match="bypass change history"):
        Plan.objects.all().update(name="x")


def test_bulk_create_on_a_tracked_model_is_refused() -> None:
    with pytest.raises(UntrackedWriteError):
        Plan.objects.bulk_create([Plan(name="x", organisation="y")])


def _source_files() -> list[Path]:
    files: list[Path] = []
    for app in PLANNING_APPS:
        files.extend(p for p in (ROOT / app).rglob("*.py") if "migrations" not in p.parts)
    return files


def test_no_code_calls_bulk_writes_on_tracked_models() -> None:
    """A static check too, so a bulk write in a rarely-run path is caught before it runs."""
    tracked_names = {m.__name__ for m in _our_models() if hasattr(m, "history")}
    offenders = []
    for path in _source_files():
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            if node.func.attr not in {"update", "bulk_create", "bulk_update"}:
                continue
            chain = ast.unparse(node.func.value)
            root_name = chain.split(".", 1)[0]
            if root_name in tracked_names and ".objects" in chain:
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno} {chain}.{node.func.attr}")
    assert not offenders, "Bulk writes on tracked models:\n" + "\n".join(offenders)


@pytest.mark.django_db
def test_change_context_records_user_reason_and_ticket() -> None:
    user = UserFactory.create()
    with change_context(user=user, reason="Annual review", ticket="CHG-7"):
        plan = PlanFactory.create()
    record = plan.history.latest()
    assert record.history_user == user
    assert record.history_change_reason == "Annual review"
    assert record.history_ticket == "CHG-7"
