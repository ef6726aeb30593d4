"""What every benchmark records about the machine it ran on, so figures can be compared."""

from __future__ import annotations

import contextlib
import json
import os
import platform
import sys
from pathlib import Path


def load_average() -> list[float] | None:
    """The 1, 5 and 15 minute load averages, or None where the system has none."""
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


def machine(versions: dict[str, str]) -> dict[str, object]:
    """Python and the ``versions`` of what the benchmark drives, the platform and its CPUs."""
    info: dict[str, object] = {
        "python": sys.version.split()[0],
        **versions,
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "cpu_count": os.cpu_count(),
    }
    with contextlib.suppress(AttributeError):
        info["cpu_affinity"] = len(os.sched_getaffinity(0))
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu_model"] = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return info


def figures_write(out: str | Path, figures: object) -> Path:
    """Write a run's figures as indented JSON to ``out``, creating its folder; returns the path."""
    path = Path(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(figures, indent=2) + "\n")
    return path
