"""Plan files sent in chat. An admin sends the file; it is kept, with the options they typed, until an admin
confirms the import, cancels it, or leaves it longer than UPLOAD_TTL. Confirming reads the kept bytes again
and imports them in the transaction that marks the upload confirmed, so a second press imports nothing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage import models as m
from storage import plan
from storage.enums import UploadOutcome
from storage.errors import InvalidInput, NotFound, PermissionDenied, UploadClosed
from storage.plan_file import ImportResult
from storage.plan_io import checked_plan_year, read_plan_bytes
from storage.plan_notes import ReadNote
from storage.records import PlanUploadRecord
from storage.text import clean_text

#: How long a sent plan waits for its Confirm: after this it must be sent again.
UPLOAD_TTL = timedelta(hours=24)
#: The largest plan file kept (a plan of a few hundred actions is well under 100 KB).
MAX_BYTES = 1024 * 1024
NAME_MAX = 255


@dataclass(frozen=True, slots=True)
class UploadOptions:
    """What `ictbot plan import` takes as flags, given in chat as words beside the file."""

    overwrite: bool = False
    retire_missing: bool = False
    plan_year: str | None = None


@dataclass(frozen=True, slots=True)
class UploadImport:
    """A confirmed upload and what its import did, with what the reader normalised."""

    upload: PlanUploadRecord
    result: ImportResult
    notes: tuple[ReadNote, ...] = ()


def record(u: m.PlanUpload) -> PlanUploadRecord:
    return PlanUploadRecord(
        id=u.id,
        uploader_key=u.uploader_key,
        file_name=u.file_name,
        size=len(u.data),
        overwrite=u.overwrite,
        retire_missing=u.retire_missing,
        plan_year=u.plan_year,
        created_at=u.created_at,
        outcome=u.outcome,
        closed_at=u.closed_at,
        closed_by=u.closed_by,
    )


async def _check_admin(s: AsyncSession, key: str) -> None:
    user = await s.scalar(select(m.User).where(m.User.key == key))
    if user is None or not user.is_admin:
        raise PermissionDenied("import_plan", "admin", user_key=key)


def _closed(u: m.PlanUpload) -> UploadClosed:
    return UploadClosed(u.id, u.outcome or "", file_name=u.file_name, closed_at=u.closed_at, closed_by=u.closed_by)


async def _open_upload(s: AsyncSession, upload_id: int) -> m.PlanUpload:
    """The upload, locked for this transaction; UploadClosed when it has already ended."""
    upload = await s.scalar(select(m.PlanUpload).where(m.PlanUpload.id == upload_id).with_for_update())
    if upload is None:
        raise NotFound("plan_upload", upload_id)
    if upload.outcome is not None:
        raise _closed(upload)
    return upload


def _close(u: m.PlanUpload, outcome: UploadOutcome, actor_key: str, now: datetime) -> None:
    u.outcome, u.closed_at, u.closed_by = outcome.value, now, actor_key


async def create(
    s: AsyncSession, uploader_key: str, file_name: str, data: bytes, options: UploadOptions, now: datetime
) -> PlanUploadRecord:
    """Keep a plan file an admin sent, pending their Confirm. Admins only."""
    await _check_admin(s, uploader_key)
    name = clean_text(file_name or "", multiline=False).strip()[:NAME_MAX]
    if not name:
        raise InvalidInput("file_name", "missing")
    if len(data) > MAX_BYTES:
        raise InvalidInput("file", "too_big", value=len(data), allowed=(str(MAX_BYTES),))
    upload = m.PlanUpload(
        uploader_key=uploader_key,
        file_name=name,
        data=data,
        overwrite=options.overwrite,
        retire_missing=options.retire_missing,
        plan_year=checked_plan_year(options.plan_year) if options.plan_year else None,
        created_at=now,
    )
    s.add(upload)
    await s.flush()
    return record(upload)


async def confirm(
    s: AsyncSession, upload_id: int, actor_key: str, now: datetime, note: Callable[[str], str]
) -> UploadImport | UploadClosed:
    """Import a pending upload (the file read again, the import checked again: the plan may have changed
    since it was sent) and mark it confirmed, by an admin. An upload older than UPLOAD_TTL is marked expired
    instead, and that UploadClosed is returned, for the caller to raise once the mark is committed.
    note: the history note of the import, from the file's name. UploadClosed (raised) when it has ended."""
    await _check_admin(s, actor_key)
    upload = await _open_upload(s, upload_id)
    if now - upload.created_at > UPLOAD_TTL:
        _close(upload, UploadOutcome.EXPIRED, actor_key, now)
        return _closed(upload)
    read = read_plan_bytes(upload.data, upload.file_name, plan_year=upload.plan_year)
    result = await plan.import_plan(
        s,
        read.themes,
        sample=False,
        now=now,
        author_key=actor_key,
        note=note(upload.file_name),
        overwrite=upload.overwrite,
        retire_missing=upload.retire_missing,
        board_meetings=read.board_meetings,
        require_admin=True,
    )
    _close(upload, UploadOutcome.CONFIRMED, actor_key, now)
    await s.flush()
    return UploadImport(record(upload), result, read.notes)


async def cancel(s: AsyncSession, upload_id: int, actor_key: str, now: datetime) -> PlanUploadRecord:
    """Call off a pending upload, by an admin; UploadClosed when it has already ended."""
    await _check_admin(s, actor_key)
    upload = await _open_upload(s, upload_id)
    _close(upload, UploadOutcome.CANCELLED, actor_key, now)
    await s.flush()
    return record(upload)
