"""Writing a counter transaction: its gapless receipt number, its row with the tier segments and
approvals, its audit entry, and the card write it leaves PENDING."""

from __future__ import annotations

import datetime as dt
import uuid
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy import Connection, ScalarSelect, bindparam, insert, literal, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from app.context import Context
from app.domain.pricing import Segment
from app.services import audit
from app.services.actor import OnDuty, require_shift
from app.services.cash_checks import refuse_negative_cash
from app.services.locks import CardAccount, require_locked
from app.services.security import Approved
from app.services.unit_of_work import Earlier, submitted_in
from app.vocabulary import PaymentMethod, TransactionKind
from db.engine import connection_of
from db.tables import (
    approvals_table,
    card_writes,
    halls,
    segments_table,
    sequences,
    transactions,
)

R = TypeVar("R")

_NEXT = (
    update(sequences)
    .where(sequences.c.name == bindparam("seq_name"))
    .values(last_value=sequences.c.last_value + 1)
    .returning(sequences.c.last_value)
)


def next_number(session: Session, name: str) -> int:
    """Take the next value of a gapless sequence inside the caller's transaction.

    The UPDATE takes a row lock (PostgreSQL) or runs under the write lock (SQLite), so
    concurrent counters get consecutive numbers and a rolled-back sale returns its number.
    """
    conn = connection_of(session)
    value = conn.execute(_NEXT, {"seq_name": name}).scalar()
    if value is None:  # first number of this sequence: create it (a racing counter may too)
        upsert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
        conn.execute(upsert(sequences).values(name=name, last_value=0).on_conflict_do_nothing())
        value = conn.execute(_NEXT, {"seq_name": name}).scalar_one()
    return value


def receipt_counter(hall_code: str, year: int) -> str:
    """The name of a hall's receipt counter for one year (``number_sequences``)."""
    return f"receipt:{hall_code}:{year}"


def last_receipt_column() -> ScalarSelect[int]:
    """The hall's last receipt number of the year, for a read that joins ``halls`` (the year as
    the ``receipt_suffix`` parameter, ``receipt_suffix(today)``): a sale reads it with
    everything else it decides on, under SQLite's write lock."""
    name = literal("receipt:") + halls.c.code + bindparam("receipt_suffix")
    return select(sequences.c.last_value).where(sequences.c.name == name).scalar_subquery()


def receipt_suffix(today: dt.date) -> str:
    return f":{today.year}"


_LAST_RECEIPT = select(sequences.c.last_value).where(sequences.c.name == bindparam("seq_name"))
_LAST_RECEIPT_LOCKED = _LAST_RECEIPT.with_for_update()


def last_receipt(session: Session, name: str) -> int:
    """The last receipt number a hall's counter handed out (0: none yet), under its lock.

    The counter moves on by itself when the transaction taking the next number is inserted
    (migration 0008's trigger, which also refuses any other number). PostgreSQL: the counter's
    row lock queues concurrent counters of the hall; SQLite: the write transaction does.
    """
    conn = connection_of(session)
    if conn.dialect.name != "postgresql":
        return conn.execute(_LAST_RECEIPT, {"seq_name": name}).scalar() or 0
    value = conn.execute(_LAST_RECEIPT_LOCKED, {"seq_name": name}).scalar()
    if value is None:  # the hall's first receipt of the year: create the counter to lock it
        conn.execute(pg_insert(sequences).values(name=name, last_value=0).on_conflict_do_nothing())
        value = conn.execute(_LAST_RECEIPT_LOCKED, {"seq_name": name}).scalar_one()
    return value


_numbering_engines: weakref.WeakSet = weakref.WeakSet()  # type: ignore[type-arg]


def numbered_by_database(conn: Connection) -> bool:
    """True once the database moves receipt counters on by itself (migration 0008's trigger);
    before that (a schema not yet upgraded) the writer takes its number with an UPDATE."""
    if conn.engine in _numbering_engines:
        return True
    if conn.dialect.name == "sqlite":
        query = "SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND name = ?"
    else:
        query = "SELECT 1 FROM pg_trigger WHERE tgname = %s"
    found = conn.exec_driver_sql(query, ("counter_transactions_numbered",)).first() is not None
    if found:
        _numbering_engines.add(conn.engine)
    return found


@dataclass(frozen=True)
class Recorded:
    """What inserting a transaction fixed: its id, receipt number and time."""

    id: int
    receipt_no: str
    created_at: dt.datetime


# built once (their cache keys then computed once), not on every sale
_INSERT_TRANSACTION = insert(transactions).returning(transactions.c.id)
_INSERT_SEGMENTS = insert(segments_table)
_INSERT_APPROVALS = insert(approvals_table)
_INSERT_CARD_WRITE = insert(card_writes)


def record_transaction(
    session: Session,
    ctx: Context,
    on_duty: OnDuty,
    *,
    request_id: uuid.UUID,
    kind: TransactionKind,
    account_id: int,
    segments: Sequence[tuple[dt.date, Segment]] = (),
    approvals: Sequence[Approved] = (),
    last_receipt_seq: int | None = None,
    **values: object,
) -> Recorded:
    """Insert a counter transaction with its receipt number, segments and approvals, in the
    actor's open shift. Money is paid in cash unless ``payment_method`` says otherwise.

    ``last_receipt_seq``: the hall's last receipt number as the caller's read under the write
    lock saw it (``last_receipt_column``; SQLite, the sale); otherwise it is read here."""
    shift_id = require_shift(on_duty)
    require_locked(session, "shift", shift_id)  # taken first, before the account
    if values.get("amount_fen"):
        values.setdefault("payment_method", PaymentMethod.CASH)
    else:
        values["payment_method"] = values["payment_ref"] = None
    session.flush()  # ORM changes made by the caller go first, in this same transaction
    conn: Connection = connection_of(session)
    now = ctx.now()
    today = ctx.today()
    counter = receipt_counter(on_duty.hall_code, today.year)
    if not numbered_by_database(conn):
        seq = next_number(session, counter)
    else:
        if last_receipt_seq is None:
            last_receipt_seq = last_receipt(session, counter)
        seq = last_receipt_seq + 1
    receipt_no = f"{on_duty.hall_code}-{today.year}-{seq:06d}"
    row = {
        "request_id": request_id,
        "kind": kind,
        "hall_id": on_duty.hall_id,
        "counter_id": on_duty.counter_id,
        "operator_id": on_duty.user_id,
        "account_id": account_id,
        "created_at": now,
        "business_date": today,
        "receipt_year": today.year,
        "receipt_seq": seq,
        "receipt_no": receipt_no,
        "shift_id": shift_id,
        "amount_fen": 0,
        "volume": 0,
        **values,
    }
    txn_id = conn.execute(_INSERT_TRANSACTION, row).scalar_one()
    if segments:
        conn.execute(  # one statement for every segment (compiled once, cached)
            _INSERT_SEGMENTS,
            [
                {
                    "transaction_id": txn_id,
                    "account_id": account_id,
                    "ladder_year": year,
                    "tier": s.tier,
                    "volume": s.volume,
                    "price_fen": s.price_fen,
                    "amount_fen": s.amount_fen,
                }
                for year, s in segments
            ],
        )
    if approvals:
        conn.execute(
            _INSERT_APPROVALS,
            [
                {
                    "transaction_id": txn_id,
                    "approver_id": a.approver_id,
                    "role": a.role,
                    "reason": a.reason,
                    "approved_at": now,
                }
                for a in approvals
            ],
        )
    audit.record(
        session,
        ctx,
        audit.Event(
            kind,
            on_duty.user_id,
            on_duty.counter_id,
            on_duty.hall_id,
            data={"approvers": [[a.approver_id, a.role] for a in approvals]},
        ),
        row=(transactions.name, txn_id),
        figures=row,  # the values just inserted: no need to read the row back
    )
    if (
        row["payment_method"] == PaymentMethod.CASH and row["amount_fen"] < 0
    ):  # cash paid out of the drawer
        refuse_negative_cash(session, shift_id=shift_id)
    return Recorded(txn_id, receipt_no, now)


def record_card_write(
    session: Session,
    ctx: Context,
    txn_id: int,
    card: CardAccount,
    target_count: int,
    *,
    previous_volume: int | None = None,
    target_volume: int | None = None,
) -> None:
    """Mark the transaction's card write PENDING (committed before the card is touched), with
    the count and gas the card holds before it and is to hold after it."""
    connection_of(session).execute(
        _INSERT_CARD_WRITE,
        {
            "transaction_id": txn_id,
            "account_id": card.account_id,
            "card_id": card.card_id,
            "previous_count": card.purchase_count,
            "target_count": target_count,
            "created_at": ctx.now(),
            "previous_volume": previous_volume,
            "target_volume": target_volume,
        },
    )


def earlier_transaction(kind: TransactionKind, replay: Callable[[Session, int], R]) -> Earlier[R]:
    """How a counter operation of ``kind`` finds and replays an earlier submit of its request."""
    return Earlier(submitted_in(transactions.c.request_id, kind=kind), replay)
