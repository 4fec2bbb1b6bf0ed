"""The one place where configuration becomes a working context: database and migrations."""

from __future__ import annotations

import logging
from zoneinfo import ZoneInfo

from app.auditkey import load_audit_key
from app.config import LocalConfig
from app.context import Context
from app.services.backup import backup_settings
from db import migrate
from db.engine import open_database

log = logging.getLogger(__name__)


def build_context(config: LocalConfig, *, upgrade: bool = True) -> Context:
    """Open the configured database, bring its schema up to date, and return the context."""
    if config.is_embedded:
        config.data_dir.mkdir(parents=True, exist_ok=True)
    db = open_database(config.db_url)
    if upgrade:
        migrate.upgrade(db)
    log.info("database ready: %s", db.engine.url.render_as_string(hide_password=True))
    return Context(
        db=db,
        tz=ZoneInfo(config.timezone),
        training=config.training,
        audit_key=load_audit_key(config),
        backups=backup_settings(config) if config.is_embedded else None,
    )
