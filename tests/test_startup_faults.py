"""Issue 11, item 15: faults of the configuration and the machine reach the clerk as their own
clear Chinese message, never a traceback: in a message box before any window (GUI), on stderr
with exit code 2 (``gasdesk admin``); a full disk during a sale is a typed ``DiskFull`` and the
sale is rolled back, nothing committed before it lost."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import event, text

from app.errors import DiskFull
from app.services.sales import PurchaseRequest, purchase
from tests.support import m3, open_customer, rid, row_counts

ROOT = Path(__file__).resolve().parents[1]
PG_SERVER = "postgresql://postgres@127.0.0.1:5432"


def unwritable() -> Path:
    """A directory nobody can create anything in, even root (sysfs), for a read-only data dir."""
    sysfs = Path("/sys/kernel")
    try:
        (sysfs / "gasdesk-probe").mkdir()
    except OSError:
        return sysfs / "gasdesk-data"
    pytest.skip("no unwritable directory on this machine")


# (name, config.toml bytes, data dir or None, what the message must say)
FAULTS = [
    ("binary config", b"\x00\xff\xfe\x81garbage", None, "不是文本文件"),
    ("garbage config", b"db_url = [unterminated\n", None, "配置文件格式错误"),
    ("db_url of the wrong type", b"db_url = [1, 2]\n", None, "db_url 的值无效"),
    ("db_url unparsable", b'db_url = "no url at all"\n', None, "数据库地址（db_url）无效"),
    ("db_url unknown", b'db_url = "mysql://hall/gas"\n', None, "数据库类型不受支持：mysql"),
    ("bad time zone", b'timezone = "Asia/Atlantis"\n', None, "时区无效"),
    ("read-only data dir", b'counter_code = "1"\n', "unwritable", "不可写"),
    # every key of the schema: type, range, control characters, path rules (review of item 15)
    ("backup hours overflow", b"backup_every_hours = 1e400\n", None, "backup_every_hours 的值无效"),
    ("backup hours nan", b"backup_every_hours = nan\n", None, "须为有限的数字"),
    ("backup hours zero", b"backup_every_hours = 0\n", None, "backup_every_hours 的值无效"),
    ("backup keep huge", b"backup_keep = 99999999999999999999\n", None, "backup_keep 的值无效"),
    ("backup keep negative", b"backup_keep = -3\n", None, "backup_keep 的值无效"),
    ("backup keep text", b'backup_keep = "7"\n', None, "backup_keep 的值无效：须为整数"),
    ("NUL in db_url", b'db_url = "sqlite:////tmp/a\\u0000b"\n', None, "db_url 的值无效：含有控制"),
    ("NUL in data_dir", b'data_dir = "/tmp/a\\u0000b"\n', None, "data_dir 的值无效：含有控制"),
    ("relative data_dir", b'data_dir = "data"\n', None, "data_dir 的值无效：须为绝对路径"),
    ("NUL in backup_dir", b'backup_dir = "b\\u0000"\n', None, "backup_dir 的值无效：含有控制"),
    ("audit key a number", b"audit_key_file = 5\n", None, "audit_key_file 的值无效"),
    ("audit key a list", b'audit_key_file = ["x"]\n', None, "audit_key_file 的值无效"),
    ("card key a table", b"card_key_file = {a = 1}\n", None, "card_key_file 的值无效"),
    ("newline in reader", b'reader = "ACS\\nx"\n', None, "reader 的值无效：含有控制"),
    ("emulated not a flag", b'emulated_devices = "yes"\n', None, "emulated_devices 的值无效"),
    ("printer not a table", b'printer = "lp0"\n', None, "printer 的值无效"),
]
PG_FAULTS = [
    ("unreachable PostgreSQL", "postgresql://postgres@127.0.0.1:1/test", "无法连接数据库服务器"),
    (
        "PostgreSQL refuses the user",
        f"{PG_SERVER.replace('postgres@', 'nobody@')}/test",
        "拒绝登录",
    ),
    ("no such database", f"{PG_SERVER}/gasdesk_no_such_db", "没有数据库“gasdesk_no_such_db”"),
]


def run(tmp_path: Path, config: bytes, data_dir: str | None, *args: str):
    (tmp_path / "config.toml").write_bytes(config)
    env = {
        **os.environ,
        "GASDESK_CONFIG": str(tmp_path / "config.toml"),
        "GASDESK_DATA_DIR": str(unwritable() if data_dir else tmp_path / "data"),
        "QT_QPA_PLATFORM": "offscreen",
    }
    env.pop("GASDESK_DB_URL", None)
    return subprocess.run(
        [sys.executable, str(ROOT / "main.py"), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )


def said_clearly(result, fragment: str) -> None:
    assert result.returncode == 2, (result.returncode, result.stderr)
    assert "错误：" in result.stderr and fragment in result.stderr, result.stderr
    assert "Traceback" not in result.stderr, result.stderr


# ------------------------------------------------------------------------- gasdesk admin


@pytest.mark.parametrize(
    ("name", "config", "data_dir", "fragment"), FAULTS, ids=[f[0] for f in FAULTS]
)
def test_admin_says_each_configuration_fault(tmp_path, name, config, data_dir, fragment):
    said_clearly(run(tmp_path, config, data_dir, "admin", "db", "upgrade"), fragment)


@pytest.mark.postgres
@pytest.mark.parametrize(("name", "url", "fragment"), PG_FAULTS, ids=[f[0] for f in PG_FAULTS])
def test_admin_says_each_database_server_fault(tmp_path, name, url, fragment):
    config = f'db_url = "{url}"\n'.encode()
    said_clearly(run(tmp_path, config, None, "admin", "db", "current"), fragment)


def limit_pages(monkeypatch, extra_pages: int = 1) -> None:
    """A full disk: every SQLite connection GasDesk opens may grow the file by a page or so."""
    import app.bootstrap
    from db.engine import open_database

    def opened(url: str):  # type: ignore[no-untyped-def]
        db = open_database(url)
        with db.engine.connect() as conn:
            pages = conn.exec_driver_sql("PRAGMA page_count").scalar()
        db.dispose()

        @event.listens_for(db.engine, "connect")
        def full(dbapi_connection, _record):  # type: ignore[no-untyped-def]
            dbapi_connection.execute(f"PRAGMA max_page_count={pages + extra_pages}")

        return db

    monkeypatch.setattr(app.bootstrap, "open_database", opened)


def test_admin_says_the_disk_is_full_and_keeps_what_was_committed(tmp_path, monkeypatch, capsys):
    import main

    monkeypatch.setenv("GASDESK_CONFIG", str(tmp_path / "config.toml"))
    monkeypatch.setenv("GASDESK_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("GASDESK_DB_URL", raising=False)
    (tmp_path / "config.toml").write_text('counter_code = "1"\n', encoding="utf-8")
    assert main.main(["admin", "db", "upgrade"]) == 0
    limit_pages(monkeypatch)
    capsys.readouterr()
    assert main.main(["admin", "demo", "--customers", "50"]) == 2
    err = capsys.readouterr().err
    assert "磁盘已满" in err and "Traceback" not in err
    monkeypatch.undo()  # space again: the database is whole, at its schema
    monkeypatch.setenv("GASDESK_CONFIG", str(tmp_path / "config.toml"))
    monkeypatch.setenv("GASDESK_DATA_DIR", str(tmp_path / "data"))
    from app.bootstrap import build_context
    from app.config import load_config
    from db import migrate

    ctx = build_context(load_config(), upgrade=False)
    try:
        with ctx.db.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
        assert migrate.current_revision(ctx.db) == migrate.head_revision()
    finally:
        ctx.db.dispose()


# ------------------------------------------------------------------------- the GUI's start


def grab_message_box(qapp, seen: list[str]):  # type: ignore[no-untyped-def]
    """Read and close the modal message box as soon as it shows; returns the safety timer that
    ends a start showing no box (the caller stops it)."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QMessageBox

    def look() -> None:
        box = qapp.activeModalWidget()
        if isinstance(box, QMessageBox):
            seen.append(box.text())
            box.reject()
        else:
            QTimer.singleShot(20, look)

    QTimer.singleShot(20, look)
    safety = QTimer()  # a start that shows no box must not hang the suite
    safety.setSingleShot(True)
    safety.timeout.connect(qapp.quit)
    safety.start(30_000)
    return safety


@pytest.mark.parametrize(
    ("name", "config", "data_dir", "fragment"), FAULTS, ids=[f[0] for f in FAULTS]
)
def test_gui_shows_each_configuration_fault_before_any_window(
    qapp, tmp_path, monkeypatch, capsys, name, config, data_dir, fragment
):
    import main

    (tmp_path / "config.toml").write_bytes(config)
    monkeypatch.setenv("GASDESK_CONFIG", str(tmp_path / "config.toml"))
    monkeypatch.setenv("GASDESK_DATA_DIR", str(unwritable() if data_dir else tmp_path / "data"))
    monkeypatch.delenv("GASDESK_DB_URL", raising=False)
    seen: list[str] = []
    safety = grab_message_box(qapp, seen)
    code = main.main(["--quit-after", "10"])
    safety.stop()
    assert code == 2
    assert len(seen) == 1 and fragment in seen[0], seen
    assert fragment in capsys.readouterr().err
    assert not [w for w in qapp.topLevelWidgets() if w.isVisible()]  # no login window


def prepare_fails(qtbot, qapp, config) -> str:
    """Run the start-up flow's worker on ``config``: the message box over the login window."""
    import argparse

    import main
    from app.counter.compose import devices_from_config
    from ui.app import StartupFlow

    exits: list[int] = []
    flow = StartupFlow(None, config, qapp, devices_from_config, autologin="")
    flow.app = argparse.Namespace(exit=exits.append)  # the test's qapp keeps running
    args = argparse.Namespace(demo=False, training=False)
    flow.start(lambda: main.prepare_context(config, args))
    qtbot.addWidget(flow.login_window)
    qtbot.waitUntil(
        lambda: flow.fault_box is not None and flow.fault_box.isVisible(), timeout=60_000
    )
    message = flow.fault_box.text()
    assert message in flow.login_window.error.text()
    assert flow.ctx is None  # nobody can log in
    flow.fault_box.reject()
    qtbot.waitUntil(lambda: exits == [2], timeout=5000)
    return message


@pytest.mark.postgres
@pytest.mark.parametrize(("name", "url", "fragment"), PG_FAULTS, ids=[f[0] for f in PG_FAULTS])
def test_gui_shows_each_database_server_fault(qtbot, qapp, tmp_path, name, url, fragment):
    from app.config import LocalConfig

    config = LocalConfig(data_dir=tmp_path, db_url=url)
    assert fragment in prepare_fails(qtbot, qapp, config)


def test_gui_shows_a_full_disk_while_preparing(qtbot, qapp, tmp_path, monkeypatch):
    from app.bootstrap import build_context
    from app.config import LocalConfig, sqlite_url

    # a fresh machine: nothing configured is the demo (app.config.load_config)
    config = LocalConfig(
        data_dir=tmp_path, db_url=sqlite_url(tmp_path / "gasdesk.sqlite3"), demo=True
    )
    build_context(config).db.dispose()  # migrated; the demo hall does not fit any more
    limit_pages(monkeypatch)
    assert "磁盘已满" in prepare_fails(qtbot, qapp, config)


@pytest.mark.parametrize(
    ("extra", "fragment"),
    [
        ({"backup_every_hours": 1e400}, "backup_every_hours 的值无效"),
        ({"backup_keep": -1}, "backup_keep 的值无效"),
        ({"backup_dir": "b\x00"}, "backup_dir 的值无效"),
    ],
)
def test_gui_shows_a_bad_setting_found_while_preparing(qtbot, qapp, tmp_path, extra, fragment):
    """A configuration checked only when the database opens (backup settings) still reaches
    the message box in Chinese, never as 系统错误."""
    from app.config import LocalConfig, sqlite_url

    config = LocalConfig(tmp_path, sqlite_url(tmp_path / "gasdesk.sqlite3"), extra=dict(extra))
    assert fragment in prepare_fails(qtbot, qapp, config)


def test_a_gui_process_exits_with_the_message(tmp_path):
    result = run(tmp_path, b'timezone = "Asia/Atlantis"\n', None, "--quit-after", "0.3")
    said_clearly(result, "时区无效")


# ------------------------------------------------------------------------- a full disk in a sale


def sale(hall, account):
    return purchase(hall.ctx, hall.clerk, PurchaseRequest(rid(), account.card_serial, m3(10)))


def test_a_full_disk_during_a_sale_is_typed_and_rolled_back(hall, backend):
    account = open_customer(hall)
    first = sale(hall, account)
    before = row_counts(hall.ctx)
    engine = hall.ctx.db.engine
    if backend == "sqlite":
        with engine.connect() as conn:
            pages = conn.exec_driver_sql("PRAGMA page_count").scalar()

        def full(dbapi_connection, _record):  # type: ignore[no-untyped-def]
            dbapi_connection.execute(f"PRAGMA max_page_count={pages}")

        engine.dispose()
        event.listen(engine, "connect", full)
    else:  # PostgreSQL's own disk_full (53100), raised where the sale writes
        with engine.begin() as conn:
            conn.execute(
                text(
                    "CREATE FUNCTION full_disk() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                    "RAISE EXCEPTION 'could not extend file' USING ERRCODE = 'disk_full'; END $$"
                )
            )
            conn.execute(
                text(
                    "CREATE TRIGGER full_disk BEFORE INSERT ON counter_transactions "
                    "FOR EACH ROW EXECUTE FUNCTION full_disk()"
                )
            )
    for _ in range(200):  # SQLite: until the first page that does not fit
        kept = row_counts(hall.ctx)
        try:
            sale(hall, account)
        except DiskFull as error:
            assert "磁盘已满" in error.user_message
            break
    else:
        pytest.fail("the disk never filled")
    assert row_counts(hall.ctx) == kept  # the refused sale left nothing behind
    if backend == "sqlite":
        event.remove(engine, "connect", full)
        engine.dispose()
    else:
        with engine.begin() as conn:
            conn.execute(text("DROP TRIGGER full_disk ON counter_transactions"))
    assert row_counts(hall.ctx) == kept  # and everything committed before it is still there
    assert kept["counter_transactions"] >= before["counter_transactions"]
    assert sale(hall, account).transaction_id > first.transaction_id
