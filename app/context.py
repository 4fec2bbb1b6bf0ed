"""What every service call needs: the database, the clock and the hall's time zone."""

from __future__ import annotations

import contextlib
import datetime as dt
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from db.engine import Database

_nesting = threading.local()


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass
class Context:
    db: Database
    clock: Callable[[], dt.datetime] = utc_now
    tz: ZoneInfo = field(default_factory=lambda: ZoneInfo("Asia/Shanghai"))
    training: bool = False  # 培训模式: every receipt and document is marked 培训 · 无效
    audit_key: bytes | None = None  # HMAC key of the audit log (app.auditkey); required to write
    backups: object | None = None  # app.services.backup.BackupSettings (embedded SQLite only)

    def now(self) -> dt.datetime:
        return self.clock()

    def today(self) -> dt.date:
        """The hall's business date (local calendar day)."""
        return self.clock().astimezone(self.tz).date()

    @contextlib.contextmanager
    def unit_of_work(self) -> Iterator[Session]:
        """A session used as ``with ctx.unit_of_work() as s: ...; s.commit()``.

        Leaving the block without ``commit()`` rolls everything back. A refusal that carries a
        security event (``error.security_event``) is logged after the rollback, in a transaction
        of its own: the refused operation writes nothing, the audit log still records it.
        """
        with self._logging_refusals(), self.db.sessions() as session:
            # the audit log chains every audited row this session writes, at its commit
            session.info["gasdesk_context"] = self
            yield session

    @contextlib.contextmanager
    def reading(self) -> Iterator[Session]:
        """A session for queries that write nothing (no write lock on SQLite)."""
        with self._logging_refusals(), self.db.readers() as session:
            yield session

    @contextlib.contextmanager
    def _logging_refusals(self) -> Iterator[None]:
        # only the outermost session of this thread logs: an inner one may run while an outer
        # one still holds SQLite's write lock
        depth = getattr(_nesting, "depth", 0)
        _nesting.depth = depth + 1
        try:
            yield
        except Exception as error:
            event = getattr(error, "security_event", None)
            if depth == 0 and event is not None and not getattr(error, "security_logged", False):
                from app.services import audit  # services sit above the context

                error.security_logged = True  # type: ignore[attr-defined]
                _nesting.depth = 0
                audit.record_alone(self, event)
            raise
        finally:
            _nesting.depth = depth
