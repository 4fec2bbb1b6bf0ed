"""Writing a counter transaction: its gapless receipt number, its row with the tier segments and
approvals, its audit entry, and the card write it leaves PENDING."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy import Connection, bindparam, insert, update
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
from db.tables import approvals_table, card_writes, segments_table, sequences, transactions

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
    conn = session.connection()
    value = conn.execute(_NEXT, {"seq_name": name}).scalar()
    if value is None:  # first number of this sequence: create it (a racing counter may too)
        upsert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
        conn.execute(upsert(sequences).values(name=name, last_value=0).on_conflict_do_nothing())
        value = conn.execute(_NEXT, {"seq_name": name}).scalar_one()
    return value


@dataclass(frozen=True)
class Recorded:
    """What inserting a transaction fixed: its id, receipt number and time."""

    id: int
    receipt_no: str
    created_at: dt.datetime


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
    **values: object,
) -> Recorded:
    """Insert a counter transaction with its receipt number, segments and approvals, in the
    actor's open shift. Money is paid in cash unless ``payment_method`` says otherwise."""
    shift_id = require_shift(on_duty)
    require_locked(session, "shift", shift_id)  # taken first, before the account
    if values.get("amount_fen"):
        values.setdefault("payment_method", PaymentMethod.CASH)
    else:
        values["payment_method"] = values["payment_ref"] = None
    session.flush()  # ORM changes made by the caller go first, in this same transaction
    conn: Connection = session.connection()
    now = ctx.now()
    today = ctx.today()
    seq = next_number(session, f"receipt:{on_duty.hall_code}:{today.year}")
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
    txn_id = conn.execute(insert(transactions).returning(transactions.c.id), row).scalar_one()
    if segments:
        conn.execute(  # one statement for every segment (compiled once, cached)
            insert(segments_table),
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
            insert(approvals_table),
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
    session: Session, ctx: Context, txn_id: int, card: CardAccount, target_count: int
) -> None:
    """Mark the transaction's card write PENDING (committed before the card is touched)."""
    session.connection().execute(
        insert(card_writes),
        {
            "transaction_id": txn_id,
            "account_id": card.account_id,
            "card_id": card.card_id,
            "previous_count": card.purchase_count,
            "target_count": target_count,
            "created_at": ctx.now(),
        },
    )


def earlier_transaction(kind: TransactionKind, replay: Callable[[Session, int], R]) -> Earlier[R]:
    """How a counter operation of ``kind`` finds and replays an earlier submit of its request."""
    return Earlier(submitted_in(transactions.c.request_id, kind=kind), replay)
