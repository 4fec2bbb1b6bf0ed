"""Pieces every counter service uses: who is acting, numbering, tariffs, tier usage, retries.

The statements on the sale path are SQLAlchemy Core, built once at import with bind
parameters: a purchase is a handful of indexed statements and one commit (see the bench metric
``purchase_service_ratio``). Entity-heavy services (opening, transfer) use the ORM on top.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy import Connection, bindparam, exists, func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.context import Context
from app.domain.cash import CASH
from app.domain.identity import normalize_identifier
from app.domain.pricing import Segment, TariffRule, Tier
from app.errors import Conflict, InvalidInput, NotFound, RuleViolation
from app.services import audit
from app.services.actor import Actor
from app.services.boundary import NOTE_LENGTH, Text, clean_text
from app.services.security import ApprovalInput, Approved, require_permission
from db.models import (
    Account,
    Approval,
    Card,
    CardWrite,
    CardWriteOutcome,
    CashMovement,
    Counter,
    CounterTransaction,
    Customer,
    Hall,
    Meter,
    NumberSequence,
    Shift,
    Tariff,
    TariffTier,
    TransactionSegment,
    User,
)

__all__ = ["Actor", "ApprovalInput", "Approved"]  # re-exported: services and tests import them here

RESIDENTIAL = "residential"
COMMERCIAL = "commercial"
CUSTOMER_KINDS = {RESIDENTIAL: "民用户", COMMERCIAL: "工商业户"}

users = User.__table__
counters = Counter.__table__
halls = Hall.__table__
accounts = Account.__table__
customers = Customer.__table__
cards = Card.__table__
tariffs = Tariff.__table__
tariff_tiers = TariffTier.__table__
transactions = CounterTransaction.__table__
segments_table = TransactionSegment.__table__
approvals_table = Approval.__table__
sequences = NumberSequence.__table__
card_writes = CardWrite.__table__
card_write_outcomes = CardWriteOutcome.__table__
shifts = Shift.__table__
movements = CashMovement.__table__

# The account's card write still waiting for its outcome, if any (at most one: it blocks).
PENDING_WRITE = (
    select(card_writes.c.id)
    .where(
        card_writes.c.account_id == accounts.c.id,
        ~exists().where(card_write_outcomes.c.card_write_id == card_writes.c.id),
    )
    .limit(1)
    .scalar_subquery()
)


@dataclass(frozen=True)
class Desk:
    """The resolved actor: who, in which role, at which counter of which hall, in which open
    shift (None before the clerk opens one)."""

    user_id: int
    role: str
    counter_id: int
    hall_id: int
    hall_code: str
    shift_id: int | None = None


_DESK = (
    select(users.c.active, users.c.role, counters.c.hall_id, halls.c.code, shifts.c.id)
    .select_from(
        users.join(counters, counters.c.id == bindparam("counter_id"))
        .join(halls, halls.c.id == counters.c.hall_id)
        .outerjoin(
            shifts,
            (shifts.c.clerk_id == users.c.id)
            & (shifts.c.counter_id == counters.c.id)
            & shifts.c.closed_at.is_(None),
        )
    )
    .where(users.c.id == bindparam("user_id"))
)

NO_SHIFT_MESSAGE = "请先开班（交接班 → 开班）再办理业务"


def resolve_actor(session: Session, actor: Actor, operation: str | None = None) -> Desk:
    """Who is acting where; with ``operation``, refused unless the actor's role may do it."""
    row = (
        session.connection()
        .execute(_DESK, {"user_id": actor.user_id, "counter_id": actor.counter_id})
        .first()
    )
    if row is None:
        if session.get(User, actor.user_id) is None:
            raise RuleViolation("操作员不存在或已停用", f"user {actor.user_id} not found")
        raise NotFound("柜台不存在", f"counter {actor.counter_id} not found")
    if not row.active:
        raise RuleViolation("操作员不存在或已停用", f"user {actor.user_id} disabled")
    if operation is not None:
        require_permission(actor.user_id, actor.counter_id, row.role, operation)
    return Desk(actor.user_id, row.role, actor.counter_id, row.hall_id, row.code, row.id)


def require_shift(desk: Desk) -> int:
    """The actor's open shift at this counter: no counter transaction happens outside one."""
    if desk.shift_id is None:
        raise RuleViolation(
            NO_SHIFT_MESSAGE, f"user {desk.user_id} has no open shift at {desk.counter_id}"
        )
    return desk.shift_id


# Lock order, the same for every writer so that two never wait on each other: the request id
# (``claim_request``, an advisory lock) first, then the shift row, then the hall row (its safe),
# then the account rows with the meter rows (an opening locks the meter where others lock an
# account); sequence numbers and the audit head come last. Rows are locked FOR NO KEY UPDATE:
# every insert that references a shift, hall or account takes a KEY SHARE lock on it, which
# FOR UPDATE would block (one safe hand-over would stall every sale of the hall), and the
# writers only ever update non-key columns of the rows they lock. On PostgreSQL every statement
# that decides (pending write, tier usage, drawer cash, the shift's state, purchase count, the
# meter's account) runs after the lock it depends on is held, as a statement of its own: under
# READ COMMITTED a statement that waited for a row lock re-reads only the locked row, every
# other table it reads stays at its old snapshot.
_LOCKED = "gasdesk_locked"  # session.info key: what this transaction has locked so far

_LOCK_SHIFT = (
    select(shifts.c.id)
    .where(shifts.c.id == bindparam("shift_id"), shifts.c.closed_at.is_(None))
    .with_for_update(key_share=True)  # FOR NO KEY UPDATE
)
_LOCK_HALL = (
    select(halls.c.id).where(halls.c.id == bindparam("hall_id")).with_for_update(key_share=True)
)


def _locked(session: Session) -> set[tuple[str, int]]:
    return session.info.setdefault(_LOCKED, set())


def claim_request(session: Session, request_id: uuid.UUID) -> None:
    """Hold this request id until the transaction ends: the first lock of every run-once
    operation, taken before it looks for an earlier submit of the same request.

    A second submit racing the first then waits here, and its check for the earlier submit runs
    after the first has committed (or rolled back): it replays the first's result instead of
    waiting on the shift or account lock and failing a business check the first's commit made
    true (本班次已交班, a pending card write). PostgreSQL: ``pg_advisory_xact_lock`` on 64 bits
    of the id (a collision only serialises two requests). SQLite: the write transaction
    already excludes every other writer.
    """
    locked = _locked(session)
    if ("request", 0) in locked:
        return
    if locked:
        raise RuntimeError(f"request {request_id} claimed after {locked}: the lock order is broken")
    conn = session.connection()
    if conn.dialect.name == "postgresql":
        key = int.from_bytes(request_id.bytes[:8], "big", signed=True)
        conn.execute(select(func.pg_advisory_xact_lock(key)))
    locked.add(("request", 0))


def claim_identity(session: Session, kind: str, key: str) -> None:
    """Hold a natural key (a customer's identity document, a meter number) until commit, so
    that the "does it exist yet?" read that follows sees what a racing transaction committed.

    Taken after the account locks (the last kind of lock before sequences and the audit head):
    two openings of one new customer then register them once, the second re-reads the first's
    row. PostgreSQL: ``pg_advisory_xact_lock`` on 64 bits of a hash of the key. SQLite: the
    write transaction already excludes every other writer.
    """
    conn = session.connection()
    if conn.dialect.name == "postgresql":
        digest = hashlib.blake2b(f"{kind}\0{key}".encode(), digest_size=8).digest()
        conn.execute(select(func.pg_advisory_xact_lock(int.from_bytes(digest, signed=True))))


def lock_meter(session: Session, meter_no: str) -> Meter | None:
    """The meter with this number as it is once locked (None when not registered yet).

    A meter is locked with the accounts (after the shift): the opening that binds it decides on
    ``meter.account_id`` after the lock, so two openings never bind one meter twice. A meter
    number not registered yet is claimed (``claim_identity``) before the read.
    """
    claim_identity(session, "meter", meter_no)
    query = (
        select(Meter)
        .where(Meter.meter_no == meter_no)
        .with_for_update(key_share=True)
        .execution_options(populate_existing=True)
    )
    return session.scalar(query)


def lock_open_shift(session: Session, shift_id: int) -> None:
    """Hold the open shift exclusively until this transaction commits.

    Every writer of a shift (sales, cash movements, hand-overs, counts, the close) takes it
    first, before any account: a close then sees every committed movement and no writer commits
    into a closed shift, and two movements of one drawer never decide on the same balance.
    PostgreSQL: ``FOR NO KEY UPDATE`` on the shift row, refused when a close committed meanwhile.
    SQLite: the write transaction (BEGIN IMMEDIATE) in which the caller found the shift open
    already excludes every other writer.
    """
    locked = _locked(session)
    if ("shift", shift_id) in locked:
        return
    if any(kind == "account" for kind, _ in locked):
        raise RuntimeError(f"shift {shift_id} locked after an account: the lock order is broken")
    conn = session.connection()
    if (
        conn.dialect.name != "sqlite"
        and conn.execute(_LOCK_SHIFT, {"shift_id": shift_id}).first() is None
    ):
        raise RuleViolation("本班次已交班，请重新开班", f"shift {shift_id} closed meanwhile")
    locked.add(("shift", shift_id))


def lock_shift(session: Session, desk: Desk) -> int:
    """The actor's open shift, locked (see ``lock_open_shift``): the first lock of a writer."""
    shift_id = require_shift(desk)
    lock_open_shift(session, shift_id)
    return shift_id


def lock_safe(session: Session, hall_id: int) -> None:
    """Hold the hall's safe (its hall row) so that two withdrawals never share one balance."""
    locked = _locked(session)
    if ("hall", hall_id) in locked:
        return
    if any(kind == "account" for kind, _ in locked):
        raise RuntimeError(f"safe of hall {hall_id} locked after an account: lock order broken")
    conn = session.connection()
    if conn.dialect.name != "sqlite":
        conn.execute(_LOCK_HALL, {"hall_id": hall_id}).scalar_one()
    locked.add(("hall", hall_id))


def _account_locked(session: Session, account_id: int) -> None:
    _locked(session).add(("account", account_id))


def require_locked(session: Session, kind: str, key: int) -> None:
    if (kind, key) not in _locked(session):
        raise RuntimeError(f"{kind} {key} written without its lock: take it first")


# ---------------------------------------------------------------- where the cash is (from rows)


def drawer_cash(session: Session, shift_id: int) -> int:
    """Cash that should be in the shift's drawer: its movements plus its cash transactions."""
    moved = select(func.coalesce(func.sum(movements.c.drawer_fen), 0)).where(
        movements.c.shift_id == shift_id
    )
    taken = select(func.coalesce(func.sum(transactions.c.amount_fen), 0)).where(
        transactions.c.shift_id == shift_id, transactions.c.payment_method == CASH
    )
    row = session.connection().execute(select(moved.scalar_subquery(), taken.scalar_subquery()))
    return sum(int(value) for value in row.one())


def safe_cash(session: Session, hall_id: int) -> int:
    """Cash that should be in the hall's safe: the sum of its safe movements."""
    query = select(func.coalesce(func.sum(movements.c.safe_fen), 0)).where(
        movements.c.hall_id == hall_id
    )
    return int(session.connection().execute(query).scalar_one())


def refuse_negative_cash(
    session: Session, *, shift_id: int | None = None, hall_id: int | None = None
) -> None:
    """After a movement took cash out of a drawer or the safe: refuse it if the records now say
    the drawer or the safe holds less than nothing. Every cash movement and every cash
    transaction paying out goes through here, under the lock of that drawer (its shift) or safe
    (its hall), so two withdrawals cannot both spend the same balance. The message never gives
    the drawer's figure (the count at close is blind)."""
    if shift_id is not None:
        require_locked(session, "shift", shift_id)
        left = drawer_cash(session, shift_id)
        if left < 0:
            raise RuleViolation(
                "钱箱现金不足，不能付出这笔现金（可先现金存入或改用非现金方式）",
                f"drawer of shift {shift_id} would hold {left}",
            )
    if hall_id is not None:
        require_locked(session, "hall", hall_id)
        left = safe_cash(session, hall_id)
        if left < 0:
            raise RuleViolation(
                "保险柜现金不足，不能付出这笔现金",
                f"safe of hall {hall_id} would hold {left}",
            )


def require_text(
    value: str | None, what: str, *, max_length: int = NOTE_LENGTH, name: bool = False
) -> str:
    """A required free-text field: NFKC-normalised, stripped, bounded, printable (the same rule
    as the service boundary's ``Text``); Chinese error naming the field."""
    if value is not None and not isinstance(value, str):
        raise InvalidInput(f"{what}无效，请重新输入", f"{what}: not a str: {value!r}")
    text = clean_text(value or "", Text(what, max_length, required=True, name=name))
    assert text is not None  # required: empty text raised
    return text


def check_request_id(request_id: object) -> uuid.UUID:
    if not isinstance(request_id, uuid.UUID):
        raise InvalidInput("请求编号无效", f"request_id must be a UUID, got {request_id!r}")
    return request_id


_EXISTING = select(transactions.c.id, transactions.c.kind).where(
    transactions.c.request_id == bindparam("request_id")
)


def find_existing(session: Session, request_id: uuid.UUID, kind: str) -> int | None:
    """The id of the transaction an earlier submit of this request made, if any.

    A request id reused for another kind of operation is a client bug, never a silent success.
    """
    row = session.connection().execute(_EXISTING, {"request_id": request_id}).first()
    if row is None:
        return None
    if row.kind != kind:
        raise Conflict("请求编号已被其他业务使用", f"request {request_id} is a {row.kind}")
    return row.id


_NEXT = (
    update(sequences)
    .where(sequences.c.name == bindparam("seq_name"))
    .values(last_value=sequences.c.last_value + 1)
    .returning(sequences.c.last_value)
)


def next_number(session: Session, name: str) -> int:
    """Take the next value of a gapless sequence inside the caller's transaction.

    The UPDATE takes a row lock (PostgreSQL) or runs under the write lock (SQLite), so
    concurrent counters get consecutive numbers and a rolled-back sale returns its number.
    """
    conn = session.connection()
    value = conn.execute(_NEXT, {"seq_name": name}).scalar()
    if value is None:  # first number of this sequence: create it (a racing counter may too)
        upsert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
        conn.execute(upsert(sequences).values(name=name, last_value=0).on_conflict_do_nothing())
        value = conn.execute(_NEXT, {"seq_name": name}).scalar_one()
    return value


def account_by_no(session: Session, account_no: str, *, lock: bool = False) -> Account:
    """The account with this 户号; ``lock`` takes its row lock so tier usage and purchase count
    cannot race another counter."""
    query = select(Account).where(Account.account_no == normalize_identifier(account_no or ""))
    if lock:  # the row as it is once locked, not as an earlier read of this session saw it
        query = query.with_for_update(key_share=True).execution_options(populate_existing=True)
    account = session.scalar(query)
    if account is None:
        raise NotFound("户号不存在", f"account {account_no!r} not found")
    if lock:
        _account_locked(session, account.id)
    return account


def require_active(status: str, account_no: str) -> None:
    if status != "active":
        raise RuleViolation("该户已销户，不能办理此业务", f"account {account_no} is closed")


@dataclass(frozen=True)
class CardAccount:
    """A presented card with the account it belongs to (account row locked)."""

    card_id: int
    serial: str
    account_id: int
    account_no: str
    account_status: str
    purchase_count: int
    customer_kind: str
    household_size: int
    pending_write_id: int | None


_CARD_ACCOUNT = (
    select(
        cards.c.id,
        cards.c.serial,
        cards.c.status,
        accounts.c.id.label("account_id"),
        accounts.c.account_no,
        accounts.c.status.label("account_status"),
        accounts.c.purchase_count,
        customers.c.kind,
        customers.c.household_size,
        PENDING_WRITE.label("pending_write_id"),
    )
    .join_from(cards, accounts, accounts.c.id == cards.c.account_id)
    .join(customers, customers.c.id == accounts.c.customer_id)
    .where(cards.c.serial == bindparam("serial"))
)
# a card never changes account: the lock is taken through it, everything else read afterwards
_LOCK_CARD_ACCOUNT = (
    select(accounts.c.id)
    .join_from(cards, accounts, accounts.c.id == cards.c.account_id)
    .where(cards.c.serial == bindparam("serial"))
    .with_for_update(of=accounts, key_share=True)
)
_LOCK_ACCOUNT = select(accounts.c.id).where(accounts.c.id == bindparam("account_id"))


def lock_account(session: Session, account_id: int) -> None:
    """Hold the account row (tier usage, purchase count, pending write) until commit."""
    if ("account", account_id) in _locked(session):
        return
    session.connection().execute(
        _LOCK_ACCOUNT.with_for_update(key_share=True), {"account_id": account_id}
    ).scalar_one()
    _account_locked(session, account_id)


PENDING_MESSAGE = "该户有一笔写卡未确认的业务，请插入该户的卡，系统按卡内购气次数自动确认后再办理"


def require_no_pending_write(pending_write_id: int | None, account_no: str) -> None:
    """A card write waiting for its outcome blocks every other operation on the account."""
    if pending_write_id is not None:
        raise RuleViolation(PENDING_MESSAGE, f"account {account_no} has pending card write")


def pending_write_of(session: Session, account_id: int) -> int | None:
    query = select(PENDING_WRITE).select_from(accounts).where(accounts.c.id == account_id)
    return session.connection().execute(query).scalar()


def card_for_sale(session: Session, serial: str) -> CardAccount:
    """The presented card, its account's active card, with no write pending; locks the account."""
    card = card_and_account(session, serial)
    require_no_pending_write(card.pending_write_id, card.account_no)
    return card


def card_and_account(session: Session, serial: str) -> CardAccount:
    """The presented active card and its account (locked), pending write or not."""
    serial = normalize_identifier(serial or "")
    conn = session.connection()
    if conn.dialect.name != "sqlite":  # SQLite: the write transaction already excludes others
        conn.execute(_LOCK_CARD_ACCOUNT, {"serial": serial}).scalar()
    # a statement of its own, after the lock: it sees the card's status, the count and the
    # pending write as the transaction that held the lock left them
    row = conn.execute(_CARD_ACCOUNT, {"serial": serial}).first()
    if row is not None:
        _account_locked(session, row.account_id)
    if row is None:
        raise NotFound("卡号未登记", f"card {serial!r} not registered")
    if row.status == "blacklisted":
        raise RuleViolation("此卡已挂失作废（黑名单卡），请收回", f"card {serial} is blacklisted")
    if row.status != "active":
        raise RuleViolation("此卡已停用", f"card {serial} is {row.status}")
    return CardAccount(
        row.id,
        row.serial,
        row.account_id,
        row.account_no,
        row.account_status,
        row.purchase_count,
        row.kind,
        row.household_size,
        row.pending_write_id,
    )


@dataclass(frozen=True)
class TariffInForce:
    id: int
    name: str
    rule: TariffRule


_TARIFF = (
    select(tariffs)
    .where(
        tariffs.c.customer_class == bindparam("customer_class"),
        tariffs.c.effective_from <= bindparam("day"),
    )
    .order_by(tariffs.c.effective_from.desc())
    .limit(1)
)
_TIERS = (
    select(tariff_tiers.c.upper, tariff_tiers.c.price_fen)
    .where(tariff_tiers.c.tariff_id == bindparam("tariff_id"))
    .order_by(tariff_tiers.c.tier_no)
)


def tariff_in_force(session: Session, customer_class: str, day: dt.date) -> TariffInForce:
    """The tariff of the class in force on ``day``. Rules are cached: tariffs are never edited."""
    conn = session.connection()
    row = conn.execute(_TARIFF, {"customer_class": customer_class, "day": day}).first()
    if row is None:
        raise RuleViolation(
            "没有适用的气价，请联系管理员设置", f"no {customer_class} tariff in force on {day}"
        )
    cache = session.info.get("db_cache")
    key = ("tariff_rule", row.id)
    rule = cache.get(key) if cache is not None else None
    if rule is None:
        tiers = conn.execute(_TIERS, {"tariff_id": row.id}).all()
        rule = TariffRule(
            tiers=tuple(Tier(t.upper, t.price_fen) for t in tiers),
            ladder_start_month=row.ladder_start_month,
            household_threshold=row.household_threshold,
            extra_per_member=row.extra_per_member,
        )
        if cache is not None:
            cache[key] = rule
    return TariffInForce(row.id, row.name, rule)


_USAGE = select(func.coalesce(func.sum(segments_table.c.volume), 0)).where(
    segments_table.c.account_id == bindparam("account_id"),
    segments_table.c.ladder_year == bindparam("ladder_year"),
)


def ladder_usage(session: Session, account_id: int, ladder_year: dt.date) -> int:
    """Volume bought on the account in the ladder year, net of refunds, from the segment rows."""
    # PostgreSQL sums bigint as numeric (Decimal): volumes stay int everywhere
    return int(
        session.connection()
        .execute(_USAGE, {"account_id": account_id, "ladder_year": ladder_year})
        .scalar_one()
    )


@dataclass(frozen=True)
class Recorded:
    """What inserting a transaction fixed: its id, receipt number and time."""

    id: int
    receipt_no: str
    created_at: dt.datetime


def record_transaction(
    session: Session,
    ctx: Context,
    desk: Desk,
    *,
    request_id: uuid.UUID,
    kind: str,
    account_id: int,
    segments: Sequence[tuple[dt.date, Segment]] = (),
    approvals: Sequence[Approved] = (),
    **values: object,
) -> Recorded:
    """Insert a counter transaction with its receipt number, segments and approvals, in the
    actor's open shift. Money is paid in cash unless ``payment_method`` says otherwise."""
    shift_id = require_shift(desk)
    require_locked(session, "shift", shift_id)  # taken first, before the account
    if values.get("amount_fen"):
        values.setdefault("payment_method", CASH)
    else:
        values["payment_method"] = values["payment_ref"] = None
    session.flush()  # ORM changes made by the caller go first, in this same transaction
    conn: Connection = session.connection()
    now = ctx.now()
    today = ctx.today()
    seq = next_number(session, f"receipt:{desk.hall_code}:{today.year}")
    receipt_no = f"{desk.hall_code}-{today.year}-{seq:06d}"
    row = {
        "request_id": request_id,
        "kind": kind,
        "hall_id": desk.hall_id,
        "counter_id": desk.counter_id,
        "operator_id": desk.user_id,
        "account_id": account_id,
        "created_at": now,
        "business_date": today,
        "receipt_year": today.year,
        "receipt_seq": seq,
        "receipt_no": receipt_no,
        "shift_id": shift_id,
        "amount_fen": 0,
        "volume": 0,
        **values,
    }
    txn_id = conn.execute(insert(transactions).returning(transactions.c.id), row).scalar_one()
    if segments:
        conn.execute(
            insert(segments_table),
            [
                {
                    "transaction_id": txn_id,
                    "account_id": account_id,
                    "ladder_year": year,
                    "tier": s.tier,
                    "volume": s.volume,
                    "price_fen": s.price_fen,
                    "amount_fen": s.amount_fen,
                }
                for year, s in segments
            ],
        )
    if approvals:
        conn.execute(
            insert(approvals_table),
            [
                {
                    "transaction_id": txn_id,
                    "approver_id": a.approver_id,
                    "role": a.role,
                    "reason": a.reason,
                    "approved_at": now,
                }
                for a in approvals
            ],
        )
    audit.record(
        session,
        ctx,
        audit.Event(
            kind,
            desk.user_id,
            desk.counter_id,
            desk.hall_id,
            data={"approvers": [[a.approver_id, a.role] for a in approvals]},
        ),
        row=(transactions.name, txn_id),
        figures=row,  # the values just inserted: no need to read the row back
    )
    if row["payment_method"] == CASH and row["amount_fen"] < 0:  # cash paid out of the drawer
        refuse_negative_cash(session, shift_id=shift_id)
    return Recorded(txn_id, receipt_no, now)


def record_card_write(
    session: Session, ctx: Context, txn_id: int, card: CardAccount, target_count: int
) -> None:
    """Mark the transaction's card write PENDING (committed before the card is touched)."""
    session.connection().execute(
        insert(card_writes),
        {
            "transaction_id": txn_id,
            "account_id": card.account_id,
            "card_id": card.card_id,
            "previous_count": card.purchase_count,
            "target_count": target_count,
            "created_at": ctx.now(),
        },
    )


R = TypeVar("R")


def run_once(
    ctx: Context,
    request_id: uuid.UUID,
    kind: str,
    work: Callable[[Session], R],
    replay: Callable[[Session, int], R],
) -> R:
    """Run one counter operation in one unit of work, at most once per ``request_id``.

    A retried submit (same request id) returns the first result, rebuilt by ``replay`` from the
    stored rows, and writes nothing, also when the retry races the first submit: it waits for
    the first on the request's own lock (``claim_request``) and then finds its row; the UNIQUE
    constraint on the request id stays the last line (the loser rolls back and replays).
    """
    check_request_id(request_id)

    def once(session: Session) -> R:
        claim_request(session, request_id)  # before the check: a racing twin waits here
        existing = find_existing(session, request_id, kind)
        if existing is not None:
            return replay(session, existing)
        return work(session)

    try:
        return ctx.transaction(once)  # retried there after a deadlock: each try checks again
    except IntegrityError as error:
        with ctx.unit_of_work() as session:
            existing = find_existing(session, request_id, kind)
            if existing is None:
                raise Conflict("数据已被其他柜台修改，请重试", str(error.orig)) from error
            return replay(session, existing)
