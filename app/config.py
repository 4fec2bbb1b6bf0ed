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
from app.vocabulary import HallMode

APP_NAME = "gasdesk"


@dataclass
class LocalConfig:
    data_dir: Path
    db_url: str
    hall_code: str = "01"
    counter_code: str = "1"
    timezone: str = "Asia/Shanghai"
    training: bool = False
    demo: bool = False  # 演示: nothing configured (or --demo); see ``mode``
    font_scale: int | None = None  # per cent of the base font; None: chosen from the screen
    extra: dict[str, object] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)  # unknown keys, logged once logging is up

    @property
    def is_embedded(self) -> bool:
        return self.db_url.startswith("sqlite")

    @property
    def mode(self) -> HallMode:
        """Training wins over demo; a configured hall is live."""
        if self.training:
            return HallMode.TRAINING
        return HallMode.DEMO if self.demo else HallMode.LIVE


PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600


def secure_data_dir(path: Path) -> None:
    """Create ``path`` (and missing parents) 0700, and tighten an existing one to 0700: the
    data dir holds the database, its backups and the keys."""
    try:
        path.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR)
    except OSError as error:  # read-only, no right, full disk: the same words as the log's
        from app.logging_setup import data_dir_fault

        raise data_dir_fault(path, error) from error
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
        pass  # made meanwhile by another process (any other OSError: bootstrap.system_fault)
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


def config_text_with(text: str, changes: dict[str, object | None]) -> str:
    """``text`` (config.toml as it is, possibly empty) with the top-level keys of ``changes``
    set (a dict: the whole table replaced) or removed (None). Every other key, comment and
    blank line stays as it was written (tomlkit keeps them); ``InvalidInput`` when ``text`` is
    not TOML."""
    import tomlkit
    from tomlkit.exceptions import TOMLKitError

    try:
        document = tomlkit.parse(text)
    except TOMLKitError as exc:
        raise InvalidInput(f"配置文件格式错误（{exc}），请先修正文件", f"config: {exc}") from exc
    for key, value in changes.items():
        if value is None:
            if key in document:
                del document[key]
        elif isinstance(value, dict):
            table = tomlkit.table()
            table.update(value)
            document[key] = table
        else:
            document[key] = value
    return tomlkit.dumps(document)


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


# -- the schema of config.toml ---------------------------------------------------------------

TEXT, PATH, INT, NUMBER, FLAG, TABLE = "text", "path", "int", "number", "flag", "table"


@dataclass(frozen=True)
class Setting:
    """One key of config.toml: its type and, for numbers, the inclusive range. Paths are text
    without control characters; ``relative`` ones are taken inside the data dir, the others
    must be absolute. ``digits``: a bare TOML integer is taken as its digits (hall "01" typed
    as 1 is a common slip)."""

    kind: str
    low: float | None = None
    high: float | None = None
    relative: bool = True
    digits: bool = False
    max_length: int = 1000


SCHEMA: dict[str, Setting] = {
    "data_dir": Setting(PATH, relative=False),
    "db_url": Setting(TEXT),
    "hall_code": Setting(TEXT, digits=True, max_length=20),
    "counter_code": Setting(TEXT, digits=True, max_length=20),
    "timezone": Setting(TEXT, max_length=100),
    "backup_dir": Setting(PATH),
    "backup_keep": Setting(INT, 1, 10_000),
    "backup_every_hours": Setting(NUMBER, 1 / 60, 24 * 366),  # a minute to a year
    "audit_key_file": Setting(PATH),
    "card_key_file": Setting(PATH),
    "font_scale": Setting(INT, 50, 300),  # per cent (the counter's 显示 → 字号 menu)
    "emulated_devices": Setting(FLAG),
    "demo": Setting(FLAG),  # keeps the demo hall a demo once a config.toml is written
    "reader": Setting(TEXT, max_length=200),
    "card_family": Setting(TEXT, max_length=40),  # the reader's card driver (app.devices)
    "printer": Setting(TABLE),  # its keys are checked by app.devices.printer
}


def _has_control(text: str) -> bool:
    """NUL, line breaks, escapes ...: never part of a path, URL or name (a NUL crashes
    ``os.open``, others split or disguise what the file says)."""
    import unicodedata

    return any(unicodedata.category(ch) == "Cc" for ch in text)


def _invalid(key: str, source: str, reason: str, english: str, value: object) -> InvalidInput:
    return InvalidInput(
        f"{source}中 {key} 的值无效：{reason}", f"config {key} = {value!r}: {english}"
    )


def check_setting(
    key: str, value: object, *, data_dir: Path | None = None, source: str = "配置文件"
) -> object:
    """``value`` of config.toml's ``key`` checked against ``SCHEMA`` and normalised (a path
    becomes an absolute ``Path``, resolved inside ``data_dir`` when relative); ``InvalidInput``
    with a Chinese message naming the key otherwise. Unknown keys are returned unchanged."""
    import math

    setting = SCHEMA.get(key)
    if setting is None:
        return value
    if setting.kind in (TEXT, PATH):
        if setting.digits and isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            raise _invalid(key, source, "须为带引号的文本", "must be a string", value)
        if _has_control(value):
            raise _invalid(key, source, "含有控制字符（如 NUL、换行）", "control character", value)
        if len(value) > setting.max_length:
            raise _invalid(
                key, source, f"过长（最多{setting.max_length}个字符）", "too long", value
            )
        if setting.kind == TEXT:
            return value
        if not value.strip():
            raise _invalid(key, source, "路径为空", "empty path", value)
        path = Path(value).expanduser()
        if not path.is_absolute():
            if not setting.relative or data_dir is None:
                raise _invalid(
                    key, source, "须为绝对路径（例如 /srv/gasdesk）", "must be absolute", value
                )
            path = data_dir / path
        return path
    if setting.kind == FLAG:
        if not isinstance(value, bool):
            raise _invalid(key, source, "须为 true 或 false", "must be a boolean", value)
        return value
    if setting.kind == TABLE:
        if not isinstance(value, dict):
            raise _invalid(key, source, f"须为 [{key}] 表", "must be a table", value)
        return value
    kinds = (int,) if setting.kind == INT else (int, float)
    wanted = "整数" if setting.kind == INT else "数字"
    if isinstance(value, bool) or not isinstance(value, kinds):
        raise _invalid(key, source, f"须为{wanted}（不带引号）", f"must be {setting.kind}", value)
    if isinstance(value, float) and not math.isfinite(value):
        raise _invalid(key, source, f"须为有限的{wanted}", "must be finite", value)
    low, high = setting.low, setting.high
    if (low is not None and value < low) or (high is not None and value > high):
        shown = f"{low:g}" if setting.kind == INT or low is None else f"{low:.4g}"
        raise _invalid(
            key, source, f"须在 {shown} 到 {high:g} 之间", f"outside [{low}, {high}]", value
        )
    return value


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


DEMO_DATABASE = "demo.sqlite3"  # the demo hall's own file in the data dir, like training's


def nothing_configured() -> bool:
    """No config.toml and no GASDESK_DB_URL: a new machine, which opens the demo hall."""
    return not config_path().exists() and not os.environ.get("GASDESK_DB_URL")


def load_config(*, training: bool = False, demo: bool = False) -> LocalConfig:
    """The workstation's configuration; training mode and the demo hall use database files of
    their own in the data dir (``training.sqlite3``, ``demo.sqlite3``), whatever ``db_url`` says.

    Demo mode (``mode`` DEMO: the demo hall with the emulated devices, every screen and receipt
    marked 演示) when ``demo`` is asked for (``--demo``), when config.toml says ``demo = true``,
    or when nothing is configured at all (``nothing_configured``); a config file or
    GASDESK_DB_URL without either is a live hall, never a demo by accident.

    Every key of the file is checked here against ``SCHEMA``, before anything opens: a broken
    file, a value of the wrong type, out of range or with control characters, a relative
    ``data_dir``, an unknown ``db_url`` scheme or time zone are ``InvalidInput`` with a
    Chinese message naming the file and the key. Unknown keys are warned about (a typo would
    otherwise be ignored in silence); relative paths are made absolute inside the data dir."""
    values: dict[str, object] = {}
    unconfigured = nothing_configured()
    path = config_path()
    source = f"配置文件 {path} "
    if path.exists():
        values = _read_file(path)
    data_dir = default_data_dir()
    if "data_dir" in values:
        data_dir = check_setting("data_dir", values.pop("data_dir"), source=source)  # type: ignore[assignment]
    if os.environ.get("GASDESK_DATA_DIR"):  # typed in a shell: relative to where it runs
        data_dir = check_setting(  # type: ignore[assignment]
            "data_dir",
            str(Path(os.environ["GASDESK_DATA_DIR"]).absolute()),
            source="环境变量 GASDESK_DATA_DIR ",
        )
    checked = {
        key: check_setting(key, value, data_dir=data_dir, source=source)
        for key, value in values.items()
    }
    warnings = [
        f"{path}: unknown setting {key!r} ignored (known: {', '.join(SCHEMA)})"
        for key in checked
        if key not in SCHEMA
    ]
    for warning in warnings:
        logging.getLogger(__name__).warning("%s", warning)
    db_name = "training.sqlite3" if training else "gasdesk.sqlite3"
    db_url = str(checked.pop("db_url", ""))
    if db_url:
        check_db_url(db_url, source)
    else:
        db_url = sqlite_url(data_dir / db_name)
    if not training and os.environ.get("GASDESK_DB_URL"):
        env_source = "环境变量 GASDESK_DB_URL "
        db_url = str(check_setting("db_url", os.environ["GASDESK_DB_URL"], source=env_source))
        check_db_url(db_url, env_source)
    demo = demo or bool(checked.pop("demo", False)) or unconfigured
    if training:
        db_url = sqlite_url(data_dir / db_name)
    elif demo:  # its own file: demo sales never land in a hall's database, nor its data later
        db_url = sqlite_url(data_dir / DEMO_DATABASE)
    return LocalConfig(
        data_dir=data_dir,
        db_url=db_url,
        hall_code=str(checked.pop("hall_code", "01")),
        counter_code=str(checked.pop("counter_code", "1")),
        timezone=check_timezone(str(checked.pop("timezone", "Asia/Shanghai")), source),
        training=training,
        demo=demo,
        font_scale=checked.pop("font_scale", None),  # type: ignore[arg-type]
        extra=checked,
        warnings=warnings,
    )
