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


def write_private_text(path: Path, text: str) -> None:
    """Write ``path`` 0600 in a 0700 directory, atomically (a temporary file renamed over it):
    config.toml may carry a PostgreSQL password in ``db_url``."""
    import tempfile

    secure_data_dir(path.parent)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")  # 0600
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    secure_file(path)


def default_data_dir() -> Path:
    return Path(os.environ.get("GASDESK_DATA_DIR") or platformdirs.user_data_dir(APP_NAME))


def config_path() -> Path:
    explicit = os.environ.get("GASDESK_CONFIG")
    if explicit:
        return Path(explicit)
    return Path(platformdirs.user_config_dir(APP_NAME)) / "config.toml"


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def _read_file(path: Path) -> dict[str, object]:
    """The TOML table in ``path``; a clear error for a file that is not UTF-8 TOML."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InvalidInput(
            f"无法读取配置文件 {path}：{exc.strerror or exc}", f"{path}: {exc}"
        ) from exc
    try:
        return tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise InvalidInput(
            f"配置文件格式错误：{path} 不是文本文件（须为 UTF-8 编码的 TOML）", f"{path}: {exc}"
        ) from exc
    except tomllib.TOMLDecodeError as exc:
        raise InvalidInput(f"配置文件格式错误：{path}（{exc}）", f"{path}: {exc}") from exc


def _text(values: dict[str, object], key: str, default: str, path: Path) -> str:
    """A setting that must be text (a TOML string; a bare number is taken as its digits)."""
    value = values.pop(key, default)
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise InvalidInput(
            f"配置文件 {path} 中 {key} 的值无效：须为带引号的文本",
            f"{key} must be a string, got {type(value).__name__}",
        )
    return str(value)


DB_SCHEMES = ("sqlite", "postgresql", "postgres")


def check_db_url(url: str, source: str) -> str:
    """``url`` when it names a database GasDesk can use (SQLite or PostgreSQL)."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError) as exc:
        raise InvalidInput(
            f"{source}中的数据库地址（db_url）无效：{url!r}",
            f"bad db_url {url!r}: {exc}",
        ) from exc
    if parsed.get_backend_name() not in DB_SCHEMES:
        raise InvalidInput(
            f"{source}中的数据库类型不受支持：{parsed.drivername}（只支持 sqlite 或 postgresql）",
            f"unsupported db_url scheme {parsed.drivername!r}",
        )
    return url


def check_timezone(name: str, source: str) -> str:
    """``name`` when it is an IANA time zone this machine knows (e.g. Asia/Shanghai)."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise InvalidInput(
            f"{source}中的时区无效：{name!r}（例如 Asia/Shanghai）", f"bad timezone {name!r}"
        ) from exc
    return name


def load_config(*, training: bool = False) -> LocalConfig:
    """The workstation's configuration; training mode uses its own database file.

    Every value is checked here, before anything opens: a broken file, a wrong-typed or unknown
    ``db_url`` and an unknown time zone are ``InvalidInput`` with a Chinese message naming the
    file and the setting."""
    values: dict[str, object] = {}
    path = config_path()
    source = f"配置文件 {path} "
    if path.exists():
        values = _read_file(path)
    configured_dir = _text(values, "data_dir", "", path)
    data_dir = Path(configured_dir) if configured_dir else default_data_dir()
    if "GASDESK_DATA_DIR" in os.environ:
        data_dir = Path(os.environ["GASDESK_DATA_DIR"])
    db_name = "training.sqlite3" if training else "gasdesk.sqlite3"
    db_url = _text(values, "db_url", "", path)
    if db_url:
        check_db_url(db_url, source)
    else:
        db_url = sqlite_url(data_dir / db_name)
    if not training and os.environ.get("GASDESK_DB_URL"):
        db_url = check_db_url(os.environ["GASDESK_DB_URL"], "环境变量 GASDESK_DB_URL ")
    if training:
        db_url = sqlite_url(data_dir / db_name)
    return LocalConfig(
        data_dir=data_dir,
        db_url=db_url,
        hall_code=_text(values, "hall_code", "01", path),
        counter_code=_text(values, "counter_code", "1", path),
        timezone=check_timezone(_text(values, "timezone", "Asia/Shanghai", path), source),
        training=training,
        extra=values,
    )
