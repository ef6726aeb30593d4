"""Writing the chain head outside the database, on a schedule.

Someone who can write to the database could rewrite history and every hash
after it, or drop the newest entries together with their rows; nothing inside
the database would remember. A copy of the chain head kept elsewhere — an
append-only file on another volume, the system log shipped to a log server —
is what a later ``verify_history --checkpoint SEQ:HASH`` checks against.

Each run appends one line, ``<UTC time> continuity chain head SEQ:HASH``, and
first checks the previous line of the file: that entry must still be in the
chain with that hash. If it is not, it writes an alarm line and fails, so the
scheduler's own alerting (cron mail, systemd's failed state, a failed task)
reports it the same day.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

from django.utils import timezone

from audit.models import ChainEntry
from audit.selectors import ChainHead, chain_head
from audit.verify import parse_checkpoint

MARKER = "continuity chain head"
ALARM = "continuity chain ALARM"
# How much of the file's end is read to find the previous line.
TAIL_BYTES = 4096


class ChainHeadMissing(RuntimeError):
    """The head recorded last time is no longer in the chain with the same hash."""


@dataclass(frozen=True)
class HeadRecord:
    head: ChainHead
    line: str
    previous: str | None


def _last_checkpoint(path: Path) -> str | None:
    if not path.exists():
        return None
    with path.open("rb") as handle:
        handle.seek(0, os.SEEK_END)
        size = handle.tell()
        handle.seek(max(0, size - TAIL_BYTES))
        tail = handle.read().decode("utf-8", errors="replace")
    for line in reversed(tail.splitlines()):
        if MARKER in line:
            return line.rsplit(" ", 1)[-1].strip()
    return None


def _still_in_chain(checkpoint: str) -> bool:
    seq, entry_hash = parse_checkpoint(checkpoint)
    if seq == 0:
        return True
    first = ChainEntry.objects.order_by("seq").values_list("seq", flat=True).first()
    if first is not None and seq < first:
        return True  # archived since (docs/history-retention.md): verify it against the archive
    return ChainEntry.objects.filter(seq=seq, entry_hash=entry_hash).exists()


def _append(path: Path, line: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(line + "\n")
        handle.flush()
        os.fsync(handle.fileno())


def _to_syslog(line: str, *, alarm: bool = False) -> None:
    import syslog  # Unix only: imported when syslog is asked for, so the rest runs anywhere

    syslog.openlog("continuity", syslog.LOG_PID, syslog.LOG_USER)
    syslog.syslog(syslog.LOG_ALERT if alarm else syslog.LOG_NOTICE, line)
    syslog.closelog()


def chain_head_record(*, path: str | None = None, to_syslog: bool = False) -> HeadRecord:
    """Append the current chain head to ``path`` and/or the system log.

    Raises :class:`ChainHeadMissing` (after writing an alarm line) when the head
    the file recorded last time is no longer in the chain with that hash.
    """
    if not path and not to_syslog:
        raise ValueError("Say where to write the chain head: a file, the system log, or both.")
    head = chain_head()
    stamp = timezone.now().astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    target = Path(path) if path else None
    previous = _last_checkpoint(target) if target else None
    if previous is not None and not _still_in_chain(previous):
        alarm = (
            f"{stamp} {ALARM}: the head recorded earlier, {previous}, is no longer in the "
            f"chain with that hash (head now {head.checkpoint}); run "
            f"manage.py verify_history --checkpoint {previous}"
        )
        if target:
            _append(target, alarm)
        if to_syslog:
            _to_syslog(alarm, alarm=True)
        raise ChainHeadMissing(alarm)
    line = f"{stamp} {MARKER} {head.checkpoint}"
    if target:
        _append(target, line)
    if to_syslog:
        _to_syslog(line)
    return HeadRecord(head=head, line=line, previous=previous)
