"""What a verification found: problems in the chain, drift of the live data, and the summary.

Shared by :mod:`audit.verify` (the chain walk) and :mod:`audit.drift` (live rows
against their history); kept small so both can import it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from audit.models import GENESIS_HASH

# Problems kept in full for the report; every one is counted.
MAX_KEPT = 1000

# (fraction done 0..1, what is being checked)
Progress = Callable[[float, str], None]


@dataclass(frozen=True)
class ChainProblem:
    kind: str
    detail: str
    model_label: str = ""
    history_id: int | None = None
    seq: int | None = None
    plan_id: int | None = None
    # For a row that is not in the chain: the last entry written before its date.
    after_seq: int | None = None

    @property
    def position(self) -> int:
        """Where the chain stops being trustworthy: the entry before this problem."""
        if self.seq is not None:
            return self.seq - 1
        return self.after_seq or 0


@dataclass(frozen=True)
class DriftProblem:
    """A live row that does not match its history (changed, deleted or created unseen)."""

    kind: str
    table: str
    model_label: str
    object_id: int
    plan_id: int | None
    detail: str
    # The chain entry of the record's latest historical row, when it has one.
    seq: int | None = None


@dataclass
class VerifyReport:
    checked: int = 0
    last_seq: int = 0
    head_hash: str = GENESIS_HASH
    problems: list[ChainProblem] = field(default_factory=list)
    problem_count: int = 0
    first_problem: ChainProblem | None = None
    checkpoints_confirmed: list[int] = field(default_factory=list)
    live_checked: bool = False
    live_rows: int = 0
    live_tables: int = 0
    # Live rows with no history left because their whole history was archived.
    archived_rows: int = 0
    drift: list[DriftProblem] = field(default_factory=list)
    drift_count: int = 0
    drift_by_table: dict[str, int] = field(default_factory=dict)

    def add(self, problem: ChainProblem) -> None:
        self.problem_count += 1
        if self.first_problem is None or problem.position < self.first_problem.position:
            self.first_problem = problem
        if len(self.problems) < MAX_KEPT:
            self.problems.append(problem)

    def add_drift(self, problem: DriftProblem) -> None:
        self.drift_count += 1
        self.drift_by_table[problem.table] = self.drift_by_table.get(problem.table, 0) + 1
        if len(self.drift) < MAX_KEPT:
            self.drift.append(problem)

    @property
    def chain_ok(self) -> bool:
        return self.problem_count == 0

    @property
    def ok(self) -> bool:
        return self.chain_ok and self.drift_count == 0

    @property
    def intact_up_to(self) -> int:
        first = self.first_problem
        return self.last_seq if first is None else first.position

    def _chain_summary(self) -> str:
        first = self.first_problem
        if first is None:
            return (
                f"History intact up to entry {self.last_seq} "
                f"({self.checked} entries checked; head hash {self.head_hash})."
            )
        where = f"entry {first.seq}" if first.seq is not None else "a row outside the chain"
        count = self.problem_count
        return (
            f"History intact up to entry {self.intact_up_to}. First broken: {where} — "
            f"{first.detail} ({count} problem{'s' if count != 1 else ''} in all)."
        )

    def _live_summary(self) -> str:
        if not self.live_checked:
            return "The live data was not compared with its history."
        if self.drift_count == 0:
            text = (
                f"The live data matches its history ({self.live_rows} rows in "
                f"{self.live_tables} tables)."
            )
            if self.archived_rows:
                text += (
                    f" {self.archived_rows} of them have their whole history in the archive "
                    "before the checkpoint."
                )
            return text
        tables = ", ".join(f"{t}: {n}" for t, n in sorted(self.drift_by_table.items()))
        rows = f"{self.drift_count} row{'s' if self.drift_count != 1 else ''}"
        first = f" First: {self.drift[0].detail}" if self.drift else ""
        return f"The live data differs from its history in {rows} ({tables}).{first}"

    @property
    def summary(self) -> str:
        parts = [self._chain_summary()]
        if self.checkpoints_confirmed:
            confirmed = ", ".join(str(seq) for seq in self.checkpoints_confirmed)
            parts.append(f"Checkpoint entry {confirmed} matches its recorded hash.")
        parts.append(self._live_summary())
        return " ".join(parts)


def report_as_dict(report: VerifyReport, *, limit: int = 100) -> dict[str, Any]:
    """JSON-serialisable report, for a job's result."""
    ordered = sorted(report.problems, key=lambda p: p.position)
    return {
        "ok": report.ok,
        "chain_ok": report.chain_ok,
        "summary": report.summary,
        "checked": report.checked,
        "last_seq": report.last_seq,
        "intact_up_to": report.intact_up_to,
        "head_hash": report.head_hash,
        "checkpoints_confirmed": report.checkpoints_confirmed,
        "problem_count": report.problem_count,
        "problems": [
            {
                "kind": p.kind,
                "detail": p.detail,
                "seq": p.seq,
                "after_seq": p.after_seq,
                "plan_id": p.plan_id,
            }
            for p in ordered[:limit]
        ],
        "live_checked": report.live_checked,
        "live_rows": report.live_rows,
        "live_tables": report.live_tables,
        "archived_rows": report.archived_rows,
        "drift_count": report.drift_count,
        "drift_by_table": report.drift_by_table,
        "drift": [
            {
                "kind": d.kind,
                "table": d.table,
                "model": d.model_label,
                "object_id": d.object_id,
                "plan_id": d.plan_id,
                "detail": d.detail,
                "seq": d.seq,
            }
            for d in report.drift[:limit]
        ],
    }
