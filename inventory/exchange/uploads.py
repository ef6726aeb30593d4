"""Uploaded import files kept between the check and the apply step.

The file is stored under ``VAR_DIR/inventory-imports/<plan>/`` with who uploaded it and
why, and the ids of the jobs that check and apply it, so "Apply import" applies exactly
the file that was checked. Only the uploader can open the preview; applying deletes it.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, replace
from pathlib import Path
from typing import NotRequired, TypedDict, Unpack

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User


class UploadMissing(LookupError):
    """The upload expired, was applied already, or belongs to someone else."""


@dataclass(frozen=True)
class StoredUpload:
    token: uuid.UUID
    name: str
    section: str
    user: User
    reason: str
    ticket: str
    data: bytes
    check_job: str = ""
    apply_job: str = ""
    # The file is deleted once applied; what was stored about it stays for the page.
    applied: bool = False
    # Remove the plan's records the file leaves out (inventory.exchange.replacing).
    replace: bool = False


def _folder(plan_pk: int) -> Path:
    folder = Path(settings.VAR_DIR) / "inventory-imports" / str(plan_pk)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _write_meta(plan_pk: int, upload: StoredUpload) -> None:
    meta = {
        "name": upload.name,
        "section": upload.section,
        "replace": upload.replace,
        "user": upload.user.pk,
        "reason": upload.reason,
        "ticket": upload.ticket,
        "check_job": upload.check_job,
        "apply_job": upload.apply_job,
    }
    (_folder(plan_pk) / f"{upload.token}.json").write_text(json.dumps(meta))


class UploadFile(TypedDict):
    """An uploaded file, what it holds and why it is imported, as the upload form gives it."""

    name: str
    data: bytes
    section: str
    reason: NotRequired[str]
    ticket: NotRequired[str]
    replace: NotRequired[bool]


def upload_store(
    *, plan_pk: int, user: User, token: uuid.UUID | None = None, **file: Unpack[UploadFile]
) -> StoredUpload:
    upload = StoredUpload(
        token=token or uuid.uuid4(),
        name=file["name"],
        section=file["section"],
        replace=file.get("replace", False),
        user=user,
        reason=file.get("reason", ""),
        ticket=file.get("ticket", ""),
        data=file["data"],
    )
    (_folder(plan_pk) / f"{upload.token}.bin").write_bytes(upload.data)
    _write_meta(plan_pk, upload)
    return upload


def upload_attach_jobs(
    *, plan_pk: int, upload: StoredUpload, check_job: str = "", apply_job: str = ""
) -> StoredUpload:
    updated = replace(
        upload,
        check_job=check_job or upload.check_job,
        apply_job=apply_job or upload.apply_job,
    )
    _write_meta(plan_pk, updated)
    return updated


def upload_load(*, plan_pk: int, token: uuid.UUID | str, user: User) -> StoredUpload:
    token = uuid.UUID(str(token))
    folder = _folder(plan_pk)
    meta_path, data_path = folder / f"{token}.json", folder / f"{token}.bin"
    if not meta_path.exists():
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
        replace=bool(meta.get("replace", False)),
        user=get_user_model().objects.get(pk=meta["user"]),
        reason=meta.get("reason", ""),
        ticket=meta.get("ticket", ""),
        data=data_path.read_bytes() if data_path.exists() else b"",
        applied=not data_path.exists(),
        check_job=meta.get("check_job", ""),
        apply_job=meta.get("apply_job", ""),
    )


def upload_discard(*, plan_pk: int, token: uuid.UUID) -> None:
    (_folder(plan_pk) / f"{token}.bin").unlink(missing_ok=True)
