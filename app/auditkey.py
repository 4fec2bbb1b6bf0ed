"""The audit log's HMAC key: local configuration, never in the database.

A file of 64 hex digits (``audit_key`` in the data dir, or the path named by ``audit_key_file``
in config.toml), readable only by the counter's user (0600). Every counter of a hall must hold
the same key (copy it when installing a counter, and keep a copy in the hall's safe); whoever
can read the database but not this file cannot rewrite the log without ``gasdesk admin audit
verify`` noticing.

The key is made once, on the first start against a database whose audit log is still empty. A
key that goes missing later is never replaced: a new key would split the chain for good, so the
start stops and asks for the hall's secure copy (``require_audit_key``).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from app.config import LocalConfig
from app.errors import InvalidInput, RuleViolation

KEY_MODE = 0o600


class AuditKeyMissing(RuleViolation):
    """The audit log has entries but this workstation has no key for it."""


def audit_key_path(config: LocalConfig) -> Path:
    configured = config.extra.get("audit_key_file")
    if configured and not config.training:
        return Path(str(configured))
    return config.data_dir / ("training_audit_key" if config.training else "audit_key")


def missing_key_error(path: Path, why: str, why_en: str) -> AuditKeyMissing:
    """The refusal when the key is gone: restore the hall's copy, never make a new one."""
    return AuditKeyMissing(
        f"未找到审计密钥文件 {path}，而{why}。请从营业厅的安全备份中恢复该密钥文件"
        "（本营业厅每台柜台机的密钥相同）后再试；系统不会生成新密钥，否则审计日志将无法校验。",
        f"audit key file {path} missing although {why_en}: restore it from the hall's secure copy",
        path=str(path),
    )


def load_audit_key(config: LocalConfig, *, create: bool = False) -> bytes:
    """The configured key. With ``create`` a new one is made (mode 0600) when none exists yet:
    only for a database whose audit log is empty (``require_audit_key`` decides)."""
    path = audit_key_path(config)
    if not path.exists():
        if not create:
            raise InvalidInput("未找到审计密钥文件", f"audit key file {path} missing")
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        old = os.umask(0o077)  # never readable by others, not even for an instant
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, KEY_MODE)
        finally:
            os.umask(old)
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(secrets.token_hex(32) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
    _tighten(path)
    try:
        key = bytes.fromhex(path.read_text(encoding="ascii").strip())
    except (ValueError, UnicodeError) as error:
        raise InvalidInput("审计密钥文件格式错误", f"{path}: {error}") from error
    if len(key) < 16:
        raise InvalidInput("审计密钥过短", f"{path}: {len(key)} bytes")
    return key


def require_audit_key(config: LocalConfig, log_has_entries: bool) -> bytes:
    """The key for a database: made on the very first start (empty audit log), otherwise it
    must be there; a missing key with entries in the log stops the start (``AuditKeyMissing``)."""
    path = audit_key_path(config)
    if not path.exists() and log_has_entries:
        raise missing_key_error(path, "数据库中已有审计记录", "the audit log has entries")
    return load_audit_key(config, create=True)


def _tighten(path: Path) -> None:
    """A key file readable by group or others (copied in by hand) is made 0600."""
    try:
        if path.stat().st_mode & 0o077:
            path.chmod(KEY_MODE)
    except OSError:
        pass  # a key on a read-only medium: still usable
