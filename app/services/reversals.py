"""撤销: undoing a non-sale operation within the shift it was taken in, by a reversing row.

Gas sales have their own ways back (退气, 作废); this undoes what has no other: a card
replacement (its fee paid back; the old card active again only when it is in hand and nothing
has happened on the account since) here, a meter replacement not yet written to a card in
``app.services.meters`` (the quote covers both: the counter's 撤销 finds either by its receipt).
The original row stays; the reversal is a new ``reversal`` transaction naming it
(``reverses_id``, ``sales.record_negation``) with the amount negated and paid back the way it
was paid. Nothing is ever reversed twice, nor once its shift is closed.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from app.context import Context
from app.errors import RuleViolation
from app.services.accounts import retire_cards
from app.services.actor import Actor, OnDuty, resolve_actor
from app.services.boundary import Reason, ReceiptNo, require_text, service
from app.services.directory import ApprovalSlots, slots_of
from app.services.ledger import earlier_transaction
from app.services.locks import lock_account, lock_shift, pending_write_of
from app.services.meter_periods import card_before, current_replacement
from app.services.sales import SaleResult, record_negation, sale_result
from app.services.security import (
    TEAM_LEADER,
    ApprovalInput,
    approvals_for_volume,
    check_approvals,
)
from app.services.unit_of_work import run_once
from app.vocabulary import TransactionKind
from db.models import Account, Card, CounterTransaction, Customer
from db.tables import transactions

# the kinds the counter's 撤销 reverses: a card replacement here, a meter replacement in
# ``app.services.meters`` (its overdrawn sale goes back with it)
REVERSIBLE = (TransactionKind.CARD_REPLACEMENT, TransactionKind.METER_REPLACEMENT)
# who approves a reversal: a team leader or above with a written reason (a meter
# replacement's carry-over may need more: its own slots)
APPROVERS = TEAM_LEADER

_REVERSED = select(transactions.c.id).where(
    transactions.c.reverses_id == bindparam("original_id"),
    transactions.c.kind == TransactionKind.REVERSAL,
)
_LATER = (
    select(transactions.c.id)
    .where(
        transactions.c.account_id == bindparam("account_id"),
        transactions.c.id > bindparam("original_id"),
    )
    .limit(1)
)


@dataclass(frozen=True)
class ReversalRequest:
    """Reverse the operation of ``receipt_no``; ``old_card_in_hand``: the old card of a card
    replacement is at the counter (the counter checked it in the reader) and becomes the
    account's card again."""

    request_id: uuid.UUID
    receipt_no: ReceiptNo
    reason: Reason
    approvals: tuple[ApprovalInput, ...] = ()
    old_card_in_hand: bool = False


@dataclass(frozen=True)
class ReversalQuote:
    """What a reversal of a receipt would do, before it is approved."""

    receipt_no: str
    kind: TransactionKind
    account_no: str
    amount_fen: int  # paid back (the original's amount, with a meter's overdrawn sale)
    old_card_serial: str | None  # the card a card replacement took out of use
    old_card_restorable: bool  # nothing happened on the account since
    approvals: ApprovalSlots  # who must approve it


def reversible_original(
    session: Session, on_duty: OnDuty, receipt_no: str, kinds: tuple[TransactionKind, ...]
) -> CounterTransaction:
    """The transaction of ``receipt_no`` if it may be reversed now: one of ``kinds``, taken in
    the actor's open shift and not reversed already; refused in Chinese otherwise."""
    original = session.scalar(
        select(CounterTransaction).where(
            CounterTransaction.receipt_no == receipt_no,
            CounterTransaction.hall_id == on_duty.hall_id,
        )
    )
    if original is None:
        raise RuleViolation(f"找不到凭证号 {receipt_no}", f"no transaction {receipt_no}")
    if original.kind not in kinds:
        label = TransactionKind.label_of(original.kind)
        raise RuleViolation(
            f"“{label}”业务不能撤销（购气请用退气或作废）",
            f"{original.kind} {receipt_no} is not reversible here",
        )
    require_this_shift(on_duty, original)
    if session.execute(_REVERSED, {"original_id": original.id}).first() is not None:
        raise RuleViolation(f"凭证 {receipt_no} 的业务已撤销", f"{receipt_no} reversed already")
    return original


def require_this_shift(on_duty: OnDuty, original) -> None:  # type: ignore[no-untyped-def]
    """A reversal is taken in the shift of what it reverses, while that shift is open."""
    if on_duty.shift_id is None or original.shift_id != on_duty.shift_id:
        raise RuleViolation(
            "只能撤销本班次内的业务（该业务的班次已结班或不是本班次）",
            f"{original.receipt_no} in shift {original.shift_id}, actor in {on_duty.shift_id}",
        )


def has_later_business(session: Session, original) -> bool:  # type: ignore[no-untyped-def]
    """Whether anything was recorded on the original's account after it."""
    params = {"account_id": original.account_id, "original_id": original.id}
    return session.execute(_LATER, params).first() is not None


def _old_card(session: Session, original: CounterTransaction) -> Card | None:
    """The card a card replacement blacklisted: the newest blacklisted card of the account
    issued before the replacement's new card."""
    return session.scalar(
        select(Card)
        .where(
            Card.account_id == original.account_id,
            Card.status == "blacklisted",
            Card.id < original.card_id,
        )
        .order_by(Card.id.desc())
        .limit(1)
    )


def _restorable(session: Session, original: CounterTransaction) -> bool:
    return not has_later_business(session, original) and (
        pending_write_of(session, original.account_id) is None
    )


def _meter_quote(
    session: Session, original: CounterTransaction
) -> tuple[int, ApprovalSlots, Card | None, bool]:
    """A meter replacement's reversal: what it pays back (its fees and its overdrawn sale), who
    approves it (as the replacement's carry-over did), the card it gives back its use and
    whether that card still exists (``meter_periods.card_before``)."""
    replacement = current_replacement(session, original.account_id)
    if replacement is None or replacement.transaction_id != original.id:
        raise RuleViolation(
            "只能撤销该户最近一次换表", f"{original.receipt_no} is not the current replacement"
        )
    amount = original.amount_fen
    if replacement.overdrawn_transaction_id is not None:
        overdrawn = session.get(CounterTransaction, replacement.overdrawn_transaction_id)
        amount += overdrawn.amount_fen if overdrawn is not None else 0
    kind = session.scalar(
        select(Customer.kind)
        .join(Account, Account.customer_id == Customer.id)
        .where(Account.id == original.account_id)
    )
    slots, reasons = approvals_for_volume(  # as meters.reverse_meter_replacement checks them
        session, replacement.carry_over_volume, meter_replacement=kind, at_least=APPROVERS
    )
    card, restorable = card_before(session, replacement)
    return amount, slots_of(slots, reasons), card, restorable


@dataclass(frozen=True)
class EarlierReversal:
    """What an earlier submit of a reversal's request id reversed (a retry replays it)."""

    kind: TransactionKind  # of the operation reversed
    account_no: str


@service
def earlier_reversal(ctx: Context, actor: Actor, request_id: uuid.UUID) -> EarlierReversal | None:
    """The operation a committed reversal of ``request_id`` undid, or None (not submitted yet)."""
    reversing = transactions.alias("reversing")
    query = (
        select(transactions.c.kind, Account.account_no)
        .select_from(reversing)
        .join(transactions, transactions.c.id == reversing.c.reverses_id)
        .join(Account, Account.id == reversing.c.account_id)
        .where(
            reversing.c.request_id == request_id,
            reversing.c.kind == TransactionKind.REVERSAL,
        )
    )
    with ctx.reading() as session:
        resolve_actor(session, actor, "reverse")
        row = session.execute(query).first()
        return None if row is None else EarlierReversal(TransactionKind(row.kind), row.account_no)


@service
def reversal_quote(ctx: Context, actor: Actor, receipt_no: ReceiptNo) -> ReversalQuote:
    """What reversing the operation of ``receipt_no`` would pay back and restore, and who must
    approve it."""
    with ctx.reading() as session:
        on_duty = resolve_actor(session, actor, "reverse")
        original = reversible_original(session, on_duty, receipt_no, REVERSIBLE)
        account_no = session.scalar(
            select(Account.account_no).where(Account.id == original.account_id)
        )
        kind = TransactionKind(original.kind)
        if kind == TransactionKind.METER_REPLACEMENT:
            amount, approvers, card, restorable = _meter_quote(session, original)
            serial = card.serial if card is not None else None
            return ReversalQuote(
                original.receipt_no, kind, account_no or "", amount, serial, restorable, approvers
            )
        old = _old_card(session, original)
        return ReversalQuote(
            receipt_no=original.receipt_no,
            kind=kind,
            account_no=account_no or "",
            amount_fen=original.amount_fen,
            old_card_serial=old.serial if old is not None else None,
            old_card_restorable=old is not None and _restorable(session, original),
            approvals=slots_of(APPROVERS, True),
        )


@service
def reverse(ctx: Context, actor: Actor, req: ReversalRequest) -> SaleResult:
    """Reverse a card replacement of this shift: the fee paid back; with the old card in hand
    (and nothing done on the account since) the old card is the account's card again and the
    new one retired. A team leader approves, with a reason. (A meter replacement is reversed by
    ``meters.reverse_meter_replacement``.)"""

    def work(session: Session) -> SaleResult:
        reason = require_text(req.reason, "撤销原因")
        on_duty = resolve_actor(session, actor, "reverse")
        lock_shift(session, on_duty)  # the shift first, then the account (one lock order)
        original = reversible_original(
            session, on_duty, req.receipt_no, (TransactionKind.CARD_REPLACEMENT,)
        )
        lock_account(session, original.account_id)
        approved = check_approvals(
            session, on_duty, req.approvals, APPROVERS, reasons_required=True, what="撤销业务"
        )
        if req.old_card_in_hand:
            old = _old_card(session, original)
            if old is None:
                raise RuleViolation("找不到补卡前的原卡", f"no old card for {req.receipt_no}")
            if not _restorable(session, original):
                raise RuleViolation(
                    "补卡后该户已有其他业务，原卡不能恢复使用（可只退工本费）",
                    f"later business on account {original.account_id}",
                )
            account = session.get(Account, original.account_id)
            assert account is not None
            retire_cards(ctx, account, "retired")
            old.status = "active"
            old.status_changed_at = ctx.now()
        recorded = record_negation(
            session,
            ctx,
            on_duty,
            original,
            request_id=req.request_id,
            kind=TransactionKind.REVERSAL,
            reason=reason,
            approvals=approved,
            purchase_count=original.purchase_count,
        )
        return sale_result(session, recorded.id)

    return run_once(
        ctx, req.request_id, earlier_transaction(TransactionKind.REVERSAL, sale_result), work
    )
