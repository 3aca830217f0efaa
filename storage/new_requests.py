"""Group commit for new support requests: a burst of them goes into the database a batch per transaction.

Each request is handed to one writer task per Store. While it writes a batch (waiting for its turn at
SQLite's write lock, or for PostgreSQL's commit), the requests that arrive queue up, and the next
transaction writes them all: one read of their requesters, one multi-row INSERT ... RETURNING for the
requests, one each for their events and outbox rows, one COMMIT. Every caller still gets its own
committed request (or its own error) back; the request is in the database before its caller hears of it.

A request raised by a button press or form submission carries a submission key; the same key seen again
(in the same batch, or already stored) answers with the request it made the first time. If a batch fails
as a whole (a constraint, a lost connection), each request in it is written again on its own, so one bad
request never fails the others.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from storage import models as m
from storage.errors import NotFound

#: Rows per transaction at most (a bound on one transaction's time, and on one statement's parameters).
MAX_BATCH = 200

#: The rows that go with a new request in its transaction (its first event, its outbox rows), by model,
#: given the request's number and its requester.
Companions = Callable[[int, m.User], list[tuple[type[m.Base], dict]]]


@dataclass
class _Pending:
    requester_key: str
    values: dict
    submission_key: str | None
    companions: Companions
    done: asyncio.Future = field(default_factory=lambda: asyncio.get_running_loop().create_future())


class NewRequests:
    def __init__(self, write_sessions):
        self._write = write_sessions
        self._pending: list[_Pending] = []
        self._writer: asyncio.Task | None = None

    async def create(
        self, requester_key: str, values: dict, companions: Companions, *, submission_key: str | None = None
    ) -> tuple[m.SupportRequest, bool]:
        """(the committed request, True if this call made it; False if its submission key had made it)."""
        pending = _Pending(requester_key, values, submission_key, companions)
        self._pending.append(pending)
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write_all(), name="ictbot-new-requests")
        return await pending.done

    async def _write_all(self) -> None:
        batch: list[_Pending] = []
        try:
            while self._pending:
                batch, self._pending = self._pending[:MAX_BATCH], self._pending[MAX_BATCH:]
                try:
                    results = await self._write_batch(batch)
                except Exception:
                    results = [await self._write_alone(p) for p in batch]
                self._answer(batch, results)
                batch = []
        except BaseException:  # cancelled (shutdown): nobody may be left waiting for an answer
            for pending in batch + self._pending:
                if not pending.done.done():
                    pending.done.set_exception(RuntimeError("the store is shutting down"))
            self._pending = []
            raise

    @staticmethod
    def _answer(batch: list[_Pending], results: list) -> None:
        for pending, result in zip(batch, results, strict=True):
            if pending.done.done():  # the caller went away; the request is saved all the same
                continue
            if isinstance(result, BaseException):
                pending.done.set_exception(result)
            else:
                pending.done.set_result(result)

    async def _write_alone(self, pending: _Pending) -> tuple[m.SupportRequest, bool] | BaseException:
        for attempt in (1, 2):
            try:
                return (await self._write_batch([pending]))[0]
            except IntegrityError as e:  # the same submission made at this moment elsewhere: read it back
                if attempt == 2 or pending.submission_key is None:
                    return e
            except Exception as e:
                return e
        raise AssertionError("unreachable")

    async def _write_batch(self, batch: list[_Pending]) -> list[tuple[m.SupportRequest, bool] | BaseException]:
        """Core statements, not the ORM's unit of work: a batch is three INSERTs whatever its size."""
        results: list[tuple[m.SupportRequest, bool] | BaseException | None] = [None] * len(batch)
        async with self._write.begin() as s:
            requesters = {p.requester_key for p in batch}
            users = {u.key: u for u in (await s.scalars(select(m.User).where(m.User.key.in_(requesters)))).all()}
            keys = {p.submission_key for p in batch if p.submission_key}
            made: dict[str, m.SupportRequest] = {}
            if keys:
                stored = await s.scalars(select(m.SupportRequest).where(m.SupportRequest.submission_key.in_(keys)))
                made = {r.submission_key: r for r in stored.all()}
            new: list[tuple[int, dict, m.User]] = []
            claimed: set[str] = set(made)
            for i, p in enumerate(batch):
                if p.submission_key in claimed:
                    continue  # answered below, once the batch's own requests have their numbers
                user = users.get(p.requester_key)
                if user is None:
                    results[i] = NotFound("user", p.requester_key)
                    continue
                row = dict(
                    p.values,
                    requester_key=user.key,
                    requester_name=user.display_name,
                    council=user.council,
                    submission_key=p.submission_key,
                )
                row["work_setting"] = row.get("work_setting") or user.work_setting
                new.append((i, row, user))
                if p.submission_key:
                    claimed.add(p.submission_key)
            if new:
                table = m.SupportRequest.__table__
                numbers = await s.scalars(
                    insert(table).returning(table.c.id, sort_by_parameter_order=True), [row for _, row, _ in new]
                )
                companions: dict[type[m.Base], list[dict]] = {}
                for (i, row, user), number in zip(new, numbers.all(), strict=True):
                    ticket = m.SupportRequest(id=number, **row)  # transient: a record of what was written
                    results[i] = (ticket, True)
                    if ticket.submission_key:
                        made[ticket.submission_key] = ticket
                    for model, companion in batch[i].companions(number, user):
                        companions.setdefault(model, []).append(companion)
                for model, rows in companions.items():
                    await s.execute(insert(model.__table__), rows)
        for i, p in enumerate(batch):
            if results[i] is None:
                results[i] = (made[p.submission_key], False)
        return results  # type: ignore[return-value]
