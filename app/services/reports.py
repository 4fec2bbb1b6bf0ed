"""The data behind the printed documents, read from the rows: Z-report, daily report, opening form.

Every figure is a sum over ``counter_transactions`` (count, volume, amount) or over
``transaction_segments`` (volume and amount per tier), computed in SQL; approvers come from
``approvals`` joined to ``users``. Nothing here writes: all reads run in ``ctx.reading()``.
Times are turned into the hall's local time for printing. Sums come back as ``Decimal`` on
PostgreSQL (SUM of BIGINT is NUMERIC) and are turned into ``int``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import replace

from sqlalchemy import ColumnElement, Select, Table, case, func, or_, select
from sqlalchemy.orm import Session

from app.context import Context
from app.documents.pdf import (
    KIND_ORDER,
    Approver,
    DailyReportData,
    DetailRow,
    GroupTotal,
    GuardedRow,
    KindTotal,
    OpeningFormData,
    PaymentTotal,
    TariffTierRow,
    TierTotal,
    Totals,
    ZReportData,
)
from app.errors import InvalidInput, NotFound
from app.services.accounts import ID_TYPES, OPENING
from app.services.common import (
    CUSTOMER_KINDS,
    RESIDENTIAL,
    account_by_no,
    accounts,
    approvals_table,
    cards,
    counters,
    customers,
    halls,
    segments_table,
    tariff_in_force,
    transactions,
    users,
)
from app.services.sales import REFUND, SUPPLEMENT
from app.services.setup import ROLES
from db.models import Contract, Meter

meters = Meter.__table__
contracts = Contract.__table__

# All counter money is cash until payment methods are recorded on the transactions.
CASH = "现金"
# Transactions listed with their approvers even when (wrongly) recorded without an approval.
GUARDED_KINDS = (REFUND, SUPPLEMENT)

t = transactions


def _sum(column: ColumnElement[int]) -> ColumnElement[int]:
    return func.coalesce(func.sum(column), 0)


_COUNT = func.count(t.c.id)
_VOLUME = _sum(t.c.volume)
_AMOUNT = _sum(t.c.amount_fen)
_RECEIVED = _sum(case((t.c.amount_fen > 0, t.c.amount_fen), else_=0))
_PAID = _sum(case((t.c.amount_fen < 0, t.c.amount_fen), else_=0))
_WITH_MONEY = func.count(case((t.c.amount_fen != 0, t.c.id)))


def _totals(session: Session, where: Sequence[ColumnElement[bool]]) -> Totals:
    row = (
        session.connection()
        .execute(select(_COUNT, _VOLUME, _AMOUNT, _RECEIVED, _PAID).where(*where))
        .one()
    )
    return Totals(*(int(value) for value in row))


def _kinds(session: Session, where: Sequence[ColumnElement[bool]]) -> tuple[KindTotal, ...]:
    """Every known kind (zero rows included, in report order), then any other kind found."""
    query = select(t.c.kind, _COUNT, _VOLUME, _AMOUNT).where(*where).group_by(t.c.kind)
    found = {
        row.kind: KindTotal(row.kind, int(row[1]), int(row[2]), int(row[3]))
        for row in session.connection().execute(query)
    }
    known = [found.pop(kind, KindTotal(kind, 0, 0, 0)) for kind in KIND_ORDER]
    return (*known, *(found[kind] for kind in sorted(found)))


def _payments(session: Session, where: Sequence[ColumnElement[bool]]) -> tuple[PaymentTotal, ...]:
    row = session.connection().execute(select(_WITH_MONEY, _RECEIVED, _PAID).where(*where)).one()
    return (PaymentTotal(CASH, int(row[0]), int(row[1]), int(row[2])),)


def _tiers(session: Session, where: Sequence[ColumnElement[bool]]) -> tuple[TierTotal, ...]:
    """Segments of the selected transactions by tier and price, net of refunds and voids."""
    s = segments_table
    query = (
        select(s.c.tier, s.c.price_fen, _sum(s.c.volume), _sum(s.c.amount_fen))
        .join_from(s, t, t.c.id == s.c.transaction_id)
        .where(*where)
        .group_by(s.c.tier, s.c.price_fen)
        .order_by(s.c.tier, s.c.price_fen)
    )
    return tuple(
        TierTotal(int(row[0]), int(row[1]), int(row[2]), int(row[3]))
        for row in session.connection().execute(query)
    )


def _receipt_range(
    session: Session, where: Sequence[ColumnElement[bool]]
) -> tuple[str | None, str | None]:
    query: Select = select(t.c.receipt_no).where(*where).limit(1)
    conn = session.connection()
    first = conn.execute(query.order_by(t.c.receipt_year, t.c.receipt_seq)).scalar()
    last = conn.execute(query.order_by(t.c.receipt_year.desc(), t.c.receipt_seq.desc())).scalar()
    return first, last


def _guarded(
    session: Session, ctx: Context, where: Sequence[ColumnElement[bool]]
) -> tuple[GuardedRow, ...]:
    """Refunds, supplements and any other approved transaction, each with its approvers."""
    approved = select(approvals_table.c.transaction_id)
    query = (
        select(
            t.c.id,
            t.c.receipt_no,
            t.c.created_at,
            t.c.kind,
            accounts.c.account_no,
            t.c.volume,
            t.c.amount_fen,
            t.c.reason,
            users.c.display_name,
            approvals_table.c.role,
        )
        .join_from(t, accounts, accounts.c.id == t.c.account_id)
        .outerjoin(approvals_table, approvals_table.c.transaction_id == t.c.id)
        .outerjoin(users, users.c.id == approvals_table.c.approver_id)
        .where(*where, or_(t.c.kind.in_(GUARDED_KINDS), t.c.id.in_(approved)))
        .order_by(t.c.receipt_year, t.c.receipt_seq, approvals_table.c.id)
    )
    rows: dict[int, GuardedRow] = {}
    for row in session.connection().execute(query):
        entry = rows.get(row.id)
        if entry is None:
            entry = GuardedRow(
                receipt_no=row.receipt_no,
                created_at=row.created_at.astimezone(ctx.tz),
                kind=row.kind,
                account_no=row.account_no,
                volume=row.volume,
                amount_fen=row.amount_fen,
                reason=row.reason,
                approvers=(),
            )
        if row.display_name is not None:
            approver = Approver(row.display_name, ROLES.get(row.role, row.role))
            entry = replace(entry, approvers=(*entry.approvers, approver))
        rows[row.id] = entry
    return tuple(rows.values())


def _details(
    session: Session, ctx: Context, where: Sequence[ColumnElement[bool]]
) -> list[DetailRow]:
    query = (
        select(
            t.c.receipt_no,
            t.c.created_at,
            t.c.kind,
            accounts.c.account_no,
            t.c.volume,
            t.c.amount_fen,
        )
        .join_from(t, accounts, accounts.c.id == t.c.account_id)
        .where(*where)
        .order_by(t.c.receipt_year, t.c.receipt_seq)
    )
    tz = ctx.tz
    rows = session.connection().execute(query)
    return [
        DetailRow(receipt_no, created_at.astimezone(tz), kind, account_no, volume, amount)
        for receipt_no, created_at, kind, account_no, volume, amount in rows
    ]


def _one_snapshot(session: Session) -> None:
    """Make every query of the report see the same committed rows.

    SQLite's read transaction is a snapshot already; PostgreSQL's default READ COMMITTED would
    let a sale committed between two queries into one figure and not the other. A read-only
    REPEATABLE READ transaction never waits and never fails to serialize.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.connection(execution_options={"isolation_level": "REPEATABLE READ"})


def _check_period(start: dt.datetime, end: dt.datetime) -> None:
    for moment in (start, end):
        if not isinstance(moment, dt.datetime) or moment.utcoffset() is None:
            raise InvalidInput("统计时段须为带时区的时间", f"naive or missing time: {moment!r}")
    if start >= end:
        raise InvalidInput("统计时段的开始时间须早于结束时间", f"empty period {start} .. {end}")


def zreport_data(
    ctx: Context, *, operator_id: int, counter_id: int, start: dt.datetime, end: dt.datetime
) -> ZReportData:
    """The Z-report of one clerk at one counter: transactions created in [start, end)."""
    _check_period(start, end)
    where = (
        t.c.operator_id == operator_id,
        t.c.counter_id == counter_id,
        t.c.created_at >= start,
        t.c.created_at < end,
    )
    with ctx.reading() as session:
        _one_snapshot(session)
        conn = session.connection()
        desk = conn.execute(
            select(counters.c.name, halls.c.name.label("hall_name"))
            .join_from(counters, halls, halls.c.id == counters.c.hall_id)
            .where(counters.c.id == counter_id)
        ).first()
        if desk is None:
            raise NotFound("柜台不存在", f"counter {counter_id} not found")
        clerk = conn.execute(select(users.c.display_name).where(users.c.id == operator_id)).scalar()
        if clerk is None:
            raise NotFound("营业员不存在", f"user {operator_id} not found")
        details = _details(session, ctx, where)
        return ZReportData(
            hall_name=desk.hall_name,
            counter_name=desk.name,
            clerk_name=clerk,
            start=start.astimezone(ctx.tz),
            end=end.astimezone(ctx.tz),
            printed_at=ctx.now().astimezone(ctx.tz),
            kinds=_kinds(session, where),
            payments=_payments(session, where),
            tiers=_tiers(session, where),
            guarded=_guarded(session, ctx, where),
            total=_totals(session, where),
            first_receipt=details[0].receipt_no if details else None,
            last_receipt=details[-1].receipt_no if details else None,
            details=details,
            training=ctx.training,
        )


def _groups(
    session: Session,
    where: Sequence[ColumnElement[bool]],
    key: ColumnElement[int],
    name: ColumnElement[str],
    table: Table,  # the users or counters table ``key`` points at
) -> tuple[GroupTotal, ...]:
    query = (
        select(name, _COUNT, _VOLUME, _AMOUNT, _RECEIVED, _PAID)
        .join_from(t, table, table.c.id == key)
        .where(*where)
        .group_by(key, name)
        .order_by(key)
    )
    return tuple(
        GroupTotal(row[0], *(int(value) for value in row[1:]))
        for row in session.connection().execute(query)
    )


def daily_report_data(ctx: Context, business_date: dt.date, hall_id: int) -> DailyReportData:
    """The hall's daily report: every transaction with this business date."""
    where = (t.c.hall_id == hall_id, t.c.business_date == business_date)
    with ctx.reading() as session:
        _one_snapshot(session)
        hall_name = (
            session.connection().execute(select(halls.c.name).where(halls.c.id == hall_id)).scalar()
        )
        if hall_name is None:
            raise NotFound("营业厅不存在", f"hall {hall_id} not found")
        first, last = _receipt_range(session, where)
        return DailyReportData(
            hall_name=hall_name,
            business_date=business_date,
            printed_at=ctx.now().astimezone(ctx.tz),
            clerks=_groups(session, where, t.c.operator_id, users.c.display_name, users),
            counters=_groups(session, where, t.c.counter_id, counters.c.name, counters),
            kinds=_kinds(session, where),
            payments=_payments(session, where),
            tiers=_tiers(session, where),
            total=_totals(session, where),
            first_receipt=first,
            last_receipt=last,
            training=ctx.training,
        )


def opening_form_data(ctx: Context, account_no: str) -> OpeningFormData:
    """The opening form of the account as it stands: its owner, meter, active card, contract.

    The contract is the owner's first one on this account (after a 过户 the new owner's), else
    the account's first contract; the tariff is the one in force today for the owner's class,
    with the breakpoints of this household's size.
    """
    with ctx.reading() as session:
        conn = session.connection()
        account = account_by_no(session, account_no)
        customer = conn.execute(
            select(customers).where(customers.c.id == account.customer_id)
        ).one()
        hall_name = conn.execute(select(halls.c.name).where(halls.c.id == account.hall_id)).scalar()
        meter = conn.execute(select(meters).where(meters.c.account_id == account.id)).first()
        card = conn.execute(
            select(cards.c.serial)
            .where(cards.c.account_id == account.id, cards.c.status == "active")
            .order_by(cards.c.id.desc())
            .limit(1)
        ).scalar()
        contract = conn.execute(
            select(contracts)
            .where(contracts.c.account_id == account.id)
            .order_by((contracts.c.customer_id != account.customer_id), contracts.c.id)
            .limit(1)
        ).first()
        opening = conn.execute(
            select(t.c.receipt_no, users.c.display_name)
            .join_from(t, users, users.c.id == t.c.operator_id)
            .where(t.c.account_id == account.id, t.c.kind == OPENING)
            .order_by(t.c.id)
            .limit(1)
        ).first()
        tariff = tariff_in_force(session, customer.kind, ctx.today())
        rule = tariff.rule
        tiers = []
        lower = 0
        for number, (tier, upper) in enumerate(
            zip(rule.tiers, rule.breakpoints(customer.household_size), strict=True), start=1
        ):
            tiers.append(TariffTierRow(number, lower, upper, tier.price_fen))
            lower = upper if upper is not None else lower
        return OpeningFormData(
            hall_name=hall_name,
            account_no=account.account_no,
            opened_on=account.opened_at.astimezone(ctx.tz).date(),
            receipt_no=opening.receipt_no if opening else None,
            clerk_name=opening.display_name if opening else None,
            customer_name=customer.name,
            customer_kind=CUSTOMER_KINDS.get(customer.kind, customer.kind),
            residential=customer.kind == RESIDENTIAL,
            id_type=ID_TYPES.get(customer.id_type, customer.id_type),
            id_number=customer.id_number,
            phone=customer.phone,
            address=customer.address,
            household_size=customer.household_size,
            meter_no=meter.meter_no if meter else None,
            meter_model=(meter.model or None) if meter else None,
            initial_reading=meter.initial_reading if meter else None,
            card_serial=card,
            contract_no=contract.number if contract else None,
            contract_signed_on=contract.signed_on if contract else None,
            proxy_name=contract.proxy_name if contract else None,
            proxy_relation=contract.proxy_relation if contract else None,
            proxy_id_number=contract.proxy_id_number if contract else None,
            tariff_name=tariff.name,
            ladder_start_month=rule.ladder_start_month,
            tiers=tuple(tiers),
            household_threshold=rule.household_threshold,
            extra_per_member=rule.extra_per_member,
            training=ctx.training,
        )
