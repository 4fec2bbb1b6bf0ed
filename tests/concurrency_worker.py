"""A separate counter process for the concurrency tests (imported by multiprocessing spawn)."""

from __future__ import annotations

import datetime as dt
import random
import time
import uuid

from app.context import Context
from app.services.common import Actor
from app.services.sales import PurchaseRequest, purchase
from db.engine import open_database
from tests.support import AUDIT_KEY


def sell(
    url: str,
    when: dt.datetime,
    actor: tuple[int, int],
    cards: list[str],
    sales: int,
    seed: int,
    start_at: float,
):
    """Make ``sales`` purchases on random shared cards; return (txn id, card, volume, receipt)."""
    db = open_database(url)
    ctx = Context(db=db, clock=lambda: when, audit_key=AUDIT_KEY)
    rng = random.Random(seed)
    done = []
    time.sleep(max(0.0, start_at - time.time()))  # all counters start selling together
    try:
        for _ in range(sales):
            card = rng.choice(cards)
            if rng.random() < 0.3:
                request = PurchaseRequest(uuid.uuid4(), card, amount_fen=rng.randint(5000, 20000))
            else:
                request = PurchaseRequest(uuid.uuid4(), card, volume=rng.randint(10, 60) * 100)
            result = purchase(ctx, Actor(*actor), request)
            done.append(
                (result.transaction_id, card, result.volume, result.amount_fen, result.receipt_no)
            )
    finally:
        db.dispose()
    return done
