"""The lock order every writer follows, and the locking reads: the request id, the shift (its
drawer), the hall (its safe), the account (through its card or its 户号), the meter, a natural
key. What a transaction holds is recorded on its session, so a write can check its lock."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass

from sqlalchemy import bindparam, exists, func, or_, select
from sqlalchemy.orm import Session

from app.domain.cards import GASDESK_MAKER
from app.domain.identity import normalize_identifier
from app.domain.takeover import TAKEOVER_PENDING
from app.errors import NotFound, RuleViolation
from app.services.actor import OnDuty, require_shift
from app.vocabulary import AccountKind, AccountStatus, ImportBatchStatus
from db.engine import connection_of
from db.models import Account, Meter
from db.tables import (
    accounts,
    card_takeovers,
    card_write_outcomes,
    card_writes,
    cards,
    customers,
    halls,
    import_batches,
    imported_cards,
    shifts,
)

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


# The imported card (``imported_cards``) the card in the statement came from, while it waits for
# its takeover (接管): the newest import row of its number and maker in a batch not rolled back,
# and no ``card_takeovers`` row for the card yet. No IN (...): an expanding parameter would
# re-render the sale's read every time.
_LIVE_BATCH = or_(
    import_batches.c.status == ImportBatchStatus.COMPLETED,
    import_batches.c.status == ImportBatchStatus.RUNNING,
)
PENDING_TAKEOVER = (
    select(imported_cards.c.id)
    .join(import_batches, import_batches.c.id == imported_cards.c.batch_id)
    .where(
        imported_cards.c.serial == cards.c.serial,
        imported_cards.c.maker == cards.c.maker,
        _LIVE_BATCH,
        ~exists().where(card_takeovers.c.card_id == cards.c.id),
    )
    .order_by(imported_cards.c.id.desc())
    .limit(1)
    .scalar_subquery()
)


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
    conn = connection_of(session)
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
    conn = connection_of(session)
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


def _lock_before_accounts(session: Session, kind: str, key: int, lock) -> None:  # type: ignore[no-untyped-def]
    """Take a shift or hall lock once per transaction, never after an account lock; ``lock``
    runs the locking statement (PostgreSQL only: on SQLite the write transaction, BEGIN
    IMMEDIATE, already excludes every other writer)."""
    locked = _locked(session)
    if (kind, key) in locked:
        return
    if any(held == "account" for held, _ in locked):
        raise RuntimeError(f"{kind} {key} locked after an account: the lock order is broken")
    conn = connection_of(session)
    if conn.dialect.name != "sqlite":
        lock(conn)
    locked.add((kind, key))


def lock_open_shift(session: Session, shift_id: int) -> None:
    """Hold the open shift exclusively until this transaction commits.

    Every writer of a shift (sales, cash movements, hand-overs, counts, the close) takes it
    first, before any account: a close then sees every committed movement and no writer commits
    into a closed shift, and two movements of one drawer never decide on the same balance.
    PostgreSQL: ``FOR NO KEY UPDATE`` on the shift row, refused when a close committed meanwhile.
    SQLite: the write transaction (BEGIN IMMEDIATE) in which the caller found the shift open
    already excludes every other writer.
    """

    def lock(conn) -> None:  # type: ignore[no-untyped-def]
        if conn.execute(_LOCK_SHIFT, {"shift_id": shift_id}).first() is None:
            raise RuleViolation("本班次已交班，请重新开班", f"shift {shift_id} closed meanwhile")

    _lock_before_accounts(session, "shift", shift_id, lock)


def lock_shift(session: Session, on_duty: OnDuty) -> int:
    """The actor's open shift, locked (see ``lock_open_shift``): the first lock of a writer."""
    shift_id = require_shift(on_duty)
    lock_open_shift(session, shift_id)
    return shift_id


def lock_safe(session: Session, hall_id: int) -> None:
    """Hold the hall's safe (its hall row) so that two withdrawals never share one balance."""

    def lock(conn) -> None:  # type: ignore[no-untyped-def]
        conn.execute(_LOCK_HALL, {"hall_id": hall_id}).scalar_one()

    _lock_before_accounts(session, "hall", hall_id, lock)


def _account_locked(session: Session, account_id: int) -> None:
    _locked(session).add(("account", account_id))


def require_locked(session: Session, kind: str, key: int) -> None:
    if (kind, key) not in _locked(session):
        raise RuntimeError(f"{kind} {key} written without its lock: take it first")


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
    if status != AccountStatus.ACTIVE:
        raise RuleViolation("该户已销户，不能办理此业务", f"account {account_no} is closed")


def require_card_account(account: Account) -> None:
    """Card operations (补卡, 过户 with its new card, 销户 by the card, 换表) are for IC card
    accounts; a post-paid or remote-read account (imported) has no card to work on."""
    if account.kind != AccountKind.CARD:
        raise RuleViolation(
            f"该户为{AccountKind.label_of(account.kind)}户，不能办理IC卡业务",
            f"account {account.account_no} is a {account.kind} account",
        )


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
    maker: str = GASDESK_MAKER  # whose card it is (the driver that must read and write it)
    pending_takeover: int | None = None  # the imported card it waits to be taken over from


# the columns ``card_account_in`` reads, for wider reads that find the card too (the sale's)
CARD_ACCOUNT_COLUMNS = (
    cards.c.id,
    cards.c.serial,
    cards.c.status,
    cards.c.maker,
    accounts.c.id.label("account_id"),
    accounts.c.account_no,
    accounts.c.status.label("account_status"),
    accounts.c.purchase_count,
    customers.c.kind,
    customers.c.household_size,
    PENDING_WRITE.label("pending_write_id"),
    PENDING_TAKEOVER.label("pending_takeover"),
)


_CARD_ACCOUNT = (
    select(*CARD_ACCOUNT_COLUMNS)
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
    connection_of(session).execute(
        _LOCK_ACCOUNT.with_for_update(key_share=True), {"account_id": account_id}
    ).scalar_one()
    _account_locked(session, account_id)


PENDING_MESSAGE = "该户有一笔写卡未确认的业务，请插入该户的卡，系统按卡内购气次数自动确认后再办理"


def require_no_pending_write(pending_write_id: int | None, account_no: str) -> None:
    """A card write waiting for its outcome blocks every other operation on the account."""
    if pending_write_id is not None:
        raise RuleViolation(PENDING_MESSAGE, f"account {account_no} has pending card write")


def require_taken_over(card: CardAccount) -> None:
    """An old system's card takes no gas before it is taken over (接管): its count and gas
    are checked against the import first (``takeovers.take_over_card``)."""
    if card.pending_takeover is not None:
        raise RuleViolation(
            TAKEOVER_PENDING,
            f"card {card.serial} waits for its takeover (imported card {card.pending_takeover})",
        )


def require_card_taken_over(session: Session, card_id: int, serial: str) -> None:
    """``require_taken_over`` for a card known by its id (销户 by the card)."""
    query = select(PENDING_TAKEOVER).select_from(cards).where(cards.c.id == card_id)
    pending = connection_of(session).execute(query).scalar()
    if pending is not None:
        raise RuleViolation(
            TAKEOVER_PENDING, f"card {serial} waits for its takeover (imported card {pending})"
        )


def pending_write_of(session: Session, account_id: int) -> int | None:
    query = select(PENDING_WRITE).select_from(accounts).where(accounts.c.id == account_id)
    return connection_of(session).execute(query).scalar()


def card_for_sale(session: Session, serial: str) -> CardAccount:
    """The presented card, its account's active card, with no write pending; locks the account."""
    card = card_and_account(session, serial)
    require_no_pending_write(card.pending_write_id, card.account_no)
    return card


def card_and_account(session: Session, serial: str) -> CardAccount:
    """The presented active card and its account (locked), pending write or not."""
    serial = lock_card_account(session, serial)
    # a statement of its own, after the lock: it sees the card's status, the count and the
    # pending write as the transaction that held the lock left them
    row = connection_of(session).execute(_CARD_ACCOUNT, {"serial": serial}).first()
    return card_account_in(session, serial, row)


def card_as_seen(session: Session, serial: str) -> CardAccount:
    """The presented active card and its account, read without a lock: for a quote that
    decides nothing (the operation itself reads them again under its lock)."""
    serial = normalize_identifier(serial or "")
    row = connection_of(session).execute(_CARD_ACCOUNT, {"serial": serial}).first()
    return card_account_in(session, serial, row, locked=False)


def lock_card_account(session: Session, serial: str) -> str:
    """Hold the account of the presented card (PostgreSQL; SQLite's write transaction already
    excludes every other writer); returns the serial as stored. Whatever decides on the account
    is read after this, in a statement of its own."""
    serial = normalize_identifier(serial or "")
    conn = connection_of(session)
    if conn.dialect.name != "sqlite":
        conn.execute(_LOCK_CARD_ACCOUNT, {"serial": serial}).scalar()
    return serial


def card_account_in(  # type: ignore[no-untyped-def]
    session: Session, serial: str, row, *, locked: bool = True
) -> CardAccount:
    """The presented active card and its account as a read of ``CARD_ACCOUNT_COLUMNS`` found
    them (the account locked unless ``locked`` is false: see ``lock_card_account``)."""
    if locked and row is not None and row.account_id is not None:
        _account_locked(session, row.account_id)
    if row is None or row.id is None:
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
        row.maker,
        row.pending_takeover,
    )
