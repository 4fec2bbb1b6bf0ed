"""Separate counter processes (or threads) for the concurrency tests, imported by spawn.

Every worker reports what each call did as a plain tuple: ("ok", ...), ("typed", class name,
user message) for a GasDeskError, or ("untyped", repr) for anything else, so the test can
assert that no clerk ever sees a system error.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import random
import threading
import time
import uuid
from functools import partial
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from app.context import Context
from app.domain.cards import CardReading
from app.domain.cash import count_of
from app.errors import GasDeskError
from app.services.actor import Actor
from app.services.card_writes import complete_card_write, settle_card
from app.services.credentials import Credential
from app.services.sales import PurchaseRequest, purchase
from app.services.shifts import (
    CashMoveRequest,
    CloseShiftRequest,
    CountRequest,
    HandoverRequest,
    OpenShiftRequest,
    close_shift,
    count_drawer,
    current_shift,
    expected_by_method,
    hand_over,
    move_cash,
    open_shift,
)
from app.vocabulary import CashMovementKind
from db.engine import open_database
from db.tables import card_writes
from tests.support import AUDIT_KEY, PASSWORD, terminals

SHANGHAI = ZoneInfo("Asia/Shanghai")


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


def outcome(call) -> tuple:  # type: ignore[no-untyped-def]
    """Run ``call()`` and say how it ended (never raises)."""
    try:
        return ("ok", _plain(call()))
    except GasDeskError as error:
        return ("typed", type(error).__name__, error.user_message)
    except Exception as error:  # the thing under test: any of these is a failure
        return ("untyped", repr(error))


def _plain(value: object) -> object:
    """A picklable summary of a service's answer: its id, amount or outcome."""
    for name in ("transaction_id", "outcome", "shift_id", "amount_fen"):
        if hasattr(value, name):
            return (name, getattr(value, name))
    return value


class RetryCounter(logging.Handler):
    """Counts the retries Context.transaction logs (deadlocks and serialization failures)."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.retries = 0

    def emit(self, record: logging.LogRecord) -> None:
        if record.getMessage().startswith("retrying after lost race"):
            self.retries += 1


def _watch_retries() -> RetryCounter:
    counter = RetryCounter()
    logger = logging.getLogger("app.context")
    logger.setLevel(logging.INFO)
    logger.addHandler(counter)
    return counter


def _latest_write(ctx: Context, account_id: int) -> int | None:
    """The transaction of the account's newest card write (the one the test left pending)."""
    with ctx.reading() as session:
        return (
            session.connection()
            .execute(
                select(func.max(card_writes.c.transaction_id)).where(
                    card_writes.c.account_id == account_id
                )
            )
            .scalar()
        )


def card_race(
    url: str | None,
    ctx: Context | None,
    when: dt.datetime,
    actor: tuple[int, int],
    serial: str,
    account_id: int,
    race: str,
    rounds: int,
    index: int,
    barrier,  # type: ignore[no-untyped-def]
    out,  # type: ignore[no-untyped-def]
) -> None:
    """One of two counters working on the same card at the same instant, round after round.

    ``race`` "sales": both sell onto the card with a card write (PENDING until settled).
    "settle" (the test has left one write pending): worker 0 confirms it as written while
    worker 1 settles it from a card read saying it did not land (a void). Results go to ``out``.
    """
    own = ctx is None
    if own:
        ctx = Context(db=open_database(url), clock=lambda: when, audit_key=AUDIT_KEY)
    try:
        for n in range(rounds):
            try:
                barrier.wait(120)
            except threading.BrokenBarrierError:  # the test saw the rule break and stopped
                return
            if race == "sales":
                request = PurchaseRequest(uuid.uuid4(), serial, volume=100, writes_card=True)
                result = outcome(partial(purchase, ctx, Actor(*actor), request))
            else:
                txn = _latest_write(ctx, account_id)
                if index == 0:
                    result = outcome(partial(complete_card_write, ctx, Actor(*actor), txn))
                else:
                    result = outcome(partial(_void_by_reading, ctx, actor, serial, txn))
            out.put((n, index, result))
            try:
                barrier.wait(120)  # the test checks and settles between rounds
            except threading.BrokenBarrierError:
                return
    finally:
        if own:
            ctx.db.dispose()


def _void_by_reading(ctx: Context, actor: tuple[int, int], serial: str, txn: int | None):  # type: ignore[no-untyped-def]
    with ctx.reading() as session:
        previous = (
            session.connection()
            .execute(
                select(card_writes.c.previous_count).where(card_writes.c.transaction_id == txn)
            )
            .scalar_one()
        )
    settled = settle_card(ctx, Actor(*actor), CardReading(serial, previous, 0, previous))
    return None if settled is None else settled.outcome


def _real_clock() -> dt.datetime:
    return dt.datetime.now(SHANGHAI)


def shift_writer(
    url: str,
    role: str,
    actor: tuple[int, int],
    cards: list[str],
    users: dict[str, int],
    seconds: float,
    seed: int,
    start_at: float,
    minimum: int = 0,
    closer_done: str | None = None,
    cap: float = 90.0,
) -> dict:
    """One process of the clerk for ``seconds``: selling, moving cash, handing over, or (role
    "closer") counting and closing the shift and opening the next one. Real clock: the test
    compares each row's time with its shift's close.

    A loaded machine does less in those seconds, so a process goes on until it has ``minimum``
    successes too (the closer: closes) and, but for the closer, until the closer has finished
    (the file ``closer_done`` exists): the race is as long as it needs to be, never past
    ``cap`` seconds."""
    ctx = Context(db=open_database(url), clock=_real_clock, audit_key=AUDIT_KEY)
    me = Actor(*actor)
    rng = random.Random(seed)
    retries = _watch_retries()
    results: list[tuple] = []
    time.sleep(max(0.0, start_at - time.time()))
    begun = time.time()

    def done() -> bool:
        elapsed = time.time() - begun
        if elapsed >= cap:
            return True
        if role == "closer":
            wins = sum(1 for r in results if r[0] == "ok" and isinstance(r[1], int))
        else:
            wins = sum(1 for r in results if r[0] == "ok")
        closer_finished = role == "closer" or closer_done is None or os.path.exists(closer_done)
        return elapsed >= seconds and wins >= minimum and closer_finished

    try:
        while not done():
            if role == "closer":
                results.append(outcome(lambda: _close_and_reopen(ctx, me, users, rng)))
                time.sleep(rng.uniform(0.0, 0.1))
                continue
            if role == "seller":
                request = PurchaseRequest(
                    uuid.uuid4(), rng.choice(cards), volume=rng.randint(1, 20) * 100
                )
                call = partial(purchase, ctx, me, request)
            else:  # "mover": cash in and out and hand-overs, often more than the drawer holds
                choice = rng.random()
                amount = rng.randint(1, 800) * 100
                if choice < 0.3:
                    move = CashMoveRequest(
                        uuid.uuid4(), CashMovementKind.CASH_IN, amount, "补充零钱"
                    )
                    call = partial(move_cash, ctx, me, move)
                elif choice < 0.65:
                    move = CashMoveRequest(uuid.uuid4(), CashMovementKind.CASH_OUT, amount, "支出")
                    call = partial(move_cash, ctx, me, move)
                else:
                    receiver = Credential(users["zhaomin"], PASSWORD)
                    handover = HandoverRequest(uuid.uuid4(), count_of(amount), receiver)
                    call = partial(hand_over, ctx, me, handover)
            results.append(outcome(call))
            time.sleep(rng.uniform(0.0, 0.08))  # idle moments, in which a count and close fit
    finally:
        if role == "closer" and closer_done is not None:
            open(closer_done, "w").close()
        ctx.db.dispose()
    return {"role": role, "results": results, "retries": retries.retries}


def current_shift_counted(ctx: Context, me: Actor) -> bool:
    from app.services.shifts import shift_desk

    return shift_desk(ctx, me).counted


def _close_and_reopen(ctx: Context, me: Actor, users: dict[str, int], rng: random.Random):  # type: ignore[no-untyped-def]
    """Count what the rows say (or a little less), close, and open the next shift."""
    shift = current_shift(ctx, me)
    if shift is None:
        return open_shift(ctx, me, OpenShiftRequest(uuid.uuid4(), count_of(50000), "finance"))
    with ctx.reading() as session:
        expected = expected_by_method(session, shift.shift_id)["cash"]
    counted = max(0, expected - (100 if rng.random() < 0.3 else 0))  # sometimes 1.00 short
    signer = Credential(users["zhoujie"], PASSWORD)
    # a count refused by a close that lost the race is redone: after the reveal, 班长 approves
    approval = signer if current_shift_counted(ctx, me) else None
    count_drawer(ctx, me, CountRequest(uuid.uuid4(), count_of(counted), terminals(), approval))
    closed = close_shift(ctx, me, CloseShiftRequest(uuid.uuid4(), "清点差额", signer))
    open_shift(ctx, me, OpenShiftRequest(uuid.uuid4(), count_of(50000), "finance"))
    return closed.shift_id


def drawer_withdrawals(
    url: str, actor: tuple[int, int], users: dict[str, int], tries: int, start_at: float
) -> list[tuple]:
    """Take 100.00 out of the same drawer ``tries`` times, by cash out and hand-over in turn."""
    ctx = Context(db=open_database(url), clock=_real_clock, audit_key=AUDIT_KEY)
    me = Actor(*actor)
    results = []
    time.sleep(max(0.0, start_at - time.time()))
    try:
        for n in range(tries):
            if n % 2:
                move = CashMoveRequest(uuid.uuid4(), CashMovementKind.CASH_OUT, 10000, "支出")
                results.append(outcome(partial(move_cash, ctx, me, move)))
            else:
                receiver = Credential(users["zhaomin"], PASSWORD)
                req = HandoverRequest(uuid.uuid4(), count_of(10000), receiver)
                results.append(outcome(partial(hand_over, ctx, me, req)))
    finally:
        ctx.db.dispose()
    return results
