"""Selling gas (购气), refunding an unloaded purchase (退气) and supplementing gas (补气).

These are the counter's hot path: plain Core statements on the locked account row, results
built from the values just written (a retried submit rebuilds them from the rows instead).
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import uuid
from dataclasses import dataclass, field

from sqlalchemy import Row, Select, bindparam, case, func, literal, select, update
from sqlalchemy.orm import Session

from app.context import Context
from app.domain.cards import CardReading
from app.domain.cash import Payment
from app.domain.money import format_money, format_volume
from app.domain.pricing import (
    Segment,
    ladder_year_start,
    price_volume,
    total_amount,
    total_volume,
    volume_for_amount,
)
from app.errors import InvalidInput, RuleViolation
from app.policy import HallPolicy, load_policy, policy_from_json
from app.services import audit
from app.services.actor import (
    ON_DUTY_COLUMNS,
    Actor,
    OnDuty,
    on_duty_in,
    on_duty_joined,
    resolve_actor,
)
from app.services.boundary import CardSerial, Reason, require_text, service
from app.services.cash_checks import drawer_cash_of
from app.services.ledger import (
    Recorded,
    earlier_transaction,
    last_receipt_column,
    receipt_suffix,
    record_card_write,
    record_transaction,
)
from app.services.limits import (
    OverrideInput,
    check_sale,
    inspection_of,
    limit_columns,
    limit_of,
    record_overrides,
    require_no_hold,
)
from app.services.locks import (
    CARD_ACCOUNT_COLUMNS,
    CardAccount,
    card_account_in,
    card_as_seen,
    card_for_sale,
    lock_card_account,
    lock_shift,
    require_active,
    require_no_pending_write,
    require_taken_over,
)
from app.services.meter_periods import in_current_period
from app.services.permissions import LOOK_UP
from app.services.security import ApprovalInput, check_volume_approvals
from app.services.shifts import check_cash_sale
from app.services.tariffs import in_force_id, tariff_in, usage_of
from app.services.unit_of_work import Replay, earlier_row, run_once
from app.vocabulary import PaymentMethod, TransactionKind
from db.engine import connection_of
from db.tables import (
    accounts,
    cards,
    customers,
    segments_table,
    settings,
    shifts,
    tariffs,
    transactions,
    users,
)


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
    payment_method: str | None = None
    payment_ref: str | None = None
    warning: str | None = None  # e.g. the drawer is above the hand-over limit; an overdue 安检
    # what a team leader let this sale past (OverrideKind), as the receipt lines say it
    overrides: tuple[str, ...] = ()
    # the purchase limit left after this sale (0.01 m³; None: unlimited) and the inspection
    # that is overdue since this date (None: not overdue)
    limit_remaining: int | None = None
    inspection_overdue_since: dt.date | None = None


_SEGMENTS = (
    select(segments_table)
    .where(segments_table.c.transaction_id == bindparam("transaction_id"))
    .order_by(segments_table.c.ladder_year, segments_table.c.tier)
)
_STORED = (
    select(
        transactions,
        accounts.c.account_no,
        cards.c.serial.label("card_serial"),
        tariffs.c.name.label("tariff_name"),
    )
    .join_from(transactions, accounts, accounts.c.id == transactions.c.account_id)
    .outerjoin(cards, cards.c.id == transactions.c.card_id)
    .outerjoin(tariffs, tariffs.c.id == transactions.c.tariff_id)
    .where(transactions.c.id == bindparam("transaction_id"))
)


def stored_segments(session: Session, transaction_id: int) -> list[tuple[dt.date, Segment]]:
    rows = connection_of(session).execute(_SEGMENTS, {"transaction_id": transaction_id})
    return [(r.ladder_year, Segment(r.tier, r.volume, r.price_fen, r.amount_fen)) for r in rows]


def record_negation(
    session: Session,
    ctx: Context,
    on_duty: OnDuty,
    sale: Row,  # type: ignore[type-arg]
    *,
    request_id: uuid.UUID,
    kind: TransactionKind,
    reason: str,
    **values: object,
) -> Recorded:
    """A row undoing the transaction ``sale`` (void, reversal): its money, gas and tier
    segments negated, paid back the way it was paid."""
    return record_transaction(
        session,
        ctx,
        on_duty,
        request_id=request_id,
        kind=kind,
        account_id=sale.account_id,
        card_id=sale.card_id,
        segments=[(y, s.reversed()) for y, s in stored_segments(session, sale.id)],
        amount_fen=-sale.amount_fen,
        volume=-sale.volume,
        tariff_id=sale.tariff_id,
        reverses_id=sale.id,
        reason=reason,
        payment_method=sale.payment_method,
        payment_ref=sale.payment_ref,
        **values,
    )


def sale_result(session: Session, transaction_id: int) -> SaleResult:
    """Rebuild the result of a stored transaction (used for retried submits too)."""
    row = connection_of(session).execute(_STORED, {"transaction_id": transaction_id}).one()
    segments = stored_segments(session, transaction_id)
    return SaleResult(
        transaction_id=row.id,
        request_id=row.request_id,
        kind=TransactionKind(row.kind),
        receipt_no=row.receipt_no,
        account_no=row.account_no,
        card_serial=row.card_serial,
        purchase_count=row.purchase_count,
        volume=row.volume,
        amount_fen=row.amount_fen,
        cash_tendered_fen=row.cash_tendered_fen,
        change_fen=row.change_fen,
        tariff_name=row.tariff_name,
        ladder_year=segments[0][0] if segments else None,
        created_at=row.created_at,
        reason=row.reason,
        segments=tuple(s for _, s in segments),
        payment_method=row.payment_method,
        payment_ref=row.payment_ref,
    )


def gas_written(reading: CardReading | None, target_volume: int) -> dict[str, int | None]:
    """The gas on the card before a write (as read) and after it, for its settlement."""
    if reading is None:
        return {"previous_volume": None, "target_volume": None}
    return {"previous_volume": reading.pending_volume, "target_volume": target_volume}


def check_card_reading(card: CardAccount, reading: CardReading | None) -> None:
    """Refuse to put more gas on a card that disagrees with the records or is not loaded yet."""
    if reading is None:
        return
    if reading.serial != card.serial:
        raise InvalidInput("读卡结果与所选卡不符", f"read {reading.serial}, expected {card.serial}")
    if reading.maker != card.maker:
        raise RuleViolation(
            "卡片厂家与系统记录不符，请联系班长",
            f"card {card.serial} read by {reading.maker}, registered as {card.maker}",
        )
    if reading.purchase_count != card.purchase_count:
        raise RuleViolation(
            "卡内购气次数与系统记录不一致，请先处理未完成的业务",
            f"card count {reading.purchase_count} != account count {card.purchase_count}",
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


def _step(policy: HallPolicy, reading: CardReading | None) -> int:
    """The sale step by amount: the hall's, and a whole multiple of what the card can carry."""
    card_step = reading.volume_step if reading is not None else 1
    return math.lcm(policy.sale_step, card_step)


def check_card_step(volume: int, reading: CardReading | None, what: str) -> None:
    """Gas onto a card is a whole multiple of the smallest volume the card carries (a maker's
    card through the common interface: whole m³)."""
    if reading is not None and volume % reading.volume_step:
        raise InvalidInput(
            f"{what}必须是{format_volume(reading.volume_step)}立方米的整数倍（此卡的最小单位）",
            f"volume {volume} not a multiple of the card's step {reading.volume_step}",
        )


def check_charge(policy: HallPolicy, *, amount_fen: int, volume: int, what: str) -> None:
    """The per-operation limits on money taken and gas given, for every charge.

    Purchase, supplement, closing (gas used beyond the credit), card fee: one sale's limits
    (``max_purchase_amount_fen``, ``max_purchase_volume``) hold whatever the path.
    """
    if amount_fen > policy.max_purchase_amount_fen:
        raise RuleViolation(
            f"{what}金额超过单笔上限{format_money(policy.max_purchase_amount_fen)}元，"
            "请核对后联系班长处理",
            f"{what}: amount {amount_fen} above limit {policy.max_purchase_amount_fen}",
        )
    if volume > policy.max_purchase_volume:
        raise RuleViolation(
            f"{what}气量超过单笔上限{format_volume(policy.max_purchase_volume)}立方米，"
            "请核对后联系班长处理",
            f"{what}: volume {volume} above limit {policy.max_purchase_volume}",
        )


def check_tendered(tendered: object) -> None:
    """Cash tendered, when given, is a whole number of fen (its upper bound needs the amount:
    ``settle_cash``)."""
    if tendered is not None and (
        not isinstance(tendered, int) or isinstance(tendered, bool) or tendered < 0
    ):
        raise InvalidInput("实收金额无效", f"bad cash tendered {tendered!r}")


def checked_payment(payment: object) -> Payment:
    """The payment, checked (method known, reference given for non-cash)."""
    if not isinstance(payment, Payment):
        raise InvalidInput("请选择付款方式", f"not a Payment: {payment!r}")
    return payment.checked()


def settle_payment(
    amount: int, tendered: int | None, payment: Payment, policy: HallPolicy
) -> tuple[int | None, int | None]:
    """Cash tendered and change; a non-cash payment is exactly the amount (no change)."""
    check_tendered(tendered)
    if tendered is not None and tendered > max(amount, 0) + policy.max_change_fen:
        # also when nothing is due: an absurd figure is a typing error, never silently dropped
        raise InvalidInput(
            f"实收金额过大：找零不能超过{format_money(policy.max_change_fen)}元，请核对实收金额",
            f"tendered {tendered} for {amount}: change above {policy.max_change_fen}",
        )
    if payment.method != PaymentMethod.CASH:
        if tendered is not None and tendered != amount:
            raise InvalidInput("非现金付款不找零，实收须等于应收", f"tendered {tendered}")
        return (None, None)
    return settle_cash(amount, tendered, policy)


def settle_cash(
    amount: int, tendered: int | None, policy: HallPolicy
) -> tuple[int | None, int | None]:
    """Cash tendered and change for ``amount`` (None, None when nothing is to be paid).

    The change is at most the hall's ``max_change_fen``: a larger figure is a typing error.
    """
    if amount <= 0:
        return None, None
    paid = amount if tendered is None else tendered
    if paid < amount:
        raise InvalidInput("实收金额少于应收金额", f"tendered {paid} < {amount}")
    if paid - amount > policy.max_change_fen:
        raise InvalidInput(
            f"实收金额过大：找零不能超过{format_money(policy.max_change_fen)}元，请核对实收金额",
            f"tendered {paid} for {amount}: change above {policy.max_change_fen}",
        )
    return paid, paid - amount


_COUNT = (
    update(accounts)
    .where(accounts.c.id == bindparam("account_id"))
    .values(purchase_count=accounts.c.purchase_count + bindparam("step"))
    .returning(accounts.c.purchase_count)
)


def step_purchase_count(session: Session, account_id: int, step: int) -> int:
    """Move the account's purchase count (the count the card will carry) by ``step``."""
    return (
        connection_of(session)
        .execute(_COUNT, {"account_id": account_id, "step": step})
        .scalar_one()
    )


@dataclass(frozen=True)
class PurchaseRequest:
    """Sell gas by volume (0.01 m³) or by amount (fen): exactly one of the two."""

    request_id: uuid.UUID
    card_serial: CardSerial
    volume: int | None = None
    amount_fen: int | None = None
    cash_tendered_fen: int | None = None  # None: the customer pays exactly the price
    card: CardReading | None = None  # what the reader saw, when a reader is in use
    writes_card: bool = False  # True: the card is written after commit (PENDING until settled)
    payment: Payment = Payment()
    # a team leader's override of the purchase limit or the safety hold (限购/安检)
    override: OverrideInput | None = None


def sale_read(dialect: str, mark: bool, *, checks: bool = True) -> Select:  # type: ignore[type-arg]
    """Everything a purchase decides on, in one statement: the earlier submit of the request,
    the hall's settings, the actor on duty with their open shift, the card with its account,
    customer and pending write, the tariff in force with the account's usage in its ladder year,
    and the shift's drawer, the purchase limit and inspection state (``limits.limit_columns``).
    SQLite also reads the hall's last receipt number here (its write
    lock is held already). ``mark``: also the audit mark (SQLite, nothing written yet).
    ``checks=False``: without the limit and inspection columns (the bench's baseline only)."""
    anchor = select(literal(1).label("one")).cte("sale")
    earlier = transactions.alias("earlier")
    ladder_year = case(
        {month: bindparam(f"ladder_{month}") for month in range(1, 13)},
        value=tariffs.c.ladder_start_month,
    )
    columns = [
        *CARD_ACCOUNT_COLUMNS,
        tariffs.c.id.label("tariff_id"),
        tariffs.c.name.label("tariff_name"),
        tariffs.c.ladder_start_month,
        tariffs.c.household_threshold,
        tariffs.c.extra_per_member,
        usage_of(accounts.c.id, ladder_year).label("used"),
        drawer_cash_of(shifts.c.id).label("drawer"),
        *(limit_columns(dialect) if checks else ()),
    ]
    start = anchor
    if dialect == "sqlite":
        # PostgreSQL reads these before its locks (run_once's look for the earlier submit,
        # load_policy, resolve_actor); SQLite's one write transaction reads them here
        stored = func.json_group_object(settings.c.key, settings.c.value)
        columns += [
            earlier.c.id.label("earlier_id"),
            earlier.c.kind.label("earlier_kind"),
            select(stored).scalar_subquery().label("settings"),
            *ON_DUTY_COLUMNS,
            last_receipt_column().label("last_receipt_seq"),
        ]
        start = anchor.outerjoin(earlier, earlier.c.request_id == bindparam("request_id"))
    if mark:
        columns.append(audit.MARK_COLUMN)
    with_user = start.outerjoin(users, users.c.id == bindparam("user_id"))
    joined = (
        on_duty_joined(with_user)
        .outerjoin(cards, cards.c.serial == bindparam("serial"))
        .outerjoin(accounts, accounts.c.id == cards.c.account_id)
        .outerjoin(customers, customers.c.id == accounts.c.customer_id)
        .outerjoin(tariffs, tariffs.c.id == in_force_id(customers.c.kind, bindparam("day")))
    )
    return select(*columns).select_from(joined)


_SALE_READS = {
    (dialect, mark): sale_read(dialect, mark)
    for dialect, mark in (("sqlite", True), ("sqlite", False), ("postgresql", False))
}


@functools.lru_cache(maxsize=4)
def _day_params(today: dt.date) -> dict[str, object]:
    """The sale read's parameters that follow from the business date alone (built once a day)."""
    return {
        "day": today,
        "receipt_suffix": receipt_suffix(today),
        **{f"ladder_{month}": ladder_year_start(today, month) for month in range(1, 13)},
    }


def sale_params(actor: Actor, req: PurchaseRequest, serial: str, today: dt.date) -> dict:  # type: ignore[type-arg]
    return {
        "request_id": req.request_id,
        "user_id": actor.user_id,
        "counter_id": actor.counter_id,
        "serial": serial,
        **_day_params(today),
    }


@dataclass(frozen=True)
class _TariffRow:
    """The tariff's columns of the sale's read, as ``tariffs.tariff_in`` reads them."""

    read: Row  # type: ignore[type-arg]

    def __getattr__(self, name: str) -> object:
        return getattr(self.read, {"id": "tariff_id", "name": "tariff_name"}.get(name, name))


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


@service
def purchase(ctx: Context, actor: Actor, req: PurchaseRequest) -> SaleResult:
    """Sell gas onto the account of the presented card, priced by the tier ladder."""

    payment = checked_payment(req.payment)

    sqlite = ctx.db.engine.dialect.name == "sqlite"

    def work(session: Session) -> SaleResult | Replay:
        today = ctx.today()
        if not sqlite:
            # PostgreSQL: the locks first (the shift, then the account through its card), one
            # statement each; the sale's read after them sees what their holders committed
            policy = load_policy(session)
            _check_purchase_input(req, policy)
            on_duty = resolve_actor(session, actor, "purchase")
            lock_shift(session, on_duty)
        serial = lock_card_account(session, req.card_serial)
        mark = audit.wants_mark(session)
        conn = connection_of(session)
        read = conn.execute(
            _SALE_READS[conn.dialect.name, mark], sale_params(actor, req, serial, today)
        ).one()
        if sqlite:  # one write transaction: the read decides everything, in the order above
            if mark:
                audit.note_mark(session, read.audit_mark)
            kind = TransactionKind.PURCHASE
            found = earlier_row(req.request_id, kind, read.earlier_id, read.earlier_kind)
            if found is not None:
                return Replay(found)
            policy = policy_from_json(read.settings)
            _check_purchase_input(req, policy)
            on_duty = on_duty_in(session, actor, read, "purchase")
            lock_shift(session, on_duty)  # held already: marks it for the writes
        card = card_account_in(session, serial, read)
        require_no_pending_write(card.pending_write_id, card.account_no)
        require_active(card.account_status, card.account_no)
        require_taken_over(card)
        check_card_reading(card, req.card)

        tariff = tariff_in(session, card.customer_kind, today, _TariffRow(read))
        year = ladder_year_start(today, tariff.rule.ladder_start_month)
        used = int(read.used)  # summed over the ladder year of that tariff
        if req.volume is not None:
            priced = price_volume(tariff.rule, card.household_size, used, req.volume)
        else:
            priced = volume_for_amount(
                tariff.rule, card.household_size, used, req.amount_fen, _step(policy, req.card)
            )
            if not priced:
                raise RuleViolation(
                    "金额不足以购买最小售气量", f"{req.amount_fen} buys less than one step"
                )
            check_volume(total_volume(priced), policy, "购气量")
        check_card_step(total_volume(priced), req.card, "购气量")
        amount = total_amount(priced)
        check_charge(policy, amount_fen=amount, volume=total_volume(priced), what="购气")
        limit = limit_of(read, card.customer_kind, policy, today)
        inspection = inspection_of(read, ctx, policy, today)
        checks = check_sale(session, on_duty, limit, inspection, total_volume(priced), req.override)
        tendered, change = settle_payment(amount, req.cash_tendered_fen, payment, policy)
        warning = check_cash_sale(session, on_duty, payment, amount, policy, int(read.drawer))
        warning = "；".join(w for w in (warning, checks.warning) if w) or None
        count = step_purchase_count(session, card.account_id, +1)
        segments = [(year, s) for s in priced]
        values = dict(
            amount_fen=amount,
            volume=total_volume(priced),
            cash_tendered_fen=tendered,
            change_fen=change,
            payment_method=payment.method,
            payment_ref=payment.reference,
        )
        recorded = record_transaction(
            session,
            ctx,
            on_duty,
            request_id=req.request_id,
            kind=TransactionKind.PURCHASE,
            account_id=card.account_id,
            card_id=card.card_id,
            segments=segments,
            purchase_count=count,
            tariff_id=tariff.id,
            last_receipt_seq=int(read.last_receipt_seq or 0) if sqlite else None,
            **values,
        )
        record_overrides(session, ctx, on_duty, recorded.id, checks)
        if req.writes_card:
            record_card_write(
                session, ctx, recorded.id, card, count, **gas_written(req.card, values["volume"])
            )
        remaining = limit.remaining
        return SaleResult(
            transaction_id=recorded.id,
            request_id=req.request_id,
            kind=TransactionKind.PURCHASE,
            receipt_no=recorded.receipt_no,
            account_no=card.account_no,
            card_serial=card.serial,
            purchase_count=count,
            tariff_name=tariff.name,
            ladder_year=year,
            created_at=recorded.created_at,
            segments=priced,
            warning=warning,
            overrides=tuple(detail for _, detail in checks.overrides),
            limit_remaining=None if remaining is None else max(0, remaining - values["volume"]),
            inspection_overdue_since=inspection.due_on if inspection.overdue else None,
            **values,
        )

    return run_once(ctx, req.request_id, _EARLIER_PURCHASE, work, work_finds_earlier=sqlite)


_EARLIER_PURCHASE = earlier_transaction(TransactionKind.PURCHASE, sale_result)


@dataclass(frozen=True)
class RefundRequest:
    request_id: uuid.UUID
    card: CardReading  # the refund is decided by what is on the card now
    reason: Reason
    approvals: tuple[ApprovalInput, ...]
    writes_card: bool = False


# the gas writes that hold a purchase count on the card
GAS_WRITE_KINDS = (TransactionKind.PURCHASE, TransactionKind.SUPPLEMENT, TransactionKind.CARRY_OVER)
_LAST_GAS = (
    select(transactions)
    .where(
        transactions.c.account_id == bindparam("account_id"),
        transactions.c.purchase_count == bindparam("purchase_count"),
        transactions.c.kind.in_(GAS_WRITE_KINDS),
        # a meter replacement restarts the count: an old meter's write may hold the same count
        in_current_period(bindparam("account_id")),
    )
    .order_by(transactions.c.id.desc())
    .limit(1)
)


def last_gas_transaction(session: Session, account_id: int, purchase_count: int):
    """The purchase, supplement or carry-over that put the account's current purchase count on
    the card, in the current meter's period."""
    params = {"account_id": account_id, "purchase_count": purchase_count}
    return connection_of(session).execute(_LAST_GAS, params).first()


def _refundable(session: Session, reading: CardReading, *, lock: bool = True):  # type: ignore[no-untyped-def]
    """The card and the purchase a refund would give back, or the Chinese reason it cannot;
    ``lock`` holds the account (the refund itself), a quote only looks."""
    if lock:
        card = card_for_sale(session, reading.serial)
    else:
        card = card_as_seen(session, reading.serial)
        require_no_pending_write(card.pending_write_id, card.account_no)
    require_active(card.account_status, card.account_no)
    sale = last_gas_transaction(session, card.account_id, card.purchase_count)
    if sale is None or sale.kind != TransactionKind.PURCHASE:
        raise RuleViolation("只能退最后一次购气", "last gas operation is not a purchase")
    if sale.card_id != card.card_id:
        # the purchase went onto another (lost) card, which may have loaded it already
        raise RuleViolation(
            "该笔购气写在原卡上，补卡后不能退气", f"purchase {sale.id} is on another card"
        )
    if reading.purchase_count != sale.purchase_count:
        raise RuleViolation(
            "卡内购气次数与最后一次购气不符，不能退气",
            f"card count {reading.purchase_count} != {sale.purchase_count}",
        )
    if not reading.has_unloaded_purchase or reading.pending_volume != sale.volume:
        raise RuleViolation(
            "该笔购气已插表（气量已进入燃气表），不能退气",
            f"purchase {sale.id} already loaded into the meter",
        )
    return card, sale


@dataclass(frozen=True)
class RefundQuote:
    """What a refund of the card's last purchase would give back, before it is approved."""

    volume: int
    amount_fen: int
    payment_method: PaymentMethod


@service
def refund_quote(ctx: Context, actor: Actor, reading: CardReading) -> RefundQuote:
    """The purchase a refund would reverse (the clerk tells the customer what comes back)."""
    with ctx.reading() as session:
        resolve_actor(session, actor, LOOK_UP)
        _card, sale = _refundable(session, reading, lock=False)
        return RefundQuote(sale.volume, sale.amount_fen, PaymentMethod(sale.payment_method))


@service
def refund(ctx: Context, actor: Actor, req: RefundRequest) -> SaleResult:
    """Give back the last purchase while it is still on the card (not loaded into the meter).

    The refund reverses the purchase's tier segments exactly, so cash and tier usage return to
    what they were before it; the card's purchase count goes back by one.
    """

    def work(session: Session) -> SaleResult:
        reason = require_text(req.reason, "退气原因")
        on_duty = resolve_actor(session, actor, "refund")
        lock_shift(session, on_duty)  # the shift first, then the account (one lock order)
        card, sale = _refundable(session, req.card)
        approvals = check_volume_approvals(session, on_duty, req.approvals, sale.volume, "退气")
        segments = [(y, s.reversed()) for y, s in stored_segments(session, sale.id)]
        count = step_purchase_count(session, card.account_id, -1)
        values = dict(
            amount_fen=-sale.amount_fen,
            volume=-sale.volume,
            reason=reason,
            payment_method=sale.payment_method,  # paid back the way it was paid
            payment_ref=sale.payment_ref,
        )
        recorded = record_transaction(
            session,
            ctx,
            on_duty,
            request_id=req.request_id,
            kind=TransactionKind.REFUND,
            account_id=card.account_id,
            card_id=card.card_id,
            segments=segments,
            approvals=approvals,
            purchase_count=count,
            tariff_id=sale.tariff_id,
            reverses_id=sale.id,
            **values,
        )
        if req.writes_card:
            record_card_write(session, ctx, recorded.id, card, count, **gas_written(req.card, 0))
        return sale_result(session, recorded.id)

    return run_once(
        ctx, req.request_id, earlier_transaction(TransactionKind.REFUND, sale_result), work
    )


def card_for_gas(
    session: Session, ctx: Context, serial: str, reading: CardReading | None
) -> CardAccount:
    """The card gas goes onto without a sale (补气, 换表补气), locked with its account: the
    account open, no safety hold, the card in the reader the one on record."""
    card = card_for_sale(session, serial)
    require_active(card.account_status, card.account_no)
    require_taken_over(card)
    require_no_hold(session, ctx, card.account_id)
    check_card_reading(card, reading)
    return card


@dataclass(frozen=True)
class SupplementRequest:
    """补气: gas put on the card free of charge (e.g. paid gas that never reached the meter)."""

    request_id: uuid.UUID
    card_serial: CardSerial
    volume: int
    reason: Reason
    approvals: tuple[ApprovalInput, ...]
    card: CardReading | None = None
    writes_card: bool = False


@service
def supplement(ctx: Context, actor: Actor, req: SupplementRequest) -> SaleResult:
    """Put ``volume`` on the card without charge. It is not a sale: tier usage is unchanged."""

    def work(session: Session) -> SaleResult:
        policy = load_policy(session)
        check_volume(req.volume, policy, "补气量")
        check_card_step(req.volume, req.card, "补气量")
        check_charge(policy, amount_fen=0, volume=req.volume, what="补气")
        reason = require_text(req.reason, "补气原因")
        on_duty: OnDuty = resolve_actor(session, actor, "supplement")
        lock_shift(session, on_duty)  # the shift first, then the account (one lock order)
        card = card_for_gas(session, ctx, req.card_serial, req.card)
        approvals = check_volume_approvals(session, on_duty, req.approvals, req.volume, "补气")
        count = step_purchase_count(session, card.account_id, +1)
        recorded = record_transaction(
            session,
            ctx,
            on_duty,
            request_id=req.request_id,
            kind=TransactionKind.SUPPLEMENT,
            account_id=card.account_id,
            card_id=card.card_id,
            approvals=approvals,
            volume=req.volume,
            purchase_count=count,
            reason=reason,
        )
        if req.writes_card:
            record_card_write(
                session, ctx, recorded.id, card, count, **gas_written(req.card, req.volume)
            )
        return sale_result(session, recorded.id)

    return run_once(
        ctx, req.request_id, earlier_transaction(TransactionKind.SUPPLEMENT, sale_result), work
    )
