"""The tamper-evident audit log: every business and security event, chained with an HMAC.

Each entry's mac is HMAC-SHA256(key, previous mac + the entry's fields), with the key outside the
database. Entries are numbered 1, 2, 3 ... under the chain head's row lock, in the writer's own
transaction, so a sale and its entry commit or vanish together.

``verify`` recomputes the chain and also compares the money rows an entry is about with the
figures the entry recorded, so editing an amount in ``counter_transactions`` is found even though
that table is not itself chained. Deleting the newest entries leaves a shorter, valid chain: the
chain head (entry count and mac) is printed on every Z-report, and ``verify`` checks the paper's
figures when given them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from sqlalchemy import Connection, bindparam, func, insert, select, update
from sqlalchemy.orm import Session

from app.context import Context
from db.engine import Database
from db.models import AuditEntry, AuditHead, CashMovement, CounterTransaction, ShiftCount

log_table = AuditEntry.__table__
head_table = AuditHead.__table__

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
    return hmac.new(key, text.encode("utf-8"), hashlib.sha256).hexdigest()


_TAKE_HEAD = (
    update(head_table)
    .where(head_table.c.id == 1)
    .values(seq=head_table.c.seq + 1)
    .returning(head_table.c.seq, head_table.c.mac)
)
_SET_HEAD = update(head_table).where(head_table.c.id == 1).values(mac=bindparam("new_mac"))


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
) -> int:
    """Append ``event`` to the chain inside the caller's transaction; returns its seq.

    With ``row`` (table, id) the entry is about that money row and records its figures, taken
    from ``figures`` (the values the caller just inserted) or read back from the row.
    """
    if ctx.audit_key is None:
        raise RuntimeError("no audit key configured: the audit log cannot be written")
    conn = session.connection()
    data = dict(event.data)
    ref = event.ref
    if row is not None:
        table, row_id = row
        ref = f"{table}:{row_id}"
        if figures is not None:
            data["row"] = {name: figures.get(name) for name in ROW_FIELDS[table]}
        else:
            data["row"] = row_figures(conn, table, row_id)
    seq, previous = conn.execute(_TAKE_HEAD).one()
    entry = {
        "seq": seq,
        "at": ctx.now(),
        "kind": event.kind,
        "hall_id": event.hall_id,
        "counter_id": event.counter_id,
        "user_id": event.user_id,
        "ref": ref,
        "data": _canonical(data),
    }
    mac = entry_mac(ctx.audit_key, previous, entry)
    conn.execute(insert(log_table), {**entry, "mac": mac})
    conn.execute(_SET_HEAD, {"new_mac": mac})
    return seq


def record_alone(ctx: Context, event: Event) -> None:
    """Append a security event in a transaction of its own (the refused operation rolled back)."""
    with ctx.unit_of_work() as session:
        record(session, ctx, event)
        session.commit()


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
    conn = session.connection()
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
    of the newest entries.
    """
    report = AuditReport()
    audited: dict[str, set[int]] = {table: set() for table in ROW_FIELDS}
    with db.readers() as session:
        conn = session.connection()
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
            if not hmac.compare_digest(entry_mac(key, previous, entry), row.mac):
                report.fail(
                    row.seq,
                    f"entry {row.seq} ({row.kind}, {row.ref or '-'}): mac does not match: the "
                    "entry was changed, moved, or a neighbour was removed",
                )
            else:
                _compare_row(conn, row, report, audited)
            previous = row.mac
            expected_seq += 1
            report.entries += 1
        head = conn.execute(select(head_table.c.seq, head_table.c.mac)).one()
        report.head = ChainHead(int(head.seq), head.mac)
        last = expected_seq - 1
        if head.seq != last or head.mac != previous:
            report.fail(
                last + 1,
                f"chain head says {head.seq} entries, the log ends at {last}: the newest "
                "entries were deleted or the head was changed",
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
            elif expect_mac and not found.startswith(expect_mac.lower()):
                report.fail(expect_count, f"entry {expect_count}: mac differs from the paper")
        _unaudited_rows(conn, report, audited)
    return report


def _compare_row(conn: Connection, row, report: AuditReport, audited) -> None:  # type: ignore[no-untyped-def]
    if not row.ref:
        return
    table, _, row_id = row.ref.partition(":")
    if table not in ROW_FIELDS:
        return
    recorded = json.loads(row.data).get("row")
    audited[table].add(int(row_id))
    now = row_figures(conn, table, int(row_id))
    if now is None:
        report.fail(row.seq, f"entry {row.seq}: {row.ref} was deleted")
    elif json.loads(_canonical(now)) != recorded:
        changed = sorted(k for k in now if json.loads(_canonical(now)).get(k) != recorded.get(k))
        report.fail(row.seq, f"entry {row.seq}: {row.ref} was changed ({', '.join(changed)})")


def _unaudited_rows(conn: Connection, report: AuditReport, audited) -> None:  # type: ignore[no-untyped-def]
    """Money rows no entry is about: written behind the log's back. Rows older than the first
    audited row of their table predate the log (a database upgraded to it) and are left alone."""
    for table, seen in audited.items():
        source = TABLES[table]
        if not seen:
            continue
        query = select(source.c.id).where(source.c.id > min(seen)).order_by(source.c.id)
        total = conn.execute(select(func.count()).select_from(query.subquery())).scalar_one()
        if total != len(seen) - 1:
            extra = [i for i in conn.execute(query).scalars() if i not in seen][:5]
            report.fail(None, f"{table}: rows without an audit entry, e.g. ids {extra}")
