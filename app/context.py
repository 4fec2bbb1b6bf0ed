"""What every service call needs: the database, the clock and the hall's time zone."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from db.engine import Database


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass
class Context:
    db: Database
    clock: Callable[[], dt.datetime] = utc_now
    tz: ZoneInfo = field(default_factory=lambda: ZoneInfo("Asia/Shanghai"))
    training: bool = False  # 培训模式: every receipt and document is marked 培训 · 无效

    def now(self) -> dt.datetime:
        return self.clock()

    def today(self) -> dt.date:
        """The hall's business date (local calendar day)."""
        return self.clock().astimezone(self.tz).date()

    def unit_of_work(self) -> Session:
        """A session used as ``with ctx.unit_of_work() as s: ...; s.commit()``.

        Leaving the block without ``commit()`` rolls everything back.
        """
        return self.db.sessions()

    def reading(self) -> Session:
        """A session for queries that write nothing (no write lock on SQLite)."""
        return self.db.readers()
