"""Shifts (班次) and the cash drawer: open with a float, cash in/out, hand-over to finance (交款),
blind count by denomination and close (交班) with over/short (长短款) signed off.

Where the cash is, is always a sum of rows: the drawer of a shift is its cash movements plus its
cash transactions; the safe is the hall's safe movements; finance holds what was handed over.
Nothing stores a running balance. A closed shift is locked (database trigger); corrections are
adjusting rows in a later shift.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Annotated

from sqlalchemy import Connection, func, insert, select, update
from sqlalchemy.orm import Session

from app.context import Context
from app.domain.cash import MAX_CASH_FEN, NON_CASH, DrawerCount, HeldTakings, Payment, held_takings
from app.domain.money import format_money
from app.errors import GasDeskError, InvalidInput, NotFound, RuleViolation
from app.policy import HallPolicy, load_calendar, load_policy
from app.services import audit
from app.services.actor import Actor, OnDuty, resolve_actor
from app.services.boundary import Note, Reason, Text, require_text, service
from app.services.cash_checks import drawer_cash, refuse_negative_cash, safe_cash
from app.services.credentials import Confirmed, Credential, confirm_credential
from app.services.ledger import next_number
from app.services.locks import lock_open_shift, lock_safe, lock_shift, require_locked
from app.services.permissions import LOOK_UP
from app.services.unit_of_work import Earlier, check_request_id, run_once, submitted_in
from app.vocabulary import CashMovementKind, DrawerLevel, FloatSource, PaymentMethod, Role
from db.tables import approvals_table, counters, counts, movements, shifts, transactions, users

__all__ = ["drawer_cash", "safe_cash"]  # re-exported: reports and tests read them here

log = logging.getLogger(__name__)

SHIFT_OPEN = "shift_open"
SHIFT_CLOSE = "shift_close"
SIGN_OFF_ROLES = (Role.TEAM_LEADER, Role.DEPARTMENT_MANAGER)  # 班长 signs over/short; a manager may
RECEIVER_ROLES = (Role.FINANCE,)


def _money(value: object, what: str, *, allow_zero: bool = False) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise InvalidInput(f"{what}无效", f"{what}: not an int: {value!r}")
    if value < 0 or (value == 0 and not allow_zero) or value > MAX_CASH_FEN:
        raise InvalidInput(f"{what}必须大于零且不超过100万元", f"{what}: out of range {value}")
    return value


# ---------------------------------------------------------------- where the cash is (from rows)
# drawer_cash and safe_cash live in app.services.cash_checks, beside the check every movement uses


def expected_by_method(session: Session, shift_id: int) -> dict[str, int]:
    """What the shift should hold per payment method: drawer cash, and non-cash takings (with
    any recorded over/short of that method)."""
    t = transactions
    expected = {method: 0 for method in PaymentMethod}
    expected[PaymentMethod.CASH] = drawer_cash(session, shift_id)
    conn = session.connection()
    noncash = conn.execute(
        select(t.c.payment_method, func.sum(t.c.amount_fen))
        .where(t.c.shift_id == shift_id, t.c.payment_method.in_(NON_CASH))
        .group_by(t.c.payment_method)
    )
    for method, amount in noncash:
        expected[method] += int(amount)
    adjusted = conn.execute(
        select(movements.c.payment_method, func.sum(movements.c.amount_fen))
        .where(
            movements.c.shift_id == shift_id,
            movements.c.kind == CashMovementKind.OVER_SHORT,
            movements.c.payment_method.in_(NON_CASH),
        )
        .group_by(movements.c.payment_method)
    )
    for method, amount in adjusted:
        expected[method] += int(amount)
    return expected


# ---------------------------------------------------------------- limits on cash in the drawer


def cash_level(drawer_fen: int, policy: HallPolicy) -> str:
    if drawer_fen > policy.drawer_stop_limit_fen:
        return DrawerLevel.STOP
    if drawer_fen > policy.drawer_warn_limit_fen:
        return DrawerLevel.WARN
    return DrawerLevel.OK


def warn_message(policy: HallPolicy) -> str:
    return f"钱箱现金已超过{format_money(policy.drawer_warn_limit_fen)}元，请尽快交款"


def check_cash_sale(
    session: Session,
    on_duty: OnDuty,
    payment: Payment,
    amount_fen: int,
    policy: HallPolicy | None = None,
    drawer_fen: int | None = None,
) -> str | None:
    """Refuse cash taken above the hard limit; the warning to show after this sale, if any.

    ``drawer_fen``: the drawer's cash as the caller read it under the shift's lock (else read
    here). The message names the limit, never the drawer's figure (the count at close is blind).
    """
    if payment.method != PaymentMethod.CASH or amount_fen <= 0 or on_duty.shift_id is None:
        return None
    policy = policy or load_policy(session)
    before = drawer_cash(session, on_duty.shift_id) if drawer_fen is None else drawer_fen
    # the limit holds for the drawer after this charge, not only before it
    if cash_level(before + amount_fen, policy) == DrawerLevel.STOP:
        raise RuleViolation(
            f"收取本笔现金后钱箱将超过{format_money(policy.drawer_stop_limit_fen)}元上限，"
            "请先交款再收现金（可改用非现金付款）",
            f"drawer {before} + {amount_fen} above stop limit {policy.drawer_stop_limit_fen}",
        )
    if cash_level(before + amount_fen, policy) != DrawerLevel.OK:
        return warn_message(policy)
    return None


@dataclass(frozen=True)
class DrawerStatus:
    """What the counter's status bar shows: the shift, and the drawer's level against the limits
    (not its figure: the clerk counts blind at close)."""

    shift_id: int | None
    opened_at: dt.datetime | None
    level: str
    message: str | None
    overdue: tuple[HeldTakings, ...]


@service
def drawer_status(ctx: Context, actor: Actor) -> DrawerStatus:
    with ctx.reading() as session:
        on_duty = resolve_actor(session, actor, LOOK_UP)
        overdue = tuple(_overdue(session, ctx, on_duty.hall_id))
        if on_duty.shift_id is None:
            return DrawerStatus(None, None, DrawerLevel.OK, None, overdue)
        policy = load_policy(session)
        level = cash_level(drawer_cash(session, on_duty.shift_id), policy)
        opened = session.connection().execute(
            select(shifts.c.opened_at).where(shifts.c.id == on_duty.shift_id)
        )
        message = {
            DrawerLevel.OK: None,
            DrawerLevel.WARN: warn_message(policy),
            DrawerLevel.STOP: "钱箱现金已达上限，现金收费已暂停，请立即交款",
        }[level]
        return DrawerStatus(on_duty.shift_id, opened.scalar_one(), level, message, overdue)


# ---------------------------------------------------------------- takings held too long


def takings_by_day(session: Session, hall_id: int, until: dt.date) -> dict[dt.date, int]:
    """Net cash each business day brought into the hall (floats and safe moves excluded)."""
    t = transactions
    days: dict[dt.date, int] = {}
    sales = session.connection().execute(
        select(t.c.business_date, func.sum(t.c.amount_fen))
        .where(
            t.c.hall_id == hall_id,
            t.c.payment_method == PaymentMethod.CASH,
            t.c.business_date <= until,
        )
        .group_by(t.c.business_date)
    )
    moved = session.connection().execute(
        select(movements.c.business_date, func.sum(movements.c.drawer_fen))
        .where(
            movements.c.hall_id == hall_id,
            movements.c.kind.in_(
                (CashMovementKind.CASH_IN, CashMovementKind.CASH_OUT, CashMovementKind.OVER_SHORT)
            ),
            movements.c.payment_method == PaymentMethod.CASH,
            movements.c.business_date <= until,
        )
        .group_by(movements.c.business_date)
    )
    for day, amount in (*sales, *moved):
        days[day] = days.get(day, 0) + int(amount)
    return days


def handed_over(session: Session, hall_id: int, until: dt.date) -> int:
    query = select(func.coalesce(func.sum(movements.c.finance_fen), 0)).where(
        movements.c.hall_id == hall_id, movements.c.business_date <= until
    )
    return int(session.connection().execute(query).scalar_one())


def held_cash(session: Session, ctx: Context, hall_id: int, day: dt.date) -> list[HeldTakings]:
    calendar = load_calendar(session)
    return held_takings(
        takings_by_day(session, hall_id, day), handed_over(session, hall_id, day), day, calendar
    )


def _overdue(session: Session, ctx: Context, hall_id: int) -> list[HeldTakings]:
    return [held for held in held_cash(session, ctx, hall_id, ctx.today()) if held.overdue]


@service
def overdue_takings(ctx: Context, hall_id: int) -> list[HeldTakings]:
    """Takings held more than two working days (the hall rule): shown at login and on the
    daily report until handed to finance."""
    with ctx.reading() as session:
        return _overdue(session, ctx, hall_id)


# ---------------------------------------------------------------- opening a shift


@dataclass(frozen=True)
class OpenShiftRequest:
    request_id: uuid.UUID
    float_count: DrawerCount  # the opening float, counted into the drawer
    float_source: str = FloatSource.SAFE  # or FloatSource.FINANCE


@dataclass(frozen=True)
class ShiftOpened:
    shift_id: int
    counter_id: int
    clerk_id: int
    business_date: dt.date
    opened_at: dt.datetime
    float_fen: int
    overdue: tuple[HeldTakings, ...] = ()


def _movement(
    session: Session,
    ctx: Context,
    on_duty: OnDuty,
    *,
    request_id: uuid.UUID,
    kind: str,
    amount_fen: int,
    shift_id: int | None,
    drawer_fen: int = 0,
    safe_fen: int = 0,
    finance_fen: int = 0,
    **values: object,
) -> int:
    """Insert one cash movement (under its shift's lock, and the safe's when it takes from it);
    refused when it leaves the drawer or the safe below nothing."""
    if shift_id is not None:
        require_locked(session, "shift", shift_id)
    if safe_fen < 0:
        lock_safe(session, on_duty.hall_id)
    conn: Connection = session.connection()
    row = {
        "request_id": request_id,
        "kind": kind,
        "hall_id": on_duty.hall_id,
        "counter_id": on_duty.counter_id,
        "shift_id": shift_id,
        "operator_id": on_duty.user_id,
        "created_at": ctx.now(),
        "business_date": ctx.today(),
        "payment_method": values.pop("payment_method", PaymentMethod.CASH),
        "amount_fen": amount_fen,
        "drawer_fen": drawer_fen,
        "safe_fen": safe_fen,
        "finance_fen": finance_fen,
        **values,
    }
    movement_id = conn.execute(insert(movements).returning(movements.c.id), row).scalar_one()
    event = audit.Event(kind, on_duty.user_id, on_duty.counter_id, on_duty.hall_id)
    audit.record(session, ctx, event, row=(movements.name, movement_id), figures=row)
    takes_cash = drawer_fen < 0 and row["payment_method"] == PaymentMethod.CASH
    refuse_negative_cash(
        session,
        shift_id=shift_id if takes_cash else None,
        hall_id=on_duty.hall_id if safe_fen < 0 else None,
    )
    return movement_id


def _shift_row(session: Session, shift_id: int):  # type: ignore[no-untyped-def]
    row = session.connection().execute(select(shifts).where(shifts.c.id == shift_id)).first()
    if row is None:
        raise NotFound("班次不存在", f"shift {shift_id} not found")
    return row


def _float_of(session: Session, shift_id: int) -> int:
    query = select(func.coalesce(func.sum(movements.c.drawer_fen), 0)).where(
        movements.c.shift_id == shift_id, movements.c.kind == CashMovementKind.FLOAT
    )
    return int(session.connection().execute(query).scalar_one())


def _opened(session: Session, shift_id: int, overdue=()) -> ShiftOpened:  # type: ignore[no-untyped-def]
    row = _shift_row(session, shift_id)
    return ShiftOpened(
        row.id,
        row.counter_id,
        row.clerk_id,
        row.business_date,
        row.opened_at,
        _float_of(session, row.id),
        tuple(overdue),
    )


@service
def open_shift(ctx: Context, actor: Actor, req: OpenShiftRequest) -> ShiftOpened:
    """开班: the clerk opens a shift at this counter with a counted float.

    One open shift per counter and per clerk; the float comes out of the safe (refused when the
    safe does not hold it) or is issued by finance.
    """
    check_request_id(req.request_id)
    count = _checked_count(req.float_count)
    if req.float_source not in FloatSource.labels():
        raise InvalidInput("请选择备用金来源", f"bad float source {req.float_source!r}")

    def work(session: Session) -> ShiftOpened:
        on_duty = resolve_actor(session, actor, "shift")
        if req.float_source == FloatSource.SAFE:
            lock_safe(session, on_duty.hall_id)  # the float's check runs under it (_movement)
        _refuse_second_shift(session, on_duty)
        amount = count.total_fen
        shift_id = (
            session.connection()
            .execute(
                insert(shifts).returning(shifts.c.id),
                {
                    "open_request_id": req.request_id,
                    "hall_id": on_duty.hall_id,
                    "counter_id": on_duty.counter_id,
                    "clerk_id": on_duty.user_id,
                    "business_date": ctx.today(),
                    "opened_at": ctx.now(),
                },
            )
            .scalar_one()
        )
        opened = audit.Event(
            SHIFT_OPEN,
            on_duty.user_id,
            on_duty.counter_id,
            on_duty.hall_id,
            ref=f"{shifts.name}:{shift_id}",
            data={"float_source": req.float_source},
        )
        lock_open_shift(session, shift_id)  # our own new row: marks it held for its movements
        audit.record(session, ctx, opened)
        if amount:
            _movement(
                session,
                ctx,
                on_duty,
                request_id=uuid.uuid5(req.request_id, CashMovementKind.FLOAT),
                kind=CashMovementKind.FLOAT,
                amount_fen=amount,
                shift_id=shift_id,
                drawer_fen=amount,
                safe_fen=-amount if req.float_source == FloatSource.SAFE else 0,
                reason=FloatSource(req.float_source).label,
                denominations=json.dumps(count.as_json()),
            )
        return _opened(session, shift_id, _overdue(session, ctx, on_duty.hall_id))

    return run_once(ctx, req.request_id, _EARLIER_OPENING, work)


# a racing open at this counter or by this clerk clashes on the open-shift UNIQUE indexes
_EARLIER_OPENING = Earlier(
    submitted_in(shifts.c.open_request_id), _opened, "该柜台或该营业员已有未交班的班次"
)


def _refuse_second_shift(session: Session, on_duty: OnDuty) -> None:
    conn = session.connection()
    open_rows = conn.execute(
        select(shifts.c.counter_id, shifts.c.clerk_id, users.c.display_name, counters.c.name)
        .join(users, users.c.id == shifts.c.clerk_id)
        .join(counters, counters.c.id == shifts.c.counter_id)
        .where(
            shifts.c.closed_at.is_(None),
            (shifts.c.counter_id == on_duty.counter_id) | (shifts.c.clerk_id == on_duty.user_id),
        )
    ).all()
    for row in open_rows:
        if row.clerk_id == on_duty.user_id:
            raise RuleViolation(
                f"您在{row.name}还有未交班的班次，请先交班",
                f"user {on_duty.user_id} has open shift",
            )
        raise RuleViolation(
            f"{row.name}由{row.display_name}开班中，请先交班", f"counter {on_duty.counter_id} busy"
        )


def _checked_count(count: object) -> DrawerCount:
    if not isinstance(count, DrawerCount):
        raise InvalidInput("请按面额清点现金", f"not a DrawerCount: {count!r}")
    return count.checked()


# ---------------------------------------------------------------- cash in / cash out


@dataclass(frozen=True)
class CashMoveRequest:
    """Cash into the drawer (float top-up, change) or out of it (petty payout), with a reason."""

    request_id: uuid.UUID
    kind: str  # CashMovementKind.CASH_IN or CashMovementKind.CASH_OUT
    amount_fen: int
    reason: Reason


@dataclass(frozen=True)
class Moved:
    movement_id: int
    kind: str
    amount_fen: int
    created_at: dt.datetime
    slip_no: str | None = None
    counterpart: str | None = None
    count: DrawerCount | None = None
    warning: str | None = None


def _moved(session: Session, movement_id: int) -> Moved:
    row = (
        session.connection()
        .execute(
            select(movements, users.c.display_name)
            .outerjoin(users, users.c.id == movements.c.counterpart_id)
            .where(movements.c.id == movement_id)
        )
        .one()
    )
    count = DrawerCount.from_json(json.loads(row.denominations)) if row.denominations else None
    return Moved(
        row.id, row.kind, row.amount_fen, row.created_at, row.slip_no, row.display_name, count
    )


def _earlier_movement(kind: str) -> Earlier[Moved]:
    return Earlier(submitted_in(movements.c.request_id, kind=kind), _moved)


@service
def move_cash(ctx: Context, actor: Actor, req: CashMoveRequest) -> Moved:
    """现金存入/支出 in the actor's open shift."""
    if req.kind not in (CashMovementKind.CASH_IN, CashMovementKind.CASH_OUT):
        raise InvalidInput("请选择存入或支出", f"bad cash move kind {req.kind!r}")
    amount = _money(req.amount_fen, "金额")
    reason = require_text(req.reason, "原因")

    def work(session: Session) -> Moved:
        on_duty = resolve_actor(session, actor, "shift")
        shift_id = lock_shift(session, on_duty)
        sign = 1 if req.kind == CashMovementKind.CASH_IN else -1
        movement_id = _movement(
            session,
            ctx,
            on_duty,
            request_id=req.request_id,
            kind=req.kind,
            amount_fen=amount,
            shift_id=shift_id,
            drawer_fen=sign * amount,
            reason=reason,
        )
        return _moved(session, movement_id)

    return run_once(ctx, req.request_id, _earlier_movement(req.kind), work)


# ---------------------------------------------------------------- hand-over to finance (交款)


@dataclass(frozen=True)
class HandoverRequest:
    """Cash handed to a finance user, counted by denomination; finance confirms with their own
    password at the counter. ``source`` is the clerk's drawer or the hall's safe."""

    request_id: uuid.UUID
    count: DrawerCount
    receiver: Credential
    source: str = "drawer"
    note: Note = ""


@service
def hand_over(ctx: Context, actor: Actor, req: HandoverRequest) -> Moved:
    """交款: the drawer's (or the safe's) expected cash drops by the counted amount; a slip number
    is taken (gapless per hall and year) for the printed slip."""
    count = _checked_count(req.count)
    amount = count.total_fen
    if amount <= 0:
        raise InvalidInput("交款金额必须大于零", "empty hand-over")
    if req.source not in ("drawer", "safe"):
        raise InvalidInput("请选择交款来源", f"bad source {req.source!r}")
    if not isinstance(req.receiver, Credential):
        raise InvalidInput("请财务人员输入工号和密码确认", "receiver credential missing")

    def work(session: Session) -> Moved:
        on_duty = resolve_actor(session, actor, "shift")
        # the credential first: argon2 takes tens of milliseconds, which must not be spent
        # holding the shift or the safe (every counter's safe movement waits on the hall row);
        # the drawer or the safe is checked against what it holds once its lock is held
        receiver = confirm_credential(
            session, req.receiver, roles=RECEIVER_ROLES, not_user=on_duty.user_id, what="收款财务"
        )
        if req.source == "drawer":
            shift_id = lock_shift(session, on_duty)
            effect = {"drawer_fen": -amount}
        else:
            shift_id = on_duty.shift_id
            if shift_id is not None:
                lock_open_shift(session, shift_id)
            lock_safe(session, on_duty.hall_id)
            effect = {"safe_fen": -amount}
        year = ctx.today().year
        seq = next_number(session, f"handover:{on_duty.hall_code}:{year}")
        movement_id = _movement(
            session,
            ctx,
            on_duty,
            request_id=req.request_id,
            kind=CashMovementKind.HANDOVER,
            amount_fen=amount,
            shift_id=shift_id,
            finance_fen=amount,
            reason=(req.note or "").strip() or ("保险柜现金交款" if req.source == "safe" else None),
            denominations=json.dumps(count.as_json()),
            counterpart_id=receiver.user_id,
            slip_no=f"JK{on_duty.hall_code}-{year}-{seq:05d}",
            **effect,
        )
        return _moved(session, movement_id)

    return run_once(ctx, req.request_id, _earlier_movement(CashMovementKind.HANDOVER), work)


# ---------------------------------------------------------------- blind count and close


@dataclass(frozen=True)
class CountRequest:
    request_id: uuid.UUID
    cash: DrawerCount
    # every terminal's total (bank card, WeChat, Alipay), 0 when it took nothing: never assumed
    noncash: Mapping[str, int] = field(default_factory=dict)
    # a recount once the expected figures were shown: the 班长's credential (else refused)
    recount_approval: Credential | None = None


@dataclass(frozen=True)
class MethodLine:
    method: str
    expected_fen: int
    counted_fen: int

    @property
    def difference_fen(self) -> int:
        """counted − expected: > 0 长款 (over), < 0 短款 (short)."""
        return self.counted_fen - self.expected_fen


@dataclass(frozen=True)
class CountResult:
    """Shown only after the count is recorded: expected against counted per payment method."""

    count_id: int
    shift_id: int
    cash: DrawerCount
    lines: tuple[MethodLine, ...]

    @property
    def balanced(self) -> bool:
        return all(line.difference_fen == 0 for line in self.lines)


def method_lines(row) -> tuple[MethodLine, ...]:  # type: ignore[no-untyped-def]
    """A stored count (a ``shift_counts`` row) as expected against counted per payment method;
    a non-cash total left empty agrees with what was expected."""
    expected = json.loads(row.expected)
    noncash = json.loads(row.noncash)
    return tuple(
        MethodLine(
            method,
            expected[method],
            row.cash_fen if method == PaymentMethod.CASH else noncash.get(method, expected[method]),
        )
        for method in PaymentMethod
    )


def _count_result(session: Session, count_id: int) -> CountResult:
    row = session.connection().execute(select(counts).where(counts.c.id == count_id)).one()
    cash = DrawerCount.from_json(json.loads(row.denominations))
    return CountResult(row.id, row.shift_id, cash, method_lines(row))


def _checked_noncash(noncash: Mapping[str, int]) -> dict[str, int]:
    """Every terminal's total, as counted: one left out is refused, never taken as agreeing
    with the system (that would let a blind count skip the terminals)."""
    checked = {}
    given = dict(noncash or {})
    for method in given:
        if method not in NON_CASH:
            raise InvalidInput("付款方式无效", f"bad non-cash method {method!r}")
    for method in NON_CASH:
        label = PaymentMethod(method).label
        if given.get(method) is None:
            raise InvalidInput(
                f"请填写{label}终端合计（没有收款请填 0）", f"non-cash total {method} missing"
            )
        amount = given[method]
        if not isinstance(amount, int) or isinstance(amount, bool) or abs(amount) > MAX_CASH_FEN:
            raise InvalidInput(f"{label}终端合计无效", f"bad amount {amount!r}")
        checked[method] = amount
    return checked


RECOUNT_ROLES = SIGN_OFF_ROLES  # a recount after the reveal: a 班长 or a manager approves


@service
def count_drawer(ctx: Context, actor: Actor, req: CountRequest) -> CountResult:
    """Record the clerk's blind count of the open shift; only then return what was expected.

    Nothing before this call gives the clerk the drawer's expected figure. A recount adds a new
    row; the close compares against the latest one. Once a count of the shift has answered with
    the expected figures, a recount needs a team leader's approval (``recount_approval``):
    otherwise a clerk could count again to match what was shown.
    """
    check_request_id(req.request_id)
    cash = _checked_count(req.cash)
    noncash = _checked_noncash(req.noncash)
    if req.recount_approval is not None and not isinstance(req.recount_approval, Credential):
        raise InvalidInput("请班长输入用户名和密码审批", "recount approval not a credential")

    def work(session: Session) -> CountResult:
        on_duty = resolve_actor(session, actor, "shift")
        approver: Confirmed | None = None
        if req.recount_approval is not None:
            # argon2 before the shift's lock (as the hand-over does): nobody waits on it
            approver = confirm_credential(
                session,
                req.recount_approval,
                roles=RECOUNT_ROLES,
                not_user=on_duty.user_id,
                what="审批班长",
            )
        shift_id = lock_shift(session, on_duty)  # the figures are those of every committed row
        earlier_count = _latest_count(session, shift_id)
        if earlier_count is not None and approver is None:
            raise RuleViolation(
                "应有金额已显示过，重新盘点须经班长审批（请班长输入用户名和密码）",
                f"shift {shift_id}: recount after count {earlier_count} without approval",
            )
        expected = expected_by_method(session, shift_id)
        count_id = (
            session.connection()
            .execute(
                insert(counts).returning(counts.c.id),
                {
                    "request_id": req.request_id,
                    "shift_id": shift_id,
                    "counted_at": ctx.now(),
                    "counted_by": on_duty.user_id,
                    "cash_fen": cash.total_fen,
                    "denominations": json.dumps(cash.as_json()),
                    "noncash": json.dumps(noncash),
                    "expected": json.dumps(expected),
                },
            )
            .scalar_one()
        )
        recount = (
            {}
            if approver is None
            else {"recount_of": earlier_count, "approved_by": approver.user_id}
        )
        event = audit.Event(
            "drawer_count", on_duty.user_id, on_duty.counter_id, on_duty.hall_id, data=recount
        )
        audit.record(session, ctx, event, row=(counts.name, count_id))
        return _count_result(session, count_id)

    return run_once(
        ctx, req.request_id, Earlier(submitted_in(counts.c.request_id), _count_result), work
    )


Explanation = Annotated[str, Text("长短款说明", 500)]


@dataclass(frozen=True)
class CloseShiftRequest:
    request_id: uuid.UUID
    explanation: Explanation | None = None  # required when the count differs
    sign_off: Credential | None = None  # 班长's credential, required when the count differs


@dataclass(frozen=True)
class ShiftClosed:
    shift_id: int
    closed_at: dt.datetime
    count: CountResult
    over_short: tuple[MethodLine, ...]  # the lines that differed, each recorded as its own row
    signed_by: str | None
    to_safe_fen: int


def _latest_count(session: Session, shift_id: int) -> int | None:
    query = (
        select(counts.c.id)
        .where(counts.c.shift_id == shift_id)
        .order_by(counts.c.id.desc())
        .limit(1)
    )
    return session.connection().execute(query).scalar()


def _closed(session: Session, shift_id: int) -> ShiftClosed:
    row = _shift_row(session, shift_id)
    conn = session.connection()
    count = _count_result(session, _latest_count(session, shift_id))
    signer = conn.execute(
        select(users.c.display_name)
        .join_from(approvals_table, movements, movements.c.id == approvals_table.c.cash_movement_id)
        .join(users, users.c.id == approvals_table.c.approver_id)
        .where(movements.c.shift_id == shift_id, movements.c.kind == CashMovementKind.OVER_SHORT)
        .limit(1)
    ).scalar()
    to_safe = conn.execute(
        select(func.coalesce(func.sum(movements.c.safe_fen), 0)).where(
            movements.c.shift_id == shift_id, movements.c.kind == CashMovementKind.SAFE_DEPOSIT
        )
    ).scalar_one()
    differing = tuple(line for line in count.lines if line.difference_fen)
    return ShiftClosed(row.id, row.closed_at, count, differing, signer, int(to_safe))


@service
def close_shift(ctx: Context, actor: Actor, req: CloseShiftRequest) -> ShiftClosed:
    """交班: compare the latest count with the rows; record each difference as an over/short row
    signed off by a team leader with their password; put the counted cash into the safe for the
    night; lock the shift. A count older than the last operation must be redone."""
    check_request_id(req.request_id)

    def work(session: Session) -> ShiftClosed:
        on_duty = resolve_actor(session, actor, "shift")
        # exclusive: every writer of the shift holds it too, so the close sees every committed
        # movement and nothing commits into the shift once it is closed
        shift_id = lock_shift(session, on_duty)
        count_id = _latest_count(session, shift_id)
        if count_id is None:
            raise RuleViolation("请先清点钱箱（按面额盘点）再交班", f"shift {shift_id} not counted")
        count = _count_result(session, count_id)
        now_expected = expected_by_method(session, shift_id)
        if any(line.expected_fen != now_expected[line.method] for line in count.lines):
            raise RuleViolation(
                "盘点后又办理了业务，请重新盘点（须经班长审批）",
                f"shift {shift_id} changed since count {count_id}",
            )
        differing = [line for line in count.lines if line.difference_fen]
        signer: Confirmed | None = None
        explanation = (req.explanation or "").strip() or None
        if differing:
            explanation = require_text(explanation, "长短款说明", max_length=500)
            if not isinstance(req.sign_off, Credential):
                raise RuleViolation("长短款须经班长签字确认", f"shift {shift_id}: no sign-off")
            signer = confirm_credential(
                session,
                req.sign_off,
                roles=SIGN_OFF_ROLES,
                not_user=on_duty.user_id,
                what="签字班长",
            )
        for line in differing:
            movement_id = _movement(
                session,
                ctx,
                on_duty,
                request_id=uuid.uuid5(
                    req.request_id, f"{CashMovementKind.OVER_SHORT}:{line.method}"
                ),
                kind=CashMovementKind.OVER_SHORT,
                amount_fen=line.difference_fen,
                shift_id=shift_id,
                drawer_fen=line.difference_fen if line.method == PaymentMethod.CASH else 0,
                payment_method=line.method,
                reason=explanation,
            )
            session.connection().execute(
                insert(approvals_table),
                {
                    "cash_movement_id": movement_id,
                    "approver_id": signer.user_id,
                    "role": signer.role,
                    "reason": explanation,
                    "approved_at": ctx.now(),
                },
            )
        to_safe = count.cash.total_fen
        if to_safe:
            _movement(
                session,
                ctx,
                on_duty,
                request_id=uuid.uuid5(req.request_id, CashMovementKind.SAFE_DEPOSIT),
                kind=CashMovementKind.SAFE_DEPOSIT,
                amount_fen=to_safe,
                shift_id=shift_id,
                drawer_fen=-to_safe,
                safe_fen=to_safe,
                reason="交班现金存入保险柜",
                denominations=json.dumps(count.cash.as_json()),
            )
        left = drawer_cash(session, shift_id)
        if left:  # the rows disagree with themselves: never lock such a shift
            raise RuntimeError(f"shift {shift_id}: drawer {left} after close, expected 0")
        session.connection().execute(
            update(shifts)
            .where(shifts.c.id == shift_id, shifts.c.closed_at.is_(None))
            .values(
                closed_at=ctx.now(),
                closed_by=on_duty.user_id,
                close_request_id=req.request_id,
                explanation=explanation,
            )
        )
        closing = audit.Event(
            SHIFT_CLOSE,
            on_duty.user_id,
            on_duty.counter_id,
            on_duty.hall_id,
            ref=f"{shifts.name}:{shift_id}",
            data={"counted_fen": count.cash.total_fen, "signed_by": signer and signer.user_id},
        )
        audit.record(session, ctx, closing)
        return _closed(session, shift_id)

    earlier = Earlier(submitted_in(shifts.c.close_request_id), _closed)
    result = run_once(ctx, req.request_id, earlier, work)
    _backup_after_close(ctx)
    return result


def _backup_after_close(ctx: Context) -> None:
    """An online backup of the embedded database after every close. A failed backup is logged
    and never undoes the close (the scheduled backup tries again)."""
    if ctx.backups is None:
        return
    from app.services.backup import take_backup

    settings = ctx.backups
    try:
        take_backup(
            ctx.db, settings.directory, reason="shift-close", keep=settings.keep, now=ctx.now()
        )
    except (GasDeskError, OSError) as error:
        log.error("backup after shift close failed: %s", error)


# ---------------------------------------------------------------- reading shifts


@dataclass(frozen=True)
class ShiftInfo:
    shift_id: int
    counter_id: int
    counter_name: str
    clerk_id: int
    clerk_name: str
    business_date: dt.date
    opened_at: dt.datetime
    closed_at: dt.datetime | None


_SHIFT_INFO = (
    select(shifts, counters.c.name.label("counter_name"), users.c.display_name)
    .join(counters, counters.c.id == shifts.c.counter_id)
    .join(users, users.c.id == shifts.c.clerk_id)
)


def _info(row) -> ShiftInfo:  # type: ignore[no-untyped-def]
    return ShiftInfo(
        row.id,
        row.counter_id,
        row.counter_name,
        row.clerk_id,
        row.display_name,
        row.business_date,
        row.opened_at,
        row.closed_at,
    )


@service
def shifts_of_day(ctx: Context, actor: Actor, day: dt.date) -> list[ShiftInfo]:
    """The shifts of the actor's hall on ``day``."""
    with ctx.reading() as session:
        hall_id = resolve_actor(session, actor, LOOK_UP).hall_id
        rows = session.connection().execute(
            _SHIFT_INFO.where(shifts.c.hall_id == hall_id, shifts.c.business_date == day).order_by(
                shifts.c.id
            )
        )
        return [_info(row) for row in rows]


@service
def current_shift(ctx: Context, actor: Actor) -> ShiftInfo | None:
    with ctx.reading() as session:
        on_duty = resolve_actor(session, actor, LOOK_UP)
        if on_duty.shift_id is None:
            return None
        return _info(
            session.connection().execute(_SHIFT_INFO.where(shifts.c.id == on_duty.shift_id)).one()
        )


@dataclass(frozen=True)
class ShiftDesk:
    """What F11 and F10 start from: the clerk's open shift; whether its expected figures were
    shown already (a recount then needs a team leader); the opening float to suggest (the notes
    of the last float counted out at this counter); the finance user to suggest for a hand-over
    (who took the hall's last one, else the only finance user; they still type their password).
    None of it is a drawer figure: the count at close stays blind."""

    shift: ShiftInfo | None
    counted: bool = False
    float_count: DrawerCount | None = None
    receiver: str | None = None  # a user name


def _last_float(session: Session, counter_id: int) -> DrawerCount | None:
    row = (
        session.connection()
        .execute(
            select(movements.c.denominations)
            .where(movements.c.counter_id == counter_id, movements.c.kind == CashMovementKind.FLOAT)
            .order_by(movements.c.id.desc())
            .limit(1)
        )
        .first()
    )
    if row is None or not row.denominations:
        return None
    return DrawerCount.from_json(json.loads(row.denominations))


def _usual_receiver(session: Session, hall_id: int) -> str | None:
    conn = session.connection()
    last = conn.execute(
        select(users.c.username)
        .join_from(movements, users, users.c.id == movements.c.counterpart_id)
        .where(
            movements.c.hall_id == hall_id,
            movements.c.kind == CashMovementKind.HANDOVER,
            users.c.active.is_(True),
        )
        .order_by(movements.c.id.desc())
        .limit(1)
    ).scalar()
    if last is not None:
        return str(last)
    finance = conn.execute(
        select(users.c.username)
        .where(users.c.role.in_(RECEIVER_ROLES), users.c.active.is_(True))
        .limit(2)
    ).scalars()
    names = list(finance)
    return str(names[0]) if len(names) == 1 else None


@service
def shift_desk(ctx: Context, actor: Actor) -> ShiftDesk:
    with ctx.reading() as session:
        on_duty = resolve_actor(session, actor, LOOK_UP)
        receiver = _usual_receiver(session, on_duty.hall_id)
        if on_duty.shift_id is None:
            return ShiftDesk(None, False, _last_float(session, on_duty.counter_id), receiver)
        info = _info(
            session.connection().execute(_SHIFT_INFO.where(shifts.c.id == on_duty.shift_id)).one()
        )
        counted = _latest_count(session, on_duty.shift_id) is not None
        return ShiftDesk(info, counted, receiver=receiver)
