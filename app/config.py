"""Local configuration of one counter workstation.

Read from ``config.toml`` in the user's config dir (platformdirs), overridden by environment
variables: ``GASDESK_DB_URL`` (database), ``GASDESK_DATA_DIR`` (where the embedded database,
logs and backups live), ``GASDESK_CONFIG`` (another config file). Hall-wide business settings
(sale step, fees, thresholds) are not here: they live in the database so every counter agrees.
"""

from __future__ import annotations

import logging
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs

from app.errors import InvalidInput

APP_NAME = "gasdesk"


@dataclass
class LocalConfig:
    data_dir: Path
    db_url: str
    hall_code: str = "01"
    counter_code: str = "1"
    timezone: str = "Asia/Shanghai"
    training: bool = False
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def is_embedded(self) -> bool:
        return self.db_url.startswith("sqlite")


PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600


def secure_data_dir(path: Path) -> None:
    """Create ``path`` (and missing parents) 0700, and tighten an existing one to 0700: the
    data dir holds the database, its backups and the keys."""
    try:
        path.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR)
    except OSError as error:
        raise InvalidInput("无法创建数据目录", f"data dir {path}: {error}") from error
    try:
        if os.name == "posix" and path.stat().st_mode & 0o077:
            path.chmod(PRIVATE_DIR)
    except OSError as error:  # not ours to change (a shared folder): still usable
        logging.getLogger(__name__).warning("cannot make %s private: %s", path, error)


def secure_file(path: Path, *, create: bool = False) -> None:
    """Make ``path`` 0600 (created empty with that mode when ``create`` and missing)."""
    try:
        if create and not path.exists():
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE))
    except FileExistsError:
        pass  # made meanwhile by another process
    except OSError as error:
        raise InvalidInput("无法创建数据库文件", f"{path}: {error}") from error
    try:
        if os.name == "posix" and path.exists() and path.stat().st_mode & 0o077:
            path.chmod(PRIVATE_FILE)
    except OSError as error:  # not ours to change: still usable
        logging.getLogger(__name__).warning("cannot make %s private: %s", path, error)


def default_data_dir() -> Path:
    return Path(os.environ.get("GASDESK_DATA_DIR") or platformdirs.user_data_dir(APP_NAME))


def config_path() -> Path:
    explicit = os.environ.get("GASDESK_CONFIG")
    if explicit:
        return Path(explicit)
    return Path(platformdirs.user_config_dir(APP_NAME)) / "config.toml"


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def load_config(*, training: bool = False) -> LocalConfig:
    """The workstation's configuration; training mode uses its own database file."""
    values: dict[str, object] = {}
    path = config_path()
    if path.exists():
        try:
            values = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise InvalidInput("配置文件格式错误", f"{path}: {exc}") from exc
    configured_dir = str(values.pop("data_dir", "") or "")
    data_dir = Path(configured_dir) if configured_dir else default_data_dir()
    if "GASDESK_DATA_DIR" in os.environ:
        data_dir = Path(os.environ["GASDESK_DATA_DIR"])
    db_name = "training.sqlite3" if training else "gasdesk.sqlite3"
    db_url = str(values.pop("db_url", "") or sqlite_url(data_dir / db_name))
    if not training and os.environ.get("GASDESK_DB_URL"):
        db_url = os.environ["GASDESK_DB_URL"]
    if training:
        db_url = sqlite_url(data_dir / db_name)
    return LocalConfig(
        data_dir=data_dir,
        db_url=db_url,
        hall_code=str(values.pop("hall_code", "01")),
        counter_code=str(values.pop("counter_code", "1")),
        timezone=str(values.pop("timezone", "Asia/Shanghai")),
        training=training,
        extra=values,
    )
