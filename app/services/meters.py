"""Meter replacement (换表): the old meter settled from its final reading, the new one bound,
the carried-over gas written to the new card in instalments, and the reversal (撤销) of a
replacement nothing has been written for yet.

Gas used on the old meter = final reading − its initial reading; gas bought for it = everything
put on the account's cards in its period net of refunds and voids, with the carry-over its own
replacement left unwritten (``meter_periods.meter_credit``). Carried-over gas max(0, bought −
used) is gas already paid for: written as ``carry_over`` supplements, no money, no tier use.
Overdrawn gas max(0, used − bought) is sold at today's tariff through the tier ladder (an
``overdrawn`` transaction, gas not put on a card). The ``meter_replacement`` transaction carries
the fees (meter fee from the price list, card fee) when the customer is at fault, and the
purchase count the old card held; the account's count restarts at 0, so the new card's first
write carries count 1.
"""

from __future__ import annotations

import dataclasses
import uuid
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.context import Context
from app.domain.cards import GASDESK_MAKER, CardReading
from app.domain.cash import Payment
from app.domain.money import format_money, format_volume
from app.domain.pricing import Segment, total_amount
from app.errors import InvalidInput, NotFound, RuleViolation, field_of
from app.policy import HallPolicy, load_policy
from app.services.accounts import (
    check_rated_flow,
    check_reading_maximum,
    check_reused_meter_reading,
    check_serial,
    check_site_reading,
    new_card,
    price_owed_gas,
    retire_cards,
)
from app.services.actor import Actor, OnDuty, resolve_actor
from app.services.administration import stored_fee
from app.services.boundary import (
    AccountNo,
    CardSerial,
    MakerCode,
    MeterModel,
    MeterNo,
    PersonName,
    Reason,
    require_text,
    service,
)
from app.services.ledger import earlier_transaction, record_card_write, record_transaction
from app.services.limits import require_no_hold
from app.services.locks import (
    account_by_no,
    lock_meter,
    lock_shift,
    pending_write_of,
    require_active,
    require_card_account,
    require_no_pending_write,
)
from app.services.meter_periods import (
    card_before,
    carry_over_remaining,
    current_replacement,
    meter_credit,
)
from app.services.permissions import LOOK_UP
from app.services.reversals import has_later_business, require_this_shift
from app.services.sales import (
    SaleResult,
    card_for_gas,
    check_card_step,
    check_charge,
    check_tendered,
    checked_payment,
    gas_written,
    record_negation,
    sale_result,
    settle_payment,
    step_purchase_count,
    stored_segments,
)
from app.services.security import TEAM_LEADER, ApprovalInput, check_volume_approvals
from app.services.shifts import check_cash_sale
from app.services.unit_of_work import run_once
from app.vocabulary import MeterStatus, ToolCardKind, TransactionKind
from db.engine import connection_of
from db.models import Account, Card, Meter, MeterReplacement, ToolCard, ToolCardReturn
from db.tables import meter_replacements, transactions

METER_FEE = "meter_fee"  # the price list's code of the meter fee (表费)
NO_METER_FEE = "价目表中没有换表费（收费代码 meter_fee），不能办理客户责任换表，请系统管理员设置"


@dataclass(frozen=True)
class ReplacementFigures:
    """How the old meter settles (0.01 m³, fen), as the quote shows and the replacement keeps."""

    old_meter_no: str
    old_initial_reading: int
    final_reading: int
    used_volume: int
    bought_volume: int
    carry_over_volume: int
    overdrawn_volume: int
    overdrawn_segments: tuple[Segment, ...]
    overdrawn_fen: int
    meter_fee_fen: int
    card_fee_fen: int
    customer_kind: str
    # the gas a transfer card moved out of the old meter (beside the carry-over, for the clerk
    # to compare: the carry-over is also what is still on the customer's card)
    moved_out_volume: int | None = None
    transfer_return_id: int | None = None  # that card's return (tool_card_returns.id)

    @property
    def fees_fen(self) -> int:
        return self.meter_fee_fen + self.card_fee_fen

    @property
    def amount_fen(self) -> int:
        """What the customer pays: the fees and the overdrawn gas."""
        return self.fees_fen + self.overdrawn_fen


def _fees(session: Session, policy: HallPolicy, at_fault: bool) -> tuple[int, int]:
    """Meter fee (price list) and card fee (the hall's card fee): waived when the customer is
    not at fault; a customer-at-fault replacement is refused while the price list has no
    meter fee."""
    if not at_fault:
        return 0, 0
    fee = stored_fee(session, METER_FEE)
    if fee is None:
        raise RuleViolation(NO_METER_FEE, "no meter_fee in the price list")
    return fee.amount_fen, policy.card_fee_fen


def _tool_card_return(session: Session, account: Account, return_id: int | None):  # type: ignore[no-untyped-def]
    """The returned transfer card (转移卡) that moved the old meter's gas out, checked: used on
    this meter and brought back after the account's last business (a check card's figures are
    a snapshot of some earlier day, never a replacement's)."""
    if return_id is None:
        return None
    meter_no = account.meter.meter_no
    row = session.get(ToolCardReturn, return_id)
    if row is None:
        raise NotFound("没有这张工具卡的回收记录", f"tool card return {return_id}")
    card = session.get(ToolCard, row.tool_card_id)
    if card.kind != ToolCardKind.TRANSFER:
        raise RuleViolation(
            f"{ToolCardKind.label_of(card.kind)}不能用于换表结算，请使用转移卡",
            f"tool card {card.id} is a {card.kind}",
        )
    if not row.used:
        raise RuleViolation("该工具卡未在表上使用，不能用于换表", f"return {return_id} unused")
    if row.meter_no and row.meter_no != meter_no:
        raise RuleViolation(
            f"该工具卡读取的是表 {row.meter_no}，不是本户的表 {meter_no}",
            f"return {return_id}: meter {row.meter_no} != {meter_no}",
        )
    last = session.scalar(
        select(func.max(transactions.c.created_at)).where(transactions.c.account_id == account.id)
    )
    if last is not None and row.returned_at < last:
        raise RuleViolation(
            "该转移卡交回后本户又办理过业务，请重新制作转移卡", f"return {return_id} before {last}"
        )
    return row


def _latest_transfer(session: Session, account: Account) -> int | None:
    """The newest transfer card brought back used from the account's meter, if any: it feeds
    the replacement without the clerk naming it (still checked by ``_tool_card_return``)."""
    return session.scalar(
        select(ToolCardReturn.id)
        .join(ToolCard, ToolCard.id == ToolCardReturn.tool_card_id)
        .where(
            ToolCard.kind == ToolCardKind.TRANSFER.value,
            ToolCard.meter_no == account.meter.meter_no,
            ToolCardReturn.used.is_(True),
        )
        .order_by(ToolCardReturn.id.desc())
        .limit(1)
    )


def _final_reading(reading: int | None) -> int:
    """The final reading the technician took on site: always typed (a meter's cumulative use
    on a tool card counts from whenever its module started, not from this account's initial
    reading)."""
    if reading is None:
        raise InvalidInput(
            "请输入旧表止码（表读数）", "final reading missing", field="final_reading"
        )
    return reading


def _figures(
    session: Session,
    ctx: Context,
    account: Account,
    final_reading: int | None,
    at_fault: bool,
    tool_card_return_id: int | None,
) -> ReplacementFigures:
    meter = account.meter
    if meter is None:
        raise NotFound("该户没有绑定燃气表", f"account {account.account_no} has no meter")
    policy = load_policy(session)
    if tool_card_return_id is None:
        newest = _latest_transfer(session, account)
        try:  # one that came back before later business is stale: not this replacement's
            tool_return = _tool_card_return(session, account, newest)
        except RuleViolation:
            tool_return = None
    else:
        tool_return = _tool_card_return(session, account, tool_card_return_id)
    with field_of("final_reading"):
        reading = check_site_reading(session, ctx, account, _final_reading(final_reading), policy)
    used = reading - meter.initial_reading
    bought = meter_credit(session, account.id)
    carry, over = max(0, bought - used), max(0, used - bought)
    segments: tuple[Segment, ...] = ()
    if over:
        _tariff, priced = price_owed_gas(session, ctx, account, over)
        segments = tuple(s for _, s in priced)
    meter_fee, card_fee = _fees(session, policy, at_fault)
    return ReplacementFigures(
        old_meter_no=meter.meter_no,
        old_initial_reading=meter.initial_reading,
        final_reading=reading,
        used_volume=used,
        bought_volume=bought,
        carry_over_volume=carry,
        overdrawn_volume=over,
        overdrawn_segments=segments,
        overdrawn_fen=total_amount(segments),
        meter_fee_fen=meter_fee,
        card_fee_fen=card_fee,
        customer_kind=account.customer.kind,
        moved_out_volume=tool_return.remaining_volume if tool_return is not None else None,
        transfer_return_id=tool_return.id if tool_return is not None else None,
    )


@service
def replacement_quote(
    ctx: Context,
    actor: Actor,
    account_no: AccountNo,
    final_reading: int | None,
    customer_at_fault: bool = False,
    tool_card_return_id: int | None = None,
) -> ReplacementFigures:
    """What replacing the account's meter at ``final_reading`` would settle (the live quote)."""
    with ctx.reading() as session:
        resolve_actor(session, actor, LOOK_UP)
        account = account_by_no(session, account_no)
        require_active(account.status, account.account_no)
        require_card_account(account)
        return _figures(
            session, ctx, account, final_reading, customer_at_fault, tool_card_return_id
        )


@dataclass(frozen=True)
class ReplaceMeterRequest:
    """换表 from the old meter's final reading taken on site by ``technician``."""

    request_id: uuid.UUID
    account_no: AccountNo
    final_reading: int | None  # taken on site (required; None is refused in Chinese)
    technician: PersonName
    new_meter_no: MeterNo
    new_card_serial: CardSerial  # the new meter's card (the blank card in the reader)
    new_meter_model: MeterModel = ""
    new_initial_reading: int = 0
    customer_at_fault: bool = False  # fees charged; otherwise waived
    approvals: tuple[ApprovalInput, ...] = ()  # by the carry-over's volume
    cash_tendered_fen: int | None = None
    payment: Payment = Payment()
    tool_card_return_id: int | None = None
    new_card_maker: MakerCode = GASDESK_MAKER
    # the new meter's rated flow (0.01 m³/h; None: the old meter's, a like-for-like meter)
    new_rated_flow: int | None = None
    # the carry-over to write with the new card (the counter writes it): never above the
    # carry-over, refused before anything is recorded
    first_instalment: int = 0


@dataclass(frozen=True)
class MeterReplaced:
    """A recorded meter replacement: its transaction (fees), the overdrawn sale, the figures."""

    replacement_id: int
    replacement: SaleResult
    overdrawn: SaleResult | None
    figures: ReplacementFigures
    new_meter_no: str
    new_card_serial: str
    carry_over_remaining: int

    @property
    def transaction_ids(self) -> tuple[int, ...]:
        """Every receipt of the replacement, in order (the overdrawn sale, then the fees)."""
        first = (self.overdrawn.transaction_id,) if self.overdrawn else ()
        return (*first, self.replacement.transaction_id)


def _result_of(session: Session, row, txn: SaleResult, overdrawn) -> MeterReplaced:  # type: ignore[no-untyped-def]
    old = session.get(Meter, row.old_meter_id)
    new = session.get(Meter, row.new_meter_id)
    segments = stored_segments(session, overdrawn.transaction_id) if overdrawn else []
    moved = (
        session.get(ToolCardReturn, row.tool_card_return_id) if row.tool_card_return_id else None
    )
    figures = ReplacementFigures(
        old_meter_no=old.meter_no,
        old_initial_reading=row.old_initial_reading,
        final_reading=row.final_reading,
        used_volume=row.used_volume,
        bought_volume=row.bought_volume,
        carry_over_volume=row.carry_over_volume,
        overdrawn_volume=row.overdrawn_volume,
        overdrawn_segments=tuple(s for _, s in segments),
        overdrawn_fen=overdrawn.amount_fen if overdrawn else 0,
        meter_fee_fen=row.meter_fee_fen,
        card_fee_fen=row.card_fee_fen,
        customer_kind=session.get(Account, row.account_id).customer.kind,
        moved_out_volume=moved.remaining_volume if moved is not None else None,
        transfer_return_id=row.tool_card_return_id,
    )
    card = session.get(Card, row.new_card_id) if row.new_card_id else None
    return MeterReplaced(
        replacement_id=row.id,
        replacement=txn,
        overdrawn=overdrawn,
        figures=figures,
        new_meter_no=new.meter_no,
        new_card_serial=card.serial if card else "",
        carry_over_remaining=carry_over_remaining(session, row.account_id),
    )


def _fee_reason(figures: ReplacementFigures, technician: str) -> str:
    """The replacement's reason line: who replaced the meter and the fees (printed as is)."""
    if not figures.fees_fen:
        return f"换表（非客户责任，免收费用），施工人员：{technician}"
    return (
        f"换表（客户责任）表费{format_money(figures.meter_fee_fen)}元，"
        f"卡费{format_money(figures.card_fee_fen)}元，施工人员：{technician}"
    )


def _split_cash(
    parts: tuple[int, int], tendered: int | None, change: int | None
) -> tuple[tuple[int | None, int | None], tuple[int | None, int | None]]:
    """Cash tendered and change of the two rows (overdrawn sale, fees): the change goes on the
    last row that takes money, the first is paid exactly."""
    overdrawn, fees = parts
    if tendered is None:
        return (None, None), (None, None)
    if fees:
        first = (overdrawn, 0) if overdrawn else (None, None)
        return first, (tendered - overdrawn, change)
    return (tendered, change), (None, None)


def _check_new_meter(
    session: Session, req: ReplaceMeterRequest, old: Meter, policy: HallPolicy
) -> tuple[str, int, Meter | None]:
    with field_of("new_meter_no"):
        meter_no = check_serial(req.new_meter_no, "新表号")
        if meter_no == old.meter_no:
            raise InvalidInput("新表号与旧表号相同", f"new meter {meter_no} is the old one")
    reading = req.new_initial_reading
    with field_of("new_initial_reading"):
        if not isinstance(reading, int) or isinstance(reading, bool) or reading < 0:
            raise InvalidInput("新表底数不能为负", f"bad initial reading {reading!r}")
        check_reading_maximum(reading, policy)
    meter = lock_meter(session, meter_no)
    if meter is not None and meter.status == MeterStatus.RETIRED:
        raise RuleViolation(
            "该表已拆除，不能作为新表安装", f"meter {meter_no} retired", field="new_meter_no"
        )
    with field_of("new_initial_reading"):
        check_reused_meter_reading(meter, reading)
    return meter_no, reading, meter


def _check_request(req: ReplaceMeterRequest) -> tuple[str, str, Payment]:
    with field_of("technician"):
        technician = require_text(req.technician, "施工人员", name=True)
    with field_of("new_card_serial"):
        serial = check_serial(req.new_card_serial, "新卡号")
    with field_of("cash_tendered_fen"):
        check_tendered(req.cash_tendered_fen)
    if req.final_reading is not None and (
        not isinstance(req.final_reading, int) or isinstance(req.final_reading, bool)
    ):
        raise InvalidInput("旧表止码无效", f"bad reading {req.final_reading!r}")
    with field_of("new_rated_flow"):
        check_rated_flow(req.new_rated_flow)
    return technician, serial, checked_payment(req.payment)


@service
def replace_meter(ctx: Context, actor: Actor, req: ReplaceMeterRequest) -> MeterReplaced:
    """换表: settle the old meter, bind the new one with a new card, restart the count."""

    def work(session: Session) -> MeterReplaced:
        technician, serial, payment = _check_request(req)
        on_duty = resolve_actor(session, actor, "replace_meter")
        lock_shift(session, on_duty)  # the shift first, then the account (one lock order)
        account = account_by_no(session, req.account_no, lock=True)
        require_active(account.status, account.account_no)
        require_card_account(account)
        require_no_pending_write(pending_write_of(session, account.id), account.account_no)
        policy = load_policy(session)
        figures = _figures(
            session,
            ctx,
            account,
            req.final_reading,
            req.customer_at_fault,
            req.tool_card_return_id,
        )
        if req.first_instalment:  # written with the new card: refused before anything
            require_no_hold(session, ctx, account.id)
        if not 0 <= req.first_instalment <= figures.carry_over_volume:
            raise InvalidInput(
                f"本次写入补气量不能超过换表补气量{format_volume(figures.carry_over_volume)}立方米",
                f"instalment {req.first_instalment} above {figures.carry_over_volume}",
                field="volume",
            )
        old = account.meter
        new_no, new_reading, new_meter = _check_new_meter(session, req, old, policy)
        approvals = check_volume_approvals(
            session,
            on_duty,
            req.approvals,
            figures.carry_over_volume,
            "换表补气",
            meter_replacement=figures.customer_kind,
        )
        check_charge(
            policy,
            amount_fen=figures.amount_fen,
            volume=figures.overdrawn_volume,
            what="换表",
        )
        with field_of("cash_tendered_fen"):
            tendered, change = settle_payment(
                figures.amount_fen, req.cash_tendered_fen, payment, policy
            )
        warning = check_cash_sale(session, on_duty, payment, figures.amount_fen, policy)
        cash_over, cash_fees = _split_cash(
            (figures.overdrawn_fen, figures.fees_fen), tendered, change
        )
        paid = {"payment_method": payment.method, "payment_ref": payment.reference}
        overdrawn_id = None
        if figures.overdrawn_volume:  # the old meter's gas: recorded before its period ends
            tariff_id, segments = price_owed_gas(session, ctx, account, figures.overdrawn_volume)
            overdrawn_id = record_transaction(
                session,
                ctx,
                on_duty,
                request_id=uuid.uuid5(req.request_id, TransactionKind.OVERDRAWN),
                kind=TransactionKind.OVERDRAWN,
                account_id=account.id,
                segments=segments,
                amount_fen=figures.overdrawn_fen,
                volume=figures.overdrawn_volume,
                tariff_id=tariff_id,
                cash_tendered_fen=cash_over[0],
                change_fen=cash_over[1],
                meter_reading=figures.final_reading,
                reason=f"换表超用气：旧表{old.meter_no}，施工人员：{technician}",
                **paid,
            ).id
        now = ctx.now()
        old.account_id = None
        old.status = MeterStatus.RETIRED
        old.final_reading = figures.final_reading
        old.retired_at = now
        session.flush()  # one meter per account: the old one leaves before the new one binds
        if new_meter is None:
            new_meter = Meter(meter_no=new_no)
            session.add(new_meter)
        new_meter.model = req.new_meter_model or ""
        # typed; else the stock meter's own; else like for like, the old meter's
        for flow in (req.new_rated_flow, new_meter.rated_flow, old.rated_flow):
            if flow is not None:
                new_meter.rated_flow = flow
                break
        new_meter.initial_reading = new_reading
        new_meter.account_id = account.id
        new_meter.status = MeterStatus.ACTIVE
        new_meter.installed_at = now
        retire_cards(ctx, account, "retired")
        with field_of("new_card_serial"):
            card = new_card(session, ctx, account, serial, req.new_card_maker)
        old_count = account.purchase_count
        account.purchase_count = 0  # the new meter's first card write carries count 1
        recorded = record_transaction(
            session,
            ctx,
            on_duty,
            request_id=req.request_id,
            kind=TransactionKind.METER_REPLACEMENT,
            account_id=account.id,
            card_id=card.id,
            approvals=approvals,
            amount_fen=figures.fees_fen,
            purchase_count=old_count,  # the old card's count: a reversal restores it
            meter_reading=figures.final_reading,
            cash_tendered_fen=cash_fees[0],
            change_fen=cash_fees[1],
            reason=_fee_reason(figures, technician),
            **paid,
        )
        row = MeterReplacement(
            transaction_id=recorded.id,
            overdrawn_transaction_id=overdrawn_id,
            account_id=account.id,
            old_meter_id=old.id,
            new_meter_id=new_meter.id,
            new_card_id=card.id,
            technician=technician,
            final_reading=figures.final_reading,
            old_initial_reading=figures.old_initial_reading,
            bought_volume=figures.bought_volume,
            used_volume=figures.used_volume,
            carry_over_volume=figures.carry_over_volume,
            overdrawn_volume=figures.overdrawn_volume,
            customer_at_fault=bool(req.customer_at_fault),
            meter_fee_fen=figures.meter_fee_fen,
            card_fee_fen=figures.card_fee_fen,
            tool_card_return_id=figures.transfer_return_id,
            created_at=now,
        )
        session.add(row)
        session.flush()
        txn = dataclasses.replace(sale_result(session, recorded.id), warning=warning)
        overdrawn = sale_result(session, overdrawn_id) if overdrawn_id else None
        return _result_of(session, row, txn, overdrawn)

    return run_once(
        ctx,
        req.request_id,
        earlier_transaction(TransactionKind.METER_REPLACEMENT, _replaced_by_transaction),
        work,
    )


def _replaced_by_transaction(session: Session, transaction_id: int) -> MeterReplaced:
    row = session.scalar(
        select(MeterReplacement).where(MeterReplacement.transaction_id == transaction_id)
    )
    txn = sale_result(session, transaction_id)
    overdrawn = (
        sale_result(session, row.overdrawn_transaction_id) if row.overdrawn_transaction_id else None
    )
    return _result_of(session, row, txn, overdrawn)


@service
def carry_over_of(ctx: Context, actor: Actor, account_no: AccountNo) -> int:
    """Carried-over gas of the account's meter not yet written to a card (0.01 m³)."""
    with ctx.reading() as session:
        resolve_actor(session, actor, LOOK_UP)
        return carry_over_remaining(session, account_by_no(session, account_no).id)


@dataclass(frozen=True)
class CarryOverRequest:
    """写换表补气: ``volume`` of the carried-over gas onto the card (an instalment)."""

    request_id: uuid.UUID
    card_serial: CardSerial
    volume: int
    card: CardReading | None = None
    writes_card: bool = False


@service
def write_carry_over(ctx: Context, actor: Actor, req: CarryOverRequest) -> SaleResult:
    """Put ``volume`` of the carried-over gas on the card: no money, no tier use, the card's
    count rises by one. Never more than what remains."""

    def work(session: Session) -> SaleResult:
        volume = req.volume
        if not isinstance(volume, int) or isinstance(volume, bool) or volume <= 0:
            raise InvalidInput("换表补气量必须大于零", f"bad volume {volume!r}", field="volume")
        on_duty: OnDuty = resolve_actor(session, actor, "replace_meter")
        lock_shift(session, on_duty)  # the shift first, then the account (one lock order)
        card = card_for_gas(session, ctx, req.card_serial, req.card)
        remaining = carry_over_remaining(session, card.account_id)
        if remaining <= 0:
            raise RuleViolation("该户没有待写入的换表补气", f"{card.account_no}: nothing carried")
        step = req.card.volume_step if req.card is not None else 1
        if remaining < step:  # e.g. 0.63 m³ left, a maker's card takes whole m³ only
            raise RuleViolation(
                f"剩余换表补气{format_volume(remaining)}立方米不足此卡的最小写卡量"
                f"{format_volume(step)}立方米，无法写卡；销户时按原购气价退还",
                f"remaining {remaining} below the card's step {step}",
                field="volume",
            )
        check_card_step(volume, req.card, "换表补气量")
        if volume > remaining:
            raise RuleViolation(
                f"换表补气量超过剩余补气量{format_volume(remaining)}立方米",
                f"carry-over {volume} above remaining {remaining}",
                field="volume",
            )
        count = step_purchase_count(session, card.account_id, +1)
        recorded = record_transaction(
            session,
            ctx,
            on_duty,
            request_id=req.request_id,
            kind=TransactionKind.CARRY_OVER,
            account_id=card.account_id,
            card_id=card.card_id,
            volume=volume,
            purchase_count=count,
            reason="换表补气（旧表已付气量）",
        )
        if req.writes_card:
            written = gas_written(req.card, volume)
            record_card_write(session, ctx, recorded.id, card, count, **written)
        return sale_result(session, recorded.id)

    return run_once(
        ctx, req.request_id, earlier_transaction(TransactionKind.CARRY_OVER, sale_result), work
    )


@service
def card_before_replacement(
    ctx: Context, actor: Actor, account_no: AccountNo
) -> tuple[str | None, bool]:
    """The number of the card the account's newest replacement took out of use (None: no
    replacement, or no card before it) and whether it can be the account's card again."""
    with ctx.reading() as session:
        resolve_actor(session, actor, LOOK_UP)
        account = account_by_no(session, account_no)
        row = current_replacement(session, account.id)
        if row is None:
            return None, False
        card, restorable = card_before(session, row)
        return (card.serial if card is not None else None), restorable


@dataclass(frozen=True)
class ReverseReplacementRequest:
    """撤销换表: the account's newest replacement, in its own open shift, before any write."""

    request_id: uuid.UUID
    account_no: AccountNo
    reason: Reason
    approvals: tuple[ApprovalInput, ...] = ()


@dataclass(frozen=True)
class ReplacementReversed:
    reversal: SaleResult  # of the fees
    overdrawn_reversal: SaleResult | None
    account_no: str

    @property
    def transaction_ids(self) -> tuple[int, ...]:
        first = (self.overdrawn_reversal.transaction_id,) if self.overdrawn_reversal else ()
        return (*first, self.reversal.transaction_id)


def _reversed(session: Session, transaction_id: int) -> ReplacementReversed:
    reversal = sale_result(session, transaction_id)
    overdrawn = session.scalar(
        select(transactions.c.id).where(
            transactions.c.request_id == _overdrawn_reversal_id(reversal.request_id)
        )
    )
    return ReplacementReversed(
        reversal,
        sale_result(session, overdrawn) if overdrawn else None,
        reversal.account_no,
    )


def _overdrawn_reversal_id(request_id: uuid.UUID) -> uuid.UUID:
    return uuid.uuid5(request_id, TransactionKind.OVERDRAWN)


def _reverse_row(
    session: Session,
    ctx: Context,
    on_duty: OnDuty,
    transaction_id: int,
    request_id: uuid.UUID,
    reason: str,
    **values: object,
) -> int:
    """A REVERSAL row: the transaction's money, gas and tier segments negated."""
    row = connection_of(session).execute(
        select(transactions).where(transactions.c.id == transaction_id)
    )
    kind = TransactionKind.REVERSAL
    return record_negation(
        session, ctx, on_duty, row.one(), request_id=request_id, kind=kind, reason=reason, **values
    ).id


@service
def reverse_meter_replacement(
    ctx: Context, actor: Actor, req: ReverseReplacementRequest
) -> ReplacementReversed:
    """Undo the account's newest meter replacement: fees and overdrawn sale paid back (tier use
    returns), the old meter bound again with its card and count, the new one detached. Only in
    the shift it was made in, and only while nothing was written for the new meter."""

    def work(session: Session) -> ReplacementReversed:
        with field_of("reason"):
            reason = require_text(req.reason, "撤销原因")
        on_duty = resolve_actor(session, actor, "replace_meter")
        lock_shift(session, on_duty)  # the shift first, then the account (one lock order)
        account = account_by_no(session, req.account_no, lock=True)
        require_active(account.status, account.account_no)
        require_card_account(account)
        row = current_replacement(session, account.id)
        if row is None:
            raise NotFound("该户没有可撤销的换表", f"{account.account_no}: no replacement")
        txn = connection_of(session).execute(
            select(transactions).where(transactions.c.id == row.transaction_id)
        )
        txn = txn.one()
        require_this_shift(on_duty, txn)
        if has_later_business(session, txn):
            raise RuleViolation(
                "换表后已写卡（换表补气或购气），不能撤销", f"business after {txn.id}"
            )
        previous, restorable = card_before(session, row)
        if not restorable:
            raise RuleViolation(
                "原卡已重新初始化为新表的卡（或已不在使用），不能撤销换表",
                f"replacement {row.id}: card before it cannot be restored",
            )
        approvals = check_volume_approvals(
            session,
            on_duty,
            req.approvals,
            row.carry_over_volume,
            "撤销换表",
            meter_replacement=account.customer.kind,
            at_least=TEAM_LEADER,  # cash goes back: never the clerk alone
        )
        text = f"撤销换表（凭证号 {txn.receipt_no}）：{reason}"
        if row.overdrawn_transaction_id:
            _reverse_row(
                session,
                ctx,
                on_duty,
                row.overdrawn_transaction_id,
                _overdrawn_reversal_id(req.request_id),
                text,
            )
        new, old = session.get(Meter, row.new_meter_id), session.get(Meter, row.old_meter_id)
        new.account_id = None  # free again (it keeps its initial reading)
        session.flush()
        old.account_id = account.id
        old.status = MeterStatus.ACTIVE
        old.final_reading = None
        old.retired_at = None
        now = ctx.now()
        for card in account.cards:
            if card.id == row.new_card_id:
                card.status, card.status_changed_at = "blacklisted", now
        previous.status, previous.status_changed_at = "active", now
        account.purchase_count = txn.purchase_count or 0
        reversal_id = _reverse_row(
            session,
            ctx,
            on_duty,
            txn.id,
            req.request_id,
            text,
            approvals=approvals,
            purchase_count=account.purchase_count,
        )
        return _reversed(session, reversal_id)

    return run_once(
        ctx, req.request_id, earlier_transaction(TransactionKind.REVERSAL, _reversed), work
    )


def replacement_details(session: Session, txn) -> tuple[tuple[str, str], ...]:  # type: ignore[no-untyped-def]
    """The label → value lines a replacement's receipts print: the meters, readings and gas
    for the replacement (with its fees) and its overdrawn sale, the new meter for a
    carry-over; nothing for other kinds."""
    if txn.kind not in (TransactionKind.METER_REPLACEMENT, TransactionKind.OVERDRAWN):
        return ()
    column = (
        meter_replacements.c.transaction_id
        if txn.kind == TransactionKind.METER_REPLACEMENT
        else meter_replacements.c.overdrawn_transaction_id
    )
    row = connection_of(session).execute(select(meter_replacements).where(column == txn.id))
    row = row.first()
    if row is None:
        return ()
    old, new = session.get(Meter, row.old_meter_id), session.get(Meter, row.new_meter_id)
    lines = [
        ("旧表号", old.meter_no),
        ("旧表底数(立方米)", format_volume(row.old_initial_reading)),
        ("旧表止码(立方米)", format_volume(row.final_reading)),
        ("旧表用气量(立方米)", format_volume(row.used_volume)),
        ("旧表购气量(立方米)", format_volume(row.bought_volume)),
        ("超用气量(立方米)", format_volume(row.overdrawn_volume)),
    ]
    if txn.kind == TransactionKind.OVERDRAWN:
        return tuple(lines)
    lines += [
        ("换表补气量(立方米)", format_volume(row.carry_over_volume)),
        ("新表号", new.meter_no),
        ("新表型号", new.model or "-"),
        ("新表底数(立方米)", format_volume(new.initial_reading)),
        ("施工人员", row.technician),
        ("客户责任", "是" if row.customer_at_fault else "否"),
        ("表费(元)", format_money(row.meter_fee_fen)),
        ("卡费(元)", format_money(row.card_fee_fen)),
    ]
    return tuple(lines)
