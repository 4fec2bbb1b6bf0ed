"""The audit log's HMAC key: local configuration, never in the database.

A file of 64 hex digits (``audit_key`` in the data dir, or the path named by ``audit_key_file``
in config.toml), readable only by the counter's user. Every counter of a hall must hold the same
key (copy it when installing a counter); whoever can read the database but not this file cannot
rewrite the log without ``gasdesk admin audit verify`` noticing. Created on first start.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from app.config import LocalConfig
from app.errors import InvalidInput


def audit_key_path(config: LocalConfig) -> Path:
    configured = config.extra.get("audit_key_file")
    if configured and not config.training:
        return Path(str(configured))
    return config.data_dir / ("training_audit_key" if config.training else "audit_key")


def load_audit_key(config: LocalConfig, *, create: bool = True) -> bytes:
    """The configured key; a new one is made (mode 0600) when none exists yet."""
    path = audit_key_path(config)
    if not path.exists():
        if not create:
            raise InvalidInput("未找到审计密钥文件", f"audit key file {path} missing")
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(secrets.token_hex(32) + "\n")
    try:
        key = bytes.fromhex(path.read_text(encoding="ascii").strip())
    except (ValueError, UnicodeError) as error:
        raise InvalidInput("审计密钥文件格式错误", f"{path}: {error}") from error
    if len(key) < 16:
        raise InvalidInput("审计密钥过短", f"{path}: {len(key)} bytes")
    return key
