"""Lost races for locks are retried inside Context.transaction and never reach the clerk as a
system error (issue 11, item 5).

A real deadlock on PostgreSQL (two transactions locking two rows in opposite orders) is
retried and both finish; a race that keeps being lost ends as the typed ``Contended`` with its
Chinese message, which the counter shows as such; SQLite's busy timeout is typed, not retried.
"""

from __future__ import annotations

import logging
import threading
import uuid

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from app.context import CONTENDED_MESSAGE, Context
from app.errors import Contended, GasDeskError
from app.services.ledger import earlier_transaction
from app.services.unit_of_work import run_once
from app.vocabulary import TransactionKind
from tests.support import AUDIT_KEY, buy, open_customer


class _PgError(Exception):
    def __init__(self, sqlstate: str):
        super().__init__(f"sqlstate {sqlstate}")
        self.sqlstate = sqlstate


def _lost(sqlstate: str | None = None, message: str = "deadlock detected") -> OperationalError:
    orig = _PgError(sqlstate) if sqlstate else Exception(message)
    return OperationalError("SELECT 1", {}, orig)


def test_a_race_lost_every_time_ends_as_a_typed_conflict_after_bounded_retries(hall):
    tries = []

    def work(session):
        tries.append(1)
        session.execute(text("SELECT 1"))
        raise _lost("40P01")

    with pytest.raises(Contended) as error:
        hall.ctx.transaction(work, attempts=3)
    assert len(tries) == 3  # retried, and bounded
    assert error.value.user_message == CONTENDED_MESSAGE
    assert isinstance(error.value, GasDeskError)  # the UI's error_text shows its message


def test_a_serialization_failure_is_retried_and_the_second_try_commits(hall):
    tries = []

    def work(session):
        tries.append(1)
        if len(tries) == 1:
            raise _lost("40001")
        return "done"

    assert hall.ctx.transaction(work) == "done"
    assert len(tries) == 2


def test_a_busy_sqlite_database_is_typed_but_not_waited_for_again(hall):
    tries = []

    def work(session):
        tries.append(1)
        raise _lost(message="database is locked")

    with pytest.raises(Contended):
        hall.ctx.transaction(work)
    assert len(tries) == 1  # its 30 s busy timeout already passed: no second wait


def test_a_retried_request_still_runs_once(hall):
    """A deadlock after the work: the retry starts again and books the request once."""
    zhang = open_customer(hall)
    request_id = uuid.uuid4()
    tries = []

    def work(session):
        tries.append(1)
        session.execute(
            text("INSERT INTO number_sequences (name, last_value) VALUES (:n, 0)"),
            {"n": f"probe-{len(tries)}"},
        )
        if len(tries) == 1:
            raise _lost("40P01")
        return "booked"

    earlier = earlier_transaction(TransactionKind.PURCHASE, lambda s, i: "replayed")
    assert run_once(hall.ctx, request_id, earlier, work) == "booked"
    assert len(tries) == 2
    with hall.ctx.reading() as s:  # the first try's write was rolled back
        names = s.execute(text("SELECT name FROM number_sequences WHERE name LIKE 'probe-%'"))
        assert [n for (n,) in names] == ["probe-2"]
    buy(hall, zhang.card_serial, volume=100)  # and nothing else is disturbed


class _Retries(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += record.getMessage().startswith("retrying after lost race")


@pytest.mark.parametrize("backend", [pytest.param("postgres", marks=pytest.mark.postgres)])
def test_a_real_deadlock_on_postgresql_is_retried_and_both_finish(hall, database):
    """Two transactions lock two counters' rows in opposite orders, meeting in the middle:
    PostgreSQL kills one as a deadlock, its retry finishes after the other commits."""
    barrier = threading.Barrier(2)
    watch = _Retries()
    logger = logging.getLogger("app.context")
    logger.setLevel(logging.INFO)
    logger.addHandler(watch)
    lock = text("SELECT id FROM counters WHERE id = :id FOR UPDATE")
    done, errors = [], []

    def worker(first: int, second: int) -> None:
        ctx = Context(db=database, clock=hall.clock, audit_key=AUDIT_KEY)
        tries = []

        def work(session):
            tries.append(1)
            session.execute(lock, {"id": first})
            if len(tries) == 1:
                barrier.wait(30)  # both hold their first row now
            session.execute(lock, {"id": second})
            return first

        try:
            done.append(ctx.transaction(work))
        except Exception as error:
            errors.append(error)

    threads = [
        threading.Thread(target=worker, args=(hall.counter_id, hall.counter2_id)),
        threading.Thread(target=worker, args=(hall.counter2_id, hall.counter_id)),
    ]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
    finally:
        logger.removeHandler(watch)
    assert errors == []
    assert sorted(done) == sorted([hall.counter_id, hall.counter2_id])
    assert watch.count == 1  # exactly the deadlock's victim ran again


def test_the_counter_shows_a_lost_race_as_its_message_not_as_a_system_error():
    from ui.base import error_text

    text = error_text(Contended(CONTENDED_MESSAGE, "deadlock", retry=True))
    assert text == CONTENDED_MESSAGE and "系统错误" not in text
