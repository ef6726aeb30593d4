"""Run every benchmark script in this folder; each writes its figures under var/benchmarks/.

Benchmarks are not tests: they measure, print a table and write JSON, and never fail on
time. Usage: ``make bench`` or ``python tests/benchmarks/run_all.py [name ...]``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent


def main(names: list[str]) -> int:
    scripts = sorted(HERE.glob("bench_*.py"))
    if names:
        scripts = [s for s in scripts if any(n in s.stem for n in names)]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    failures = 0
    for script in scripts:
        print(f"==> {script.name}", flush=True)
        result = subprocess.run([sys.executable, str(script)], cwd=ROOT, env=env, check=False)
        failures += result.returncode != 0
    print(f"Figures are in {ROOT / 'var' / 'benchmarks'}")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
