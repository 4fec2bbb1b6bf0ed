"""The tamper-evident audit log (SQLite and PostgreSQL): an untouched database verifies; an edited
amount, a deleted middle entry and a cut-off tail are each found and named.

The tampering is done the way an intruder with database access would: switch the append-only
triggers off, then UPDATE/DELETE in SQL.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from sqlalchemy import select, text

from app.domain.cash import count_of
from app.services import audit
from app.services.reports import zreport_data
from app.services.shifts import CloseShiftRequest, CountRequest, close_shift, count_drawer
from db.models import AuditEntry, CounterTransaction
from tests.support import AUDIT_KEY, buy, gasdesk, m3, open_customer, rid, terminals

ROOT = Path(__file__).resolve().parents[1]


def tamper(ctx, table: str, statement: str, **params) -> None:
    """Run ``statement`` as an intruder would: on a connection of its own (not a GasDesk unit
    of work), with the table's append-only triggers out of the way."""
    with ctx.db.engine.begin() as conn:
        if conn.dialect.name == "sqlite":
            for name in ("no_update", "no_delete", "locked"):
                conn.execute(text(f"DROP TRIGGER IF EXISTS {table}_{name}"))
        else:
            conn.execute(text(f"ALTER TABLE {table} DISABLE TRIGGER USER"))
        conn.execute(text(statement), params)


def rows_entry_of(ctx, row_key: str) -> AuditEntry:
    """The newest entry that chained the figures of ``row_key`` ("table:id")."""
    with ctx.reading() as s:
        entries = s.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc()))
        return next(e for e in entries if row_key in json.loads(e.data).get("rows", {}))


def a_morning(hall):
    account = open_customer(hall)
    sales = [buy(hall, account.card_serial, volume=m3(v)) for v in (10, 20, 30)]
    return account, sales


def entry_of(ctx, ref: str) -> AuditEntry:
    with ctx.reading() as s:
        return s.scalars(select(AuditEntry).where(AuditEntry.ref == ref)).one()


def test_an_untouched_log_verifies_and_every_operation_is_in_it(hall):
    account, sales = a_morning(hall)
    report = audit.verify(hall.ctx.db, AUDIT_KEY)
    assert report.ok, report.problems
    with hall.ctx.reading() as s:
        kinds = [e.kind for e in s.scalars(select(AuditEntry).order_by(AuditEntry.seq))]
        transactions = s.scalars(select(CounterTransaction)).all()
    assert report.entries == len(kinds) == report.head.count
    assert kinds.count("purchase") == 3 and kinds.count("shift_open") == 2
    assert kinds.count("opening") == 1 and "cash_movements" not in kinds
    assert len(transactions) == 4  # every transaction has its entry
    entry = entry_of(hall.ctx, f"counter_transactions:{sales[0].transaction_id}")
    assert json.loads(entry.data)["row"]["amount_fen"] == sales[0].amount_fen
    assert not audit.verify(hall.ctx.db, b"another key" * 3).ok  # the key matters


def test_an_edited_amount_is_found_and_named(hall):
    _, sales = a_morning(hall)
    target = sales[1]
    tamper(
        hall.ctx,
        "counter_transactions",
        "UPDATE counter_transactions SET amount_fen = 1 WHERE id = :id",
        id=target.transaction_id,
    )
    report = audit.verify(hall.ctx.db, AUDIT_KEY)
    seq = rows_entry_of(hall.ctx, f"counter_transactions:{target.transaction_id}").seq
    assert not report.ok and report.first_broken == seq
    assert "amount_fen" in report.problems[0]
    seq = entry_of(hall.ctx, f"counter_transactions:{target.transaction_id}").seq

    # the same edit made in the log entry itself breaks its mac
    tamper(
        hall.ctx,
        "audit_log",
        "UPDATE audit_log SET data = replace(data, :old, :new) WHERE seq = :seq",
        old=f'"amount_fen":{target.amount_fen}',
        new='"amount_fen":1',
        seq=seq,
    )
    report = audit.verify(hall.ctx.db, AUDIT_KEY)
    assert report.first_broken == seq and "mac does not match" in report.problems[0]


def test_a_deleted_middle_entry_is_found_and_named(hall):
    _, sales = a_morning(hall)
    seq = entry_of(hall.ctx, f"counter_transactions:{sales[0].transaction_id}").seq
    tamper(hall.ctx, "audit_log", "DELETE FROM audit_log WHERE seq = :seq", seq=seq)
    report = audit.verify(hall.ctx.db, AUDIT_KEY)
    assert report.first_broken == seq
    assert f"entry {seq}: missing" in report.problems[0]
    assert any("without an audit entry" in p for p in report.problems)


def test_a_cut_off_tail_is_caught_against_the_zreport(hall):
    a_morning(hall)
    count_drawer(hall.ctx, hall.clerk, CountRequest(rid(), count_of(50000 + 15660), terminals()))
    close_shift(hall.ctx, hall.clerk, CloseShiftRequest(rid()))
    paper = zreport_data(hall.ctx, hall.actor("zhoujie"), hall.shifts["lina"])
    assert paper.audit_entries and len(paper.audit_head) == audit.SHORT_MAC
    assert audit.verify(
        hall.ctx.db, AUDIT_KEY, expect_count=paper.audit_entries, expect_mac=paper.audit_head
    ).ok

    # the intruder deletes the newest entries (the close and what led to it) and rewinds the
    # head to the last entry left, so the chain alone looks whole
    last = paper.audit_entries - 3
    tamper(hall.ctx, "audit_log", "DELETE FROM audit_log WHERE seq > :last", last=last)
    with hall.ctx.reading() as s:
        mac = s.scalar(select(AuditEntry.mac).where(AuditEntry.seq == last))
    with hall.ctx.unit_of_work() as s:
        s.execute(text("UPDATE audit_head SET seq = :seq, mac = :mac"), {"seq": last, "mac": mac})
        s.commit()
    alone = audit.verify(hall.ctx.db, AUDIT_KEY)
    assert not any("mac does not match" in p or "missing" in p for p in alone.problems)
    report = audit.verify(
        hall.ctx.db, AUDIT_KEY, expect_count=paper.audit_entries, expect_mac=paper.audit_head
    )
    assert not report.ok
    assert report.first_broken == last + 1
    assert f"entry {paper.audit_entries} printed on paper is missing" in " ".join(report.problems)


def test_cli_audit_verify_names_the_first_broken_entry_and_exits_nonzero(tmp_path):
    assert gasdesk(tmp_path, "admin", "demo", "--customers", "6").returncode == 0
    ok = gasdesk(tmp_path, "admin", "audit", "verify")
    assert ok.returncode == 0 and "audit log OK" in ok.stdout, ok.stdout + ok.stderr

    database = tmp_path / "data" / "demo.sqlite3"
    with sqlite3.connect(database) as conn:
        seq = conn.execute("SELECT seq FROM audit_log WHERE kind = 'purchase' LIMIT 1").fetchone()[
            0
        ]
        conn.execute("DROP TRIGGER audit_log_no_update")
        conn.execute("UPDATE audit_log SET kind = 'refund' WHERE seq = ?", (seq,))
    broken = gasdesk(tmp_path, "admin", "audit", "verify")
    assert broken.returncode == 1, broken.stdout + broken.stderr
    assert f"first broken entry: {seq}" in broken.stdout
