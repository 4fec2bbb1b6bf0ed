"""The one place where configuration becomes a working context: database and migrations.

Also where the workstation's files are kept private: the data dir is 0700 and the embedded
database (with its WAL and shared-memory files) 0600, since they hold full ID numbers and
password hashes; the audit key is required, and never silently replaced (``app.auditkey``).
"""

from __future__ import annotations

import logging
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy.engine import make_url

from app.auditkey import require_audit_key
from app.config import LocalConfig, secure_data_dir, secure_file
from app.context import Context
from app.services import audit
from app.services.backup import backup_settings, tighten_backups
from db import migrate
from db.engine import open_database

log = logging.getLogger(__name__)


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
    database_file = embedded_database_file(config)
    secure_data_dir(config.data_dir)  # the keys and logs live there with PostgreSQL too
    if database_file is not None:
        database_file.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        secure_file(database_file, create=True)  # SQLite gives -wal/-shm the file's mode
    db = open_database(config.db_url)
    if upgrade:
        migrate.upgrade(db)
    log.info("database ready: %s", db.engine.url.render_as_string(hide_password=True))
    try:
        key = require_audit_key(config, audit.log_has_entries(db))
    except Exception:
        db.dispose()
        raise
    ctx = Context(
        db=db,
        tz=ZoneInfo(config.timezone),
        training=config.training,
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
