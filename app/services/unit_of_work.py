"""One counter operation, once per request id, in one unit of work.

Every operation that writes runs through ``run_once``: it claims the request id (the first lock,
``locks.claim_request``), looks for the row an earlier submit of that id made and replays its
result, or else does the work, whose audit entry is written in the same transaction and commits
or vanishes with it. A refusal is noted on the session (``audit.refused``) and logged once the
unit of work has rolled back (``Context.unit_of_work``). A submit racing its twin waits on the
claim and then replays the twin's result; the UNIQUE constraint on the request id stays the last
line (the loser rolls back and replays, or is told why it cannot).
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from sqlalchemy import Column, bindparam, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.context import Context
from app.errors import Conflict, InvalidInput
from app.services.locks import claim_request
from db.engine import connection_of

R = TypeVar("R")
CHANGED_MESSAGE = "数据已被其他柜台修改，请重试"
REUSED_MESSAGE = "请求编号已被其他业务使用"


def check_request_id(request_id: object) -> uuid.UUID:
    if not isinstance(request_id, uuid.UUID):
        raise InvalidInput("请求编号无效", f"request_id must be a UUID, got {request_id!r}")
    return request_id


def earlier_row(
    request_id: uuid.UUID, kind: str | None, row_id: int | None, row_kind: str | None
) -> int | None:
    """The id of the row an earlier submit of ``request_id`` stored (None: there is none).

    With ``kind``, the row's ``row_kind`` must agree: a request id reused for another kind of
    operation is a client bug, never a silent success.
    """
    if row_id is not None and kind is not None and row_kind != kind:
        raise Conflict(REUSED_MESSAGE, f"request {request_id} is a {row_kind}")
    return row_id


@functools.cache  # one query per column and kind, built once: it runs on every sale
def submitted_in(
    request_column: Column,
    *,
    kind: str | None = None,  # type: ignore[type-arg]
) -> Callable[[Session, uuid.UUID], int | None]:
    """The lookup of the row whose ``request_column`` holds a request id (its ``id``, or None).

    With ``kind``, the table's ``kind`` column must agree: a request id reused for another kind
    of operation is a client bug, never a silent success.
    """
    table = request_column.table
    columns = (table.c.id, table.c.kind) if kind is not None else (table.c.id,)
    query = select(*columns).where(request_column == bindparam("request_id"))

    def find(session: Session, request_id: uuid.UUID) -> int | None:
        row = connection_of(session).execute(query, {"request_id": request_id}).first()
        if row is None:
            return None
        return earlier_row(request_id, kind, row.id, row.kind if kind is not None else None)

    return find


@dataclass(frozen=True)
class Earlier(Generic[R]):
    """How an operation finds what an earlier submit of its request id stored (``find``: the
    row's id) and rebuilds that submit's result from the rows (``replay``)."""

    find: Callable[[Session, uuid.UUID], int | None]
    replay: Callable[[Session, int], R]
    collision: str = CHANGED_MESSAGE  # a UNIQUE clash that no earlier submit explains


@dataclass(frozen=True)
class Replay:
    """What a work that looks for the earlier submit itself returns when it found one."""

    row_id: int


def run_once(
    ctx: Context,
    request_id: uuid.UUID,
    earlier: Earlier[R],
    work: Callable[[Session], R | Replay],
    *,
    work_finds_earlier: bool = False,
) -> R:
    """Run ``work`` in one unit of work and commit it, at most once per ``request_id``.

    A retried submit (same request id) returns the first result, rebuilt by ``earlier.replay``
    from the stored rows, and writes nothing, also when it races the first submit: it waits for
    the first on the request's own lock and then finds its row. ``work_finds_earlier``: the
    work's first read looks for the earlier submit itself (one statement less on the hot path)
    and returns ``Replay`` when it found one.
    """
    check_request_id(request_id)

    def once(session: Session) -> R:
        claim_request(session, request_id)  # before the check: a racing twin waits here
        if not work_finds_earlier:
            existing = earlier.find(session, request_id)
            if existing is not None:
                return earlier.replay(session, existing)
        answer = work(session)
        if isinstance(answer, Replay):
            return earlier.replay(session, answer.row_id)
        return answer

    try:
        return ctx.transaction(once)  # retried there after a deadlock: each try checks again
    except IntegrityError as error:
        with ctx.reading() as session:
            existing = earlier.find(session, request_id)
            if existing is None:
                raise Conflict(earlier.collision, str(error.orig)) from error
            return earlier.replay(session, existing)
