"""The chain head written outside the database, and the alarm when it disappears."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from audit.anchoring import ALARM, MARKER, chain_head_record
from audit.models import ChainEntry
from audit.selectors import chain_head
from audit.tasks import record_chain_head
from audit.verify import parse_checkpoint, verify_chain
from tests.audit import factories
from tests.audit.tamper import tamper
from tests.conftest import PlanPeople

pytestmark = pytest.mark.django_db


def test_each_run_appends_the_head_as_a_checkpoint_verify_accepts(
    people: PlanPeople, tmp_path: Path
) -> None:
    anchor = tmp_path / "anchors" / "chain-head.log"
    first = chain_head_record(path=str(anchor))
    factories.site(people.plan, people.manager)
    out = io.StringIO()
    call_command("record_chain_head", "--file", str(anchor), stdout=out)
    lines = anchor.read_text().splitlines()
    assert len(lines) == 2
    assert lines[0].endswith(f"{MARKER} {first.head.checkpoint}")
    assert lines[1].endswith(f"{MARKER} {chain_head().checkpoint}")
    assert out.getvalue().strip() == lines[1]
    checkpoints = [parse_checkpoint(line.rsplit(" ", 1)[-1]) for line in lines]
    assert verify_chain(checkpoints=checkpoints).ok


def test_a_recorded_head_that_vanished_raises_the_alarm(people: PlanPeople, tmp_path: Path) -> None:
    factories.site(people.plan, people.manager)
    anchor = tmp_path / "chain-head.log"
    recorded = chain_head_record(path=str(anchor))
    newest = ChainEntry.objects.order_by("-seq")[0]
    tamper(ChainEntry._meta.db_table, "DELETE FROM {table} WHERE seq = %s", [newest.seq])
    with pytest.raises(CommandError, match="no longer in the chain") as caught:
        call_command("record_chain_head", "--file", str(anchor))
    assert caught.value.returncode == 1
    last = anchor.read_text().splitlines()[-1]
    assert ALARM in last
    assert f"--checkpoint {recorded.head.checkpoint}" in last


def test_the_scheduled_task_writes_to_the_system_log(people: PlanPeople, monkeypatch: Any) -> None:
    import syslog

    written: list[tuple[int, str]] = []
    monkeypatch.setattr(syslog, "syslog", lambda priority, line: written.append((priority, line)))
    line = record_chain_head.run(to_syslog=True)
    assert written == [(syslog.LOG_NOTICE, line)]
    assert line.endswith(chain_head().checkpoint)


def test_recording_nowhere_is_refused() -> None:
    with pytest.raises(ValueError, match="Say where"):
        chain_head_record()
    with pytest.raises(CommandError, match="Say where"):
        call_command("record_chain_head")
