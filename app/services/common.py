"""Pieces every counter service uses: who is acting, numbering, tariffs, tier usage, retries."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.context import Context
from app.domain.pricing import Segment, TariffRule, Tier
from app.errors import Conflict, InvalidInput, NotFound, RuleViolation
from db.models import (
    Account,
    Approval,
    Card,
    Counter,
    CounterTransaction,
    Hall,
    NumberSequence,
    Receipt,
    Tariff,
    TransactionSegment,
    User,
)

RESIDENTIAL = "residential"
COMMERCIAL = "commercial"
CUSTOMER_KINDS = {RESIDENTIAL: "民用户", COMMERCIAL: "工商业户"}


@dataclass(frozen=True)
class Actor:
    """The logged-in user working at a counter."""

    user_id: int
    counter_id: int


@dataclass(frozen=True)
class ApprovalInput:
    """A second person's approval of a guarded operation (checked by the security layer)."""

    approver_id: int
    reason: str | None = None


@dataclass(frozen=True)
class Desk:
    """The resolved actor: user, counter and hall rows."""

    user: User
    counter: Counter
    hall: Hall


def resolve_actor(session: Session, actor: Actor) -> Desk:
    user = session.get(User, actor.user_id)
    if user is None or not user.active:
        raise RuleViolation("操作员不存在或已停用", f"user {actor.user_id} missing or disabled")
    counter = session.get(Counter, actor.counter_id)
    if counter is None:
        raise NotFound("柜台不存在", f"counter {actor.counter_id} not found")
    return Desk(user, counter, counter.hall)


def require_text(value: str | None, what: str, *, max_length: int = 200) -> str:
    """A required free-text field, stripped; Chinese error naming the field."""
    text = (value or "").strip()
    if not text:
        raise InvalidInput(f"请填写{what}", f"{what}: empty")
    if len(text) > max_length:
        raise InvalidInput(f"{what}过长（最多{max_length}字）", f"{what}: too long")
    return text


def check_request_id(request_id: object) -> uuid.UUID:
    if not isinstance(request_id, uuid.UUID):
        raise InvalidInput("请求编号无效", f"request_id must be a UUID, got {request_id!r}")
    return request_id


def find_existing(session: Session, request_id: uuid.UUID, kind: str) -> CounterTransaction | None:
    """The transaction an earlier submit of this request made, if any.

    A request id reused for another kind of operation is a client bug, never a silent success.
    """
    txn = session.scalar(
        select(CounterTransaction).where(CounterTransaction.request_id == request_id)
    )
    if txn is not None and txn.kind != kind:
        raise Conflict("请求编号已被其他业务使用", f"request {request_id} is a {txn.kind}")
    return txn


def next_number(session: Session, name: str) -> int:
    """Take the next value of a gapless sequence inside the caller's transaction.

    The UPDATE takes a row lock (PostgreSQL) or runs under the write lock (SQLite), so
    concurrent counters get consecutive numbers and a rolled-back sale returns its number.
    """
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    session.execute(insert(NumberSequence).values(name=name, last_value=0).on_conflict_do_nothing())
    return session.execute(
        update(NumberSequence)
        .where(NumberSequence.name == name)
        .values(last_value=NumberSequence.last_value + 1)
        .returning(NumberSequence.last_value)
    ).scalar_one()


def lock_account(session: Session, account_id: int) -> Account:
    """Load the account with a row lock so tier usage and purchase count cannot race."""
    account = session.scalar(select(Account).where(Account.id == account_id).with_for_update())
    if account is None:
        raise NotFound("户号不存在", f"account id {account_id} not found")
    return account


def account_by_no(session: Session, account_no: str, *, lock: bool = False) -> Account:
    query = select(Account).where(Account.account_no == (account_no or "").strip())
    account = session.scalar(query.with_for_update() if lock else query)
    if account is None:
        raise NotFound("户号不存在", f"account {account_no!r} not found")
    return account


def require_active(account: Account) -> None:
    if account.status != "active":
        raise RuleViolation("该户已销户，不能办理此业务", f"account {account.account_no} is closed")


def card_for_sale(session: Session, serial: str) -> Card:
    """The presented card, which must be the account's active card."""
    card = session.scalar(select(Card).where(Card.serial == (serial or "").strip()))
    if card is None:
        raise NotFound("卡号未登记", f"card {serial!r} not registered")
    if card.status == "blacklisted":
        raise RuleViolation("此卡已挂失作废（黑名单卡），请收回", f"card {serial} is blacklisted")
    if card.status != "active":
        raise RuleViolation("此卡已停用", f"card {serial} is {card.status}")
    return card


def tariff_in_force(session: Session, customer_class: str, day: dt.date) -> Tariff:
    tariff = session.scalar(
        select(Tariff)
        .where(Tariff.customer_class == customer_class, Tariff.effective_from <= day)
        .order_by(Tariff.effective_from.desc())
        .limit(1)
    )
    if tariff is None:
        raise RuleViolation(
            "没有适用的气价，请联系管理员设置", f"no {customer_class} tariff in force on {day}"
        )
    return tariff


def tariff_rule(tariff: Tariff) -> TariffRule:
    return TariffRule(
        tiers=tuple(Tier(t.upper, t.price_fen) for t in tariff.tiers),
        ladder_start_month=tariff.ladder_start_month,
        household_threshold=tariff.household_threshold,
        extra_per_member=tariff.extra_per_member,
    )


def ladder_usage(session: Session, account_id: int, ladder_year: dt.date) -> int:
    """Volume bought on the account in the ladder year, net of refunds, from the segment rows."""
    return session.scalar(
        select(func.coalesce(func.sum(TransactionSegment.volume), 0)).where(
            TransactionSegment.account_id == account_id,
            TransactionSegment.ladder_year == ladder_year,
        )
    )


def record_transaction(
    session: Session,
    ctx: Context,
    desk: Desk,
    *,
    request_id: uuid.UUID,
    kind: str,
    account: Account,
    segments: Sequence[tuple[dt.date, Segment]] = (),
    approvals: tuple[ApprovalInput, ...] = (),
    **values: object,
) -> CounterTransaction:
    """Insert a counter transaction with its segments, approvals and receipt number."""
    now = ctx.now()
    today = ctx.today()
    txn = CounterTransaction(
        request_id=request_id,
        kind=kind,
        hall_id=desk.hall.id,
        counter_id=desk.counter.id,
        operator_id=desk.user.id,
        account_id=account.id,
        created_at=now,
        business_date=today,
        **values,
    )
    session.add(txn)
    session.flush()
    for ladder_year, segment in segments:
        session.add(
            TransactionSegment(
                transaction_id=txn.id,
                account_id=account.id,
                ladder_year=ladder_year,
                tier=segment.tier,
                volume=segment.volume,
                price_fen=segment.price_fen,
                amount_fen=segment.amount_fen,
            )
        )
    for approval in approvals:
        approver = session.get(User, approval.approver_id)
        session.add(
            Approval(
                transaction_id=txn.id,
                approver_id=approval.approver_id,
                role=approver.role if approver else "",
                reason=approval.reason,
                approved_at=now,
            )
        )
    seq = next_number(session, f"receipt:{desk.hall.code}:{today.year}")
    session.add(
        Receipt(
            transaction_id=txn.id,
            hall_id=desk.hall.id,
            year=today.year,
            seq=seq,
            number=f"{desk.hall.code}-{today.year}-{seq:06d}",
        )
    )
    session.flush()
    return txn


def check_approvals(
    session: Session, desk: Desk, approvals: tuple[ApprovalInput, ...]
) -> tuple[ApprovalInput, ...]:
    """Basic shape of approvals: at least one, each by another active user.

    Which roles are required for which volumes is the security layer's rule.
    """
    if not approvals:
        raise RuleViolation("此业务需要审批人审批", "approval required")
    for approval in approvals:
        approver = session.get(User, approval.approver_id)
        if approver is None or not approver.active:
            raise RuleViolation("审批人不存在或已停用", f"approver {approval.approver_id} invalid")
        if approver.id == desk.user.id:
            raise RuleViolation("不能审批自己办理的业务", "self-approval")
    return approvals


R = TypeVar("R")


def run_once(
    ctx: Context,
    request_id: uuid.UUID,
    kind: str,
    work: Callable[[Session], CounterTransaction],
    result: Callable[[Session, CounterTransaction], R],
) -> R:
    """Run one counter operation in one unit of work, at most once per ``request_id``.

    A retried submit (same request id) returns the first result and writes nothing, also when
    the retry races the first submit: the loser's insert hits the UNIQUE constraint, rolls back,
    and reads the winner's row.
    """
    check_request_id(request_id)
    try:
        with ctx.unit_of_work() as session:
            existing = find_existing(session, request_id, kind)
            if existing is not None:
                return result(session, existing)
            txn = work(session)
            answer = result(session, txn)
            session.commit()
            return answer
    except IntegrityError as error:
        with ctx.unit_of_work() as session:
            existing = find_existing(session, request_id, kind)
            if existing is None:
                raise Conflict("数据已被其他柜台修改，请重试", str(error.orig)) from error
            return result(session, existing)
