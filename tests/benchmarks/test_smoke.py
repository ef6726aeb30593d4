"""Every benchmark script runs to the end at a tiny size (the CI smoke run).

Benchmarks measure and never fail on time; what this guards is that each one still
builds its workload, runs every stage and writes its figures after the code it drives
has changed. Each script runs once, in its own process, with its own SQLite database and
var directory under pytest's temporary directory, and writes its JSON there. No timing is
asserted; the figures file must exist and say what was measured.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent

# Each script with the arguments that make it small: a few dozen functions or pages, one
# repeat. The value names what the JSON must record about the workload it ran.
SMOKE_RUNS: dict[str, tuple[list[str], str]] = {
    "bench_engine.py": (["--scales", "0.02", "--smoke"], "scales"),
    "bench_impact.py": (["--scales", "0.02"], "scales"),
    "bench_analysis_run.py": (["--scale", "0.01", "--rank-remedies"], "built"),
    "bench_inventory_import.py": (["--scales", "0.01", "--verify"], "runs"),
    "bench_inventory_pages.py": (["--components", "200", "--repeat", "1"], "components"),
    "bench_audit_pages.py": (["--scale", "0.003", "--repeat", "1"], "workload"),
    "bench_pdf.py": (["--pages", "3", "--repeats", "1"], "results"),
}


def test_every_benchmark_script_has_a_smoke_run() -> None:
    assert sorted(p.name for p in HERE.glob("bench_*.py")) == sorted(SMOKE_RUNS)


@pytest.mark.parametrize("script", sorted(SMOKE_RUNS))
def test_benchmark_completes_at_a_tiny_scale_and_writes_its_figures(
    script: str, tmp_path: Path
) -> None:
    arguments, recorded = SMOKE_RUNS[script]
    out = tmp_path / "figures.json"
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "CELERY_BROKER_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(
        PYTHONPATH=str(ROOT),
        DJANGO_SETTINGS_MODULE="config.settings.local",
        CONTINUITY_VAR_DIR=str(tmp_path / "var"),
    )
    done = subprocess.run(
        [sys.executable, str(HERE / script), *arguments, "--out", str(out)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, (done.stdout[-3000:], done.stderr[-3000:])
    assert recorded in json.loads(out.read_text())
