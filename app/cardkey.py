"""The utility's card key: local configuration, never in the database.

Stored as a small TOML file (``card_key.toml`` in the data dir, or the path named by
``card_key_file`` in config.toml) readable only by the counter's user:

    utility_code = "CDRQ"
    secret = "<64 hex digits>"

Training mode uses its own generated key with the utility code ``TRNG``, so a training card can
never pass as a real one (it reads as a card of another utility).
"""

from __future__ import annotations

import os
import secrets
import tomllib
from pathlib import Path

from app.config import LocalConfig
from app.domain.cardformat import CardKey
from app.errors import InvalidInput

TRAINING_UTILITY = b"TRNG"


def card_key_path(config: LocalConfig) -> Path:
    configured = config.extra.get("card_key_file")
    if configured and not config.training:
        return Path(str(configured))
    name = "training_card_key.toml" if config.training else "card_key.toml"
    return config.data_dir / name


def write_card_key(path: Path, key: CardKey) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = f'utility_code = "{key.utility_code.decode()}"\nsecret = "{key.secret.hex()}"\n'
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(text)
    _tighten(path)


def _tighten(path: Path) -> None:
    """0600: an existing file keeps its mode through O_TRUNC, and one copied in by hand may be
    readable by everyone."""
    try:
        if os.name == "posix" and path.stat().st_mode & 0o077:
            path.chmod(0o600)
    except OSError:
        pass  # a key on a read-only medium: still usable


def load_card_key(config: LocalConfig) -> CardKey:
    """The configured key; training mode creates its own on first use."""
    path = card_key_path(config)
    if not path.exists():
        if config.training:
            key = CardKey(secrets.token_bytes(32), TRAINING_UTILITY)
            write_card_key(path, key)
            return key
        raise InvalidInput(
            "未配置燃气卡密钥，不能读写卡，请联系系统管理员", f"card key file {path} missing"
        )
    _tighten(path)
    try:
        values = tomllib.loads(path.read_text(encoding="ascii"))
        return CardKey(bytes.fromhex(values["secret"]), values["utility_code"].encode("ascii"))
    except (KeyError, ValueError, tomllib.TOMLDecodeError, UnicodeError) as error:
        raise InvalidInput("燃气卡密钥文件格式错误", f"{path}: {error}") from error
