"""Backups: online copies while counters sell, rotation and schedule, checked restore, the CLI."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sqlite3
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from app.config import LocalConfig
from app.errors import Conflict, InvalidInput, RuleViolation
from app.services import audit
from app.services import backup as backup_service
from app.services.backup import (
    BackupSettings,
    backup_due,
    backup_settings,
    check_backup,
    list_backups,
    restore_backup,
    scheduled_backup,
    take_backup,
)
from db import migrate
from db.engine import Database, open_database
from tests.support import buy, gasdesk, lift_cash_limits, m3, open_customer, refused

# heavy (processes, the CLI, randomized days): in the suite's second half beside the PC/SC stack
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
sqlite_only = pytest.mark.parametrize("backend", ["sqlite"])
postgres_only = pytest.mark.parametrize(
    "backend", [pytest.param("postgres", marks=pytest.mark.postgres)]
)
T0 = dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC)
SALES = 200


def db_file(db: Database) -> Path:
    return Path(db.engine.url.database)


def consistency_problems(db: Database) -> list[str]:
    """Money rows that do not add up, receipt numbers with gaps, a counter out of step."""
    problems = []
    with db.readers() as s:
        uneven = s.execute(
            text(
                "SELECT t.id, t.volume, COALESCE(SUM(g.volume), 0) FROM counter_transactions t "
                "LEFT JOIN transaction_segments g ON g.transaction_id = t.id "
                "WHERE t.kind = 'purchase' GROUP BY t.id, t.volume "
                "HAVING t.volume != COALESCE(SUM(g.volume), 0)"
            )
        ).all()
        problems += [f"transaction {row[0]}: volume {row[1]}, segments {row[2]}" for row in uneven]
        receipts: dict[tuple[int, int], list[int]] = {}
        for hall_id, year, seq in s.execute(
            text("SELECT hall_id, receipt_year, receipt_seq FROM counter_transactions")
        ):
            receipts.setdefault((hall_id, year), []).append(seq)
        codes = dict(s.execute(text("SELECT id, code FROM halls")).all())
        counters = dict(s.execute(text("SELECT name, last_value FROM number_sequences")).all())
        for (hall_id, year), seqs in receipts.items():
            if sorted(seqs) != list(range(1, len(seqs) + 1)):
                problems.append(f"receipt numbers {hall_id}/{year} have gaps or repeats")
            counter = counters.get(f"receipt:{codes[hall_id]}:{year}")
            if counter != max(seqs):
                problems.append(f"receipt counter {counter}, highest receipt {max(seqs)}")
    return problems


def purchases(db: Database) -> int:
    with db.readers() as s:
        return s.scalar(text("SELECT count(*) FROM counter_transactions WHERE kind = 'purchase'"))


@sqlite_only
def test_backup_taken_during_sales_restores_consistent_and_verified(
    hall, ctx, tmp_path, monkeypatch
):
    """Backup taken during writes restores to a consistent database that passes audit verify."""
    # many small copy steps, with sales committed between them
    monkeypatch.setattr(backup_service, "STEP_PAGES", 4)
    lift_cash_limits(ctx)
    cards = [open_customer(hall, household=h).card_serial for h in (2, 3, 5, 6)]
    sold: list[int] = []
    failures: list[BaseException] = []

    def sell() -> None:
        try:
            for n in range(SALES):  # 500 m³ a card: the sales cross the ladder's tiers
                buy(hall, cards[n % len(cards)], volume=m3(10))
                sold.append(n)
        except BaseException as error:  # reported by the main thread
            failures.append(error)

    seller = threading.Thread(target=sell)
    seller.start()
    taken = []  # (backup, sales committed before it began, after it ended, seconds)
    try:
        for i, mark in enumerate((20, 80, 140)):
            while len(sold) < mark and seller.is_alive():
                time.sleep(0.001)
            before, started = len(sold), time.perf_counter()
            path = take_backup(
                ctx.db, tmp_path / "backups", reason="test", now=T0 + dt.timedelta(seconds=i)
            )
            taken.append((path, before, len(sold), time.perf_counter() - started))
    finally:
        seller.join()
    assert not failures, failures
    assert len(sold) == SALES
    assert any(after < SALES for _, _, after, _ in taken), "no backup overlapped the sales"

    key = ctx.audit_key
    for n, (path, before, after, _seconds) in enumerate(taken):
        assert restore_backup(path, tmp_path / f"restored{n}.sqlite3", key) is None
        restored = open_database(f"sqlite:///{tmp_path / f'restored{n}.sqlite3'}")
        try:
            with restored.engine.connect() as conn:
                assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
            assert before <= purchases(restored) <= after + 1  # one sale may await its append
            assert consistency_problems(restored) == []
            if key is not None:
                report = audit.verify(restored, key)
                assert report.ok, report.problems
                assert report.entries >= purchases(restored)
        finally:
            restored.dispose()
    assert consistency_problems(ctx.db) == []


@sqlite_only
def test_backup_file_is_checked_single_file_and_named_by_reason(hall, ctx, tmp_path):
    account = open_customer(hall)
    buy(hall, account.card_serial, volume=m3(10))
    path = take_backup(ctx.db, tmp_path, reason="shift-close", now=T0)
    assert path.name == "gasdesk-20260302-010000-shift-close.sqlite3"
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]  # no -wal, no temp file
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    conn.close()
    check = check_backup(path, ctx.audit_key)
    assert check.ok, check.problems
    assert check.revision == migrate.head_revision()
    assert check.audit_entries and check.audit_entries >= 1
    [info] = list_backups(tmp_path)
    assert (info.path, info.taken_at, info.reason) == (path, T0, "shift-close")
    assert info.size == path.stat().st_size
    with refused(InvalidInput, "备份原因"):
        take_backup(ctx.db, tmp_path, reason="Shift close", now=T0)


@sqlite_only
def test_rotation_keeps_the_newest_and_the_schedule_follows_the_newest(database, tmp_path):
    folder = tmp_path / "backups"
    assert backup_due(folder, dt.timedelta(hours=4), T0)  # nothing yet (no folder even)
    folder.mkdir()
    (folder / "notes.txt").write_text("keep me", encoding="utf-8")
    (folder / "gasdesk-old.sqlite3").write_bytes(b"not ours")
    made = [
        take_backup(database, folder, reason="manual", keep=3, now=T0 + dt.timedelta(hours=h))
        for h in range(5)
    ]
    # two in the same second get different names and a definite order
    same = take_backup(database, folder, reason="scheduled", keep=3, now=T0 + dt.timedelta(hours=4))
    assert same.name == "gasdesk-20260302-050000.2-scheduled.sqlite3"
    assert [b.path for b in list_backups(folder)] == [same, made[4], made[3]]
    assert {p.name for p in folder.iterdir()} == {
        "notes.txt",
        "gasdesk-old.sqlite3",
        same.name,
        made[4].name,
        made[3].name,
    }

    newest = T0 + dt.timedelta(hours=4)
    every = dt.timedelta(hours=4)
    assert not backup_due(folder, every, newest + dt.timedelta(hours=3, minutes=59))
    assert backup_due(folder, every, newest + every)
    assert scheduled_backup(database, folder, every, newest + dt.timedelta(hours=1), 3) is None
    due = scheduled_backup(database, folder, every, newest + every, 3)
    assert due is not None and due.name == "gasdesk-20260302-090000-scheduled.sqlite3"
    assert len(list_backups(folder)) == 3
    assert not backup_due(folder, every, newest + every + dt.timedelta(minutes=1))
    with refused(InvalidInput, "至少为 1"):
        take_backup(database, folder, reason="manual", keep=0, now=T0)


def test_backup_settings_from_the_config(tmp_path):
    def config(training: bool = False, **extra: object) -> LocalConfig:
        return LocalConfig(tmp_path, "sqlite:///x", training=training, extra=dict(extra))

    assert backup_settings(config()) == BackupSettings(tmp_path / "backups")
    assert backup_settings(config(training=True)).directory == tmp_path / "backups" / "training"
    custom = backup_settings(
        config(backup_dir=str(tmp_path / "elsewhere"), backup_keep=7, backup_every_hours=0.5)
    )
    assert custom == BackupSettings(tmp_path / "elsewhere", 7, dt.timedelta(minutes=30))
    assert backup_settings(config(backup_dir="b")).directory == tmp_path / "b"
    with refused(InvalidInput, "backup_keep"):
        backup_settings(config(backup_keep=0))
    with refused(InvalidInput, "backup_every_hours"):
        backup_settings(config(backup_every_hours="4"))


def corrupt_a_page(path: Path) -> None:
    """Garbage over the page holding the money rows' table root (mid-file, always in use)."""
    with sqlite3.connect(path) as conn:
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        root = conn.execute(
            "SELECT rootpage FROM sqlite_master WHERE name = 'counter_transactions'"
        ).fetchone()[0]
    conn.close()
    with path.open("r+b") as handle:
        handle.seek((root - 1) * page_size + 100)
        handle.write(bytes(range(256)) * ((page_size - 200) // 256))


@sqlite_only
def test_restore_refuses_damaged_and_foreign_files_unless_forced(hall, ctx, tmp_path):
    account = open_customer(hall)
    buy(hall, account.card_serial, volume=m3(10))
    good = take_backup(ctx.db, tmp_path / "backups", reason="manual", now=T0)
    key = ctx.audit_key
    target = tmp_path / "restored.sqlite3"

    damaged = tmp_path / "damaged.sqlite3"
    shutil.copyfile(good, damaged)  # test set-up only: the product never copies live files
    corrupt_a_page(damaged)
    check = check_backup(damaged, key)
    assert not check.ok
    assert any("完整性" in p or "损坏" in p for p in check.problems), check.problems
    with refused(RuleViolation, "备份文件检查未通过") as error:
        restore_backup(damaged, target, key)
    assert "完整性" in error.value.user_message or "损坏" in error.value.user_message
    assert not target.exists()

    foreign = tmp_path / "notes.sqlite3"
    foreign.write_text("收据底稿 " * 500, encoding="utf-8")
    with refused(RuleViolation, "不是 SQLite 数据库文件"):
        restore_backup(foreign, target, key)
    with refused(RuleViolation, "找不到备份文件"):
        restore_backup(tmp_path / "missing.sqlite3", target, key)

    # a backup whose audit chain does not verify (here: the wrong key) is refused ...
    wrong_key = bytes(32)
    assert not check_backup(good, wrong_key).ok
    with refused(RuleViolation, "审计日志校验未通过"):
        restore_backup(good, target, wrong_key)
    assert not target.exists()
    # ... unless forced
    assert restore_backup(good, target, wrong_key, force=True) is None
    assert check_backup(target, ctx.audit_key).ok


@sqlite_only
def test_restore_keeps_the_previous_database_and_refuses_while_it_is_open(hall, ctx, tmp_path):
    account = open_customer(hall)
    buy(hall, account.card_serial, volume=m3(10))
    backup = take_backup(ctx.db, tmp_path / "backups", reason="manual", now=T0)
    buy(hall, account.card_serial, volume=m3(10))
    live = db_file(ctx.db)

    with refused(Conflict, "正在使用中"):  # the app still has the database open
        restore_backup(backup, live, ctx.audit_key)

    ctx.db.dispose()  # the app is stopped
    kept = restore_backup(backup, live, ctx.audit_key)
    assert kept is not None and kept.parent == live.parent
    assert kept.name.startswith(f"{live.stem}.before-restore-") and kept.suffix == ".sqlite3"
    assert not Path(f"{live}-wal").exists() and not Path(f"{live}-shm").exists()
    previous, restored = open_database(f"sqlite:///{kept}"), open_database(f"sqlite:///{live}")
    try:
        assert (purchases(previous), purchases(restored)) == (2, 1)
        assert consistency_problems(restored) == []
    finally:
        previous.dispose()
        restored.dispose()

    # a target that is no database at all is kept as it was (renamed), then replaced
    broken = tmp_path / "broken.sqlite3"
    broken.write_bytes(b"\x00garbage" * 100)
    kept_broken = restore_backup(backup, broken, ctx.audit_key)
    assert kept_broken is not None and kept_broken.read_bytes() == b"\x00garbage" * 100
    assert check_backup(broken, None).ok


def test_postgres_is_backed_up_with_pg_dump():
    """Refused before any connection is made: the engine's dialect decides."""
    db = open_database("postgresql://gasdesk@127.0.0.1:1/gasdesk")
    try:
        with refused(RuleViolation, "pg_dump"):
            take_backup(db, Path("unused"), reason="manual")
    finally:
        db.dispose()


@postgres_only
def test_postgres_database_refuses_online_backup(database, tmp_path):
    with refused(RuleViolation, "pg_dump"):
        take_backup(database, tmp_path, reason="shift-close")
    assert not list(tmp_path.iterdir())


# -- the command line ---------------------------------------------------------------------------


def test_cli_backup_list_restore_and_audit_verify(tmp_path):
    demo = gasdesk(tmp_path, "admin", "demo", "--customers", "5")
    assert demo.returncode == 0, demo.stderr
    verified = gasdesk(tmp_path, "admin", "audit", "verify")
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert verified.stdout.startswith("audit log OK: ")
    entries = int(verified.stdout.split(": ")[1].split()[0])
    head = verified.stdout.split("head ")[1].split()
    assert entries > 0 and head[0] == str(entries) and len(head[1]) == 16
    on_paper = gasdesk(
        tmp_path, "admin", "audit", "verify", "--expect-count", head[0], "--expect-mac", head[1]
    )
    assert on_paper.returncode == 0, on_paper.stdout + on_paper.stderr

    folder = tmp_path / "mine"
    backed = gasdesk(tmp_path, "admin", "backup", "--to", str(folder))
    assert backed.returncode == 0, backed.stderr
    backup = Path(backed.stdout.strip())
    assert backup.parent == folder and backup.is_file() and backup.name.endswith("-manual.sqlite3")
    listed = gasdesk(tmp_path, "admin", "backups", "--dir", str(folder))
    assert listed.returncode == 0 and str(backup) in listed.stdout and "manual" in listed.stdout

    # the configured directory and number kept
    for _ in range(3):
        assert (
            gasdesk(tmp_path, "admin", "backup", config="demo = true\nbackup_keep = 2\n").returncode
            == 0
        )
    assert len(list((tmp_path / "data" / "backups").glob("gasdesk-*.sqlite3"))) == 2
    assert len(gasdesk(tmp_path, "admin", "backups").stdout.splitlines()) == 2

    # someone moves the chain head: verify fails and names where
    live = tmp_path / "data" / "demo.sqlite3"  # nothing configured: the demo hall's file
    with sqlite3.connect(live) as conn:
        conn.execute("UPDATE audit_head SET seq = seq - 1")
    conn.close()
    broken = gasdesk(tmp_path, "admin", "audit", "verify")
    assert broken.returncode == 1, broken.stdout + broken.stderr
    assert "chain head says" in broken.stdout
    assert broken.stdout.strip().splitlines()[-1].startswith("first broken entry: ")

    restored = gasdesk(tmp_path, "admin", "restore", str(backup))
    assert restored.returncode == 0, restored.stdout + restored.stderr
    assert "previous database kept as" in restored.stdout
    kept = Path(restored.stdout.split("previous database kept as ")[1].strip())
    assert kept.is_file() and kept.parent == live.parent
    assert gasdesk(tmp_path, "admin", "audit", "verify").returncode == 0

    garbage = tmp_path / "garbage.sqlite3"
    garbage.write_bytes(os.urandom(8192))
    refused_restore = gasdesk(tmp_path, "admin", "restore", str(garbage))
    assert refused_restore.returncode == 2
    assert "错误：备份文件检查未通过" in refused_restore.stderr
    forced = gasdesk(tmp_path, "admin", "restore", str(garbage), "--force")
    assert forced.returncode == 2  # forcing cannot make a non-database restorable
    assert "错误：恢复失败" in forced.stderr
    assert gasdesk(tmp_path, "admin", "audit", "verify").returncode == 0  # left untouched


def test_cli_refuses_backup_of_postgres_and_missing_key(tmp_path):
    pg = gasdesk(
        tmp_path, "admin", "backup", config='db_url = "postgresql://x@127.0.0.1:1/gasdesk"\n'
    )
    assert pg.returncode == 2 and "pg_dump" in pg.stderr
    no_key = gasdesk(tmp_path, "admin", "audit", "verify")
    assert no_key.returncode == 2 and "错误：未找到审计密钥文件" in no_key.stderr
