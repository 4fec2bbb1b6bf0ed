"""Card replacement (补卡): lost, damaged by the customer (fee) or defective (free)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from app.context import Context
from app.domain.cards import GASDESK_MAKER
from app.domain.cash import Payment
from app.errors import InvalidInput, RuleViolation, field_of
from app.policy import HallPolicy, load_policy
from app.services import audit
from app.services.accounts import check_serial, new_card, require_same_maker, retire_cards
from app.services.actor import Actor, resolve_actor
from app.services.boundary import AccountNo, CardSerial, MakerCode, Note, service
from app.services.card_writes import settle_without_card
from app.services.ledger import earlier_transaction, record_transaction
from app.services.locks import account_by_no, lock_shift, require_active, require_card_account
from app.services.sales import (
    SaleResult,
    check_charge,
    check_tendered,
    checked_payment,
    sale_result,
    settle_payment,
)
from app.services.security import TEAM_LEADER, ApprovalInput, check_approvals
from app.services.shifts import check_cash_sale
from app.services.unit_of_work import run_once
from app.vocabulary import ReplacementReason, TransactionKind
from db.models import Account, Card

# reason code → (label recorded on the transaction, customer at fault: a fee is charged)
REPLACEMENT_REASONS = {
    ReplacementReason.LOST.value: (ReplacementReason.LOST.label, True),
    ReplacementReason.DAMAGED.value: (ReplacementReason.DAMAGED.label, True),
    ReplacementReason.DEFECT.value: (ReplacementReason.DEFECT.label, False),
}


def replacement_fee(policy: HallPolicy, reason_code: str, *, waived: bool = False) -> int:
    """The card fee (工本费) of a replacement for this reason: the hall's card fee when the
    customer is at fault and it is not waived, nothing for a defective card."""
    if reason_code not in REPLACEMENT_REASONS:
        raise InvalidInput(
            "请选择补卡原因", f"bad reason code {reason_code!r}", field="reason_code"
        )
    _label, customer_at_fault = REPLACEMENT_REASONS[reason_code]
    return policy.card_fee_fen if customer_at_fault and not waived else 0


@dataclass(frozen=True)
class ReplaceCardRequest:
    request_id: uuid.UUID
    account_no: AccountNo
    new_card_serial: CardSerial
    reason_code: str  # a key of REPLACEMENT_REASONS
    note: Note = ""
    cash_tendered_fen: int | None = None
    payment: Payment = Payment()
    waive_fee: bool = False  # 免收工本费: needs a team leader's approval with a written reason
    approvals: tuple[ApprovalInput, ...] = ()
    new_card_maker: MakerCode = GASDESK_MAKER  # the maker of the blank card in the reader


@service
def replace_card(ctx: Context, actor: Actor, req: ReplaceCardRequest) -> SaleResult:
    """Blacklist the account's card and issue a new one carrying the purchase count forward."""

    def work(session: Session) -> SaleResult:
        if req.reason_code not in REPLACEMENT_REASONS:
            raise InvalidInput(
                "请选择补卡原因", f"bad reason code {req.reason_code!r}", field="reason_code"
            )
        label, _at_fault = REPLACEMENT_REASONS[req.reason_code]
        with field_of("new_card_serial"):
            serial = check_serial(req.new_card_serial, "新卡号")
        with field_of("cash_tendered_fen"):
            check_tendered(req.cash_tendered_fen)
        payment = checked_payment(req.payment)
        on_duty = resolve_actor(session, actor, "replace_card")
        lock_shift(session, on_duty)  # the shift first, then the account (one lock order)
        account = account_by_no(session, req.account_no, lock=True)
        require_active(account.status, account.account_no)
        require_card_account(account)
        # the old card cannot be read any more: its pending write is decided here
        settle_without_card(session, ctx, on_duty, account.id)
        policy = load_policy(session)
        fee = replacement_fee(policy, req.reason_code)
        approved = ()
        if req.waive_fee:
            if not fee:
                raise InvalidInput(
                    "此原因补卡不收工本费，无需免收", "waiver without a fee", field="waive_fee"
                )
            approved = check_approvals(
                session,
                on_duty,
                req.approvals,
                TEAM_LEADER,
                reasons_required=True,
                what="免收补卡工本费",
            )
            fee = 0
        check_charge(policy, amount_fen=fee, volume=0, what="补卡工本费")
        with field_of("cash_tendered_fen"):
            tendered, change = settle_payment(fee, req.cash_tendered_fen, payment, policy)
        warning = check_cash_sale(session, on_duty, payment, fee, policy)
        with field_of("new_card_serial"):
            require_same_maker(account, req.new_card_maker)
        retire_cards(ctx, account, "blacklisted")
        with field_of("new_card_serial"):
            card = new_card(session, ctx, account, serial, req.new_card_maker)
        note = req.note or ""
        recorded = record_transaction(
            session,
            ctx,
            on_duty,
            request_id=req.request_id,
            kind=TransactionKind.CARD_REPLACEMENT,
            account_id=account.id,
            card_id=card.id,
            amount_fen=fee,
            purchase_count=account.purchase_count,
            cash_tendered_fen=tendered,
            change_fen=change,
            reason=f"{label}：{note}" if note else label,
            payment_method=payment.method,
            payment_ref=payment.reference,
            approvals=approved,
        )
        return replace(sale_result(session, recorded.id), warning=warning)

    return run_once(
        ctx,
        req.request_id,
        earlier_transaction(TransactionKind.CARD_REPLACEMENT, sale_result),
        work,
    )


_CARD_STATE = (
    select(Card.status, Card.maker, Account.status.label("account_status"), Account.account_no)
    .join(Account, Account.id == Card.account_id)
    .where(Card.serial == bindparam("serial"))
)


def _formattable(session: Session, maker: str, serial: str) -> str | None:
    """The account number of a registered card that may be formatted (None: not registered);
    refuses the active card of an open account, and a card registered for another maker."""
    row = session.execute(_CARD_STATE, {"serial": serial}).first()
    if row is None:
        return None
    if row.maker != maker:
        raise RuleViolation(
            "卡片厂家与系统记录不符，请联系班长", f"card {serial}: {maker} != {row.maker}"
        )
    if row.status == "active" and row.account_status == "active":
        raise RuleViolation(
            "这是在用的燃气卡，不能格式化（请先补卡或销户）",
            f"card {serial} is the active card of {row.account_no}",
        )
    return row.account_no


@service
def check_formattable(
    ctx: Context, actor: Actor, maker: MakerCode, serial: CardSerial
) -> str | None:
    """Before 格式化: the card must not be the active card of an open account; the account it
    was registered for (None: a card this hall never registered)."""
    with ctx.reading() as session:
        resolve_actor(session, actor, "format_card")
        return _formattable(session, maker, serial)


@service
def record_formatted(ctx: Context, actor: Actor, maker: MakerCode, serial: CardSerial) -> None:
    """A card was formatted back to a new card of its maker: audited (who, which card)."""

    def work(session: Session) -> None:
        on_duty = resolve_actor(session, actor, "format_card")
        account_no = _formattable(session, maker, serial)
        event = audit.Event(
            "card_formatted",
            on_duty.user_id,
            on_duty.counter_id,
            ref=f"card:{serial}",
            data={"maker": maker, "account_no": account_no},
        )
        audit.record(session, ctx, event)

    ctx.transaction(work)
