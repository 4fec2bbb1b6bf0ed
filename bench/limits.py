"""The cost of the purchase-limit and safety-hold checks: purchase() in a hall with limits per
class, accounts' own limits and inspection histories against the same sale in a hall without
any, interleaved in one run."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path

from app.demo import seed_hall
from app.domain.limits import ClassLimits, LimitBand
from app.domain.money import VOLUME_SCALE
from app.policy import save_class_limits
from app.services.actor import Actor
from app.services.sales import PurchaseRequest, purchase
from app.vocabulary import CustomerKind, InspectionResult, InspectionSource
from bench.common import Metric, fresh_context, median, open_bench_shift, timed
from bench.core import _bulk_accounts
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


def limit_check_ms(directory: Path, quick: bool) -> list[Metric]:
    """Median purchase() with limits and holds configured minus the median without."""
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
    for ctx, _, _ in (plain, limited):
        ctx.db.dispose()
    extra = (median(with_checks) - median(without)) * 1e3
    return [
        Metric(
            "limit_check_ms",
            round(extra, 3),
            "ms",
            "reported",
            f"purchase {median(with_checks) * 1e3:.2f} ms with class and own limits and 3 "
            f"inspections per account vs {median(without) * 1e3:.2f} ms without "
            f"(medians of {rounds}, interleaved)",
        )
    ]
