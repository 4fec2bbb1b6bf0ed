"""Online backups of the embedded SQLite database, their rotation, checks and restore.

A backup is taken with SQLite's online backup API from a connection of its own while the
counters keep working: the copy holds one read transaction (a WAL snapshot) for its whole
duration, so it is a consistent picture of one moment, and in WAL mode writers are never blocked
by it. The copy is made into a temporary file next to the backups, checked with
``PRAGMA integrity_check`` and only then renamed to ``gasdesk-YYYYMMDD-HHMMSS-<reason>.sqlite3``
(UTC; ``gasdesk-YYYYMMDD-HHMMSS.2-<reason>.sqlite3`` when two backups fall in one second). Only
files named like that count for rotation and listing.

Restore writes a checked backup into the database file with the same API. It needs the
application stopped on that workstation: it refuses when another connection has the database
open in WAL mode, and the previous database is always kept next to it.

Every backup records the hall it was taken in (``gasdesk_backup``: the hall codes and the mac
of the audit log's first entry, which no other hall's log shares); a restore refuses a backup of
another hall unless forced. Backups are 0600 in a 0700 directory: they hold full ID numbers and
password hashes.

PostgreSQL is backed up with ``pg_dump`` (README, "Backups").
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import os
import re
import sqlite3
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import create_engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import sessionmaker
from sqlalchemy.pool import NullPool

from app.config import LocalConfig, check_setting
from app.errors import Conflict, InvalidInput, NotFound, RuleViolation
from db.engine import Database

log = logging.getLogger(__name__)

SQLITE_HEADER = b"SQLite format 3\x00"
STEP_PAGES = 1024  # pages copied per backup step (4 MiB with the default page size)
DEFAULT_KEEP = 30
DEFAULT_EVERY = dt.timedelta(hours=4)
PG_DUMP_HINT = "PostgreSQL 数据库请用 pg_dump 备份、pg_restore 恢复（见 README 的 Backups 一节）"

_NAME = re.compile(
    r"^gasdesk-(?P<date>\d{8})-(?P<time>\d{6})(?:\.(?P<n>\d+))?-(?P<reason>[a-z0-9][a-z0-9-]*)"
    r"\.sqlite3$"
)
_REASON = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
_naming = threading.Lock()  # name choice, rename and rotation of one process, one at a time


@dataclass(frozen=True)
class BackupSettings:
    """Where this workstation's backups go, how many are kept, how often one is scheduled."""

    directory: Path
    keep: int = DEFAULT_KEEP
    every: dt.timedelta = DEFAULT_EVERY


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    taken_at: dt.datetime  # UTC, from the file name
    size: int  # bytes
    reason: str
    serial: int = 1  # 2, 3 ... for further backups within the same second


@dataclass
class BackupCheck:
    """What ``check_backup`` found. ``problems`` make a restore refuse; ``notes`` do not."""

    path: Path
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    revision: str | None = None
    audit_entries: int | None = None  # None: the audit log was not verified
    hall: HallIdentity | None = None  # as recorded in the backup

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class HallIdentity:
    """Which hall a database belongs to: its hall codes, and the mac of its audit log's first
    entry (made with the hall's key at a moment of its own: no other hall has it)."""

    codes: tuple[str, ...] = ()
    origin: str = ""

    def same_as(self, other: HallIdentity) -> bool:
        if self.origin and other.origin:
            return self.origin == other.origin
        if self.codes and other.codes:
            return bool(set(self.codes) & set(other.codes))
        return True  # an empty database belongs to no hall yet

    def describe(self) -> str:
        return f"营业厅 {', '.join(self.codes) or '-'}，审计链 {self.origin[:16] or '-'}"


BACKUP_TABLE = "gasdesk_backup"


# -- configuration ------------------------------------------------------------------------------


def backup_settings(config: LocalConfig) -> BackupSettings:
    """``backup_dir`` (relative paths are inside the data dir), ``backup_keep`` and
    ``backup_every_hours`` from config.toml; ``backups/`` in the data dir by default. Training
    mode keeps its backups apart, in ``training/`` under that directory."""

    # checked again here (load_config did): a LocalConfig may also be made in code
    def setting(key: str, default: object) -> object:
        value = config.extra.get(key)
        if value is None or value == "":
            return default
        if isinstance(value, Path):
            value = str(value)
        return check_setting(key, value, data_dir=config.data_dir, source="配置")

    directory = Path(setting("backup_dir", config.data_dir / "backups"))  # type: ignore[arg-type]
    if config.training:
        directory = directory / "training"
    keep: int = setting("backup_keep", DEFAULT_KEEP)  # type: ignore[assignment]
    hours: float = setting("backup_every_hours", DEFAULT_EVERY.total_seconds() / 3600)  # type: ignore[assignment]
    return BackupSettings(directory, keep, dt.timedelta(hours=hours))


def sqlite_file(db: Database) -> Path:
    """The file of an embedded database; PostgreSQL is refused with the pg_dump hint."""
    url = db.engine.url
    if db.engine.dialect.name != "sqlite":
        raise RuleViolation(PG_DUMP_HINT, f"online backup is for SQLite only, not {url.drivername}")
    name = url.database
    if not name or name == ":memory:" or name.startswith("file:"):
        raise InvalidInput("内存数据库无法备份", f"no database file in {url}")
    path = Path(name).resolve()
    if not path.is_file():
        raise NotFound("数据库文件不存在", f"database file {path} not found")
    return path


# -- taking backups -----------------------------------------------------------------------------


def take_backup(
    db: Database,
    directory: Path,
    *,
    reason: str,
    keep: int = DEFAULT_KEEP,
    now: dt.datetime | None = None,
) -> Path:
    """Copy the live database into ``directory`` while it is in use; keep the newest ``keep``.

    Safe to call from any thread (it uses connections of its own), e.g. with
    ``reason="shift-close"`` after a shift is closed or ``"scheduled"`` from a timer.
    """
    if not _REASON.match(reason):
        raise InvalidInput("备份原因格式错误", f"reason {reason!r}: lower-case letters, digits, -")
    if keep < 1:
        raise InvalidInput("保留的备份数至少为 1", f"keep = {keep}")
    source = sqlite_file(db)
    moment = _utc(now or dt.datetime.now(dt.UTC))
    try:
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        _private(directory, 0o700)
    except OSError as error:
        raise InvalidInput("无法创建备份目录", f"{directory}: {error}") from error
    temporary = directory / f".gasdesk-backup-{uuid.uuid4().hex}.tmp"
    try:
        _create_private(temporary)
        _copy_online(source, temporary)
        _record_hall(temporary, moment, reason)
        problems = _integrity(temporary)
        if problems:
            raise Conflict(
                "数据库完整性检查未通过，备份未保存，请联系技术支持",
                f"integrity_check of the copy of {source}: {'; '.join(problems)}",
            )
        with _naming:
            path = _place(temporary, directory, moment, reason)
            _private(path)
            _fsync_directory(directory)
            rotate(directory, keep)
        return path
    except OSError as error:
        raise InvalidInput("无法写入备份文件", f"backup into {directory}: {error}") from error
    except sqlite3.Error as error:
        raise Conflict("备份失败：无法读取数据库", f"backup of {source}: {error}") from error
    finally:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()


def _private(path: Path, mode: int = 0o600) -> None:
    if os.name == "posix" and path.stat().st_mode & 0o777 != mode:
        path.chmod(mode)


def tighten_backups(directory: Path) -> None:
    """Make an existing backup directory 0700 and its backups 0600 (older versions left them
    readable by everyone)."""
    if os.name != "posix" or not directory.is_dir():
        return
    try:
        _private(directory, 0o700)
        for backup in list_backups(directory):
            _private(backup.path)
    except OSError as error:  # e.g. a shared folder owned by someone else: still usable
        log.warning("cannot make the backups in %s private: %s", directory, error)


def _create_private(path: Path) -> None:
    """An empty file only its owner can read, for SQLite to write a database into."""
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def hall_identity(path: Path) -> HallIdentity | None:
    """The hall a database file belongs to (read-only); None when it cannot be read as ours."""
    try:
        with _connect(path, read_only=True) as connection:
            return _identity_of(connection)
    except sqlite3.Error:
        return None


def _identity_of(connection: sqlite3.Connection) -> HallIdentity:
    tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
    codes: tuple[str, ...] = ()
    origin = ""
    if "halls" in tables:
        codes = tuple(r[0] for r in connection.execute("SELECT code FROM halls ORDER BY code"))
    if "audit_log" in tables:
        row = connection.execute("SELECT mac FROM audit_log WHERE seq = 1").fetchone()
        origin = row[0] if row else ""
    return HallIdentity(codes, origin)


def _record_hall(copy: Path, moment: dt.datetime, reason: str) -> None:
    """Write into the copy which hall (and when, why) it was taken from."""
    with _connect(copy) as connection:
        identity = _identity_of(connection)
        connection.execute("BEGIN")
        connection.execute(f"DROP TABLE IF EXISTS {BACKUP_TABLE}")
        connection.execute(f"CREATE TABLE {BACKUP_TABLE} (name TEXT PRIMARY KEY, value TEXT)")
        connection.executemany(
            f"INSERT INTO {BACKUP_TABLE} (name, value) VALUES (?, ?)",
            [
                ("hall_codes", json.dumps(identity.codes)),
                ("audit_origin", identity.origin),
                ("taken_at", moment.isoformat()),
                ("reason", reason),
            ],
        )
        connection.execute("COMMIT")


def _recorded_hall(connection: sqlite3.Connection) -> HallIdentity | None:
    tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
    if BACKUP_TABLE not in tables:
        return None
    values = dict(connection.execute(f"SELECT name, value FROM {BACKUP_TABLE}").fetchall())
    return HallIdentity(
        tuple(json.loads(values.get("hall_codes", "[]"))), values.get("audit_origin", "")
    )


def backup_due(directory: Path, every: dt.timedelta, now: dt.datetime) -> bool:
    """True when ``directory`` holds no backup yet or the newest is ``every`` or more old."""
    backups = list_backups(directory)
    return not backups or _utc(now) - backups[0].taken_at >= every


def scheduled_backup(
    db: Database,
    directory: Path,
    every: dt.timedelta,
    now: dt.datetime,
    keep: int = DEFAULT_KEEP,
) -> Path | None:
    """Take a backup (reason ``scheduled``) when one is due; the UI calls this from a timer."""
    if not backup_due(directory, every, now):
        return None
    return take_backup(db, directory, reason="scheduled", keep=keep, now=now)


def list_backups(directory: Path) -> list[BackupInfo]:
    """The backups in ``directory`` (files named like ours only), newest first."""
    found = []
    if not directory.is_dir():
        return found
    for path in directory.iterdir():
        match = _NAME.match(path.name)
        if not match:
            continue
        try:
            taken = dt.datetime.strptime(match["date"] + match["time"], "%Y%m%d%H%M%S")
            size = path.stat().st_size
        except (ValueError, OSError):  # an impossible date, or rotated away meanwhile
            continue
        serial = int(match["n"] or 1)
        found.append(BackupInfo(path, taken.replace(tzinfo=dt.UTC), size, match["reason"], serial))
    found.sort(key=lambda b: (b.taken_at, b.serial, b.path.name), reverse=True)
    return found


def rotate(directory: Path, keep: int) -> list[Path]:
    """Delete all but the newest ``keep`` backups of ``directory``; returns what was deleted."""
    deleted = []
    for old in list_backups(directory)[keep:]:
        with contextlib.suppress(FileNotFoundError):
            old.path.unlink()
            deleted.append(old.path)
    return deleted


def _utc(moment: dt.datetime) -> dt.datetime:
    if moment.tzinfo is None:
        raise ValueError("backup times must be timezone-aware")
    return moment.astimezone(dt.UTC)


@contextlib.contextmanager
def _connect(
    path: Path, *, read_only: bool = False, timeout: float = 30.0
) -> Iterator[sqlite3.Connection]:
    """A plain sqlite3 connection in autocommit mode, always closed afterwards."""
    if read_only:
        connection = sqlite3.connect(
            f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=timeout
        )
    else:
        connection = sqlite3.connect(path, timeout=timeout)
    connection.isolation_level = None
    try:
        yield connection
    finally:
        connection.close()


def _copy_online(source: Path, target: Path) -> None:
    """The backup API, in steps, under one read transaction: a consistent snapshot.

    Without the transaction, every write by a counter between two steps would restart the copy
    (and a busy hall might keep it from ever finishing); with it, the copy sees the database as
    it was when it began, and in WAL mode the writers carry on undisturbed.
    """
    with _connect(source) as src, _connect(target) as dst:
        src.execute("BEGIN")
        src.execute("SELECT count(*) FROM sqlite_master").fetchone()  # takes the snapshot
        try:
            src.backup(dst, pages=STEP_PAGES, sleep=0.05)
        finally:
            src.execute("COMMIT")
        # a self-contained single file: no -wal/-shm beside the backup, readable read-only
        dst.execute("PRAGMA journal_mode=DELETE").fetchone()


def _integrity(path: Path, *, read_only: bool = False) -> list[str]:
    """Problems ``PRAGMA integrity_check`` reports (empty when it says ok)."""
    with _connect(path, read_only=read_only) as connection:
        rows = [row[0] for row in connection.execute("PRAGMA integrity_check(20)")]
    return [] if rows == ["ok"] else rows


def _place(temporary: Path, directory: Path, moment: dt.datetime, reason: str) -> Path:
    """Rename the finished copy to its final, unique name (never over another backup)."""
    stamp = moment.strftime("%Y%m%d-%H%M%S")
    serial = 1
    while True:
        suffix = "" if serial == 1 else f".{serial}"
        final = directory / f"gasdesk-{stamp}{suffix}-{reason}.sqlite3"
        taken = any(
            (b.taken_at, b.serial) == (moment.replace(microsecond=0), serial)
            for b in list_backups(directory)
        )
        if not taken and not final.exists():
            try:
                os.link(temporary, final)  # fails if the name exists: no overwriting
            except FileExistsError:
                pass
            except OSError:  # no hard links on this file system
                os.replace(temporary, final)
                return final
            else:
                temporary.unlink()
                return final
        serial += 1


def _fsync_directory(directory: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# -- checking and restoring ---------------------------------------------------------------------


def known_revisions() -> list[str]:
    """Alembic revisions of this version of GasDesk, newest first."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from db.migrate import MIGRATIONS

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return [script.revision for script in ScriptDirectory.from_config(config).walk_revisions()]


def check_backup(
    path: Path, audit_key: bytes | None, *, expect_hall: HallIdentity | None = None
) -> BackupCheck:
    """Integrity, schema revision, (with ``audit_key``) the audit chain of a backup file, and
    (with ``expect_hall``, the identity of the database it would replace) that it comes from
    the same hall.

    The file is opened read-only and never changed.
    """
    check = BackupCheck(path)
    try:
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except FileNotFoundError:
        check.problems.append(f"找不到备份文件 (file not found: {path})")
        return check
    except OSError as error:
        check.problems.append(f"无法读取备份文件 (cannot read {path}: {error})")
        return check
    if header != SQLITE_HEADER:
        check.problems.append(f"不是 SQLite 数据库文件 (not an SQLite database: {path})")
        return check
    try:
        problems = _integrity(path, read_only=True)
        if problems:
            shown = "; ".join(problems[:5])
            check.problems.append(f"数据库完整性检查未通过 (integrity_check: {shown})")
            return check
        with _connect(path, read_only=True) as connection:
            tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
            if "alembic_version" not in tables:
                check.problems.append("不是 GasDesk 数据库：缺少结构版本 (no alembic_version)")
                return check
            row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
            check.hall = _recorded_hall(connection) or _identity_of(connection)
    except sqlite3.Error as error:
        check.problems.append(f"数据库文件已损坏 (cannot read the database: {error})")
        return check
    check.revision = row[0] if row else None
    revisions = known_revisions()
    if check.revision not in revisions:
        check.problems.append(
            f"数据库结构版本 {check.revision} 未知，可能来自更新版本的 GasDesk "
            f"(unknown schema revision {check.revision}; this version knows {revisions[0]})"
        )
        return check
    if check.revision != revisions[0]:
        check.notes.append(
            f"结构版本 {check.revision} 较旧，启动时会自动升级 "
            f"(older schema {check.revision}, upgraded to {revisions[0]} on start)"
        )
    if expect_hall is not None and not check.hall.same_as(expect_hall):
        check.problems.append(
            f"备份来自其他营业厅（备份：{check.hall.describe()}；本机：{expect_hall.describe()}）"
            f" (backup of another hall: {check.hall} vs {expect_hall})"
        )
    if audit_key is None:
        check.notes.append("未校验审计日志：没有审计密钥 (audit log not verified: no key)")
    elif "audit_log" not in tables:
        check.notes.append("该备份没有审计日志 (the backup predates the audit log)")
    else:
        _verify_audit(path, audit_key, check)
    return check


def _verify_audit(path: Path, audit_key: bytes, check: BackupCheck) -> None:
    from app.services import audit

    uri = f"{path.resolve().as_uri()}?mode=ro"
    engine = create_engine(
        "sqlite://",
        creator=lambda: sqlite3.connect(uri, uri=True, check_same_thread=False),
        poolclass=NullPool,
    )
    try:
        sessions = sessionmaker(engine, expire_on_commit=False)
        report = audit.verify(Database(engine, sessions, sessions), audit_key)
    except SQLAlchemyError as error:
        check.problems.append(f"无法校验审计日志 (audit verify failed: {error})")
        return
    finally:
        engine.dispose()
    check.audit_entries = report.entries
    for problem in report.problems:
        check.problems.append(f"审计日志校验未通过 (audit log: {problem})")


def restore_backup(
    backup: Path,
    target: Path,
    audit_key: bytes | None,
    *,
    force: bool = False,
    check: BackupCheck | None = None,
) -> Path | None:
    """Replace the database file ``target`` with ``backup``; returns where the previous database
    was kept (``<name>.before-restore-<UTC time>.sqlite3``), or None when there was none.

    GasDesk must be stopped on this workstation first. The backup is checked (``check_backup``)
    and refused when the check fails, unless ``force``; ``check`` is a check of this file the
    caller has just made and shown (it is not repeated).
    """
    if check is None or check.path != backup:
        check = check_backup(backup, audit_key)
    if not check.ok and not force:
        raise RuleViolation(
            f"备份文件检查未通过，未恢复：{check.problems[0]}",
            f"{backup} failed its check ({len(check.problems)} problems)",
            problems=check.problems,
        )
    if not backup.is_file():
        raise NotFound("找不到备份文件", f"backup file {backup} not found")
    if target.exists() and backup.resolve() == target.resolve():
        raise InvalidInput("备份文件就是要恢复的数据库本身", f"{backup} is the target")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        kept = _keep_previous(target) if target.exists() else None
        if not target.exists():
            _create_private(target)
        with _connect(backup, read_only=True) as src, _connect(target) as dst:
            src.backup(dst, pages=STEP_PAGES)
            dst.execute("PRAGMA journal_mode=DELETE").fetchone()
            dst.execute(f"DROP TABLE IF EXISTS {BACKUP_TABLE}")  # the backup's label only
        _private(target)
        _remove_stale_wal(target)
        problems = _integrity(target)
    except sqlite3.OperationalError as error:
        if "locked" in str(error) or "busy" in str(error):
            raise Conflict(
                "数据库正在使用中，请先退出 GasDesk 再恢复", f"{target} is in use: {error}"
            ) from error
        raise Conflict("恢复失败", f"restore of {backup} into {target}: {error}") from error
    except (OSError, sqlite3.Error) as error:
        raise Conflict("恢复失败", f"restore of {backup} into {target}: {error}") from error
    if problems:
        raise Conflict(
            "恢复后的数据库完整性检查未通过",
            f"{target} after restore: {'; '.join(problems)}; previous database kept as {kept}",
        )
    return kept


def _keep_previous(target: Path) -> Path:
    """Copy the current database aside with the backup API; a file that is no database, or too
    damaged to copy, is renamed instead so that its bytes are kept as they are."""
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S")
    kept = target.with_suffix(f".before-restore-{stamp}.sqlite3")
    serial = 2
    while kept.exists():
        kept = target.with_suffix(f".before-restore-{stamp}.{serial}.sqlite3")
        serial += 1
    try:
        with _connect(target, timeout=2.0) as current:
            # Leaving WAL mode needs the only connection: this refuses while GasDesk has the
            # database open, and folds a leftover -wal into the file so none of it is lost.
            current.execute("PRAGMA journal_mode=DELETE").fetchone()
            _create_private(kept)
            with _connect(kept) as copy:
                current.backup(copy, pages=STEP_PAGES)
        return kept
    except sqlite3.OperationalError:  # in use (locked), or cannot be opened
        with contextlib.suppress(FileNotFoundError):
            kept.unlink()
        raise
    except sqlite3.DatabaseError:  # not a database, or corrupt
        with contextlib.suppress(FileNotFoundError):
            kept.unlink()
    os.replace(target, kept)
    _private(kept)
    for extra in ("-wal", "-shm", "-journal"):
        side = Path(f"{target}{extra}")
        if side.exists():
            os.replace(side, Path(f"{kept}{extra}"))
    return kept


def _remove_stale_wal(target: Path) -> None:
    """Our connections are closed and the file is in rollback-journal mode: a -wal or -shm left
    beside it belongs to the old database and must not be replayed into the restored one."""
    for extra in ("-wal", "-shm"):
        with contextlib.suppress(FileNotFoundError):
            Path(f"{target}{extra}").unlink()
