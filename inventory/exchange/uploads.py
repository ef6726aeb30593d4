"""Uploaded import files kept between the preview and the apply step.

The file is stored under ``VAR_DIR/inventory-imports/<plan>/`` with who uploaded it and
why, so "Apply import" re-reads exactly the file that was previewed. Only the uploader
can open the preview; applying deletes the file.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings


class UploadMissing(LookupError):
    """The upload expired, was applied already, or belongs to someone else."""


@dataclass(frozen=True)
class StoredUpload:
    token: uuid.UUID
    name: str
    section: str
    user_id: int
    reason: str
    ticket: str
    data: bytes


def _folder(plan_pk: int) -> Path:
    folder = Path(settings.VAR_DIR) / "inventory-imports" / str(plan_pk)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def upload_store(
    *,
    plan_pk: int,
    user: Any,
    name: str,
    data: bytes,
    section: str,
    reason: str = "",
    ticket: str = "",
) -> uuid.UUID:
    token = uuid.uuid4()
    folder = _folder(plan_pk)
    (folder / f"{token}.bin").write_bytes(data)
    meta = {"name": name, "section": section, "user": user.pk, "reason": reason, "ticket": ticket}
    (folder / f"{token}.json").write_text(json.dumps(meta))
    return token


def upload_load(*, plan_pk: int, token: uuid.UUID, user: Any) -> StoredUpload:
    folder = _folder(plan_pk)
    meta_path, data_path = folder / f"{token}.json", folder / f"{token}.bin"
    if not meta_path.exists() or not data_path.exists():
        raise UploadMissing(
            "This import has expired or was applied already; upload the file again."
        )
    meta = json.loads(meta_path.read_text())
    if meta.get("user") != user.pk:
        raise UploadMissing("This import was uploaded by someone else.")
    return StoredUpload(
        token=token,
        name=meta["name"],
        section=meta["section"],
        user_id=meta["user"],
        reason=meta.get("reason", ""),
        ticket=meta.get("ticket", ""),
        data=data_path.read_bytes(),
    )


def upload_discard(*, plan_pk: int, token: uuid.UUID) -> None:
    for suffix in ("bin", "json"):
        (_folder(plan_pk) / f"{token}.{suffix}").unlink(missing_ok=True)
