"""The cost of the purchase-limit and safety-hold checks per purchase.

The checks run in every sale, configured or not, so their cost is measured on their own: the
sale's one read with the limit and inspection columns against the same read without them, plus
the decisions taken on them (``limit_of``, ``inspection_of``, ``check_sale``), in a hall with
limits per class, accounts' own limits and inspection histories. The note also gives purchase()
in that hall against one without any, interleaved in the same run."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path

from app.demo import seed_hall
from app.domain.limits import ClassLimits, LimitBand
from app.domain.money import VOLUME_SCALE
from app.policy import load_policy, save_class_limits
from app.services.actor import Actor, resolve_actor
from app.services.limits import check_sale, inspection_of, limit_of
from app.services.sales import PurchaseRequest, purchase, sale_params, sale_read
from app.vocabulary import CustomerKind, InspectionResult, InspectionSource
from bench.common import Metric, fresh_context, median, open_bench_shift, timed
from bench.core import _bulk_accounts
from db.engine import connection_of
from db.tables import account_limits, inspections

ACCOUNTS = 200
LIMITS = ClassLimits(
    (
        LimitBand(CustomerKind.RESIDENTIAL, 10**6 * VOLUME_SCALE),
        LimitBand(CustomerKind.COMMERCIAL, 10**6 * VOLUME_SCALE, 0),
        LimitBand(CustomerKind.COMMERCIAL, 10**7 * VOLUME_SCALE, 1000),
    )
)


def _hall(directory: Path, name: str, configured: bool):  # type: ignore[no-untyped-def]
    ctx = fresh_context(directory, name)
    _, counters, users = seed_hall(ctx)
    actor = Actor(users["lina"], counters[0])
    cards = _bulk_accounts(ctx, ACCOUNTS, seed=7)
    open_bench_shift(ctx, actor)
    if configured:
        now = ctx.now()
        with ctx.unit_of_work() as session:
            save_class_limits(session, LIMITS)
            history = []
            for account_id in range(1, ACCOUNTS + 1):
                # passed, a hazard, passed again: no hold, three rows to look through
                for year, result in ((2022, "passed"), (2024, "hazard"), (2025, "passed")):
                    history.append(
                        {
                            "request_id": uuid.uuid4(),
                            "account_id": account_id,
                            "inspected_on": dt.date(year, 6, 1),
                            "result": InspectionResult(result),
                            "inspector": "bench",
                            "source": InspectionSource.IMPORT,
                            "recorded_by": users["lina"],
                            "recorded_at": now,
                        }
                    )
            session.execute(inspections.insert(), history)
            own = [
                {
                    "account_id": account_id,
                    "volume": 10**6 * VOLUME_SCALE,
                    "reason": "bench",
                    "set_by": users["lina"],
                    "set_at": now,
                }
                for account_id in range(1, ACCOUNTS + 1, 2)
            ]
            session.execute(account_limits.insert(), own)
            session.commit()
    return ctx, actor, cards


def _checks_cost(hall, rounds: int) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """Median ms the limit and inspection columns add to the sale's read, and median ms of the
    decisions on them, over the hall's accounts (read only: nothing is sold)."""
    ctx, actor, cards = hall
    with_checks, without = sale_read("sqlite", False), sale_read("sqlite", False, checks=False)
    today = ctx.today()
    extra_read: list[float] = []
    deciding: list[float] = []
    with ctx.reading() as session:
        conn = connection_of(session)
        on_duty = resolve_actor(session, actor)
        policy = load_policy(session)
        for i in range(rounds):
            card = cards[i % len(cards)]
            params = sale_params(actor, PurchaseRequest(uuid.uuid4(), card, 100), card, today)
            plain = timed(lambda p=params: conn.execute(without, p).one())
            rows: list = []  # type: ignore[type-arg]
            checked = timed(lambda p=params, r=rows: r.append(conn.execute(with_checks, p).one()))
            extra_read.append(checked - plain)
            read = rows[0]

            def decide(read=read) -> None:  # type: ignore[no-untyped-def]
                limit = limit_of(read, read.kind, policy, today)
                inspection = inspection_of(read, ctx, policy, today)
                check_sale(session, on_duty, limit, inspection, 100, None)

            deciding.append(timed(decide))
    return median(extra_read) * 1e3, median(deciding) * 1e3


def limit_check_ms(directory: Path, quick: bool) -> list[Metric]:
    """The checks' own cost per purchase: their columns in the sale's read plus the decisions
    on them; with purchase() configured against plain in the note."""
    plain = _hall(directory, "plain.sqlite3", configured=False)
    limited = _hall(directory, "limited.sqlite3", configured=True)
    rounds = 300 if quick else 2000

    def sale(hall, i: int) -> None:  # type: ignore[no-untyped-def]
        ctx, actor, cards = hall
        purchase(ctx, actor, PurchaseRequest(uuid.uuid4(), cards[i % len(cards)], volume=100))

    for i in range(20):  # warm up caches and the connection pools
        sale(plain, i)
        sale(limited, i)
    without: list[float] = []
    with_checks: list[float] = []
    for i in range(rounds):  # interleaved, so drift on the machine hits both alike
        without.append(timed(lambda i=i: sale(plain, i)))
        with_checks.append(timed(lambda i=i: sale(limited, i)))
    read_ms, decide_ms = _checks_cost(limited, rounds)
    for ctx, _, _ in (plain, limited):
        ctx.db.dispose()
    sale_ms = median(with_checks) * 1e3
    share = (read_ms + decide_ms) / sale_ms * 100
    return [
        Metric(
            "limit_check_ms",
            round(read_ms + decide_ms, 3),
            "ms",
            "reported",
            f"{read_ms:.3f} ms in the sale's read + {decide_ms:.3f} ms deciding = {share:.1f}% "
            f"of a {sale_ms:.2f} ms purchase with class and own limits and 3 inspections per "
            f"account ({median(without) * 1e3:.2f} ms in a hall without; medians of {rounds})",
        )
    ]
