"""Shared helpers for documents tests: a snapshot with analysis results, PDF text by page."""

from __future__ import annotations

import io
import subprocess
from typing import Any

from pypdf import PdfReader


def analysis_snapshot(rto_hours: dict[str, float]) -> dict[str, Any]:
    """What analysis.selectors.plan_snapshot returns, for the functions given."""
    functions = {
        f"f{index}": {
            "name": name,
            "required": {
                "mtpd_hours": rto * 2,
                "rto_hours": rto,
                "rpo_hours": rto / 4,
                "availability": 0.999,
                "tier": "Three nines",
                "reasoning": [f"Impact on {name} reaches the tolerance at {rto * 2:g} h."],
            },
            "availability": {
                "availability": 0.9995,
                "downtime_per_year": "4 h 22 min",
                "method": "bdd",
            },
            "gaps": [],
            "action_plan": [],
        }
        for index, (name, rto) in enumerate(sorted(rto_hours.items()))
    }
    return {
        "status": "assessed",
        "results": {
            "functions": functions,
            "spof_ranking": [{"name": "Shared SAN", "functions": sorted(rto_hours)}],
            "heatmap": {
                "horizons": ["1 h", "4 h", "1 d"],
                "rows": [{"name": n, "levels": [0, 2, 4]} for n in sorted(rto_hours)],
            },
        },
        "budgets_year": dict.fromkeys(rto_hours, 31556),
    }


def snapshot_with(**inputs: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "plan": {
            "name": "Print service continuity",
            "organisation": "Northbridge College",
            "scope": "Printing at head office and the branch.",
            "classification": "Confidential",
            "members": [
                {"name": "Maya Manager", "role": "manager", "username": "maya"},
                {"name": "Sam Stakeholder", "role": "stakeholder", "username": "sam"},
            ],
        },
        "documents": {
            "contacts": [],
            "call_tree": [],
            "vendors": [],
            "procedures": [],
            "exercises": [],
        },
        "bia": None,
        "inventory": None,
        "analysis": None,
    }
    base.update(inputs)
    return {
        "inputs": base,
        "inputs_sha256": "a" * 64,
        "diagrams": [],
        "change_log": {"entries": [], "since": None, "truncated": False},
        "version": {
            "number": 3,
            "published_by": "Maya Manager",
            "published_at": "2026-11-25T18:00:00+00:00",
        },
    }


def page_texts(pdf: bytes) -> list[str]:
    reader = PdfReader(io.BytesIO(pdf))
    return [page.extract_text() or "" for page in reader.pages]


def qpdf_check(pdf: bytes, tmp_path: Any, name: str = "doc.pdf") -> str:
    path = tmp_path / name
    path.write_bytes(pdf)
    result = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout
