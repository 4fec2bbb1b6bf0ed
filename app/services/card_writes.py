"""Settling card writes: the crash-safe half of a sale (docs/sale-protocol.md).

A purchase, supplement or refund that writes the card is committed first with a PENDING card
write. After the write has been read back and verified, ``complete_card_write`` records it
completed. If anything failed, or the process died, the next read of that card decides it with
``settle_card``: the card's purchase count and gas are the write's target (or the gas was since
taken by the meter) → completed; they are as before the write → voided, and a void row
reverses the money, gas and tier usage (the clerk gives back the cash of a voided sale). A
card is never written twice for one sale.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass

from sqlalchemy import bindparam, insert, select
from sqlalchemy.orm import Session

from app.context import Context
from app.domain.cards import CardReading, write_landed
from app.errors import NotFound, RuleViolation
from app.services import audit
from app.services.actor import Actor, OnDuty, resolve_actor
from app.services.boundary import service
from app.services.locks import card_and_account, lock_account, lock_open_shift
from app.services.sales import SaleResult, record_negation, sale_result, step_purchase_count
from app.vocabulary import CardWriteOutcome, TransactionKind
from db.tables import card_write_outcomes, card_writes, transactions

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Settlement:
    """How a pending card write ended."""

    outcome: str  # completed / voided
    sale: SaleResult  # the transaction that wrote (or tried to write) the card
    void: SaleResult | None  # the reversing row of a voided sale


_PENDING = (
    select(card_writes)
    .where(
        card_writes.c.id.not_in(select(card_write_outcomes.c.card_write_id)),
        card_writes.c.account_id == bindparam("account_id"),
    )
    .order_by(card_writes.c.id)
)
_BY_TRANSACTION = select(card_writes).where(
    card_writes.c.transaction_id == bindparam("transaction_id")
)
_OUTCOME = select(card_write_outcomes).where(
    card_write_outcomes.c.card_write_id == bindparam("card_write_id")
)


def _record_outcome(
    session: Session,
    ctx: Context,
    actor: Actor,
    write_id: int,
    outcome: str,
    evidence: str,
    void_id: int | None = None,
) -> None:
    session.connection().execute(
        insert(card_write_outcomes),
        {
            "card_write_id": write_id,
            "outcome": outcome,
            "evidence": evidence,
            "settled_at": ctx.now(),
            "settled_by": actor.user_id,
            "void_transaction_id": void_id,
        },
    )
    event = audit.Event(
        f"card_write_{outcome}",
        actor.user_id,
        actor.counter_id,
        ref=f"card_writes:{write_id}",
        data={"evidence": evidence, "void_transaction_id": void_id},
    )
    audit.record(session, ctx, event)


def _settled(session: Session, write) -> Settlement:  # type: ignore[no-untyped-def]
    done = session.connection().execute(_OUTCOME, {"card_write_id": write.id}).one()
    void = sale_result(session, done.void_transaction_id) if done.void_transaction_id else None
    return Settlement(done.outcome, sale_result(session, write.transaction_id), void)


@service
def complete_card_write(ctx: Context, actor: Actor, transaction_id: int) -> Settlement:
    """The card was written and read back as expected: the sale is complete."""

    def work(session: Session) -> Settlement:
        resolve_actor(session, actor, "settle_card")
        write = session.connection().execute(_BY_TRANSACTION, {"transaction_id": transaction_id})
        write = write.first()
        if write is None:
            raise NotFound("没有这笔写卡记录", f"no card write for transaction {transaction_id}")
        # the account's lock orders this against a settle racing it (a card read voiding the
        # same write); the outcome is read after the lock, in a statement of its own
        lock_account(session, write.account_id)
        if session.connection().execute(_OUTCOME, {"card_write_id": write.id}).first():
            return _settled(session, write)  # settled already (e.g. by a card read): same answer
        _record_outcome(session, ctx, actor, write.id, CardWriteOutcome.COMPLETED, "verified")
        return _settled(session, write)

    return ctx.transaction(work)


@service
def settle_card(ctx: Context, actor: Actor, reading: CardReading) -> Settlement | None:
    """Decide the account's pending card write from the card's purchase count, if one waits.

    Returns None when nothing was pending. A count that is neither the target nor the count
    before the write means the card and the records disagree: a supervisor must look.
    """

    def work(session: Session) -> Settlement | None:
        on_duty = resolve_actor(session, actor, "settle_card")
        if on_duty.shift_id is not None:  # a void is booked into the shift: it is locked first
            lock_open_shift(session, on_duty.shift_id)
        card = card_and_account(session, reading.serial)
        if card.pending_write_id is None:
            return None
        if card.maker != reading.maker:  # another maker's card with the same number
            raise RuleViolation(
                "卡片厂家与系统记录不符，请联系班长",
                f"card {card.serial} read by {reading.maker}, registered as {card.maker}",
            )
        write = session.connection().execute(_PENDING, {"account_id": card.account_id}).first()
        landed = write_landed(
            reading,
            previous_count=write.previous_count,
            target_count=write.target_count,
            previous_volume=write.previous_volume,
            target_volume=write.target_volume,
        )
        if landed is None:
            raise RuleViolation(
                "卡内购气次数或气量与待确认业务不符，请联系班长处理",
                f"card count {reading.purchase_count} gas {reading.pending_volume}, write "
                f"{write.previous_count}/{write.previous_volume}"
                f"->{write.target_count}/{write.target_volume}",
            )
        return decide(session, ctx, on_duty, write, landed=landed, evidence="card_count")

    return ctx.transaction(work)


def settle_without_card(
    session: Session, ctx: Context, on_duty: OnDuty, account_id: int
) -> Settlement | None:
    """Decide a write pending on a card that cannot be read any more (lost or broken).

    Called inside the replacement's unit of work. Gas put on the card (purchase, supplement)
    counts as landed: the replacement card carries it with the meter's count check, so the meter
    credits it at most once, from whichever card reaches it first. A refund counts as not
    landed: the customer keeps the gas and gets no money back.
    """
    write = session.connection().execute(_PENDING, {"account_id": account_id}).first()
    if write is None:
        return None
    kind = (
        session.connection()
        .execute(select(transactions.c.kind).where(transactions.c.id == write.transaction_id))
        .scalar_one()
    )
    landed = write.target_count > write.previous_count
    settlement = decide(session, ctx, on_duty, write, landed=landed, evidence="card_replaced")
    log.info("pending %s %s settled %s by a replacement", kind, write.id, settlement.outcome)
    return settlement


def decide(session: Session, ctx: Context, on_duty: OnDuty, write, *, landed: bool, evidence: str):  # type: ignore[no-untyped-def]
    """Record the write's outcome; a write that did not land is voided by a reversing row."""
    actor = Actor(on_duty.user_id, on_duty.counter_id)
    if landed:
        _record_outcome(session, ctx, actor, write.id, CardWriteOutcome.COMPLETED, evidence)
        return _settled(session, write)
    sale = (
        session.connection()
        .execute(select(transactions).where(transactions.c.id == write.transaction_id))
        .one()
    )
    step_purchase_count(session, sale.account_id, write.previous_count - write.target_count)
    void = record_negation(
        session,
        ctx,
        on_duty,
        sale,
        request_id=_void_request_id(sale.request_id),
        kind=TransactionKind.VOID,
        reason="写卡未成功，本笔业务作废",
        purchase_count=write.previous_count,
    )
    _record_outcome(session, ctx, actor, write.id, CardWriteOutcome.VOIDED, evidence, void.id)
    return _settled(session, write)


def _void_request_id(request_id: uuid.UUID) -> uuid.UUID:
    """A void's request id, derived from the sale's so that settling twice cannot void twice."""
    return uuid.uuid5(request_id, TransactionKind.VOID)


_STATE = (
    select(card_writes.c.id, card_write_outcomes.c.outcome)
    .outerjoin(card_write_outcomes, card_write_outcomes.c.card_write_id == card_writes.c.id)
    .where(card_writes.c.transaction_id == bindparam("transaction_id"))
)


@service
def write_state(ctx: Context, transaction_id: int) -> str | None:
    """ "pending", "completed", "voided", or None when the transaction wrote no card."""
    with ctx.reading() as session:
        row = session.connection().execute(_STATE, {"transaction_id": transaction_id}).first()
    if row is None:
        return None
    return row.outcome or "pending"
