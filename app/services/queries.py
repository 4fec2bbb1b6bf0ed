"""Read-only questions the counter asks: find an account, show it, its history and tier usage."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import bindparam, func, select, union
from sqlalchemy.orm import Session

from app.context import Context
from app.domain.identity import normalize_identifier, normalize_resident_id
from app.domain.pricing import TariffRule, ladder_year_start, price_volume
from app.domain.privacy import mask_id, mask_phone
from app.errors import RuleViolation
from app.services.actor import Actor, resolve_actor
from app.services.boundary import AccountNo, Limit, SearchText, service
from app.services.limits import AccountLimits, limits_in
from app.services.locks import account_by_no
from app.services.meter_periods import (
    carry_over_remaining,
    imported_gas_on_card,
    in_current_period,
    live_replacements,
    opening_credit,
    reversed_transaction_ids,
)
from app.services.permissions import LOOK_UP
from app.services.sales import GAS_WRITE_KINDS
from app.services.tariffs import opening_of, tariff_in_force
from app.services.tool_cards import AccountToolCards, tool_cards_of
from app.vocabulary import AccountKind, ImportBatchStatus, TransactionKind
from db.models import Account, Card, CounterTransaction, Customer, Meter, TransactionSegment
from db.search import matching_customer_ids
from db.tables import import_batches, imported_accounts, meter_replacements, transactions


@dataclass(frozen=True)
class AccountSummary:
    """One account as lists and screens show it: ID and phone numbers come masked (privacy);
    the full numbers only through ``security.reveal_identity``, which logs the view."""

    account_no: str
    status: str
    customer_name: str
    customer_kind: str
    phone: str | None
    id_number: str
    address: str
    meter_no: str | None
    card_serial: str | None  # the active card


_SUMMARIES = (
    select(
        Account.account_no,
        Account.status,
        Customer.name,
        Customer.kind,
        Customer.phone,
        Customer.id_number,
        Customer.address,
        Meter.meter_no,
        Card.serial,
    )
    .join(Customer, Customer.id == Account.customer_id)
    .outerjoin(Meter, Meter.account_id == Account.id)
    .outerjoin(Card, (Card.account_id == Account.id) & (Card.status == "active"))
    .where(Account.id.in_(bindparam("ids", expanding=True)))
    .order_by(Account.id.desc())
)


def _summaries(session: Session, account_ids: list[int]) -> list[AccountSummary]:
    if not account_ids:
        return []
    rows = session.connection().execute(_SUMMARIES, {"ids": account_ids})
    return [
        AccountSummary(no, status, name, kind, mask_phone(phone), mask_id(id_number), *rest)
        for no, status, name, kind, phone, id_number, *rest in rows
    ]


# Accounts whose 户号, card serial (any status), meter number, phone or ID equals the key.
_EXACT = union(
    select(Account.id).where(Account.account_no == bindparam("key")),
    # card and meter numbers are stored upper-case (legacy rows as they were typed)
    select(Card.account_id).where(Card.serial.in_(bindparam("serials", expanding=True))),
    select(Meter.account_id).where(
        Meter.meter_no.in_(bindparam("serials", expanding=True)), Meter.account_id.is_not(None)
    ),
    select(Account.id)
    .join(Customer, Customer.id == Account.customer_id)
    .where(Customer.phone == bindparam("key")),
    select(Account.id)
    .join(Customer, Customer.id == Account.customer_id)
    .where(Customer.id_number == bindparam("id_number")),
)


def exact_account_ids(session: Session, key: str) -> list[int]:
    # the clerk may type 户号, card, meter or phone with full-width digits or spaces
    typed = normalize_identifier(key)
    params = {
        "key": typed,
        "serials": sorted({typed, typed.upper()}),
        "id_number": normalize_resident_id(key),
    }
    return list(session.connection().execute(_EXACT, params).scalars())


_OF_CUSTOMERS = (
    select(Account.id)
    .where(Account.customer_id.in_(bindparam("ids", expanding=True)))
    .order_by(Account.id.desc())
    .limit(bindparam("limit"))
)


@service
def find_accounts(
    ctx: Context, actor: Actor, text: SearchText, limit: Limit = 50
) -> list[AccountSummary]:
    """Exact matches on 户号/card/meter/phone/ID first; otherwise name or address substring."""
    key = text  # NFKC-normalised and stripped at the boundary
    if not key:
        return []
    with ctx.reading() as session:
        resolve_actor(session, actor, LOOK_UP)
        ids = exact_account_ids(session, key)
        if not ids:
            customer_ids = matching_customer_ids(session, key, limit)
            if customer_ids:
                params = {"ids": customer_ids, "limit": limit}
                ids = list(session.connection().execute(_OF_CUSTOMERS, params).scalars())
        return _summaries(session, ids[:limit])


@dataclass(frozen=True)
class TierUse:
    tier: int
    lower: int  # annual breakpoints for this household (0.01 m³)
    upper: int | None
    price_fen: int
    used: int  # volume bought in this tier this ladder year, net of refunds


@dataclass(frozen=True)
class TierUsage:
    ladder_year: dt.date
    tariff_name: str
    total_used: int
    tiers: tuple[TierUse, ...]
    rule: TariffRule  # the tariff in force, as the sale prices it (the counter's live quote)


def _tier_usage(session: Session, account: Account, day: dt.date) -> TierUsage:
    tariff = tariff_in_force(session, account.customer.kind, day)
    rule = tariff.rule
    year = ladder_year_start(day, rule.ladder_start_month)
    by_tier: dict[int, int] = {}
    for tier, volume in session.execute(
        select(TransactionSegment.tier, TransactionSegment.volume).where(
            TransactionSegment.account_id == account.id, TransactionSegment.ladder_year == year
        )
    ):
        by_tier[tier] = by_tier.get(tier, 0) + volume
    # gas bought before GasDesk (imported) fills the ladder from the bottom, as it was priced
    opening = int(
        session.execute(opening_of(account.id, year)).scalar_one()  # PG sums as numeric
    )
    if opening > 0:
        for segment in price_volume(rule, account.customer.household_size, 0, opening):
            by_tier[segment.tier] = by_tier.get(segment.tier, 0) + segment.volume
    uppers = rule.breakpoints(account.customer.household_size)
    tiers = []
    lower = 0
    for number, (tier, upper) in enumerate(zip(rule.tiers, uppers, strict=True), start=1):
        tiers.append(TierUse(number, lower, upper, tier.price_fen, by_tier.get(number, 0)))
        lower = upper or lower
    return TierUsage(year, tariff.name, sum(by_tier.values()), tuple(tiers), rule)


@service
def tier_usage(
    ctx: Context, actor: Actor, account_no: AccountNo, day: dt.date | None = None
) -> TierUsage:
    with ctx.reading() as session:
        resolve_actor(session, actor, LOOK_UP)
        return _tier_usage(session, account_by_no(session, account_no), day or ctx.today())


@dataclass(frozen=True)
class HistoryEntry:
    """One transaction of an account as the counter lists it (times in the hall's zone)."""

    transaction_id: int
    kind: str
    created_at: dt.datetime
    receipt_no: str
    card_serial: str | None
    purchase_count: int | None
    volume: int
    amount_fen: int
    reason: str | None


def _history(ctx: Context, session: Session, account: Account, limit: int) -> list[HistoryEntry]:
    txns = session.scalars(
        select(CounterTransaction)
        .where(CounterTransaction.account_id == account.id)
        .order_by(CounterTransaction.id.desc())
        .limit(limit)
    )
    serials = {card.id: card.serial for card in account.cards}
    return [
        HistoryEntry(
            transaction_id=t.id,
            kind=t.kind,
            created_at=ctx.local(t.created_at),
            receipt_no=t.receipt_no,
            card_serial=serials.get(t.card_id),
            purchase_count=t.purchase_count,
            volume=t.volume,
            amount_fen=t.amount_fen,
            reason=t.reason,
        )
        for t in txns
    ]


@service
def history(
    ctx: Context, actor: Actor, account_no: AccountNo, limit: Limit = 100
) -> list[HistoryEntry]:
    with ctx.reading() as session:
        resolve_actor(session, actor, LOOK_UP)
        return _history(ctx, session, account_by_no(session, account_no), limit)


@dataclass(frozen=True)
class CardInfo:
    """A card of the account (issued at: the hall's time)."""

    serial: str
    status: str
    issued_at: dt.datetime


@dataclass(frozen=True)
class MeterHistoryEntry:
    """A meter the account had (the current one last): number, model, dates, readings."""

    meter_no: str
    model: str
    initial_reading: int
    installed_at: dt.datetime | None
    retired_at: dt.datetime | None
    final_reading: int | None
    carry_over_volume: int | None  # what its replacement carried over to the next meter
    overdrawn_volume: int | None


def meter_history(
    session: Session, ctx: Context, account: Account
) -> tuple[MeterHistoryEntry, ...]:
    """The account's meters in order: the replaced ones (live replacements only), then the
    current one."""
    rows = session.connection().execute(
        select(meter_replacements)
        .where(meter_replacements.c.account_id == account.id, live_replacements())
        .order_by(meter_replacements.c.transaction_id)
    )

    def entry(meter: Meter, initial: int, *replaced: object) -> MeterHistoryEntry:
        installed = ctx.local(meter.installed_at) if meter.installed_at else None
        return MeterHistoryEntry(meter.meter_no, meter.model, initial, installed, *replaced)  # type: ignore[arg-type]

    entries = [
        entry(
            session.get(Meter, row.old_meter_id),
            row.old_initial_reading,
            ctx.local(row.created_at),
            row.final_reading,
            row.carry_over_volume,
            row.overdrawn_volume,
        )
        for row in rows
    ]
    if account.meter is not None:
        meter = account.meter
        entries.append(entry(meter, meter.initial_reading, None, None, None, None))
    return tuple(entries)


@dataclass(frozen=True)
class AccountView:
    """What the account screen shows; its times are in the hall's time zone."""

    summary: AccountSummary
    household_size: int
    purchase_count: int
    opened_at: dt.datetime
    closed_at: dt.datetime | None
    meter_model: str | None
    cards: tuple[CardInfo, ...]
    tier_usage: TierUsage | None
    recent: tuple[HistoryEntry, ...]
    # 换表: the account's meters (replaced ones first, the current one last) and the carried-
    # over gas not yet written to the card (0.01 m³; printed on every receipt until 0)
    meter_history: tuple[MeterHistoryEntry, ...] = ()
    carry_over_remaining: int = 0
    # 限购 and 安检 (limit in force, bought, remaining; last inspection, due date, hold) and
    # the tool cards issued for its meters with the newest check card's state
    limits: AccountLimits | None = None
    tool_cards: AccountToolCards | None = None
    # 0011: how the account is metered and paid, and the import batch it came with (if any)
    account_kind: AccountKind = AccountKind.CARD
    imported_batch: str | None = None


_IMPORTED_BATCH = (
    select(import_batches.c.batch_no)
    .join(imported_accounts, imported_accounts.c.batch_id == import_batches.c.id)
    .where(
        imported_accounts.c.account_no == bindparam("account_no"),
        import_batches.c.status != ImportBatchStatus.ROLLED_BACK,
    )
    .order_by(import_batches.c.id.desc())
    .limit(1)
)


def _imported_batch(session: Session, account_no: str) -> str | None:
    """The batch that imported the account from the old system, if one did."""
    return session.execute(_IMPORTED_BATCH, {"account_no": account_no}).scalar()


@service
def account_view(
    ctx: Context, actor: Actor, account_no: AccountNo, history_limit: Limit = 20
) -> AccountView:
    """Everything the account screen shows about one account."""
    with ctx.reading() as session:
        resolve_actor(session, actor, LOOK_UP)
        account = account_by_no(session, account_no)
        summary = _summaries(session, [account.id])[0]
        try:
            usage = _tier_usage(session, account, ctx.today())
        except RuleViolation:  # no tariff configured yet
            usage = None
        return AccountView(
            summary=summary,
            household_size=account.customer.household_size,
            purchase_count=account.purchase_count,
            opened_at=ctx.local(account.opened_at),
            closed_at=ctx.local(account.closed_at) if account.closed_at else None,
            meter_model=account.meter.model if account.meter else None,
            cards=tuple(
                CardInfo(c.serial, c.status, ctx.local(c.issued_at)) for c in account.cards
            ),
            tier_usage=usage,
            recent=tuple(_history(ctx, session, account, history_limit)),
            meter_history=meter_history(session, ctx, account),
            carry_over_remaining=carry_over_remaining(session, account.id),
            limits=limits_in(session, ctx, account.id),
            tool_cards=tool_cards_of(session, account.id),
            account_kind=AccountKind(account.kind),
            imported_batch=_imported_batch(session, account.account_no),
        )


@service
def last_gas_volume(ctx: Context, account_no: AccountNo) -> int:
    """Volume of the purchase or supplement that holds the account's current purchase count.

    A new card issued for the account carries it as pending (0 when the count is 0).
    """
    with ctx.reading() as session:
        account = account_by_no(session, account_no)
        if account.purchase_count == 0:
            return 0
        volume = session.scalar(
            select(CounterTransaction.volume)
            .where(
                CounterTransaction.account_id == account.id,
                CounterTransaction.purchase_count == account.purchase_count,
                CounterTransaction.kind.in_(GAS_WRITE_KINDS),
                in_current_period(CounterTransaction.account_id),
            )
            .order_by(CounterTransaction.id.desc())
            .limit(1)
        )
        if volume is None:  # the count the old system left on an imported card
            volume = imported_gas_on_card(session, account.id, account.purchase_count)
        return volume or 0


_CARD_GAS_KINDS = (*GAS_WRITE_KINDS, TransactionKind.REFUND, TransactionKind.VOID)


@service
def gas_put_on_cards(ctx: Context, account_no: AccountNo) -> int:
    """Gas put on the account's cards for its current meter, net of refunds and voids
    (0.01 m³): what a maker's card keeps as its cumulative purchase (ljgql) when it is issued."""
    with ctx.reading() as session:
        account = account_by_no(session, account_no)
        total = session.scalar(
            select(func.coalesce(func.sum(CounterTransaction.volume), 0)).where(
                CounterTransaction.account_id == account.id,
                CounterTransaction.kind.in_(_CARD_GAS_KINDS),
                in_current_period(CounterTransaction.account_id),  # the meter bound now
            )
        )
        # with what the old system sold for the meter the account was imported with
        return int(total or 0) + opening_credit(session, account.id)


@service
def cards_replaced_on_meter(ctx: Context, account_no: AccountNo) -> int:
    """How many cards the account's active card replaced on its current meter (补卡 count,
    bkcs): the card replacements of the meter's period that were not reversed (0 for the
    first card of a meter, the opening's or a meter replacement's)."""
    with ctx.reading() as session:
        account = account_by_no(session, account_no)
        replaced = session.scalar(
            select(func.count())
            .select_from(transactions)
            .where(
                transactions.c.account_id == account.id,
                transactions.c.kind == TransactionKind.CARD_REPLACEMENT,
                in_current_period(transactions.c.account_id),
                transactions.c.id.not_in(reversed_transaction_ids()),
            )
        )
        return int(replaced or 0)
