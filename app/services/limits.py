"""Purchase limits (限购) and safety holds (安检) as the counter applies them.

The rules are in ``app.domain.limits``. Here: the columns a sale's one read adds to decide them
(``limit_columns``), the check inside ``sales.purchase`` and the team
leader's override written with the sale, the account's own limit (set by a team leader or an
administrator, with a reason), the hall's class limits (administrators) and the account panel's
look-up (``account_limits``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated

from sqlalchemy import (
    Date,
    Integer,
    Row,
    bindparam,
    case,
    cast,
    func,
    insert,
    literal_column,
    select,
)
from sqlalchemy.orm import Session

from app.context import Context
from app.domain.limits import (
    MAX_LIMIT_VOLUME,
    ClassLimits,
    InspectionStatus,
    OverrideNeeded,
    PurchaseLimit,
    limit_in_force,
    window_start,
)
from app.errors import InvalidInput, RuleViolation
from app.policy import (
    PURCHASE_LIMITS,
    HallPolicy,
    class_limits_from_json,
    load_class_limits,
    load_policy,
    save_class_limits,
)
from app.services import audit
from app.services.actor import Actor, OnDuty, resolve_actor
from app.services.boundary import AccountNo, Reason, Text, require_text, service
from app.services.credentials import Credential, confirm_credential
from app.services.locks import account_by_no
from app.services.permissions import LOOK_UP
from app.services.security import AdminActor, require_administrator
from app.vocabulary import InspectionResult, OverrideKind, Role, TransactionKind
from db.engine import connection_of
from db.models import AccountLimit
from db.tables import (
    account_limits,
    accounts,
    customers,
    inspections,
    meters,
    sale_overrides,
    settings,
    transactions,
)

# who may let one sale past a limit or a hold, and who sets an account's own limit
OVERRIDE_ROLES = (Role.TEAM_LEADER, Role.DEPARTMENT_MANAGER)


@dataclass(frozen=True)
class OverrideInput:
    """A team leader letting one sale past its purchase limit or safety hold, at this counter
    with their own password, and why."""

    approver: Credential
    reason: Annotated[str, Text("放行原因", 200, required=True)]


# ---------------------------------------------------------------- the columns of a sale's read


_STORED_MONTHS = func.coalesce(
    cast(
        select(settings.c.value)
        .where(settings.c.key == "purchase_limit_window_months")
        .scalar_subquery(),
        Integer,
    ),
    HallPolicy().purchase_limit_window_months,
)
_DAY = bindparam("day", type_=Date)  # the business date, a parameter the sale's read has


def _window_start(dialect: str):  # type: ignore[no-untyped-def]
    """The window's first day in SQL, from the business date and the stored window length:
    the first of this month, N−1 months back (``app.domain.limits.window_start``). Computed
    by the database so that the read needs no parameter more than the day."""
    if dialect == "sqlite":
        return func.date(_DAY, "start of month", func.printf("-%d months", _STORED_MONTHS - 1))
    back = (_STORED_MONTHS - 1) * literal_column("interval '1 month'")
    return cast(func.date_trunc("month", _DAY) - back, Date)


def _bought(dialect: str):  # type: ignore[no-untyped-def]
    """Purchases dated in the window, each net of the refund or void that reversed it (dated by
    the purchase, whenever it was reversed), and of a refund voided in its turn (its gas stayed
    on the card: bought again); supplements and carry-overs are no purchases."""
    bought = transactions.alias("limit_bought")
    reversed_ = transactions.alias("limit_reversed")
    original = transactions.alias("limit_original")  # what a voided refund had reversed
    purchase = bought.c.kind == TransactionKind.PURCHASE
    # no IN (...): an expanding parameter would re-render the whole sale read every time
    reversal = (bought.c.kind == TransactionKind.REFUND) | (bought.c.kind == TransactionKind.VOID)
    voided_refund = (
        (bought.c.kind == TransactionKind.VOID)
        & (reversed_.c.kind == TransactionKind.REFUND)
        & (original.c.kind == TransactionKind.PURCHASE)
    )
    purchased_on = case(
        (purchase, bought.c.business_date),
        (reversed_.c.kind == TransactionKind.PURCHASE, reversed_.c.business_date),
        else_=original.c.business_date,
    )
    return (
        select(func.coalesce(func.sum(bought.c.volume), 0))
        .select_from(
            bought.outerjoin(reversed_, reversed_.c.id == bought.c.reverses_id).outerjoin(
                original, original.c.id == reversed_.c.reverses_id
            )
        )
        .where(
            bought.c.account_id == accounts.c.id,
            purchase | (reversal & (reversed_.c.kind == TransactionKind.PURCHASE)) | voided_refund,
            purchased_on >= _window_start(dialect),
        )
        .scalar_subquery()
    )


_OWN_LIMIT = (
    select(account_limits.c.volume)
    .where(account_limits.c.account_id == accounts.c.id)
    .order_by(account_limits.c.id.desc())
    .limit(1)
    .scalar_subquery()
)
_CLASS_LIMITS = select(settings.c.value).where(settings.c.key == PURCHASE_LIMITS).scalar_subquery()
_RATED_FLOW = select(meters.c.rated_flow).where(meters.c.account_id == accounts.c.id)


def _newest_state(column):  # type: ignore[no-untyped-def]
    """A column of the account's newest inspection that says something (not 到访不遇)."""
    return (
        select(column)
        .where(
            inspections.c.account_id == accounts.c.id,
            inspections.c.result != InspectionResult.NOBODY_HOME,
        )
        .order_by(inspections.c.inspected_on.desc(), inspections.c.id.desc())
        .limit(1)
        .scalar_subquery()
    )


LAST_PASSED = (
    select(func.max(inspections.c.inspected_on))
    .where(
        inspections.c.account_id == accounts.c.id,
        inspections.c.result == InspectionResult.PASSED,
    )
    .scalar_subquery()
)
# what ``inspection_of`` decides on, of the account in the statement
INSPECTION_COLUMNS = (
    _newest_state(inspections.c.result).label("inspection_result"),
    _newest_state(inspections.c.inspected_on).label("inspection_on"),
    LAST_PASSED.label("inspection_passed_on"),
    accounts.c.opened_at.label("account_opened_at"),
)


def limit_columns(dialect: str) -> tuple:  # type: ignore[type-arg]
    """What ``limit_of`` and ``inspection_of`` decide on, of the account in the statement (a
    sale's read adds them; its ``day`` parameter is the business date)."""
    limited = _CLASS_LIMITS.is_not(None) | _OWN_LIMIT.is_not(None)
    return (
        # summed only where a limit can apply (a hall without limits pays nothing for them)
        case((limited, _bought(dialect)), else_=0).label("limit_bought"),
        _OWN_LIMIT.label("own_limit"),
        _RATED_FLOW.scalar_subquery().label("rated_flow"),
        _CLASS_LIMITS.label("class_limits"),
        *INSPECTION_COLUMNS,
    )


def limit_of(read: Row, kind: str, policy: HallPolicy, today: dt.date) -> PurchaseLimit:  # type: ignore[type-arg]
    """The account's purchase limit as a read of ``limit_columns`` found it."""
    class_limit = class_limits_from_json(read.class_limits).limit_for(kind, read.rated_flow)
    limit, own = limit_in_force(class_limit, read.own_limit)
    months = policy.purchase_limit_window_months
    return PurchaseLimit(limit, int(read.limit_bought), window_start(today, months), months, own)


def inspection_of(
    read: Row,  # type: ignore[type-arg]
    ctx: Context,
    policy: HallPolicy,
    today: dt.date,
) -> InspectionStatus:
    """The account's inspection state as a read of ``limit_columns`` (or
    ``INSPECTION_COLUMNS``) found it."""
    return InspectionStatus.of(
        today,
        state_result=read.inspection_result,
        state_on=read.inspection_on,
        last_passed=read.inspection_passed_on,
        opened_on=ctx.local(read.account_opened_at).date(),
        interval_months=policy.inspection_interval_months,
    )


# ---------------------------------------------------------------- the check inside a sale


@dataclass(frozen=True)
class SaleChecks:
    """What the limits and holds said of one sale: the overdue warning, and the overrides to
    write with it (kind, receipt line), approved by ``approver_id`` for ``reason``."""

    warning: str | None
    overrides: tuple[tuple[OverrideKind, str], ...] = ()
    approver_id: int | None = None
    reason: str | None = None


def check_sale(
    session: Session,
    on_duty: OnDuty,
    limit: PurchaseLimit,
    inspection: InspectionStatus,
    volume: int,
    override: OverrideInput | None,
) -> SaleChecks:
    """Refuse a sale above the remaining limit or on a held account (``OverrideNeeded``, nothing
    written) unless a team leader's override covers it; an overdue inspection only warns."""
    needed: list[tuple[OverrideKind, str, str]] = []
    if not limit.allows(volume):
        needed.append((OverrideKind.PURCHASE_LIMIT, limit.refusal(), limit.detail(volume)))
    if inspection.hold is not None:
        needed.append((OverrideKind.SAFETY_HOLD, inspection.refusal(), inspection.detail()))
    warning = inspection.warning()
    if not needed:
        return SaleChecks(warning)
    if override is None:
        raise OverrideNeeded(
            "；".join(message for _, message, _ in needed),
            f"sale of {volume} needs an override: {[str(k) for k, _, _ in needed]}",
            kinds=tuple(str(k) for k, _, _ in needed),
            remaining=limit.remaining,
            hold=None if inspection.hold is None else str(inspection.hold),
        )
    if not isinstance(override, OverrideInput):
        raise InvalidInput("放行信息无效", f"not an OverrideInput: {override!r}")
    reason = require_text(override.reason, "放行原因")
    approver = confirm_credential(
        session, override.approver, roles=OVERRIDE_ROLES, not_user=on_duty.user_id, what="放行班长"
    )
    return SaleChecks(
        warning, tuple((kind, detail) for kind, _, detail in needed), approver.user_id, reason
    )


def record_overrides(
    session: Session, ctx: Context, on_duty: OnDuty, transaction_id: int, checks: SaleChecks
) -> None:
    """The overrides of one sale, in its transaction (receipts print them as lines), each
    with its audit entry."""
    if not checks.overrides:
        return
    conn = connection_of(session)
    for kind, detail in checks.overrides:
        row = {
            "transaction_id": transaction_id,
            "kind": kind,
            "approver_id": checks.approver_id,
            "reason": checks.reason,
            "detail": detail,
            "created_at": ctx.now(),
        }
        row_id = conn.execute(insert(sale_overrides).returning(sale_overrides.c.id), row).scalar()
        event = audit.Event(
            "sale_override",
            on_duty.user_id,
            on_duty.counter_id,
            on_duty.hall_id,
            f"sale_overrides:{row_id}",
            {"kind": str(kind), "approver": checks.approver_id, "reason": checks.reason},
        )
        audit.record(session, ctx, event)


# ---------------------------------------------------------------- look-ups and settings


@dataclass(frozen=True)
class AccountLimits:
    """The account panel's figures: the purchase limit (with its window) and the inspection."""

    account_no: str
    limit: PurchaseLimit
    inspection: InspectionStatus


_BY_ACCOUNT = {
    dialect: select(customers.c.kind, accounts.c.account_no, *limit_columns(dialect))
    .join_from(accounts, customers, customers.c.id == accounts.c.customer_id)
    .where(accounts.c.id == bindparam("account_id"))
    for dialect in ("sqlite", "postgresql")
}


def limits_in(session: Session, ctx: Context, account_id: int) -> AccountLimits:
    """The account's limit and inspection state today, read inside the caller's session."""
    policy = load_policy(session)
    today = ctx.today()
    conn = connection_of(session)
    read = conn.execute(
        _BY_ACCOUNT[conn.dialect.name], {"account_id": account_id, "day": today}
    ).one()
    return AccountLimits(
        read.account_no,
        limit_of(read, read.kind, policy, today),
        inspection_of(read, ctx, policy, today),
    )


# the inspection state alone (no limit figures: a hold does not need them)
_HOLD_OF_ACCOUNT = (
    select(*INSPECTION_COLUMNS)
    .select_from(accounts)
    .where(accounts.c.id == bindparam("account_id"))
)


def require_no_hold(session: Session, ctx: Context, account_id: int) -> None:
    """Gas put on the card without a sale (补气, 换表补气) or let through a valve-open card
    stops too while a safety hold stands: a hazard or a refused inspection is cleared by a
    passed one first."""
    read = connection_of(session).execute(_HOLD_OF_ACCOUNT, {"account_id": account_id}).one()
    inspection = inspection_of(read, ctx, load_policy(session), ctx.today())
    if inspection.hold is not None:
        raise RuleViolation(
            inspection.refusal("写卡"), f"account {account_id} held: {inspection.hold}"
        )


@service
def account_limits(ctx: Context, actor: Actor, account_no: AccountNo) -> AccountLimits:
    """限购 and 安检 of one account for the account panel and the purchase dialog: the limit
    in force, what was bought in the window and what remains; the last inspection, the next
    due date and the hold."""
    with ctx.reading() as session:
        resolve_actor(session, actor, LOOK_UP)
        return limits_in(session, ctx, account_by_no(session, account_no).id)


@dataclass(frozen=True)
class AccountLimitRequest:
    """An account's own limit (0.01 m³ per window), or None: back to its class's limit."""

    account_no: AccountNo
    volume: int | None
    reason: Reason


@service
def set_account_limit(ctx: Context, actor: Actor, req: AccountLimitRequest) -> AccountLimits:
    """Give an account its own purchase limit, replacing its class's (team leader, manager or
    administrator; the reason is kept with the row and audited)."""
    volume = req.volume
    if volume is not None and (
        not isinstance(volume, int)
        or isinstance(volume, bool)
        or not 0 <= volume <= MAX_LIMIT_VOLUME
    ):
        raise InvalidInput("限购气量无效", f"bad limit {volume!r}", field="volume")
    with ctx.unit_of_work() as session:
        on_duty = resolve_actor(session, actor, "set_account_limit")
        reason = require_text(req.reason, "原因")
        account = account_by_no(session, req.account_no, lock=True)
        row = AccountLimit(
            account_id=account.id,
            volume=volume,
            reason=reason,
            set_by=on_duty.user_id,
            set_at=ctx.now(),
        )
        session.add(row)
        session.flush()
        event = audit.Event(
            "account_limit_set",
            on_duty.user_id,
            on_duty.counter_id,
            on_duty.hall_id,
            f"account_limits:{row.id}",
            {"account": account.account_no, "volume": volume, "reason": reason},
        )
        audit.record(session, ctx, event)
        answer = limits_in(session, ctx, account.id)
        session.commit()
        return answer


@service
def class_limits(ctx: Context, actor: AdminActor) -> ClassLimits:
    """The hall's limits per class and band (the hall settings screen)."""
    with ctx.reading() as session:
        require_administrator(session, actor, "manage_settings")
        return load_class_limits(session)


@service
def change_class_limits(ctx: Context, actor: AdminActor, limits: ClassLimits) -> ClassLimits:
    """Replace the hall's limits per class and band (administrators), audited old and new."""
    if not isinstance(limits, ClassLimits):
        raise InvalidInput("限购设置无效", f"not ClassLimits: {limits!r}")
    with ctx.unit_of_work() as session:
        require_administrator(session, actor, "manage_settings")
        before = load_class_limits(session)
        save_class_limits(session, limits)
        event = audit.Event(
            "setting_changed",
            actor.user_id,
            data={"key": PURCHASE_LIMITS, "old": before.as_json(), "new": limits.as_json()},
        )
        audit.record(session, ctx, event)
        session.commit()
        return load_class_limits(session)
