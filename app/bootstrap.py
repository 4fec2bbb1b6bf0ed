"""The one place where configuration becomes a working context: database and migrations.

Every fault of the machine on the way (a data dir that cannot be written, a database server
that cannot be reached or refuses the login, a full disk) comes out as a ``SystemFault`` with
its own Chinese message, for the GUI's message box and for ``gasdesk admin`` alike.

Also where the workstation's files are kept private: the data dir is 0700 and the embedded
database (with its WAL and shared-memory files) 0600, since they hold full ID numbers and
password hashes; the audit key is required, and never silently replaced (``app.auditkey``).
"""

from __future__ import annotations

import logging
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, OperationalError

from app.auditkey import require_audit_key
from app.config import LocalConfig, secure_data_dir, secure_file
from app.context import Context, is_disk_full
from app.errors import DiskFull, GasDeskError, SystemFault
from app.logging_setup import data_dir_fault
from app.services import audit
from app.services.backup import backup_settings, tighten_backups
from db import migrate
from db.engine import open_database

log = logging.getLogger(__name__)

PG_CONNECT_TIMEOUT_S = 10  # libpq waits for ever on a host that drops packets


def embedded_database_file(config: LocalConfig) -> Path | None:
    """The SQLite file of an embedded configuration (None for PostgreSQL or in-memory)."""
    if not config.is_embedded:
        return None
    name = make_url(config.db_url).database
    if not name or name == ":memory:" or name.startswith("file:"):
        return None
    return Path(name)


def secure_database_files(path: Path) -> None:
    """The database file and its -wal/-shm/-journal companions: 0600."""
    for companion in (path, *(Path(f"{path}{extra}") for extra in ("-wal", "-shm", "-journal"))):
        secure_file(companion)


def build_context(config: LocalConfig, *, upgrade: bool = True) -> Context:
    """Open the configured database, bring its schema up to date, and return the context.

    Refuses to start (``AuditKeyMissing``) when the database already has audit entries but the
    workstation has no audit key.
    """
    db = None
    try:
        database_file = embedded_database_file(config)
        secure_data_dir(config.data_dir)  # the keys and logs live there with PostgreSQL too
        if database_file is not None:
            database_file.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            secure_file(database_file, create=True)  # SQLite gives -wal/-shm the file's mode
        db = open_database(database_url(config))
        if upgrade:
            migrate.upgrade(db)
        else:
            with db.engine.connect():  # the same clear message when the server is not there
                pass
        log.info("database ready: %s", db.engine.url.render_as_string(hide_password=True))
        key = require_audit_key(config, audit.log_has_entries(db))
        ctx = Context(
            db=db,
            tz=ZoneInfo(config.timezone),
            training=config.training,
            demo=config.demo,
            audit_key=key,
            backups=backup_settings(config) if config.is_embedded else None,
        )
        if upgrade:
            adopted = audit.adopt_existing(ctx)
            if adopted:
                log.info("audit log: %d rows older than the audit coverage chained", adopted)
        if database_file is not None:
            secure_database_files(database_file)
        if ctx.backups is not None:
            tighten_backups(ctx.backups.directory)  # type: ignore[attr-defined]
        return ctx
    except Exception as error:
        fault = system_fault(error, config)
        if db is not None:
            db.dispose()
        if fault is None:
            raise
        raise fault from error


def database_url(config: LocalConfig) -> str:
    """The configured URL; PostgreSQL with a connect timeout unless the URL sets one."""
    url = make_url(config.db_url)
    if url.get_backend_name() in ("postgresql", "postgres") and "connect_timeout" not in url.query:
        url = url.update_query_dict({"connect_timeout": str(PG_CONNECT_TIMEOUT_S)})
    return url.render_as_string(hide_password=False)


def system_fault(error: BaseException, config: LocalConfig) -> GasDeskError | None:
    """The typed, Chinese-worded error for a fault of the machine, or None for anything else
    (a programming error keeps its traceback in the log)."""
    if isinstance(error, GasDeskError):
        return error
    if isinstance(error, OSError):
        return data_dir_fault(config.data_dir, error)
    if not isinstance(error, DBAPIError):
        return None
    if is_disk_full(error):
        return DiskFull("磁盘已满，数据库无法写入，请联系管理员清理磁盘", f"disk full: {error}")
    url = make_url(config.db_url)
    orig = error.orig
    text = str(orig)
    if url.get_backend_name() == "sqlite":
        path = url.database
        if "readonly database" in text:
            return SystemFault(
                f"数据库文件 {path} 只读，无法写入，请联系管理员", f"read-only sqlite: {text}"
            )
        if "unable to open database file" in text:
            return SystemFault(
                f"无法打开数据库文件 {path}（数据目录不存在、只读或无权限），请联系管理员",
                f"cannot open sqlite: {text}",
            )
        if "not a database" in text:
            return SystemFault(
                f"数据库文件 {path} 已损坏或不是 GasDesk 的数据库，请联系管理员从备份恢复",
                f"not a database: {text}",
            )
        return None
    server = f"{url.host or 'localhost'}:{url.port or 5432}"
    state = getattr(orig, "sqlstate", None)
    if state == "3D000" or ("database" in text and "does not exist" in text):
        return SystemFault(
            f"数据库服务器 {server} 上没有数据库“{url.database}”，请检查配置中的 db_url",
            f"no database {url.database!r} on {server}: {text}",
        )
    if (
        (state or "").startswith("28")
        or "authentication failed" in text
        or "pg_hba.conf" in text
        or ("role" in text and "does not exist" in text)
    ):
        return SystemFault(
            f"数据库服务器 {server} 拒绝登录（用户“{url.username}”）："
            "请检查配置中的用户名、密码和服务器的访问授权",
            f"login refused by {server}: {text}",
        )
    if state is None and isinstance(error, OperationalError):  # no answer from a server
        return SystemFault(
            f"无法连接数据库服务器 {server}：请检查网络和服务器是否已启动，然后重新打开 GasDesk",
            f"cannot reach {server}: {text}",
        )
    return None
