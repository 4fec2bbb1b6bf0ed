"""``gasdesk admin doctor``: is this workstation ready to work? (no Qt)

One ``Check`` per thing a counter needs: the database (reachable, schema revision, SQLite's
pragmas or the PostgreSQL version), the audit and card key files (present, 0600), pcscd and the
configured reader, the receipt printer (its status query) and a CJK font. Each gives one
``CheckResult``; ``run_checks`` runs them in order and ``report_line`` prints each as one line.
Nothing here changes the workstation: no migration, no key made, no mode tightened.

The device states are the status bar's own: ``reader_state`` and ``printer_state`` are what
``CounterSession.status`` shows, and the doctor asks the configured devices through them. Device
and server checks have short time-outs (a printer or a pcscd that does not answer is a failure
after a few seconds, never a hang).
"""

from __future__ import annotations

import dataclasses
import logging
import os
import stat
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, TypeVar

from app.config import PRIVATE_FILE, LocalConfig
from app.devices.cardreader import CardReaderError
from app.vocabulary import CheckOutcome, PrinterState, ReaderState

if TYPE_CHECKING:
    from app.devices.ports import ReceiptPrinter
    from db.engine import Database

log = logging.getLogger(__name__)

T = TypeVar("T")

DB_TIMEOUT_S = 3  # PostgreSQL connect_timeout for the doctor (the counter waits longer)
DEVICE_TIMEOUT_S = 3.0  # a printer's status query, pcscd's reader list
PG_OLDEST = 13  # the oldest PostgreSQL major version GasDesk is tested on


# -- the status bar's device states (CounterSession.status asks these too) ---------------------


class CardSlot(Protocol):
    """What the reader state is asked of: a ``CardReader``, or a bare PC/SC transport."""

    def card_token(self) -> tuple[bool, object] | None: ...


def reader_state(reader: CardSlot | None) -> ReaderState:
    """The reader as the status bar shows it: not configured, ready, card in, or a fault."""
    if reader is None:
        return ReaderState.NOT_CONFIGURED
    try:
        token = reader.card_token()
    except CardReaderError:  # unplugged: the status bar shows the fault
        return ReaderState.FAULT
    if token is None:
        return ReaderState.CONNECTED
    return ReaderState.CARD_PRESENT if token[0] else ReaderState.READY


def printer_state(printer: ReceiptPrinter | None) -> PrinterState:
    """The printer as the status bar shows it (asks the printer: its DLE EOT status)."""
    if printer is None:
        return PrinterState.NOT_CONFIGURED
    return printer.state()


# -- checks --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckResult:
    """What one check found: its outcome and one line about it (Chinese, English in brackets)."""

    outcome: CheckOutcome
    detail: str

    @property
    def ok(self) -> bool:
        return self.outcome is not CheckOutcome.FAILED


def passed(detail: str) -> CheckResult:
    return CheckResult(CheckOutcome.PASSED, detail)


def failed(detail: str) -> CheckResult:
    return CheckResult(CheckOutcome.FAILED, detail)


@dataclass
class Findings:
    """What the checks share: the open database (None when it could not be opened)."""

    config: LocalConfig
    db: Database | None = None

    def close(self) -> None:
        if self.db is not None:
            self.db.dispose()


@dataclass(frozen=True)
class Check:
    """One line of the doctor's report: an English key, the Chinese name, the check itself."""

    key: str
    name: str
    run: Callable[[Findings], CheckResult]


@dataclass(frozen=True)
class Report:
    """Every check with its result, in order."""

    results: tuple[tuple[Check, CheckResult], ...] = field(default=())

    @property
    def ok(self) -> bool:
        return all(result.ok for _check, result in self.results)

    @property
    def failures(self) -> int:
        return sum(not result.ok for _check, result in self.results)


def report_line(check: Check, result: CheckResult) -> str:
    """``✓ 数据库 database: ...`` (✗ for a failure, – for a check that could not run)."""
    sign = {CheckOutcome.PASSED: "✓", CheckOutcome.FAILED: "✗", CheckOutcome.SKIPPED: "–"}
    word = {CheckOutcome.PASSED: "OK", CheckOutcome.FAILED: "FAIL", CheckOutcome.SKIPPED: "SKIP"}
    outcome = result.outcome
    return f"{sign[outcome]} {word[outcome]:<4} {check.name} {check.key}: {result.detail}"


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0][:200] if text else type(error).__name__


def within(seconds: float, work: Callable[[], T]) -> T:
    """``work()`` on a thread of its own, given ``seconds``: ``TimeoutError`` after that (a
    device that never answers leaves only a daemon thread behind, never a hung doctor)."""
    box: dict[str, object] = {}

    def run() -> None:
        try:
            box["value"] = work()
        except BaseException as error:  # handed to the caller
            box["error"] = error

    thread = threading.Thread(target=run, name="doctor-check", daemon=True)
    thread.start()
    thread.join(seconds)
    if thread.is_alive():
        raise TimeoutError(f"no answer within {seconds:g} s")
    if "error" in box:
        raise box["error"]  # type: ignore[misc]
    return box["value"]  # type: ignore[return-value]


# -- the database ------------------------------------------------------------------------------


def doctor_database_url(config: LocalConfig) -> str:
    """The configured URL with a short PostgreSQL connect timeout."""
    from sqlalchemy.engine import make_url

    url = make_url(config.db_url)
    if url.get_backend_name() in ("postgresql", "postgres"):
        url = url.update_query_dict({"connect_timeout": str(DB_TIMEOUT_S)})
    return url.render_as_string(hide_password=False)


def _where(config: LocalConfig) -> str:
    from sqlalchemy.engine import make_url

    url = make_url(config.db_url)
    if config.is_embedded:
        return f"SQLite {url.database}"
    return f"PostgreSQL {url.host or 'localhost'}:{url.port or 5432}/{url.database}"


def check_database(found: Findings) -> CheckResult:
    from app.bootstrap import embedded_database_file, system_fault
    from db.engine import open_database

    config = found.config
    database_file = embedded_database_file(config)
    if database_file is not None and not database_file.is_file():  # opening would create it
        return failed(
            f"数据库文件 {database_file} 不存在，请先启动 GasDesk 或运行 gasdesk admin db upgrade"
            f" (database file missing)"
        )
    db = None
    try:
        db = open_database(doctor_database_url(config))
        with db.engine.connect() as connection:
            connection.exec_driver_sql("SELECT 1")
    except Exception as error:
        if db is not None:
            db.dispose()
        fault = system_fault(error, config)
        words = fault.user_message if fault is not None else type(error).__name__
        return failed(f"{_where(config)}：{words} ({_first_line(error)})")
    found.db = db
    return passed(f"{_where(config)} 可以连接 (reachable)")


def _skipped() -> CheckResult:
    return CheckResult(CheckOutcome.SKIPPED, "数据库不可用，未检查 (database not reachable)")


def check_schema(found: Findings) -> CheckResult:
    from db import migrate

    if found.db is None:
        return _skipped()
    current, head = migrate.current_revision(found.db), migrate.head_revision()
    if current == head:
        return passed(f"结构版本 {current} 为最新 (revision {current} is head)")
    if current is None:
        return failed(f"数据库尚未建立结构，最新为 {head} (no schema; head {head})")
    return failed(
        f"结构版本 {current}，最新为 {head}，请运行 gasdesk admin db upgrade"
        f" (revision {current}, head {head})"
    )


def check_engine(found: Findings) -> CheckResult:
    """SQLite: WAL, synchronous FULL, foreign keys; PostgreSQL: the server's version."""
    if found.db is None:
        return _skipped()
    with found.db.engine.connect() as connection:
        if found.config.is_embedded:
            journal = str(connection.exec_driver_sql("PRAGMA journal_mode").scalar()).lower()
            synchronous = connection.exec_driver_sql("PRAGMA synchronous").scalar()
            foreign = connection.exec_driver_sql("PRAGMA foreign_keys").scalar()
            wrong = [
                *([f"journal_mode={journal}（应为 wal）"] if journal != "wal" else []),
                *([f"synchronous={synchronous}（应为 2 FULL）"] if synchronous != 2 else []),
                *([f"foreign_keys={foreign}（应为 1）"] if foreign != 1 else []),
            ]
            if wrong:
                return failed("SQLite 设置不对：" + "，".join(wrong) + " (pragmas)")
            return passed("SQLite WAL，synchronous=FULL，外键约束开启 (pragmas)")
        number = int(connection.exec_driver_sql("SHOW server_version_num").scalar())
        version = str(connection.exec_driver_sql("SHOW server_version").scalar())
    if number // 10000 < PG_OLDEST:
        return failed(f"PostgreSQL {version} 过旧，至少需要 {PG_OLDEST} (version)")
    return passed(f"PostgreSQL {version} (version)")


# -- the key files ------------------------------------------------------------------------------


def key_file_result(path: Path, what: str, what_en: str) -> CheckResult:
    """Present, a regular file, mode 0600 (read as it is: the doctor tightens nothing)."""
    try:
        info = path.stat()
    except FileNotFoundError:
        return failed(f"{what}文件 {path} 不存在 ({what_en} file missing)")
    except OSError as error:
        return failed(f"{what}文件 {path} 无法读取：{error.strerror} ({what_en}: {error})")
    if not stat.S_ISREG(info.st_mode):
        return failed(f"{path} 不是文件 ({what_en} is not a file)")
    mode = stat.S_IMODE(info.st_mode)
    if os.name == "posix" and mode != PRIVATE_FILE:
        return failed(
            f"{what}文件 {path} 的权限为 {mode:04o}，应为 0600（chmod 600 {path}）"
            f" ({what_en} mode {mode:04o}, expected 0600)"
        )
    if not os.access(path, os.R_OK):
        return failed(f"{what}文件 {path} 无权读取 ({what_en} not readable)")
    return passed(f"{path} 存在，权限 0600 ({what_en} present, 0600)")


def check_audit_key(found: Findings) -> CheckResult:
    from app.auditkey import audit_key_path

    return key_file_result(audit_key_path(found.config), "审计密钥", "audit key")


def check_card_key(found: Findings) -> CheckResult:
    from app.cardkey import card_key_path

    config = found.config
    if _emulated(config):
        # the emulated cards use their own key (utility TRNG), made on first use
        path = card_key_path(dataclasses.replace(config, training=True))
        if not path.exists():
            return passed(
                f"{_why_emulated(config)}：模拟卡密钥 {path} 将在首次使用时生成"
                " (emulated card key, made on first use)"
            )
        return key_file_result(path, "模拟卡密钥", "emulated card key")
    return key_file_result(card_key_path(config), "燃气卡密钥", "card key")


# -- the devices --------------------------------------------------------------------------------


def _emulated(config: LocalConfig) -> bool:
    return config.mode.emulated or bool(config.extra.get("emulated_devices"))


def _why_emulated(config: LocalConfig) -> str:
    """演示模式 / 培训模式, or the emulated_devices setting of a live counter."""
    return config.mode.label if config.mode.emulated else "config.toml emulated_devices"


def check_reader(found: Findings) -> CheckResult:
    config = found.config
    if _emulated(config):
        return passed(f"{_why_emulated(config)}：模拟读卡器和IC卡 (emulated reader)")
    name = config.extra.get("reader")
    if not name:
        return failed(
            f"{reader_state(None).label}读卡器：请在 config.toml 中设置 reader"
            " (no reader configured)"
        )
    # when asked: the PC/SC module (fcntl, pyscard) is no import for every start
    from app.devices.pcsc import PcscUnavailable, list_readers

    try:
        readers = within(DEVICE_TIMEOUT_S, list_readers)
    except PcscUnavailable as error:  # pyscard missing or pcscd not answering
        return failed(f"{error.user_message} ({error})")
    except Exception as error:  # no answer within the time-out
        return failed(f"无法连接 pcscd 智能卡服务：{error} (pcscd not reachable)")
    if not readers:
        return failed(f"pcscd 正常，但未发现读卡器（应有 {name}） (pcscd lists no readers)")
    if str(name) not in readers:
        return failed(
            f"未找到读卡器 {name}；pcscd 列出：{'，'.join(readers)} (configured reader not listed)"
        )
    state = within(DEVICE_TIMEOUT_S, lambda: _configured_reader_state(config, str(name)))
    if state is ReaderState.FAULT:
        return failed(f"读卡器 {name}：{state.label} (reader {state.value})")
    return passed(f"pcscd 正常，读卡器 {name}：{state.label} (reader {state.value})")


def _configured_reader_state(config: LocalConfig, name: str) -> ReaderState:
    """The configured reader's slot asked as the status bar asks it (no card key needed: the
    card key has a line of its own)."""
    from app.devices.pcsc import PcscTransport

    transport = PcscTransport(name, timeout=DEVICE_TIMEOUT_S)
    try:
        return reader_state(transport)
    finally:
        transport.close()


def check_makers(found: Findings) -> CheckResult:
    """Each of the hall's card makers: its entry valid, its library there and loaded by a host
    process, which answers CheckGasCard (no password) within the time-out."""
    config = found.config
    if _emulated(config):
        return passed(f"{_why_emulated(config)}：不使用厂家卡动态库 (makers not used)")
    if found.db is None:
        return _skipped()
    from app.policy import load_card_makers

    with found.db.readers() as session:
        entries = load_card_makers(session)
    if not entries:
        return passed("未配置厂家卡，只用本公司格式的卡 (no card makers configured)")
    from app.devices.makers.client import MakerHost
    from app.devices.makers.config import counter_maker

    answers, problems = [], []
    for entry in entries:
        code = str(entry.get("code"))
        try:
            maker = counter_maker(entry, config.extra)
            with MakerHost.for_maker(maker, timeout=10) as host:
                rc = host.call("CheckGasCard", {"com": maker.port, "baud": maker.baud}).rc
        except Exception as error:  # a bad entry, a missing library, a host that hangs
            problems.append(f"{code}：{getattr(error, 'user_message', '') or _first_line(error)}")
            continue
        seen = {0: "有卡", 1: "工具卡", -4: "无卡"}.get(rc, f"返回 {rc}")
        answers.append(f"{maker.name}（COM{maker.port}，{seen}）")
    if problems:
        return failed("；".join(problems) + " (card maker library not usable)")
    return passed("厂家动态库正常：" + "，".join(answers) + " (card makers answer)")


def check_printer(found: Findings) -> CheckResult:
    from app.devices.printer import printer_from_config

    config = found.config
    if _emulated(config):
        return passed(f"{_why_emulated(config)}：ESC/POS 打印机仿真器 (emulated printer)")
    values = config.extra.get("printer")
    if not isinstance(values, dict):
        return failed(
            f"{printer_state(None).label}打印机：请在 config.toml 中设置 [printer]"
            " (no printer configured)"
        )
    try:
        printer = printer_from_config(values, timeout=DEVICE_TIMEOUT_S)
    except Exception as error:
        words = getattr(error, "user_message", str(error))
        return failed(f"打印机配置错误：{words} ({error})")
    try:
        state = within(DEVICE_TIMEOUT_S * 2, lambda: printer_state(printer))
    except TimeoutError:
        state = PrinterState.UNREACHABLE
    if not state.can_print:
        return failed(f"打印机 {printer.name}：{state.label} (printer {state.value})")
    return passed(f"打印机 {printer.name}：{state.label} (printer {state.value})")


def check_font(found: Findings) -> CheckResult:
    from app.fonts import MissingFont, find_cjk_font

    try:
        path = find_cjk_font(embeddable=True)
    except MissingFont as error:
        return failed(f"{error.user_message} ({error})")
    return passed(f"{path} (CJK TrueType font)")


CHECKS: tuple[Check, ...] = (
    Check("database", "数据库连接", check_database),
    Check("schema", "数据库结构版本", check_schema),
    Check("engine", "数据库设置", check_engine),
    Check("audit_key", "审计密钥", check_audit_key),
    Check("card_key", "燃气卡密钥", check_card_key),
    Check("reader", "读卡器", check_reader),
    Check("makers", "厂家卡动态库", check_makers),
    Check("printer", "打印机", check_printer),
    Check("font", "中文字体", check_font),
)


def run_checks(
    config: LocalConfig,
    checks: Sequence[Check] = CHECKS,
    *,
    on_result: Callable[[Check, CheckResult], None] | None = None,
) -> Report:
    """Every check in order (``on_result`` is told each as it comes: a slow device shows where
    the doctor is); a check that raises is a failure with the reason, never a traceback (the
    doctor is what one runs when things are broken)."""
    found = Findings(config)
    results = []
    try:
        for check in checks:
            try:
                result = check.run(found)
            except Exception as error:
                log.debug("check %s raised", check.key, exc_info=True)
                words = getattr(error, "user_message", None) or type(error).__name__
                result = failed(f"{words} ({_first_line(error)})")
            results.append((check, result))
            if on_result is not None:
                on_result(check, result)
    finally:
        found.close()
    return Report(tuple(results))
