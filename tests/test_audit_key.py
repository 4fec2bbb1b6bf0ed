"""The audit key is never silently replaced, backups name their hall, and the workstation's
files are private (data dir 0700; database, WAL/SHM, keys and backups 0600)."""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

import pytest

from app.auditkey import AuditKeyMissing, audit_key_path
from app.bootstrap import build_context
from app.config import LocalConfig, sqlite_url
from app.services.backup import check_backup, hall_identity, take_backup
from tests.support import gasdesk

# heavy (processes, the CLI): in the suite's second half beside the PC/SC stack
pytestmark = [
    pytest.mark.skipif(os.name != "posix", reason="POSIX file modes"),
    pytest.mark.slow,
]


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def local_config(data_dir: Path) -> LocalConfig:
    return LocalConfig(data_dir=data_dir, db_url=sqlite_url(data_dir / "demo.sqlite3"))


@pytest.fixture
def demo_dir(tmp_path) -> Path:
    """A data dir with the demo hall (and so an audit log with entries) and its key."""
    done = gasdesk(tmp_path, "admin", "demo", "--customers", "3")
    assert done.returncode == 0, done.stdout + done.stderr
    return tmp_path / "data"


def test_a_lost_key_stops_the_start_and_no_new_key_is_made(demo_dir):
    key = demo_dir / "audit_key"
    key.unlink()
    with pytest.raises(AuditKeyMissing) as refused:  # the GUI's start (main.prepare_context)
        build_context(local_config(demo_dir))
    assert "未找到审计密钥文件" in refused.value.user_message
    assert "安全备份中恢复" in refused.value.user_message
    assert not key.exists()


@pytest.mark.parametrize(
    "command", [("db", "upgrade"), ("demo", "--customers", "1"), ("db", "current")]
)
def test_a_lost_key_stops_every_admin_command_that_opens_the_database(demo_dir, command):
    (demo_dir / "audit_key").unlink()
    result = gasdesk(demo_dir.parent, "admin", *command)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "未找到审计密钥文件" in result.stderr and "安全备份中恢复" in result.stderr
    assert not (demo_dir / "audit_key").exists()


def test_the_first_start_on_an_empty_log_makes_a_private_key(tmp_path):
    config = local_config(tmp_path / "data")
    ctx = build_context(config)
    ctx.db.dispose()
    key = audit_key_path(config)
    assert key.is_file() and mode(key) == 0o600
    assert len(bytes.fromhex(key.read_text().strip())) == 32


def test_a_restore_without_the_key_is_refused_unless_forced(demo_dir):
    backup = gasdesk(demo_dir.parent, "admin", "backup")
    assert backup.returncode == 0, backup.stderr
    (demo_dir / "audit_key").rename(demo_dir.parent / "the-safe-copy")
    refused = gasdesk(demo_dir.parent, "admin", "restore", backup.stdout.strip())
    assert refused.returncode == 2 and "未找到审计密钥文件" in refused.stderr, refused.stderr
    forced = gasdesk(demo_dir.parent, "admin", "restore", backup.stdout.strip(), "--force")
    assert forced.returncode == 0, forced.stdout + forced.stderr
    assert not (demo_dir / "audit_key").exists()  # still no invented key
    kept = Path(forced.stdout.split("previous database kept as ")[1].strip())
    assert mode(kept) == 0o600 and mode(demo_dir / "demo.sqlite3") == 0o600


def test_a_backup_records_its_hall_and_one_of_another_hall_is_refused(tmp_path):
    halls = {}
    for name in ("east", "west"):
        (tmp_path / name).mkdir()
        done = gasdesk(tmp_path / name, "admin", "demo", "--customers", "2")
        assert done.returncode == 0, done.stderr
        halls[name] = tmp_path / name / "data"
    east = gasdesk(tmp_path / "east", "admin", "backup")
    assert east.returncode == 0, east.stderr
    east_backup = Path(east.stdout.strip())
    with sqlite3.connect(east_backup) as conn:
        recorded = dict(conn.execute("SELECT name, value FROM gasdesk_backup"))
    with sqlite3.connect(halls["east"] / "demo.sqlite3") as conn:
        origin = conn.execute("SELECT mac FROM audit_log WHERE seq = 1").fetchone()[0]
    assert recorded["audit_origin"] == origin and recorded["hall_codes"]

    # the identity alone refuses it, even without a key to check the chain with
    west_db = halls["west"] / "demo.sqlite3"
    check = check_backup(east_backup, None, expect_hall=hall_identity(west_db))
    assert not check.ok and "备份来自其他营业厅" in check.problems[0]
    assert check_backup(
        east_backup, None, expect_hall=hall_identity(halls["east"] / "demo.sqlite3")
    ).ok

    refused = gasdesk(tmp_path / "west", "admin", "restore", str(east_backup))
    assert refused.returncode == 2 and "备份来自其他营业厅" in refused.stderr, refused.stderr
    forced = gasdesk(tmp_path / "west", "admin", "restore", str(east_backup), "--force")
    assert forced.returncode == 0, forced.stdout + forced.stderr


def test_data_dir_database_keys_and_backups_are_private(demo_dir):
    backup = gasdesk(demo_dir.parent, "admin", "backup")
    assert backup.returncode == 0, backup.stderr
    assert mode(demo_dir) == 0o700
    database = demo_dir / "demo.sqlite3"
    for path in (database, demo_dir / "audit_key", Path(backup.stdout.strip())):
        assert mode(path) == 0o600, path
    assert mode(Path(backup.stdout.strip()).parent) == 0o700
    ctx = build_context(local_config(demo_dir))  # a live database has its WAL and SHM files
    try:
        with ctx.db.engine.connect() as conn:
            conn.exec_driver_sql("SELECT count(*) FROM users").all()
            sides = [Path(f"{database}{extra}") for extra in ("-wal", "-shm")]
            assert all(side.exists() for side in sides)
            assert [mode(side) for side in sides] == [0o600, 0o600]
    finally:
        ctx.db.dispose()


def test_loose_modes_of_an_existing_installation_are_tightened(demo_dir):
    database = demo_dir / "demo.sqlite3"
    backup = gasdesk(demo_dir.parent, "admin", "backup")
    assert backup.returncode == 0, backup.stderr
    backup = Path(backup.stdout.strip())
    for path, loose in ((demo_dir, 0o755), (backup.parent, 0o755)):
        path.chmod(loose)
    for path in (database, demo_dir / "audit_key", backup):
        path.chmod(0o644)
    result = gasdesk(demo_dir.parent, "admin", "db", "upgrade")
    assert result.returncode == 0, result.stderr
    assert [mode(p) for p in (demo_dir, backup.parent)] == [0o700, 0o700]
    assert [mode(p) for p in (database, demo_dir / "audit_key", backup)] == [0o600] * 3


def test_backups_taken_by_the_service_are_private(tmp_path):
    config = local_config(tmp_path / "data")
    ctx = build_context(config)
    try:
        old = os.umask(0o022)  # what a desktop session usually has
        try:
            path = take_backup(ctx.db, tmp_path / "backups", reason="manual")
        finally:
            os.umask(old)
    finally:
        ctx.db.dispose()
    assert mode(path) == 0o600 and mode(path.parent) == 0o700


def test_the_window_refuses_to_open_the_database_without_the_key(demo_dir):
    """The GUI start: the login window shows the refusal; no key is invented meanwhile."""
    import contextlib
    import subprocess

    (demo_dir / "audit_key").unlink()
    # the window stays open showing the message: the run is ended by the time-out
    with contextlib.suppress(subprocess.TimeoutExpired):
        gasdesk(demo_dir.parent, "--quit-after", "1", timeout=30)
    log = (demo_dir / "logs" / "gasdesk.log").read_text(encoding="utf-8")
    assert "database not ready" in log, log
    assert "missing although the audit log has entries" in log
    assert not (demo_dir / "audit_key").exists()
