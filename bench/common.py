"""Helpers for benchmarks: timing, percentiles, a throw-away hall database."""

from __future__ import annotations

import secrets
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from app.context import Context
from db import migrate
from db.engine import open_database


@dataclass
class Metric:
    name: str
    value: float | None  # None: not measured (the note says why)
    unit: str
    goal: str
    note: str = ""


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def percentile(samples: list[float], pct: float) -> float:
    ordered = sorted(samples)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def median(samples: list[float]) -> float:
    return statistics.median(samples)


def fresh_context(directory: Path, name: str = "bench.sqlite3") -> Context:
    db = open_database(f"sqlite:///{directory / name}")
    migrate.upgrade(db)
    return Context(db=db, tz=ZoneInfo("Asia/Shanghai"), audit_key=secrets.token_bytes(32))


def open_bench_shift(ctx: Context, actor) -> int:  # type: ignore[no-untyped-def]
    """Open the clerk's shift (every sale belongs to one) and lift the drawer limits: a bench
    sells far more cash than any drawer may hold."""
    import uuid

    from app.domain.cash import count_of
    from app.policy import save_setting
    from app.services.shifts import OpenShiftRequest, open_shift

    with ctx.unit_of_work() as session:
        save_setting(session, "drawer_warn_limit_fen", 10**15)
        save_setting(session, "drawer_stop_limit_fen", 10**15)
        session.commit()
    return open_shift(
        ctx, actor, OpenShiftRequest(uuid.uuid4(), count_of(50000), "finance")
    ).shift_id
