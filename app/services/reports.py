"""The data behind the printed documents, read from the rows: Z-report, daily report, opening form.

Every figure is a sum over ``counter_transactions`` (count, volume, amount) or over
``transaction_segments`` (volume and amount per tier), computed in SQL; approvers come from
``approvals`` joined to ``users``. Nothing here writes: all reads run in ``ctx.reading()``.
Times are turned into the hall's local time for printing. Sums come back as ``Decimal`` on
PostgreSQL (SUM of BIGINT is NUMERIC) and are turned into ``int``.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import replace

from sqlalchemy import ColumnElement, Select, Table, case, func, or_, select
from sqlalchemy.orm import Session

from app.context import Context
from app.documents.data import (
    Approver,
    CashSummary,
    DailyReportData,
    DayLine,
    DenominationLine,
    DetailRow,
    GroupTotal,
    GuardedRow,
    HandoverLine,
    HandoverSlipData,
    HeldLine,
    KindTotal,
    MethodCount,
    MonthlyReportData,
    OpeningFormData,
    OverShortLine,
    PaymentTotal,
    ShiftLine,
    TariffTierRow,
    TierTotal,
    Totals,
    ZReportData,
)
from app.domain.cash import DrawerCount
from app.errors import InvalidInput, NotFound, PermissionDenied
from app.services import audit
from app.services.accounts import ID_TYPES
from app.services.actor import Actor, resolve_actor
from app.services.boundary import AccountNo, Month, Year, service
from app.services.cash_checks import drawer_cash
from app.services.locks import account_by_no
from app.services.permissions import allowed, permission_refused
from app.services.shifts import SHIFT_CLOSE, held_cash, method_lines, movements
from app.services.tariffs import tariff_in_force
from app.vocabulary import CashMovementKind, CustomerKind, PaymentMethod, Role, TransactionKind
from db.models import Contract, Meter
from db.tables import (
    accounts,
    approvals_table,
    cards,
    counters,
    counts,
    customers,
    halls,
    segments_table,
    shifts,
    transactions,
    users,
)

meters = Meter.__table__
contracts = Contract.__table__

# Transactions listed with their approvers even when (wrongly) recorded without an approval.
GUARDED_KINDS = (TransactionKind.REFUND, TransactionKind.SUPPLEMENT)

t = transactions
m = movements


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
    known = [found.pop(kind, KindTotal(kind, 0, 0, 0)) for kind in TransactionKind]
    return (*known, *(found[kind] for kind in sorted(found)))


def _payments(session: Session, where: Sequence[ColumnElement[bool]]) -> tuple[PaymentTotal, ...]:
    """One line per payment method (zero lines included), from the transactions' own method."""
    query = (
        select(t.c.payment_method, _WITH_MONEY, _RECEIVED, _PAID)
        .where(*where, t.c.payment_method.is_not(None))
        .group_by(t.c.payment_method)
    )
    found = {row[0]: row[1:] for row in session.connection().execute(query)}
    return tuple(
        PaymentTotal(label, *(int(value) for value in found.get(method, (0, 0, 0))))
        for method, label in PaymentMethod.labels().items()
    )


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
            approver = Approver(row.display_name, Role.label_of(row.role))
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


def _shift_header(session: Session, shift_id: int):  # type: ignore[no-untyped-def]
    row = (
        session.connection()
        .execute(
            select(
                shifts,
                counters.c.name.label("counter_name"),
                halls.c.name.label("hall_name"),
                users.c.display_name.label("clerk_name"),
            )
            .join(counters, counters.c.id == shifts.c.counter_id)
            .join(halls, halls.c.id == shifts.c.hall_id)
            .join(users, users.c.id == shifts.c.clerk_id)
            .where(shifts.c.id == shift_id)
        )
        .first()
    )
    if row is None:
        raise NotFound("班次不存在", f"shift {shift_id} not found")
    return row


def _drawer_by_kind(session: Session, shift_id: int) -> dict[str, int]:
    query = (
        select(m.c.kind, func.sum(m.c.drawer_fen))
        .where(m.c.shift_id == shift_id, m.c.payment_method == PaymentMethod.CASH)
        .group_by(m.c.kind)
    )
    return {kind: int(amount) for kind, amount in session.connection().execute(query)}


def _latest_count(session: Session, shift_id: int):  # type: ignore[no-untyped-def]
    query = select(counts).where(counts.c.shift_id == shift_id).order_by(counts.c.id.desc())
    return session.connection().execute(query.limit(1)).first()


def _cash_summary(session: Session, shift_id: int, count) -> CashSummary:  # type: ignore[no-untyped-def]
    moved = _drawer_by_kind(session, shift_id)
    cash = (t.c.shift_id == shift_id, t.c.payment_method == PaymentMethod.CASH)
    received, paid = session.connection().execute(select(_RECEIVED, _PAID).where(*cash)).one()
    drawn = DrawerCount.from_json(json.loads(count.denominations)) if count else None
    return CashSummary(
        float_fen=moved.get(CashMovementKind.FLOAT, 0),
        cash_in_fen=moved.get(CashMovementKind.CASH_IN, 0),
        cash_out_fen=moved.get(CashMovementKind.CASH_OUT, 0),
        cash_received_fen=int(received),
        cash_paid_fen=int(paid),
        handed_over_fen=moved.get(CashMovementKind.HANDOVER, 0),
        over_short_fen=moved.get(CashMovementKind.OVER_SHORT, 0),
        to_safe_fen=moved.get(CashMovementKind.SAFE_DEPOSIT, 0),
        expected_fen=json.loads(count.expected)[PaymentMethod.CASH] if count else None,
        counted_fen=count.cash_fen if count else None,
        denominations=tuple(DenominationLine(*line) for line in drawn.lines()) if drawn else (),
    )


def _methods(count) -> tuple[MethodCount, ...]:  # type: ignore[no-untyped-def]
    if count is None:
        return ()
    return tuple(
        MethodCount(PaymentMethod(line.method).label, line.expected_fen, line.counted_fen)
        for line in method_lines(count)
    )


_RECEIVER = users.alias("receiver")
_CLERK = users.alias("clerk")


def _handovers(
    session: Session, ctx: Context, where: Sequence[ColumnElement[bool]]
) -> tuple[HandoverLine, ...]:
    query = (
        select(m, _CLERK.c.display_name.label("clerk"), _RECEIVER.c.display_name.label("to"))
        .join(_CLERK, _CLERK.c.id == m.c.operator_id)
        .join(_RECEIVER, _RECEIVER.c.id == m.c.counterpart_id)
        .where(*where, m.c.kind == CashMovementKind.HANDOVER)
        .order_by(m.c.id)
    )
    return tuple(
        HandoverLine(
            row.slip_no,
            row.created_at.astimezone(ctx.tz),
            row.clerk,
            row.to,
            "保险柜" if row.safe_fen else "钱箱",
            row.amount_fen,
        )
        for row in session.connection().execute(query)
    )


def _over_short(
    session: Session, where: Sequence[ColumnElement[bool]]
) -> tuple[OverShortLine, ...]:
    a = approvals_table
    signer = users.alias("signer")
    query = (
        select(
            m.c.payment_method,
            m.c.amount_fen,
            m.c.reason,
            _CLERK.c.display_name.label("clerk"),
            counters.c.name.label("counter"),
            signer.c.display_name.label("signer"),
            a.c.role,
        )
        .join(_CLERK, _CLERK.c.id == m.c.operator_id)
        .join(counters, counters.c.id == m.c.counter_id)
        .outerjoin(a, a.c.cash_movement_id == m.c.id)
        .outerjoin(signer, signer.c.id == a.c.approver_id)
        .where(*where, m.c.kind == CashMovementKind.OVER_SHORT)
        .order_by(m.c.id)
    )
    return tuple(
        OverShortLine(
            row.clerk,
            row.counter,
            PaymentMethod.label_of(row.payment_method),
            row.amount_fen,
            row.reason or "",
            row.signer or "—",
            Role.label_of(row.role, "—" if not row.role else None),
        )
        for row in session.connection().execute(query)
    )


# Who may see cash figures of shifts other than their own, and of open shifts before the count
def _may_see(session: Session, actor: Actor, shift) -> None:  # type: ignore[no-untyped-def]
    """A clerk sees only their own shift's Z-report, and only once the drawer is counted: the
    count at close is blind. Supervisors and finance see every shift."""
    on_duty = resolve_actor(session, actor)
    if allowed(on_duty.role, "hall_reports"):
        return
    if shift.clerk_id != on_duty.user_id:
        raise permission_refused(
            session, on_duty.user_id, on_duty.counter_id, on_duty.role, "other_shift_report"
        )
    if shift.closed_at is None and _latest_count(session, shift.id) is None:
        error = PermissionDenied(
            "请先完成交班盘点，盘点后才能查看本班报表", f"shift {shift.id} not counted yet"
        )
        event = audit.Event(
            "blind_count_peek", on_duty.user_id, on_duty.counter_id, ref=f"shifts:{shift.id}"
        )
        raise audit.refused(session, error, event)


def _require_supervisor(session: Session, actor: Actor, hall_id: int) -> None:
    """Hall reports show every drawer's cash: for team leaders, managers and finance of that
    hall."""
    on_duty = resolve_actor(session, actor, "hall_reports")
    if on_duty.hall_id != hall_id:
        raise permission_refused(
            session, on_duty.user_id, on_duty.counter_id, on_duty.role, "other_hall_report"
        )


@service
def zreport_data(ctx: Context, actor: Actor, shift_id: int) -> ZReportData:
    """The Z-report of one shift: its transactions, cash movements, count and over/short.

    A closed shift reads only rows that can no longer change and is dated by its close, so the
    report comes out the same every time it is printed.
    """
    with ctx.reading() as session:
        _one_snapshot(session)
        shift = _shift_header(session, shift_id)
        _may_see(session, actor, shift)
        where = (t.c.shift_id == shift_id,)
        closed = shift.closed_at is not None
        end = shift.closed_at if closed else ctx.now()
        count = _latest_count(session, shift_id)
        details = _details(session, ctx, where)
        grand_total = session.connection().execute(
            select(_AMOUNT).where(t.c.counter_id == shift.counter_id, t.c.shift_id <= shift_id)
        )
        counted = session.connection().execute(
            select(func.count(counts.c.id)).where(counts.c.shift_id == shift_id)
        )
        return ZReportData(
            hall_name=shift.hall_name,
            counter_name=shift.counter_name,
            clerk_name=shift.clerk_name,
            start=shift.opened_at.astimezone(ctx.tz),
            end=end.astimezone(ctx.tz),
            printed_at=end.astimezone(ctx.tz),
            kinds=_kinds(session, where),
            payments=_payments(session, where),
            tiers=_tiers(session, where),
            guarded=_guarded(session, ctx, where),
            total=_totals(session, where),
            first_receipt=details[0].receipt_no if details else None,
            last_receipt=details[-1].receipt_no if details else None,
            details=details,
            mode=ctx.mode,
            shift_id=shift_id,
            closed=closed,
            cash=_cash_summary(session, shift_id, count),
            methods=_methods(count),
            handovers=_handovers(session, ctx, (m.c.shift_id == shift_id,)),
            over_short=_over_short(session, (m.c.shift_id == shift_id,)),
            grand_total_fen=int(grand_total.scalar_one()),
            counts_taken=int(counted.scalar_one()),
            **_audit_head(session, shift_id, closed),
        )


def _audit_head(session: Session, shift_id: int, closed: bool) -> dict[str, object]:
    """The chain as the close left it (fixed on paper), or as it is now for an open shift."""
    log = audit.log_table
    if closed:
        seq = (
            session.connection()
            .execute(
                select(log.c.seq).where(
                    log.c.kind == SHIFT_CLOSE, log.c.ref == f"shifts:{shift_id}"
                )
            )
            .scalar()
        )
        head = audit.chain_head(session, up_to=seq) if seq is not None else None
    else:
        head = audit.chain_head(session)
    if head is None:
        return {}
    return {"audit_entries": head.count, "audit_head": head.short}


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


def _shift_lines(session: Session, ctx: Context, hall_id: int, day: dt.date) -> tuple:
    query = (
        select(
            shifts.c.id,
            shifts.c.opened_at,
            shifts.c.closed_at,
            users.c.display_name,
            counters.c.name,
        )
        .join(users, users.c.id == shifts.c.clerk_id)
        .join(counters, counters.c.id == shifts.c.counter_id)
        .where(shifts.c.hall_id == hall_id, shifts.c.business_date == day)
        .order_by(shifts.c.id)
    )
    lines = []
    for row in session.connection().execute(query).all():
        cash = 0 if row.closed_at is not None else drawer_cash(session, row.id)
        closed = row.closed_at.astimezone(ctx.tz) if row.closed_at is not None else None
        lines.append(
            ShiftLine(row.display_name, row.name, row.opened_at.astimezone(ctx.tz), closed, cash)
        )
    return tuple(lines)


def cash_positions(session: Session, hall_id: int, day: dt.date) -> tuple[int, int]:
    """Cash in the hall's drawers and in its safe at the end of ``day``, from the rows.

    A closed shift's drawer nets to zero (its counted cash went into the safe), so the drawers
    hold what open shifts took; rows of later days are not counted.
    """
    conn = session.connection()
    in_drawers = conn.execute(
        select(
            select(func.coalesce(func.sum(m.c.drawer_fen), 0))
            .where(m.c.hall_id == hall_id, m.c.business_date <= day)
            .scalar_subquery(),
            select(_AMOUNT)
            .where(
                t.c.hall_id == hall_id,
                t.c.business_date <= day,
                t.c.payment_method == PaymentMethod.CASH,
            )
            .scalar_subquery(),
            select(func.coalesce(func.sum(m.c.safe_fen), 0))
            .where(m.c.hall_id == hall_id, m.c.business_date <= day)
            .scalar_subquery(),
        )
    ).one()
    return int(in_drawers[0]) + int(in_drawers[1]), int(in_drawers[2])


def _hall_name(session: Session, hall_id: int) -> str:
    name = session.connection().execute(select(halls.c.name).where(halls.c.id == hall_id)).scalar()
    if name is None:
        raise NotFound("营业厅不存在", f"hall {hall_id} not found")
    return name


@service
def daily_report_data(
    ctx: Context, actor: Actor, business_date: dt.date, hall_id: int
) -> DailyReportData:
    """The hall's daily report: every transaction and cash movement with this business date,
    the cash still in drawers and safe at the end of it, and takings not yet with finance."""
    where = (t.c.hall_id == hall_id, t.c.business_date == business_date)
    moved = (m.c.hall_id == hall_id, m.c.business_date == business_date)
    with ctx.reading() as session:
        _one_snapshot(session)
        _require_supervisor(session, actor, hall_id)
        hall_name = _hall_name(session, hall_id)
        first, last = _receipt_range(session, where)
        drawers, safe = cash_positions(session, hall_id, business_date)
        held = held_cash(session, ctx, hall_id, business_date)
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
            mode=ctx.mode,
            shifts=_shift_lines(session, ctx, hall_id, business_date),
            handovers=_handovers(session, ctx, moved),
            over_short=_over_short(session, moved),
            drawer_cash_fen=drawers,
            safe_cash_fen=safe,
            held=tuple(
                HeldLine(h.business_date, h.amount_fen, h.working_days_held, h.overdue)
                for h in held
            ),
        )


@service
def monthly_report_data(
    ctx: Context, actor: Actor, year: Year, month: Month, hall_id: int
) -> MonthlyReportData:
    """The hall's monthly report: one line per business day, then the month's totals."""
    if not (isinstance(year, int) and isinstance(month, int) and 1 <= month <= 12):
        raise InvalidInput("月份无效", f"bad month {year}-{month}")
    first_day = dt.date(year, month, 1)
    next_month = dt.date(year + month // 12, month % 12 + 1, 1)
    where = (
        t.c.hall_id == hall_id,
        t.c.business_date >= first_day,
        t.c.business_date < next_month,
    )
    moved = (m.c.hall_id == hall_id, m.c.business_date >= first_day, m.c.business_date < next_month)
    cash_amount = _sum(case((t.c.payment_method == PaymentMethod.CASH, t.c.amount_fen), else_=0))
    with ctx.reading() as session:
        _one_snapshot(session)
        _require_supervisor(session, actor, hall_id)
        conn = session.connection()
        hall_name = _hall_name(session, hall_id)
        days: dict[dt.date, list[int]] = {}
        for row in conn.execute(
            select(t.c.business_date, _COUNT, _VOLUME, _AMOUNT, cash_amount)
            .where(*where)
            .group_by(t.c.business_date)
        ):
            count, volume, amount, cash = (int(v) for v in row[1:])
            days[row[0]] = [count, volume, amount, cash, amount - cash, 0, 0]
        for row in conn.execute(
            select(
                m.c.business_date,
                _sum(m.c.finance_fen),
                _sum(case((m.c.kind == CashMovementKind.OVER_SHORT, m.c.amount_fen), else_=0)),
            )
            .where(*moved)
            .group_by(m.c.business_date)
        ):
            line = days.setdefault(row[0], [0, 0, 0, 0, 0, 0, 0])
            line[5] += int(row[1])
            line[6] += int(row[2])
        handed = sum(line[5] for line in days.values())
        return MonthlyReportData(
            hall_name=hall_name,
            year=year,
            month=month,
            printed_at=ctx.now().astimezone(ctx.tz),
            days=tuple(DayLine(day, *days[day]) for day in sorted(days)),
            clerks=_groups(session, where, t.c.operator_id, users.c.display_name, users),
            counters=_groups(session, where, t.c.counter_id, counters.c.name, counters),
            kinds=_kinds(session, where),
            payments=_payments(session, where),
            tiers=_tiers(session, where),
            total=_totals(session, where),
            handed_over_fen=handed,
            over_short=_over_short(session, moved),
            mode=ctx.mode,
        )


@service
def handover_slip_data(ctx: Context, movement_id: int) -> HandoverSlipData:
    """The 交款单 of one hand-over, from its row."""
    with ctx.reading() as session:
        row = (
            session.connection()
            .execute(
                select(
                    m,
                    _CLERK.c.display_name.label("clerk"),
                    _RECEIVER.c.display_name.label("to"),
                    counters.c.name.label("counter"),
                    halls.c.name.label("hall"),
                )
                .join(_CLERK, _CLERK.c.id == m.c.operator_id)
                .join(_RECEIVER, _RECEIVER.c.id == m.c.counterpart_id)
                .join(counters, counters.c.id == m.c.counter_id)
                .join(halls, halls.c.id == m.c.hall_id)
                .where(m.c.id == movement_id, m.c.kind == CashMovementKind.HANDOVER)
            )
            .first()
        )
        if row is None:
            raise NotFound("交款记录不存在", f"hand-over {movement_id} not found")
        drawn = DrawerCount.from_json(json.loads(row.denominations))
        return HandoverSlipData(
            hall_name=row.hall,
            counter_name=row.counter,
            slip_no=row.slip_no,
            handed_at=row.created_at.astimezone(ctx.tz),
            clerk_name=row.clerk,
            receiver_name=row.to,
            source="保险柜" if row.safe_fen else "钱箱",
            amount_fen=row.amount_fen,
            denominations=tuple(DenominationLine(*line) for line in drawn.lines()),
            note=row.reason,
            mode=ctx.mode,
        )


@service
def opening_form_data(ctx: Context, account_no: AccountNo) -> OpeningFormData:
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
            .where(t.c.account_id == account.id, t.c.kind == TransactionKind.OPENING)
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
            customer_kind=CustomerKind.label_of(customer.kind),
            residential=customer.kind == CustomerKind.RESIDENTIAL,
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
            mode=ctx.mode,
        )
