"""Selling gas (购气), refunding an unloaded purchase (退气) and supplementing gas (补气)."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.context import Context
from app.domain.cards import CardReading
from app.domain.money import format_volume
from app.domain.pricing import (
    Segment,
    ladder_year_start,
    price_volume,
    total_amount,
    total_volume,
    volume_for_amount,
)
from app.errors import InvalidInput, RuleViolation
from app.policy import HallPolicy, load_policy
from app.services.common import (
    Actor,
    ApprovalInput,
    card_for_sale,
    check_approvals,
    ladder_usage,
    lock_account,
    record_transaction,
    require_active,
    require_text,
    resolve_actor,
    run_once,
    tariff_in_force,
    tariff_rule,
)
from db.models import Account, Card, CounterTransaction, Tariff, TransactionSegment

PURCHASE = "purchase"
REFUND = "refund"
SUPPLEMENT = "supplement"


@dataclass(frozen=True)
class SaleResult:
    """A recorded counter transaction, as shown on screen and printed on the receipt."""

    transaction_id: int
    request_id: uuid.UUID
    kind: str
    receipt_no: str
    account_no: str
    card_serial: str | None
    purchase_count: int | None
    volume: int
    amount_fen: int
    cash_tendered_fen: int | None
    change_fen: int | None
    tariff_name: str | None
    ladder_year: dt.date | None
    created_at: dt.datetime
    reason: str | None = None
    segments: tuple[Segment, ...] = field(default_factory=tuple)


def segment_row(row: TransactionSegment) -> Segment:
    return Segment(row.tier, row.volume, row.price_fen, row.amount_fen)


def segments_of(txn: CounterTransaction) -> tuple[Segment, ...]:
    return tuple(segment_row(s) for s in txn.segments)


def sale_result(session: Session, txn: CounterTransaction) -> SaleResult:
    """Rebuild the result of a stored transaction (used for retried submits too)."""
    account = session.get(Account, txn.account_id)
    card = session.get(Card, txn.card_id) if txn.card_id else None
    tariff_name = session.get(Tariff, txn.tariff_id).name if txn.tariff_id else None
    return SaleResult(
        transaction_id=txn.id,
        request_id=txn.request_id,
        kind=txn.kind,
        receipt_no=txn.receipt.number,
        account_no=account.account_no,
        card_serial=card.serial if card else None,
        purchase_count=txn.purchase_count,
        volume=txn.volume,
        amount_fen=txn.amount_fen,
        cash_tendered_fen=txn.cash_tendered_fen,
        change_fen=txn.change_fen,
        tariff_name=tariff_name,
        ladder_year=txn.segments[0].ladder_year if txn.segments else None,
        created_at=txn.created_at,
        reason=txn.reason,
        segments=segments_of(txn),
    )


def check_card_reading(card: Card, account: Account, reading: CardReading | None) -> None:
    """Refuse to put more gas on a card that disagrees with the records or is not loaded yet."""
    if reading is None:
        return
    if reading.serial != card.serial:
        raise InvalidInput("读卡结果与所选卡不符", f"read {reading.serial}, expected {card.serial}")
    if reading.purchase_count != account.purchase_count:
        raise RuleViolation(
            "卡内购气次数与系统记录不一致，请先处理未完成的业务",
            f"card count {reading.purchase_count} != account count {account.purchase_count}",
        )
    if reading.has_unloaded_purchase:
        raise RuleViolation(
            "卡内还有气量未插表，请先将卡插入燃气表后再购气",
            f"card {card.serial} has an unloaded purchase",
        )


def check_volume(volume: object, policy: HallPolicy, what: str) -> int:
    """A positive volume no larger than the per-operation limit, in whole sale steps."""
    if not isinstance(volume, int) or isinstance(volume, bool) or volume <= 0:
        raise InvalidInput(f"{what}必须大于零", f"bad volume {volume!r}")
    if volume > policy.max_purchase_volume:
        raise InvalidInput(
            f"{what}不能超过{format_volume(policy.max_purchase_volume)}立方米",
            f"volume {volume} above limit {policy.max_purchase_volume}",
        )
    if volume % policy.sale_step:
        raise InvalidInput(
            f"{what}必须是{format_volume(policy.sale_step)}立方米的整数倍",
            f"volume {volume} not a multiple of step {policy.sale_step}",
        )
    return volume


def check_tendered(tendered: object) -> None:
    if tendered is not None and (
        not isinstance(tendered, int) or isinstance(tendered, bool) or tendered < 0
    ):
        raise InvalidInput("实收金额无效", f"bad cash tendered {tendered!r}")


@dataclass(frozen=True)
class PurchaseRequest:
    """Sell gas by volume (0.01 m³) or by amount (fen): exactly one of the two."""

    request_id: uuid.UUID
    card_serial: str
    volume: int | None = None
    amount_fen: int | None = None
    cash_tendered_fen: int | None = None  # None: the customer pays exactly the price
    card: CardReading | None = None  # what the reader saw, when a reader is in use


def _check_purchase_input(req: PurchaseRequest, policy: HallPolicy) -> None:
    if (req.volume is None) == (req.amount_fen is None):
        raise InvalidInput("请输入购气量或购气金额（二选一）", "exactly one of volume/amount")
    if req.volume is not None:
        check_volume(req.volume, policy, "购气量")
    if req.amount_fen is not None:
        if not isinstance(req.amount_fen, int) or req.amount_fen <= 0:
            raise InvalidInput("购气金额必须大于零", f"bad amount {req.amount_fen!r}")
        if req.amount_fen > policy.max_purchase_amount_fen:
            raise InvalidInput("购气金额超过单笔上限", f"amount {req.amount_fen} above limit")
    check_tendered(req.cash_tendered_fen)


def purchase(ctx: Context, actor: Actor, req: PurchaseRequest) -> SaleResult:
    """Sell gas onto the account of the presented card, priced by the tier ladder."""

    def work(session: Session) -> CounterTransaction:
        policy = load_policy(session)
        _check_purchase_input(req, policy)
        desk = resolve_actor(session, actor)
        card = card_for_sale(session, req.card_serial)
        account = lock_account(session, card.account_id)
        require_active(account)
        check_card_reading(card, account, req.card)

        today = ctx.today()
        tariff = tariff_in_force(session, account.customer.kind, today)
        rule = tariff_rule(tariff)
        ladder_year = ladder_year_start(today, rule.ladder_start_month)
        used = ladder_usage(session, account.id, ladder_year)
        household = account.customer.household_size
        if req.volume is not None:
            segments = price_volume(rule, household, used, req.volume)
        else:
            segments = volume_for_amount(rule, household, used, req.amount_fen, policy.sale_step)
            if not segments:
                raise RuleViolation(
                    "金额不足以购买最小售气量", f"{req.amount_fen} buys less than one step"
                )
        amount = total_amount(segments)
        tendered = amount if req.cash_tendered_fen is None else req.cash_tendered_fen
        if tendered < amount:
            raise InvalidInput("实收金额少于应收金额", f"tendered {tendered} < {amount}")

        account.purchase_count += 1
        return record_transaction(
            session,
            ctx,
            desk,
            request_id=req.request_id,
            kind=PURCHASE,
            account=account,
            card_id=card.id,
            segments=[(ladder_year, s) for s in segments],
            amount_fen=amount,
            volume=total_volume(segments),
            purchase_count=account.purchase_count,
            tariff_id=tariff.id,
            cash_tendered_fen=tendered,
            change_fen=tendered - amount,
        )

    return run_once(ctx, req.request_id, PURCHASE, work, sale_result)


@dataclass(frozen=True)
class RefundRequest:
    request_id: uuid.UUID
    card: CardReading  # the refund is decided by what is on the card now
    reason: str
    approvals: tuple[ApprovalInput, ...]


def last_gas_transaction(session: Session, account: Account) -> CounterTransaction | None:
    """The purchase or supplement that put the account's current purchase count on the card."""
    return session.scalar(
        select(CounterTransaction)
        .where(
            CounterTransaction.account_id == account.id,
            CounterTransaction.purchase_count == account.purchase_count,
            CounterTransaction.kind.in_((PURCHASE, SUPPLEMENT)),
        )
        .order_by(CounterTransaction.id.desc())
        .limit(1)
    )


def refund(ctx: Context, actor: Actor, req: RefundRequest) -> SaleResult:
    """Give back the last purchase while it is still on the card (not loaded into the meter).

    The refund reverses the purchase's tier segments exactly, so cash and tier usage return to
    what they were before it; the card's purchase count goes back by one.
    """

    def work(session: Session) -> CounterTransaction:
        reason = require_text(req.reason, "退气原因")
        desk = resolve_actor(session, actor)
        card = card_for_sale(session, req.card.serial)
        account = lock_account(session, card.account_id)
        require_active(account)
        approvals = check_approvals(session, desk, tuple(req.approvals))
        sale = last_gas_transaction(session, account)
        if sale is None or sale.kind != PURCHASE:
            raise RuleViolation("只能退最后一次购气", "last gas operation is not a purchase")
        if req.card.purchase_count != sale.purchase_count:
            raise RuleViolation(
                "卡内购气次数与最后一次购气不符，不能退气",
                f"card count {req.card.purchase_count} != {sale.purchase_count}",
            )
        if not req.card.has_unloaded_purchase or req.card.pending_volume != sale.volume:
            raise RuleViolation(
                "该笔购气已插表（气量已进入燃气表），不能退气",
                f"purchase {sale.id} already loaded into the meter",
            )
        account.purchase_count -= 1
        return record_transaction(
            session,
            ctx,
            desk,
            request_id=req.request_id,
            kind=REFUND,
            account=account,
            card_id=card.id,
            segments=[(s.ladder_year, segment_row(s).reversed()) for s in sale.segments],
            approvals=approvals,
            amount_fen=-sale.amount_fen,
            volume=-sale.volume,
            purchase_count=account.purchase_count,
            tariff_id=sale.tariff_id,
            reason=reason,
            reverses_id=sale.id,
        )

    return run_once(ctx, req.request_id, REFUND, work, sale_result)


@dataclass(frozen=True)
class SupplementRequest:
    """补气: gas put on the card free of charge (e.g. paid gas that never reached the meter)."""

    request_id: uuid.UUID
    card_serial: str
    volume: int
    reason: str
    approvals: tuple[ApprovalInput, ...]
    card: CardReading | None = None


def supplement(ctx: Context, actor: Actor, req: SupplementRequest) -> SaleResult:
    """Put ``volume`` on the card without charge. It is not a sale: tier usage is unchanged."""

    def work(session: Session) -> CounterTransaction:
        policy = load_policy(session)
        check_volume(req.volume, policy, "补气量")
        reason = require_text(req.reason, "补气原因")
        desk = resolve_actor(session, actor)
        card = card_for_sale(session, req.card_serial)
        account = lock_account(session, card.account_id)
        require_active(account)
        check_card_reading(card, account, req.card)
        approvals = check_approvals(session, desk, tuple(req.approvals))
        account.purchase_count += 1
        return record_transaction(
            session,
            ctx,
            desk,
            request_id=req.request_id,
            kind=SUPPLEMENT,
            account=account,
            card_id=card.id,
            approvals=approvals,
            volume=req.volume,
            purchase_count=account.purchase_count,
            reason=reason,
        )

    return run_once(ctx, req.request_id, SUPPLEMENT, work, sale_result)
