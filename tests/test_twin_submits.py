"""PostgreSQL: one request submitted twice at once, and locks that must not stall the hall
(issue 11, items 4 and 5, review of the merged locking paths).

A retried submit (same request id) racing the first must get the first's result, never a
refusal the first's commit made true (a pending card write, a closed shift, an open shift).
The test holds the row the operation locks first, so that both submits are in flight before
either can finish, then lets them go.
"""

from __future__ import annotations

import threading
import time
import uuid

import pytest
from sqlalchemy import text

from app.domain.cash import count_of
from app.errors import GasDeskError
from app.services.cash_checks import drawer_cash
from app.services.credentials import Credential
from app.services.locks import lock_safe
from app.services.sales import PurchaseRequest, purchase
from app.services.shifts import (
    CashMoveRequest,
    CloseShiftRequest,
    CountRequest,
    HandoverRequest,
    OpenShiftRequest,
    close_shift,
    count_drawer,
    hand_over,
)
from app.vocabulary import CashMovementKind
from tests.processes import processes
from tests.support import open_customer, terminals
from tests.twin_worker import submit

POSTGRES = [pytest.param("postgres", marks=pytest.mark.postgres)]
WAIT = 60  # seconds: a bound for a process to start and reach its lock, never a speed check

_WAITING = text(
    "SELECT count(*) FROM pg_stat_activity"
    " WHERE datname = current_database() AND wait_event_type = 'Lock'"
)


def _waiting(database) -> int:
    """How many sessions of this database wait for a lock right now."""
    with database.engine.connect() as conn:
        return conn.execute(_WAITING).scalar_one()


def _until(condition, what: str) -> None:
    deadline = time.monotonic() + WAIT
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.05)


def _race(hall, database, submits: list[tuple], hold: str, key: object) -> list[tuple]:
    """Run each (actor, "module:function", request) of ``submits`` in a process of its own
    while the test holds ``hold`` (a row lock), wait until every one waits for a lock, release,
    and return the answers in the order of ``submits``."""
    when = hall.clock()
    queues = [processes.Queue() for _ in submits]
    with database.engine.connect() as conn:
        tx = conn.begin()
        conn.execute(text(hold), {"id": key})
        workers = [
            processes.Process(target=submit, args=(database.url, when, *job, out))
            for job, out in zip(submits, queues, strict=True)
        ]
        for worker in workers:
            worker.start()
        try:  # a submit answering while the row is held did not need it: that is its answer
            _until(
                lambda: _waiting(database) >= len(submits) or any(not q.empty() for q in queues),
                "every submit in flight",
            )
        finally:
            tx.rollback()
    answers = [out.get(timeout=WAIT) for out in queues]
    for worker in workers:
        worker.join(WAIT)
    return answers


def _twins(hall, database, actor, call: str, request, hold: str, key: object) -> list[tuple]:
    """The same request from two processes at once (see ``_race``)."""
    return _race(hall, database, [(actor, call, request)] * 2, hold, key)


SHIFT_ROW = "SELECT id FROM shifts WHERE id = :id FOR UPDATE"
HALL_ROW = "SELECT id FROM halls WHERE id = :id FOR UPDATE"


def _lina(hall) -> tuple[int, int]:
    return (hall.users["lina"], hall.counter_id)


def _same_result_twice(answers: list[tuple]) -> None:
    assert [a[0] for a in answers] == ["ok", "ok"], answers
    assert answers[0][1] == answers[1][1]  # the second submit got the first's result


@pytest.mark.parametrize("backend", POSTGRES)
def test_a_sale_with_a_card_write_submitted_twice_at_once_answers_twice_alike(hall, database):
    zhang = open_customer(hall)
    request = PurchaseRequest(uuid.uuid4(), zhang.card_serial, volume=100, writes_card=True)
    answers = _twins(
        hall,
        database,
        _lina(hall),
        "app.services.sales:purchase",
        request,
        SHIFT_ROW,
        hall.shifts["lina"],
    )
    _same_result_twice(answers)
    with database.engine.connect() as conn:
        booked = conn.execute(
            text("SELECT count(*) FROM counter_transactions WHERE request_id = :r"),
            {"r": request.request_id},
        ).scalar_one()
    assert booked == 1


def _counted(hall) -> None:
    """Lina's drawer counted as it is: her shift can be closed without a sign-off."""
    with hall.ctx.reading() as s:
        cash = drawer_cash(s, hall.shifts["lina"])
    count_drawer(hall.ctx, hall.clerk, CountRequest(uuid.uuid4(), count_of(cash), terminals()))


@pytest.mark.parametrize("backend", POSTGRES)
def test_a_shift_close_submitted_twice_at_once_answers_twice_alike(hall, database):
    _counted(hall)
    request = CloseShiftRequest(uuid.uuid4())
    answers = _twins(
        hall,
        database,
        _lina(hall),
        "app.services.shifts:close_shift",
        request,
        SHIFT_ROW,
        hall.shifts["lina"],
    )
    _same_result_twice(answers)


@pytest.mark.parametrize("backend", POSTGRES)
def test_a_shift_open_from_the_safe_submitted_twice_at_once_answers_twice_alike(hall, database):
    _counted(hall)
    close_shift(hall.ctx, hall.clerk, CloseShiftRequest(uuid.uuid4()))  # 500.00 into the safe
    request = OpenShiftRequest(uuid.uuid4(), count_of(30000), "safe")
    answers = _twins(
        hall,
        database,
        _lina(hall),
        "app.services.shifts:open_shift",
        request,
        HALL_ROW,
        hall.hall_id,
    )
    _same_result_twice(answers)


@pytest.mark.parametrize("backend", POSTGRES)
@pytest.mark.parametrize("call", ["count", "cash_out", "hand_over"])
def test_shift_writers_submitted_twice_at_once_answer_twice_alike(hall, database, call):
    requests = {
        "count": (
            "app.services.shifts:count_drawer",
            CountRequest(uuid.uuid4(), count_of(50000), terminals()),
        ),
        "cash_out": (
            "app.services.shifts:move_cash",
            CashMoveRequest(uuid.uuid4(), CashMovementKind.CASH_OUT, 1000, "找零"),
        ),
        "hand_over": (
            "app.services.shifts:hand_over",
            HandoverRequest(uuid.uuid4(), count_of(20000), hall.credential("zhaomin")),
        ),
    }
    name, request = requests[call]
    answers = _twins(hall, database, _lina(hall), name, request, SHIFT_ROW, hall.shifts["lina"])
    _same_result_twice(answers)


# ------------------------------------------------------------ locks that must not stall others


def _runs_while_held(database, work) -> tuple[threading.Thread, bool]:
    """Start ``work`` in a thread; return it once ``work`` finished or waits for a lock, and
    whether it waits (the holder would keep it waiting until the holder commits)."""
    done: list[bool] = []

    def run() -> None:
        try:
            work()
        finally:
            done.append(True)

    thread = threading.Thread(target=run)
    thread.start()
    _until(lambda: done or _waiting(database) > 0, "the work finished or waited")
    return thread, not done and _waiting(database) > 0


def _hold_and_run(hall, database, lock, work):
    """Hold ``lock(session)`` in an open transaction while ``work()`` runs in a thread."""
    with hall.ctx.unit_of_work() as session:
        lock(session)
        thread, waited = _runs_while_held(database, work)
        session.rollback()  # lets a waiting ``work`` go on, so the thread can end
    thread.join(WAIT)
    return waited


@pytest.mark.parametrize("backend", POSTGRES)
def test_a_sale_completes_while_a_safe_hand_over_holds_the_safe(hall, database):
    zhang = open_customer(hall)
    sold: list = []

    def sale():
        sold.append(
            purchase(hall.ctx, hall.clerk, PurchaseRequest(uuid.uuid4(), zhang.card_serial, 100))
        )

    waited = _hold_and_run(hall, database, lambda s: lock_safe(s, hall.hall_id), sale)
    assert not waited  # the safe's lock (its hall row) does not stop the hall's sales
    assert len(sold) == 1


@pytest.mark.parametrize("backend", POSTGRES)
def test_a_hand_over_checks_the_finance_password_before_it_waits_for_the_safe(hall, database):
    refused: list = []
    request = HandoverRequest(
        uuid.uuid4(), count_of(100), Credential(hall.users["zhaomin"], "wrong-password"), "safe"
    )

    def give():
        try:
            hand_over(hall.ctx, hall.clerk, request)
        except GasDeskError as error:
            refused.append(error)

    waited = _hold_and_run(hall, database, lambda s: lock_safe(s, hall.hall_id), give)
    assert not waited  # a wrong password is answered without holding up the safe
    assert len(refused) == 1
