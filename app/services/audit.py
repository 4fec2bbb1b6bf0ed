"""The tamper-evident audit log: every business and security event, chained with an HMAC.

Each entry's mac is HMAC-SHA256(key, previous mac + the entry's fields), with the key outside the
database. Entries are numbered 1, 2, 3 ... under the chain head's row lock, in the writer's own
transaction, so a sale and its entry commit or vanish together.

Every row that sets a price, grants a right or moves money or gas is covered (``COVERED``, the
registry): capture triggers note each write of those tables in ``audit_pending``, and before a
unit of work commits, the rows it wrote are read back and their full figures (secret columns as
keyed digests) are chained in a ``rows`` entry. ``verify`` recomputes the chain, replays those
entries into the latest audited state of every row, and matches it one-to-one with every row of
every covered table: an edited column, a deleted row, a row written behind the log's back (any
id) are each found. A unit of work chains only notes of the tables its own statements wrote
(PostgreSQL: notes it inserted itself, at trigger depth 1), so a planted trigger's writes or
notes inserted by hand stay for ``verify`` to report; the triggers themselves are fingerprinted
in the chain and compared by ``verify`` and at every start.

The chain head carries a keyed tag of its count and mac, so cutting the newest entries and
re-pointing the head is found. Only an external witness proves against an intruder who saved
an older head row (tag and all) and puts it back: the head (entry count and mac) is printed on
every Z-report, and ``verify`` checks the paper's figures when given them.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import hmac
import json
import logging
import re
import weakref
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, TypeVar

from sqlalchemy import (
    Connection,
    Table,
    bindparam,
    delete,
    event,
    func,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.orm import Session
from sqlalchemy.sql.dml import Delete, UpdateBase
from sqlalchemy.sql.elements import TextClause

from app.context import AFTER_ROLLBACK
from db.engine import READ_ONLY, Database, connection_of
from db.guards import row_json
from db.models import (
    Account,
    AccountLimit,
    Approval,
    AuditHead,
    AuditPending,
    Card,
    CardTakeover,
    CardWrite,
    CardWriteOutcome,
    CashMovement,
    CounterTransaction,
    Customer,
    ImportBatch,
    ImportedAccount,
    ImportedCard,
    Inspection,
    Meter,
    MeterReplacement,
    OpeningEntry,
    OpeningUsage,
    OwnershipChange,
    SaleOverride,
    Setting,
    Shift,
    ShiftCount,
    Tariff,
    TariffTier,
    ToolCard,
    ToolCardReturn,
    TransactionSegment,
    User,
)
from db.tables import audit_log

if TYPE_CHECKING:
    from app.context import Context

log = logging.getLogger(__name__)
E = TypeVar("E", bound=Exception)

log_table = audit_log
head_table = AuditHead.__table__
pending_table = AuditPending.__table__


@dataclass(frozen=True)
class Covered:
    """An audited table: its key column, and columns chained only as a keyed digest (password
    hashes and personal data are not copied into the log, yet any change of them is found)."""

    table: Table
    key: str = "id"
    secret: tuple[str, ...] = ()
    # columns a later migration added, with the value it gave every existing row: a row
    # chained before the column existed matches its entry while it still holds that value
    added: tuple[tuple[str, object], ...] = ()

    def before_added(self, figures: dict[str, object]) -> dict[str, object]:
        """The figures as chained before the added columns, when they hold their first value."""
        if not all(figures.get(name) == value for name, value in self.added):
            return figures
        dropped = {name for name, _value in self.added}
        return {k: v for k, v in figures.items() if k not in dropped}


# The registry: every table whose rows set a price, grant a right, or move money or gas.
COVERED: dict[str, Covered] = {
    c.table.name: c
    for c in (
        Covered(CounterTransaction.__table__),
        Covered(TransactionSegment.__table__),
        Covered(Approval.__table__),
        Covered(CashMovement.__table__),
        Covered(ShiftCount.__table__),
        Covered(Shift.__table__),
        Covered(Tariff.__table__),
        Covered(TariffTier.__table__),
        Covered(Setting.__table__, key="key"),
        Covered(User.__table__, secret=("password_hash",)),
        Covered(CardWrite.__table__, added=(("previous_volume", None), ("target_volume", None))),
        Covered(CardWriteOutcome.__table__),
        # purchase count (the card's), status, kind (0011)
        Covered(Account.__table__, added=(("kind", "card"),)),
        # blacklisting a card refuses it gas; its maker (0009) decides who writes it
        Covered(Card.__table__, added=(("maker", "gasdesk"),)),
        # the initial reading a closing is charged from; its life cycle (0010)
        Covered(
            Meter.__table__,
            added=(
                ("status", "active"),
                ("final_reading", None),
                ("retired_at", None),
                ("installed_at", None),
                ("rated_flow", None),
            ),
        ),
        # the meter life cycle (0010): carry-over and overdrawn gas, tool cards and what they
        # brought back, inspections and limits that hold or free sales, overrides of them
        Covered(MeterReplacement.__table__),
        Covered(ToolCard.__table__),
        Covered(ToolCardReturn.__table__),
        Covered(Inspection.__table__),
        Covered(AccountLimit.__table__),
        Covered(SaleOverride.__table__),
        Covered(OwnershipChange.__table__),
        # the go-live import: what it created, the figures it opened with, card takeovers
        Covered(ImportBatch.__table__),
        Covered(ImportedAccount.__table__),
        Covered(ImportedCard.__table__),
        Covered(OpeningUsage.__table__),
        Covered(OpeningEntry.__table__),
        Covered(CardTakeover.__table__),
        # household size moves the tier breakpoints; identity columns only as digests
        Covered(
            Customer.__table__,
            secret=("name", "id_number", "phone", "address", "search_text"),
        ),
    )
}
# Tables deliberately outside the chain, and why (a test checks that every table is in one).
NOT_COVERED: dict[str, str] = {
    "halls": "names only; a hall is never changed by the app",
    "counters": "names only",
    "contracts": "paper evidence of a signature, no money or right",
    "number_sequences": "the receipt numbers they hand out are in the chained transactions",
    "print_jobs": "reprints are evidence, no money (every job names a chained transaction)",
    "print_attempts": "printer outcomes",
    "audit_log": "the chain itself",
    "audit_head": "checked against the chain by verify",
    "audit_pending": "transient notes of the capture triggers",
    "alembic_version": "schema revision",
    "card_keys": "makers' per-card keys: secrets never copied into the readable log (append-only)",
}

# The figures of each audited money row that the entry records and ``verify`` compares again.
ROW_FIELDS: dict[str, tuple[str, ...]] = {
    CounterTransaction.__tablename__: (
        "kind",
        "account_id",
        "operator_id",
        "shift_id",
        "amount_fen",
        "volume",
        "purchase_count",
        "payment_method",
        "receipt_no",
        "reverses_id",
    ),
    CashMovement.__tablename__: (
        "kind",
        "shift_id",
        "operator_id",
        "amount_fen",
        "drawer_fen",
        "safe_fen",
        "finance_fen",
        "counterpart_id",
        "slip_no",
    ),
    ShiftCount.__tablename__: ("shift_id", "counted_by", "cash_fen", "denominations"),
}
TABLES = {
    table.name: table
    for table in (CounterTransaction.__table__, CashMovement.__table__, ShiftCount.__table__)
}
SHORT_MAC = 16  # hex digits of the head printed on paper


@functools.lru_cache(maxsize=8)
def _keyed(key: bytes) -> hmac.HMAC:
    """HMAC-SHA256 with ``key`` and no message yet: copied for each message, so the key's pads
    are computed once per key, not twice per entry."""
    return hmac.new(key, digestmod=hashlib.sha256)


def _hmac_hex(key: bytes, message: bytes) -> str:
    keyed = _keyed(key).copy()
    keyed.update(message)
    return keyed.hexdigest()


def _canonical(data: Mapping[str, object]) -> str:
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def _moment(at: dt.datetime) -> str:
    return at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")


def entry_mac(key: bytes, previous: str, entry: Mapping[str, object]) -> str:
    """The mac of one entry chained to the previous entry's mac."""
    text = "\n".join(
        (
            previous,
            str(entry["seq"]),
            _moment(entry["at"]),  # type: ignore[arg-type]
            str(entry["kind"]),
            str(entry["hall_id"]),
            str(entry["counter_id"]),
            str(entry["user_id"]),
            str(entry["ref"]),
            str(entry["data"]),
        )
    )
    return _hmac_hex(key, text.encode("utf-8"))


_TAKE_HEAD = (
    update(head_table)
    .where(head_table.c.id == 1)
    .values(seq=head_table.c.seq + 1)
    .returning(head_table.c.seq, head_table.c.mac)
)
_SET_HEAD = (
    update(head_table)
    .where(head_table.c.id == 1)
    .values(mac=bindparam("new_mac"), tag=bindparam("new_tag"))
)
_SET_HEAD_UNTAGGED = update(head_table).where(head_table.c.id == 1).values(mac=bindparam("new_mac"))
# moves the head on from the one this process last committed, if it is still the head: one
# statement where taking the head, then setting it, takes two (no match: someone else moved it,
# the entry is chained to the head as it is then)
_ADVANCE_HEAD = (
    update(head_table)
    .where(
        head_table.c.id == 1,
        head_table.c.seq == bindparam("old_seq"),
        head_table.c.mac == bindparam("old_mac"),
    )
    .values(seq=bindparam("new_seq"), mac=bindparam("new_mac"), tag=bindparam("new_tag"))
)


_INSERT_ENTRY = insert(log_table)  # built once: its cache key is then computed once


def head_tag(key: bytes, seq: int, mac: str) -> str:
    """The keyed tag of the chain head: without the key nobody can point the head at an older
    entry after cutting the newest ones off (an intruder who saved an older head row, tag and
    all, can still put it back: only the count and mac printed on a Z-report prove against that).
    """
    return _hmac_hex(key, f"head\n{seq}\n{mac}".encode())


@dataclass(frozen=True)
class Event:
    """Who did what where: the fields of an audit entry other than its number and mac."""

    kind: str
    user_id: int | None = None
    counter_id: int | None = None
    hall_id: int | None = None
    ref: str | None = None
    data: Mapping[str, object] = field(default_factory=dict)


def row_figures(conn: Connection, table: str, row_id: int) -> dict[str, object] | None:
    columns = ROW_FIELDS[table]
    source = TABLES[table]
    row = conn.execute(
        select(*(source.c[name] for name in columns)).where(source.c.id == row_id)
    ).first()
    return None if row is None else dict(row._mapping)


def record(
    session: Session,
    ctx: Context,
    event: Event,
    *,
    row: tuple[str, int] | None = None,
    figures: Mapping[str, object] | None = None,
) -> int | None:
    """Append ``event`` to the chain inside the caller's transaction; returns its seq.

    With ``row`` (table, id) the entry is about that money row and records its figures, taken
    from ``figures`` (the values the caller just inserted) or read back from the row. Such an
    entry is numbered at the commit, where it also carries the full figures of every audited row
    the transaction wrote (one entry for a sale, not two); it returns None then.
    """
    if ctx.audit_key is None:
        raise RuntimeError("no audit key configured: the audit log cannot be written")
    conn = connection_of(session)
    data = dict(event.data)
    ref = event.ref
    if row is not None:
        table, row_id = row
        ref = f"{table}:{row_id}"
        if figures is not None:
            data["row"] = {name: figures.get(name) for name in ROW_FIELDS[table]}
        else:
            data["row"] = row_figures(conn, table, row_id)
        if session.info.get(_LIVE):  # the commit hook will write it
            about = Event(event.kind, event.user_id, event.counter_id, event.hall_id, ref, data)
            session.info.setdefault(_DEFERRED, []).append((ctx, about))
            return None
    entry = {
        "at": ctx.now(),
        "kind": event.kind,
        "hall_id": event.hall_id,
        "counter_id": event.counter_id,
        "user_id": event.user_id,
        "ref": ref,
        "data": _canonical(data),
    }
    ready = _pending_ready(conn)  # revision 0006 on (cached per engine: no query per entry)
    known = session.info.get(_HEAD) or _heads.get(conn.engine)
    seq = mac = None
    if ready and known is not None:
        seq = known[0] + 1
        mac = entry_mac(ctx.audit_key, known[1], {**entry, "seq": seq})
        moved = conn.execute(
            _ADVANCE_HEAD,
            {
                "old_seq": known[0],
                "old_mac": known[1],
                "new_seq": seq,
                "new_mac": mac,
                "new_tag": head_tag(ctx.audit_key, seq, mac),
            },
        )
        if moved.rowcount != 1:
            seq = None
    if seq is None:  # the head under its row lock, as it is now
        seq, previous = conn.execute(_TAKE_HEAD).one()
        mac = entry_mac(ctx.audit_key, previous, {**entry, "seq": seq})
        if ready:
            tag = head_tag(ctx.audit_key, seq, mac)
            conn.execute(_SET_HEAD, {"new_mac": mac, "new_tag": tag})
        else:  # a database before the coverage revision has no tag yet
            conn.execute(_SET_HEAD_UNTAGGED, {"new_mac": mac})
    conn.execute(_INSERT_ENTRY, {**entry, "seq": seq, "mac": mac})
    session.info[_HEAD] = (seq, mac)
    session.info[_LAST_EVENT] = (event, seq)
    return seq


def record_alone(ctx: Context, event: Event) -> None:
    """Append a security event in a transaction of its own (the refused operation rolled back)."""
    with ctx.unit_of_work() as session:
        record(session, ctx, event)
        session.commit()


def refused(session: Session, error: E, event: Event) -> E:
    """``error``, with ``event`` logged once the refused unit of work has rolled back, in a
    transaction of its own: the refused operation writes nothing, the log still records it.

    The session carries it (``AFTER_ROLLBACK``); a session committed after all logs nothing.
    """
    steps = session.info.get(AFTER_ROLLBACK)
    ctx = session.info.get("context")
    if steps is None or ctx is None:
        raise RuntimeError(f"refusal outside a unit of work, its event would be lost: {event}")
    steps.append(lambda: record_alone(ctx, event))
    return error


@dataclass(frozen=True)
class ChainHead:
    """What the Z-report prints: how many entries, and the newest one's mac (short)."""

    count: int
    mac: str

    @property
    def short(self) -> str:
        return self.mac[:SHORT_MAC]


def chain_head(session: Session, *, up_to: int | None = None) -> ChainHead:
    """The head now, or as it was at entry ``up_to``."""
    conn = connection_of(session)
    if up_to is None:
        row = conn.execute(select(head_table.c.seq, head_table.c.mac)).one()
        return ChainHead(int(row.seq), row.mac)
    mac = conn.execute(select(log_table.c.mac).where(log_table.c.seq == up_to)).scalar()
    return ChainHead(up_to, mac or "")


@dataclass
class AuditReport:
    entries: int = 0
    head: ChainHead | None = None
    problems: list[str] = field(default_factory=list)
    first_broken: int | None = None  # seq of the first entry that fails, if any

    @property
    def ok(self) -> bool:
        return not self.problems

    def fail(self, seq: int | None, message: str) -> None:
        if self.first_broken is None and seq is not None:
            self.first_broken = seq
        self.problems.append(message)


def _entries(conn: Connection, batch: int = 5000) -> Iterable:  # type: ignore[type-arg]
    last = 0
    query = (
        select(log_table)
        .where(log_table.c.seq > bindparam("after"))
        .order_by(log_table.c.seq)
        .limit(batch)
    )
    while True:
        rows = conn.execute(query, {"after": last}).all()
        if not rows:
            return
        yield from rows
        last = rows[-1].seq


def verify(
    db: Database,
    key: bytes,
    *,
    expect_count: int | None = None,
    expect_mac: str | None = None,
) -> AuditReport:
    """Recompute the whole chain; compare audited rows with their recorded figures.

    ``expect_count``/``expect_mac`` are the head printed on a Z-report (a prefix of the mac is
    enough): the chain must still contain that entry with that mac, which catches the deletion
    of the newest entries even by an intruder who saved an older head row. Hostile content never
    makes verify fail with an exception: what cannot be read is reported as tampered.
    """
    report = AuditReport()
    with db.readers() as session:
        conn = connection_of(session)
        try:
            _verify(conn, key, report, expect_count, expect_mac)
        except _HOSTILE as error:  # hostile content must be a finding, never a traceback
            log.exception("audit verify could not read the database")
            report.fail(
                None, f"the audit data could not be read ({type(error).__name__}): tampered"
            )
    return report


def _verify(  # type: ignore[no-untyped-def]
    conn: Connection, key: bytes, report: AuditReport, expect_count, expect_mac
) -> None:
    state: dict[str, tuple[str, int]] = {}  # row key -> (digest of its latest figures, seq)
    guards: dict[str, str] | None = None  # the database's guards as last chained
    previous = ""
    expected_seq = 1
    for row in _entries(conn):
        entry = dict(row._mapping)
        if row.seq != expected_seq:
            report.fail(
                expected_seq,
                f"entry {expected_seq}: missing (the chain jumps from "
                f"{expected_seq - 1} to {row.seq}): entries were deleted",
            )
            expected_seq = row.seq
        if not _mac_matches(key, previous, entry, row.mac):
            report.fail(
                row.seq,
                f"entry {row.seq} ({row.kind}, {row.ref or '-'}): mac does not match: the "
                "entry was changed, moved, or a neighbour was removed",
            )
        else:
            data = json.loads(row.data)
            for row_key, figures in data.get("rows", {}).items():
                state[row_key] = (_digest(figures), row.seq)
            if GUARDS in data:
                guards = data[GUARDS]
        previous = row.mac
        expected_seq += 1
        report.entries += 1
    head = conn.execute(select(head_table.c.seq, head_table.c.mac, head_table.c.tag)).one()
    report.head = ChainHead(_as_int(head.seq), str(head.mac))
    last = expected_seq - 1
    if head.seq != last or head.mac != previous:
        report.fail(
            last + 1,
            f"chain head says {head.seq} entries, the log ends at {last}: the newest "
            "entries were deleted or the head was changed",
        )
    fresh = head.seq == 0 and head.mac == "" and head.tag is None
    if not fresh and not (
        isinstance(head.tag, str)
        and hmac.compare_digest(head_tag(key, head.seq, head.mac), head.tag)
    ):
        report.fail(
            last + 1,
            "chain head tag does not match its count and mac: the head was rewritten (were the "
            "newest entries deleted? compare with the last Z-report's count and mac)",
        )
    if expect_count is not None:
        mac = conn.execute(select(log_table.c.mac).where(log_table.c.seq == expect_count))
        found = mac.scalar()
        if found is None:
            report.fail(
                min(expect_count, last + 1),
                f"entry {expect_count} printed on paper is missing: the log was cut "
                f"after entry {last}",
            )
        elif expect_mac and not str(found).startswith(expect_mac.lower()):
            report.fail(expect_count, f"entry {expect_count}: mac differs from the paper")
    if guards is not None:
        for problem in guard_changes(guards, database_guards(conn)):
            report.fail(None, problem)
    _match_rows(conn, key, state, report)


# what reading values no writer of the app stores may raise (bad JSON, a text in a date column)
_HOSTILE = (SQLAlchemyError, ValueError, TypeError, KeyError, AttributeError, OverflowError)


def _as_int(value: object) -> int:
    try:
        return int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return -1


def _mac_matches(key: bytes, previous: str, entry: Mapping[str, object], mac: object) -> bool:
    """False, not an exception, for an entry whose fields a writer of the app never stores."""
    try:
        return isinstance(mac, str) and hmac.compare_digest(entry_mac(key, previous, entry), mac)
    except (TypeError, ValueError, AttributeError, OverflowError):
        return False


# ---------------------------------------------------------------- rows of the covered tables

_CONTEXT = "gasdesk_context"  # set by Context.unit_of_work
_LAST_EVENT = "gasdesk_audit_last_event"
_LIVE = "gasdesk_audit_live"
_MARK = "gasdesk_audit_mark"  # connection info: the newest note before this transaction's
_HEAD = "gasdesk_audit_head"  # session info: (seq, mac) of the head this transaction wrote
# per engine, the head this process last committed: the next entry moves it on in one statement
_heads: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # type: ignore[type-arg]
_DEFERRED = "gasdesk_audit_deferred"
DELETED = "deleted"
ADOPT = -1  # txid of the notes for rows older than audit coverage (migration 0006)
_ready_engines: weakref.WeakSet = weakref.WeakSet()  # type: ignore[type-arg]


def _secret(key: bytes, value: object) -> str | None:
    if value is None:
        return None
    digest = hmac.new(key, b"column:" + str(value).encode("utf-8"), hashlib.sha256)
    return "hmac:" + digest.hexdigest()[:32]


def figures_of(key: bytes, cover: Covered, rendered: str) -> dict[str, object]:
    """An audited row as chained: the database's JSON rendering of it (the same in the capture
    trigger and in ``verify``), secret columns replaced by keyed digests."""
    figures = json.loads(rendered)
    for name in cover.secret:
        figures[name] = _secret(key, figures.get(name))
    return figures


def _digest(figures: object) -> str:
    return hashlib.sha256(_canonical({"f": figures}).encode("utf-8")).hexdigest()


def _row_key(table: str, pk: object) -> str:
    return f"{table}:{pk}"


def _pending_ready(conn: Connection) -> bool:
    """True once the database has the capture triggers (migration 0006)."""
    engine = conn.engine
    if engine in _ready_engines:
        return True
    if conn.dialect.name == "sqlite":
        found = conn.exec_driver_sql(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'audit_pending'"
        ).first()
    else:
        found = conn.exec_driver_sql("SELECT to_regclass('audit_pending')").scalar()
    if found:
        _ready_engines.add(engine)
    return bool(found)


_NOTES = select(
    pending_table.c.tbl, pending_table.c.pk, pending_table.c.figures, pending_table.c.id
).order_by(pending_table.c.id)
_MARK_QUERY = select(func.coalesce(func.max(pending_table.c.id), 0))
_SQLITE_OWN = pending_table.c.id > bindparam("mark")
# a PostgreSQL note is this transaction's only if this transaction inserted it (xmin): a note
# an intruder inserted ahead with a predictable future txid is not
_PG_OWN = (pending_table.c.txid == func.txid_current()) & text(
    "audit_pending.xmin::text = (txid_current() % 4294967296)::text"
)
_NOTE_COLUMNS = (
    pending_table.c.tbl,
    pending_table.c.pk,
    pending_table.c.figures,
    pending_table.c.id,
)


@functools.cache  # one statement per dialect and set of tables, built and compiled once
def _take_notes(sqlite: bool, count: int) -> Delete:
    """Take (delete and return) this transaction's notes of ``count`` tables, bound as
    ``table_0`` ...: plain parameters, where an expanding IN is rendered again on every run."""
    of_tables = pending_table.c.tbl.in_([bindparam(f"table_{i}") for i in range(count)])
    own = _SQLITE_OWN if sqlite else _PG_OWN
    return delete(pending_table).where(own, of_tables).returning(*_NOTE_COLUMNS)


# the newest note before this transaction wrote anything: a service may read it in its first
# statement (``note_mark``), or it is read just before the first write
MARK_COLUMN = _MARK_QUERY.scalar_subquery().label("audit_mark")


def _latest_figures(key: bytes, notes) -> dict[str, object]:  # type: ignore[no-untyped-def]
    """The noted rows' figures; the latest note of a row wins (its state at commit)."""
    latest: dict[str, object] = {}
    for table, pk, rendered, _ in notes:
        cover = COVERED[table]
        latest[_row_key(table, pk)] = (
            DELETED if rendered is None else figures_of(key, cover, rendered)
        )
    return dict(sorted(latest.items()))


def chain_rows(  # type: ignore[no-untyped-def]
    session: Session, ctx: Context, notes, kind: str = "rows", about: Event | None = None
) -> int | None:
    """Chain the noted rows' figures, in the entry of ``about`` or in an entry of their own;
    returns the entry's seq."""
    if ctx.audit_key is None:
        raise RuntimeError("no audit key configured: audited rows cannot be written")
    rows = _latest_figures(ctx.audit_key, notes) if notes else {}
    if about is not None:
        return record(session, ctx, replace(about, data={**about.data, "rows": rows}))
    if not rows:
        return None
    last = session.info.get(_LAST_EVENT)
    by, after = last if last else (Event(kind), None)
    entry = Event(kind, by.user_id, by.counter_id, by.hall_id, data={"rows": rows, "after": after})
    return record(session, ctx, entry)


def chain_pending(session: Session, ctx: Context, deferred: list[Event] = ()) -> None:  # type: ignore[assignment]
    """Chain the rows this transaction wrote to covered tables (in the first deferred entry
    about a money row, if any), write the other deferred entries; the notes are taken (deleted
    and read) in one statement."""
    conn = connection_of(session)
    raw = conn.info.pop(_RAW_SQL, [])
    wrote = conn.info.pop(_WROTE, set())
    mark = conn.info.pop(_MARK, None)
    session.info.pop(_LIVE, None)  # from here on, entries are written at once
    notes = []
    # only notes of tables this unit of work itself wrote with its statements: a write done by a
    # trigger planted on one of them, or a note inserted by hand, is nobody's and stays noted;
    # this transaction's notes: its txid on PostgreSQL; on SQLite those after the mark taken
    # before its first write (older ones were left by a writer behind GasDesk's back)
    if wrote:
        sqlite = conn.dialect.name == "sqlite"
        tables = sorted(wrote)
        query = _take_notes(sqlite, len(tables))
        # hand-written SQL is not GasDesk's bookkeeping: its notes stay for verify to report
        for low, high in raw:
            within = pending_table.c.id > low
            if high is not None:
                within &= pending_table.c.id <= high
            query = query.where(~within)
        params = {f"table_{i}": name for i, name in enumerate(tables)}
        params["mark"] = mark or 0
        notes = sorted(conn.execute(query, params).all(), key=lambda note: note.id)
    chain_rows(session, ctx, notes, about=deferred[0] if deferred else None)
    for entry in deferred[1:]:
        record(session, ctx, entry)


COVERAGE = "audit_coverage"  # the entry of the one adoption; its data also holds the guards
GUARDS_CHANGED = "audit_guards"  # the guards as a migration left them
GUARDS = "guards"
_GUARD_ENTRY = (
    select(log_table.c.seq, log_table.c.kind, log_table.c.data)
    .where(log_table.c.kind.in_((COVERAGE, GUARDS_CHANGED)))
    .order_by(log_table.c.seq.desc())
    .limit(1)
)
_CHAINED_ROWS = select(log_table.c.seq).where(log_table.c.data.like('%"rows":%')).limit(1)
# Tables whose triggers decide what is noted, refused or chained (a rule or trigger planted on
# any of them can write behind the app's back or rewrite the notes).
GUARDED = (*COVERED, "audit_log", "audit_head", "audit_pending")


def database_guards(conn: Connection) -> dict[str, str]:
    """The triggers (PostgreSQL: also rules, with the function each trigger runs) on the covered
    and audit tables: name -> digest of their definition."""
    if conn.dialect.name == "sqlite":
        rows = conn.execute(
            text(
                "SELECT tbl_name || ':' || name, sql FROM sqlite_master "
                "WHERE type = 'trigger' AND tbl_name IN :tables"
            ).bindparams(bindparam("tables", expanding=True)),
            {"tables": list(GUARDED)},
        ).all()
    else:
        rows = conn.execute(
            text(
                "SELECT c.relname || ':' || t.tgname::text, pg_get_triggerdef(t.oid) || ' ' || "
                "t.tgenabled::text || ' ' || pg_get_functiondef(t.tgfoid) "
                "FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                "WHERE NOT t.tgisinternal AND c.relname IN :tables "
                "UNION ALL SELECT tablename || ':rule:' || rulename::text, definition "
                "FROM pg_rules "
                "WHERE tablename IN :tables"
            ).bindparams(bindparam("tables", expanding=True)),
            {"tables": list(GUARDED)},
        ).all()
    return {
        str(name): hashlib.sha256(str(sql).encode("utf-8")).hexdigest()[:32] for name, sql in rows
    }


def guard_changes(expected: Mapping[str, str], found: Mapping[str, str]) -> list[str]:
    """What differs between the guards as chained and as they are now."""
    problems = []
    for name in sorted(set(found) - set(expected)):
        problems.append(f"trigger {name}: not one of GasDesk's (planted behind the log's back)")
    for name in sorted(set(expected) - set(found)):
        problems.append(f"trigger {name}: missing (dropped behind the log's back)")
    for name in sorted(n for n in set(found) & set(expected) if found[n] != expected[n]):
        problems.append(f"trigger {name}: definition changed behind the log's back")
    return problems


def _revision(conn: Connection) -> str | None:
    return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def adopt_existing(ctx: Context) -> int:
    """At start: chain the rows that predate audit coverage (noted by migration 0006) exactly
    once, then check the database's triggers against those last chained; returns how many rows
    were adopted.

    The adoption is itself an entry (``COVERAGE``, with the guards and the schema revision):
    once it is in the chain no note is ever adopted again, whatever its txid, so a note an
    intruder relabels stays for ``verify`` to report. A start that finds the triggers changed
    chains them anew only when the schema revision changed too (a migration ran); otherwise it
    warns in the log, and ``verify`` reports the difference.
    """
    with ctx.unit_of_work() as session:
        conn = connection_of(session)
        if not _pending_ready(conn):
            return 0
        found = database_guards(conn)
        revision = _revision(conn)
        last = conn.execute(_GUARD_ENTRY).first()
        if last is None:
            # the first start after the upgrade; a log that already holds an entry chained
            # under coverage (its "rows") was not just upgraded: nothing is adopted then
            adopt = pending_table.c.txid == ADOPT
            covered = conn.execute(_CHAINED_ROWS).first() is not None
            notes = [] if covered else conn.execute(_NOTES.where(adopt)).all()
            rows = _latest_figures(ctx.audit_key, notes) if notes else {}  # type: ignore[arg-type]
            data = {"rows": rows, GUARDS: found, "revision": revision}
            record(session, ctx, Event(COVERAGE, data=data))
            if notes:
                conn.execute(delete(pending_table).where(adopt))
            session.commit()
            return len(notes)
        recorded = json.loads(last.data)
        problems = guard_changes(recorded.get(GUARDS, {}), found)
        if problems and recorded.get("revision") != revision:
            data = {GUARDS: found, "revision": revision, "was": recorded.get("revision")}
            record(session, ctx, Event(GUARDS_CHANGED, data=data))
            session.commit()
        elif problems:
            log.warning("audit: database triggers differ from the chained ones: %s", problems)
        return 0


_RAW_SQL = "gasdesk_audit_raw_sql"  # connection info: note id ranges written by text() DML
_WROTE = "gasdesk_audit_wrote"  # connection info: covered tables the unit of work's DML targets
_RAW_DML = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE|WITH)\b", re.IGNORECASE)
_OWN_MAX_SQLITE = select(func.coalesce(func.max(pending_table.c.id), 0))
_OWN_MAX_PG = _OWN_MAX_SQLITE.where(_PG_OWN)


def _own_max(conn: Connection) -> int:
    query = _OWN_MAX_SQLITE if conn.dialect.name == "sqlite" else _OWN_MAX_PG
    return conn.execute(query).scalar_one()


def _take_mark(conn: Connection) -> None:
    if conn.info.get(_MARK, 0) is None:
        conn.info[_MARK] = conn.execute(_MARK_QUERY).scalar_one()


def wants_mark(session: Session) -> bool:
    """True when the transaction's first read may carry ``MARK_COLUMN`` (SQLite, audit notes
    on, nothing written yet)."""
    conn = connection_of(session)
    return conn.info.get(_MARK, 0) is None and not conn.info.get(_WROTE)


def note_mark(session: Session, mark: int) -> None:
    """The newest note as the transaction's first read saw it (``MARK_COLUMN``), before any
    write of its own: spares the read before the first write."""
    if wants_mark(session):
        connection_of(session).info[_MARK] = mark


@event.listens_for(Engine, "before_execute")
def _before_statement(conn, clauseelement, multiparams, params, execution_options):  # type: ignore[no-untyped-def]
    """Every statement of a GasDesk transaction, before it runs: ``_before_raw_sql``, then
    ``_note_dml_target`` (one listener for both: it runs on every statement of every sale)."""
    info = conn.info
    if isinstance(clauseelement, TextClause):
        _before_raw_sql(conn, info, clauseelement)
    elif isinstance(clauseelement, UpdateBase):
        _note_dml_target(conn, info, clauseelement)


def _before_raw_sql(conn: Connection, info: dict, clauseelement: TextClause) -> None:  # type: ignore[type-arg]
    """Note where hand-written DML (``text("UPDATE ...")``) begins in a GasDesk transaction: the
    app never writes audited rows that way, so such a write is chained as nobody's."""
    if _RAW_SQL in info and _RAW_DML.match(clauseelement.text):
        _take_mark(conn)
        info[_RAW_SQL].append((_own_max(conn), None))


def _note_dml_target(conn: Connection, info: dict, clauseelement: UpdateBase) -> None:  # type: ignore[type-arg]
    """Remember which covered tables the unit of work's own statements (Core or ORM flush)
    write: only their notes are chained (no statement, no query)."""
    wrote = info.get(_WROTE)
    if wrote is not None:
        table = getattr(clauseelement, "table", None)
        name = getattr(table, "name", None)
        if name in COVERED:
            _take_mark(conn)  # before the statement's notes exist
            wrote.add(name)


@event.listens_for(Engine, "after_execute")
def _after_raw_sql(conn, clauseelement, multiparams, params, execution_options, result):  # type: ignore[no-untyped-def]
    ranges = conn.info.get(_RAW_SQL)
    if ranges and ranges[-1][1] is None and isinstance(clauseelement, TextClause):
        ranges[-1] = (ranges[-1][0], _own_max(conn))


@event.listens_for(Session, "after_begin")
def _begun(session: Session, _transaction, connection: Connection) -> None:  # type: ignore[no-untyped-def]
    if connection.get_execution_options().get(READ_ONLY) or not _pending_ready(connection):
        return
    session.info[_LIVE] = True
    connection.info[_RAW_SQL] = []
    connection.info[_WROTE] = set()
    # SQLite: the newest note before this transaction writes, read lazily (``_take_mark``)
    connection.info[_MARK] = None if connection.dialect.name == "sqlite" else 0


@event.listens_for(Session, "before_commit")
def _chain_before_commit(session: Session) -> None:
    if not session.info.get(_LIVE):
        return
    ctx = session.info.get(_CONTEXT)
    if ctx is None and session.info.get(_DEFERRED):
        ctx = session.info[_DEFERRED][0][0]
    if ctx is None:
        # not a unit of work of the app: its writes stay noted and verify reports them
        log.warning("audited rows may have been written outside a unit of work")
        return
    session.flush()
    deferred = [entry for _, entry in session.info.pop(_DEFERRED, [])]
    chain_pending(session, ctx, deferred)


@event.listens_for(Session, "after_commit")
def _committed(session: Session) -> None:
    head = session.info.get(_HEAD)
    if head is not None:
        bind = session.get_bind()
        _heads[getattr(bind, "engine", bind)] = head
    _ended(session)


@event.listens_for(Session, "after_rollback")
def _ended(session: Session) -> None:
    for name in (_LIVE, _LAST_EVENT, _DEFERRED, _HEAD):
        session.info.pop(name, None)


def _match_rows(conn: Connection, key: bytes, state: dict, report: AuditReport) -> None:  # type: ignore[type-arg]
    """Every row of every covered table must equal its latest audited state, one-to-one."""
    dialect = conn.dialect.name
    if dialect == "postgresql":
        conn.exec_driver_sql("SET LOCAL timezone TO 'UTC'")  # as in the capture trigger
    for name, cover in COVERED.items():
        unaudited: list[str] = []
        for pk, figures in _table_rows(conn, key, cover, report):
            row_key = _row_key(name, pk)
            known = state.pop(row_key, None)
            if known is None:
                unaudited.append(str(pk))
            elif known[0] != _digest(figures) and known[0] != _digest(cover.before_added(figures)):
                seq = known[1]
                was = _recorded(conn, seq, row_key)
                if was == DELETED:
                    report.fail(seq, f"entry {seq}: {row_key} was deleted, yet it is there")
                    continue
                changed = sorted(k for k in figures if figures[k] != (was or {}).get(k))
                report.fail(seq, f"entry {seq}: {row_key} was changed ({', '.join(changed)})")
        if unaudited:
            report.fail(
                None,
                f"{name}: {len(unaudited)} rows without an audit entry (written behind the "
                f"log's back), e.g. {', '.join(unaudited[:5])}",
            )
    deleted_digest = _digest(DELETED)
    for row_key, (digest, seq) in sorted(state.items(), key=lambda item: item[1][1]):
        if digest != deleted_digest:
            report.fail(seq, f"entry {seq}: {row_key} was deleted")
    notes = conn.execute(select(func.count()).select_from(pending_table)).scalar_one()
    if notes:
        report.fail(None, f"audit_pending: {notes} writes noted but never chained")


def _table_rows(conn: Connection, key: bytes, cover: Covered, report: AuditReport):  # type: ignore[no-untyped-def]
    """Every row of a covered table with its figures, rendered by the database as in the capture
    trigger. From a value SQLite cannot render so (a BLOB, which no writer of the app stores)
    on, rows are rendered in Python (bytes as hex): they differ from any chained figure and are
    reported as changed instead of stopping verify. (PostgreSQL renders every type.)"""
    name = cover.table.name
    columns = [column.name for column in cover.table.columns]
    rendered = row_json(conn.dialect.name, columns, "t")
    query = text(f"SELECT t.{cover.key} AS pk, {rendered} AS figures FROM {name} t ORDER BY 1")
    last = None
    try:
        for row in conn.execute(query.execution_options(yield_per=2000)):
            last = row.pk
            yield row.pk, figures_of(key, cover, row.figures)
        return
    except DBAPIError as error:
        if conn.dialect.name != "sqlite":
            raise
        log.warning("audit verify: %s rendered value by value (%s)", name, error.orig)
        report.fail(None, f"{name}: holds values the app never writes ({error.orig}): tampered")
    after = "" if last is None else f" WHERE t.{cover.key} > :last"
    raw = text(f"SELECT {', '.join(f't.{c}' for c in columns)} FROM {name} t{after} ORDER BY 1")
    for row in conn.execute(raw, {"last": last}):
        values = dict(zip(columns, row, strict=True))
        figures = {c: _plain(v) for c, v in values.items()}
        for secret in cover.secret:
            figures[secret] = _secret(key, figures.get(secret))
        yield values[cover.key], figures


def _plain(value: object) -> object:
    if isinstance(value, bytes | bytearray | memoryview):
        return "blob:" + bytes(value).hex()
    if value is None or isinstance(value, int | float | str):
        return value
    return str(value)


def _recorded(conn: Connection, seq: int, row_key: str) -> object:
    data = conn.execute(select(log_table.c.data).where(log_table.c.seq == seq)).scalar_one()
    return json.loads(data)["rows"].get(row_key)


def log_has_entries(db: Database) -> bool:
    """True when the database's audit log has any entry (a key must exist for it)."""
    with db.readers() as session:
        conn = connection_of(session)
        if conn.dialect.name == "sqlite":
            present = conn.exec_driver_sql(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'audit_log'"
            ).first()
        else:
            present = conn.exec_driver_sql("SELECT to_regclass('audit_log')").scalar()
        if not present:
            return False
        return conn.execute(select(log_table.c.seq).limit(1)).first() is not None
