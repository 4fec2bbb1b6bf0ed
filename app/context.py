"""What every service call needs: the database, the clock and the hall's time zone."""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from app.errors import Contended
from app.vocabulary import HallMode
from db.engine import Database

log = logging.getLogger(__name__)
R = TypeVar("R")
# session.info: what to do once the session's unit of work has rolled back after a refusal
# (the audit entry of a refused operation, written in a transaction of its own)
AFTER_ROLLBACK = "gasdesk_after_rollback"

ATTEMPTS = 6  # one transaction and at most five retries after a deadlock or busy database
CONTENDED_MESSAGE = "其他柜台正在办理，请重试"
# PostgreSQL: serialization_failure, deadlock_detected, lock_not_available
_RETRY_SQLSTATES = frozenset({"40001", "40P01", "55P03"})
_SQLITE_BUSY = ("database is locked", "database table is locked")


def is_contention(error: BaseException) -> bool:
    """True for a transaction that lost a race for locks: it wrote nothing."""
    if not isinstance(error, DBAPIError):
        return False
    return _retryable(error) or any(text in str(error.orig) for text in _SQLITE_BUSY)


def _retryable(error: DBAPIError) -> bool:
    # SQLite's "database is locked" comes after its 30 s busy timeout: waiting that long again
    # would freeze the counter, so only PostgreSQL's deadlocks and serialization failures (which
    # are detected at once) are run again
    return getattr(error.orig, "sqlstate", None) in _RETRY_SQLSTATES


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass
class Context:
    db: Database
    clock: Callable[[], dt.datetime] = utc_now
    tz: ZoneInfo = field(default_factory=lambda: ZoneInfo("Asia/Shanghai"))
    training: bool = False  # 培训模式: every receipt and document is marked 培训 · 无效
    demo: bool = False  # 演示: the demo hall of a first run, marked 演示 · 无效 the same way
    audit_key: bytes | None = None  # HMAC key of the audit log (app.auditkey); required to write
    backups: object | None = None  # app.services.backup.BackupSettings (embedded SQLite only)

    @property
    def mode(self) -> HallMode:
        """Live, demo or training: whose mark the receipts and documents carry."""
        if self.training:
            return HallMode.TRAINING
        return HallMode.DEMO if self.demo else HallMode.LIVE

    def now(self) -> dt.datetime:
        return self.clock()

    def today(self) -> dt.date:
        """The hall's business date (local calendar day)."""
        return self.clock().astimezone(self.tz).date()

    def local(self, moment: dt.datetime) -> dt.datetime:
        """A stored time in the hall's time zone: what a clerk reads (SQLite hands back naive
        UTC, PostgreSQL aware UTC)."""
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=dt.UTC)
        return moment.astimezone(self.tz)

    @contextlib.contextmanager
    def unit_of_work(self) -> Iterator[Session]:
        """A session used as ``with ctx.unit_of_work() as s: ...; s.commit()``.

        Leaving the block without ``commit()`` rolls everything back. What a refusal noted on
        the session (``session.info[AFTER_ROLLBACK]``, e.g. ``audit.refused``) runs after that
        rollback, once the session is closed: the refused operation writes nothing, the audit
        log still records it.
        Losing a race for locks (deadlock, serialization failure, busy database) is raised as
        ``Contended``, a typed conflict the clerk sees as such, never as a system error; use
        ``transaction`` to have it retried.
        """
        try:
            with self._after_rollback() as after, self._faults(), self.db.sessions() as session:
                session.info["context"] = self  # the clock for checks deep inside (lockouts)
                # the audit log chains every audited row this session writes, at its commit
                session.info["gasdesk_context"] = self
                session.info[AFTER_ROLLBACK] = after
                yield session
        except DBAPIError as error:
            if not is_contention(error):
                raise
            raise Contended(
                CONTENDED_MESSAGE, f"lost a race for locks: {error.orig}", retry=_retryable(error)
            ) from error

    def transaction(self, work: Callable[[Session], R], *, attempts: int = ATTEMPTS) -> R:
        """Run ``work(session)`` in a unit of work and commit; the one place that retries.

        A transaction that lost a race for locks wrote nothing, so it is run again from the
        start (a bounded number of times, with a short random pause): ``work`` must read what
        it decides on inside the transaction, e.g. an earlier submit of the same request id.
        """
        for attempt in range(1, attempts + 1):
            try:
                with self.unit_of_work() as session:
                    answer = work(session)
                    session.commit()
                    return answer
            except Contended as error:
                if attempt == attempts or not error.details.get("retry"):
                    raise
                log.info("retrying after lost race (attempt %d): %s", attempt, error)
                time.sleep(random.uniform(0.0, 0.01 * 2**attempt))  # let the winner finish
        raise AssertionError("unreachable")

    @contextlib.contextmanager
    def reading(self) -> Iterator[Session]:
        """A session for queries that write nothing (no write lock on SQLite)."""
        with self._after_rollback() as after, self._faults(), self.db.readers() as session:
            session.info["context"] = self
            session.info[AFTER_ROLLBACK] = after
            yield session

    @contextlib.contextmanager
    def _faults(self) -> Iterator[None]:
        # a full disk is the machine's fault, not a bug: a typed error the clerk can act on,
        # raised after the session has rolled back (it sits outside the session's block)
        try:
            yield
        except Exception as error:
            from app.errors import DiskFull

            if is_disk_full(error):
                raise DiskFull(
                    "磁盘已满，本笔业务未保存，请联系管理员清理磁盘后重试",
                    f"disk full: {error}",
                ) from error
            raise

    @contextlib.contextmanager
    def _after_rollback(self) -> Iterator[list[Callable[[], None]]]:
        # outside the session's block: the steps run once it has rolled back and released its
        # locks (SQLite's write lock too), so a step may open a unit of work of its own
        steps: list[Callable[[], None]] = []
        try:
            yield steps
        except Exception:
            for step in steps:
                step()
            raise


def is_disk_full(error: BaseException) -> bool:
    """SQLite's SQLITE_FULL ("database or disk is full") or PostgreSQL's disk_full (53100)."""
    from sqlalchemy.exc import DBAPIError

    if not isinstance(error, DBAPIError):
        return False
    orig = error.orig
    if getattr(orig, "sqlstate", None) == "53100":  # psycopg 3: errors.DiskFull
        return True
    return getattr(orig, "sqlite_errorname", None) == "SQLITE_FULL" or (
        "database or disk is full" in str(orig)
    )
